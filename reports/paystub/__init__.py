"""Paystub view model: every figure a US paystub shows, masked and checked to add up (pure; no PDF library)."""
