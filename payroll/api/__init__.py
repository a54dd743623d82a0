"""Payroll operations API: pay schedules, timesheets, payroll runs (with progress and NACHA), paychecks and paystubs.

One blueprint (common.blp); the route modules are imported in order by payroll.init_app so they register as before."""
