"""Payroll operations services: the only place runs, timesheets, paychecks, ledger and payments change."""
from .calc import calculate_chunk, plan_chunks  # noqa: F401
from .ledger import trial_balance, unbalanced_entries  # noqa: F401
from .payments import create_payments, generate_nacha, record_return, reissue_payment  # noqa: F401
from .runs import (add_adjustment, approve_run, create_off_cycle_run, create_regular_run, finalize_run,  # noqa: F401
                   mark_paid, pre_run_checks, record_rate_change, reissue_paycheck, resume_calculation,
                   reverse_paycheck, reverse_run, start_calculation, update_run)
from .schedules import create_schedule, month_calendar, period_and_pay_date, update_schedule  # noqa: F401
from .timesheets import (approve_timesheet, clean_timesheet, import_timesheets, reject_timesheet,  # noqa: F401
                         save_timesheet, submit_timesheet)
