"""Tandem back office: the application shell and the shared kernel."""
