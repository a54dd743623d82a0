"""Paid leave: sick-leave laws as dated data and the pure accrual engine (engine.py, data/laws/), balances,
requests and cases."""
