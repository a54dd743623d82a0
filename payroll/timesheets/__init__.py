"""Timesheets: weekly time and piece units, entered, imported, submitted, approved and paid once."""
