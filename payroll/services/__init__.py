"""Payroll operations services: the only place runs, paychecks, ledger and payments change."""
