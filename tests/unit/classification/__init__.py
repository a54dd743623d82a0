"""Unit tests of the pure worker-classification engine."""
