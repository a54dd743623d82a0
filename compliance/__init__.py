"""Compliance: filings (941, 940, W-2/W-3, 1099-NEC, ACA), calendar and checks."""
