"""Payroll: the pure gross-to-net engine, runs, payments and paystubs."""
