"""Payroll operations API: request and response schemas (runs, paychecks, timesheets, pay schedules)."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from backoffice.api.fields import Day, Id, Number, Page, PerPage
from backoffice.money import HOURS, RATE, UNITS
from payroll.models import RUN_KINDS, RUN_STATES, TIMESHEET_STATUSES
from payroll.services import schedules


class PageArgs(Schema):
    page = Page()
    per_page = PerPage()


class RunArgs(PageArgs):
    state = fields.String(load_default=None, validate=validate.OneOf(RUN_STATES))
    kind = fields.String(load_default=None, validate=validate.OneOf(RUN_KINDS))


class RunOut(Schema):
    id = fields.Integer()
    kind = fields.String()
    state = fields.String()
    pay_schedule_id = fields.Integer(allow_none=True)
    frequency = fields.String()
    period_start = fields.Date()
    period_end = fields.Date()
    pay_date = fields.Date()
    description = fields.String()
    prepared_by_id = fields.Integer(allow_none=True)
    approved_by_id = fields.Integer(allow_none=True)
    reverses_run_id = fields.Integer(allow_none=True)
    chunks_total = fields.Integer()
    chunks_done = fields.Integer()
    progress_percent = fields.Integer()
    error = fields.String()
    paycheck_count = fields.Integer()
    total_gross = fields.Decimal(as_string=True)
    total_employee_taxes = fields.Decimal(as_string=True)
    total_employer_taxes = fields.Decimal(as_string=True)
    total_deductions = fields.Decimal(as_string=True)
    total_net = fields.Decimal(as_string=True)


class RunPage(Schema):
    items = fields.List(fields.Nested(RunOut))
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()


class RunIn(Schema):
    kind = fields.String(validate=validate.OneOf(("regular", "bonus", "correction", "final")),
                         metadata={"description": "regular (default) or an off-cycle kind"})
    schedule_id = Id(metadata={"description": "regular runs: the pay schedule"})
    period_containing = Day(metadata={"description": "regular runs: any day of the period to pay"})
    pay_date = Day(metadata={"description": "off-cycle runs"})
    frequency = fields.String(metadata={"description": "off-cycle runs: withholding frequency (default biweekly)"})
    description = fields.String()
    items = fields.List(fields.Dict(), metadata={"description": "off-cycle runs: [{engagement_id, code, amount, note}]"})
    confirm_past_pay_date = fields.Boolean(metadata={"description": "create the run although its pay date is today "
                                                                    "or already past (otherwise a 422 on pay_date)"})


class ReasonIn(Schema):
    reason = fields.String()


class RequiredReasonIn(Schema):
    reason = fields.String(required=True, metadata={"description": "why (at most 500 characters); the worker and "
                                                                   "HR read it"})


class ReversalRequestOut(Schema):
    """A request to reverse a paid run (paycheck_id null) or one paycheck; a different user carries it out."""
    id = fields.Integer()
    run_id = fields.Integer()
    paycheck_id = fields.Integer(allow_none=True)
    reason = fields.String()
    status = fields.String()
    requested_by_id = fields.Integer()
    approved_by_id = fields.Integer(allow_none=True)
    reversal_run_id = fields.Integer(allow_none=True)


class IssueOut(Schema):
    field = fields.String()
    message = fields.String()
    code = fields.String()


class RunExceptionOut(Schema):
    worker_id = fields.Integer()
    worker_name = fields.String()
    engagement_id = fields.Integer(allow_none=True)
    code = fields.String()
    message = fields.String()
    action = fields.String(metadata={"description": "hold (left out of the run, paid later), note (paid, stated) or "
                                                    "assess (paid as its type; HR assesses the classification)"})
    held = fields.Boolean()


class ChecksOut(Schema):
    run_id = fields.Integer()
    blocking = fields.Boolean()
    issues = fields.List(fields.Nested(IssueOut), metadata={"description": "run-level problems that block the run"})
    exceptions = fields.List(fields.Nested(RunExceptionOut),
                             metadata={"description": "per-paycheck problems: they hold or annotate one paycheck"})


class HoldIn(Schema):
    worker_id = fields.Integer(required=True)
    reason = fields.String(required=True)


class HoldOut(Schema):
    id = fields.Integer()
    run_id = fields.Integer()
    worker_id = fields.Integer()
    code = fields.String()
    reason = fields.String()
    released_run_id = fields.Integer(allow_none=True)


class PayHoldsIn(Schema):
    pay_date = fields.Date(required=True)
    confirm_past_pay_date = fields.Boolean(metadata={"description": "pay although the date is today or already "
                                                                    "past (otherwise a 422 on pay_date)"})


class ProgressOut(Schema):
    state = fields.String()
    chunks_done = fields.Integer()
    chunks_total = fields.Integer()
    percent = fields.Integer()
    error = fields.String()


class LineOut(Schema):
    kind = fields.String()
    code = fields.String()
    state = fields.String()
    amount = fields.Decimal(as_string=True)
    hours = fields.Decimal(as_string=True, allow_none=True)
    rate = fields.Decimal(as_string=True, allow_none=True)
    engagement_id = fields.Integer(allow_none=True, metadata={"description": "earning lines: where it was earned"})
    client_id = fields.Integer(allow_none=True)
    explanation = fields.List(fields.String())


class PaycheckOut(Schema):
    id = fields.Integer()
    run_id = fields.Integer()
    engagement_id = fields.Integer(allow_none=True, metadata={
        "description": "set when the paycheck pays one engagement; its earning lines name theirs otherwise"})
    client_id = fields.Integer(allow_none=True)
    worker_id = fields.Integer()
    kind = fields.String()
    worker_type = fields.String()
    work_state = fields.String()
    period_start = fields.Date()
    period_end = fields.Date()
    pay_date = fields.Date()
    gross = fields.Decimal(as_string=True)
    employee_taxes = fields.Decimal(as_string=True)
    employer_taxes = fields.Decimal(as_string=True)
    deductions = fields.Decimal(as_string=True)
    net = fields.Decimal(as_string=True)
    qualified_overtime_premium = fields.Decimal(as_string=True, metadata={
        "description": "the FLSA overtime premium of this paycheck (W-2 box 12 code TT, 2026+)"})
    reverses_id = fields.Integer(allow_none=True)
    reissue_of_id = fields.Integer(allow_none=True)


class ManualCheckIn(Schema):
    """A paper check that paid a paycheck's unpaid net."""
    check_number = fields.String(required=True, metadata={"description": "the number printed on the check "
                                                                        "(digits; unique per agency)"})
    check_date = Day(required=True)
    amount = Number(required=True, metadata={"description": "the paycheck's unpaid net (of payment_id when given)"})
    payment_id = fields.Integer(metadata={"description": "optional: the one held/returned/unfiled payment it pays"})


class PaymentOut(Schema):
    """A payment of a paycheck: a direct deposit (method ach) or a paper check (method check)."""
    id = fields.Integer()
    run_id = fields.Integer()
    paycheck_id = fields.Integer()
    worker_id = fields.Integer()
    method = fields.String()
    part = fields.Integer()
    amount = fields.Decimal(as_string=True)
    status = fields.String()
    check_number = fields.String(allow_none=True)
    check_date = fields.Date(allow_none=True)
    reissue_of_id = fields.Integer(allow_none=True)
    void_reason = fields.String()


class RateChangeIn(Schema):
    rate = Number(RATE, required=True, metadata={"description": "the new pay rate (per the engagement's unit)"})
    effective_date = Day(required=True, metadata={"description": "today or earlier; earlier shows the retro pay"})
    note = fields.String()


class RetroLineOut(Schema):
    code = fields.String()
    hours = fields.Decimal(as_string=True, allow_none=True)
    paid_rate = fields.Decimal(as_string=True, allow_none=True)
    difference = fields.Decimal(as_string=True)
    explanation = fields.String()


class RetroPaycheckOut(Schema):
    paycheck_id = fields.Integer()
    pay_date = fields.Date()
    period_start = fields.Date()
    period_end = fields.Date()
    included = fields.Boolean(metadata={"description": "false: the period starts before the effective date"})
    reason = fields.String()
    difference = fields.Decimal(as_string=True)
    lines = fields.List(fields.Nested(RetroLineOut))


class RetroOut(Schema):
    total = fields.Decimal(as_string=True)
    paychecks = fields.List(fields.Nested(RetroPaycheckOut))
    explanation = fields.List(fields.String())


class RateChangeOut(Schema):
    """A pay rate of an engagement from a date, and the retro decision on pay already written."""
    id = fields.Integer()
    engagement_id = fields.Integer()
    rate = fields.Decimal(as_string=True)
    previous_rate = fields.Decimal(as_string=True, allow_none=True)
    effective_date = fields.Date()
    note = fields.String()
    retro_status = fields.String()
    retro_amount = fields.Decimal(as_string=True, allow_none=True)
    retro = fields.Nested(RetroOut)


class AdjustmentOut(Schema):
    id = fields.Integer()
    engagement_id = fields.Integer()
    code = fields.String()
    amount = fields.Decimal(as_string=True)
    status = fields.String()
    note = fields.String()
    rate_change_id = fields.Integer(allow_none=True)
    run_id = fields.Integer(allow_none=True)
    paycheck_id = fields.Integer(allow_none=True)


class PaycheckDetail(PaycheckOut):
    lines = fields.List(fields.Nested(LineOut))
    workers_comp = fields.List(fields.Nested("WorkersCompPremiumOut"), metadata={
        "description": "the employer's workers' compensation premium accrued per engagement (an employer cost, not a "
                       "paycheck line; Dr 6400 / Cr 2600); only for roles that may read workers' comp premiums"})
    taxable_wages = fields.Dict(keys=fields.String(), values=fields.Decimal(as_string=True), metadata={
        "description": "the wage base each tax was computed on, by tax code, as the paycheck quote's "
                       "`taxable_wages` (employee: federal_income_tax, social_security, medicare, "
                       "additional_medicare, futa, suta; contractor: backup_withholding); negative on a reversal"})
    ytd = fields.Dict(keys=fields.String(), values=fields.Decimal(as_string=True), metadata={
        "description": "year to date including this paycheck, as the paycheck quote's `ytd` (gross, federal_wages, "
                       "social_security_wages, medicare_wages, futa_wages, suta_wages, deferrals_401k, hsa, fsa, "
                       "supplemental, qualified_overtime_premium, dcfsa, employer_401k)"})


class PaycheckArgs(PageArgs):
    run_id = Id(load_default=None)
    worker_id = Id(load_default=None)


class PaycheckPage(Schema):
    items = fields.List(fields.Nested(PaycheckOut))
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()


class TimesheetOut(Schema):
    id = fields.Integer()
    engagement_id = fields.Integer()
    week_start = fields.Date()
    hours_mon = fields.Decimal(as_string=True)
    hours_tue = fields.Decimal(as_string=True)
    hours_wed = fields.Decimal(as_string=True)
    hours_thu = fields.Decimal(as_string=True)
    hours_fri = fields.Decimal(as_string=True)
    hours_sat = fields.Decimal(as_string=True)
    hours_sun = fields.Decimal(as_string=True)
    units = fields.Decimal(as_string=True)
    total_hours = fields.Decimal(as_string=True)
    status = fields.String()
    source = fields.String()
    paid_run_id = fields.Integer(allow_none=True)
    reason = fields.String(metadata={"description": "why the sheet came back, while it is rejected or disputed"})


class TimesheetEventOut(Schema):
    """One step of a timesheet's approval history."""
    action = fields.String(metadata={"description": "create, save, import, submit, approve, reject or dispute"})
    from_status = fields.String(allow_none=True)
    to_status = fields.String()
    reason = fields.String()
    by = fields.String(attribute="who", metadata={"description": "the user's name (or email)"})
    by_role = fields.Function(lambda e: e.user.role if e.user is not None else None, allow_none=True)
    at = fields.DateTime()


class TimesheetDetailOut(TimesheetOut):
    """A timesheet with its reasons and its approval history (oldest step first)."""
    rejected_reason = fields.String()
    disputed_reason = fields.String()
    history = fields.List(fields.Nested(TimesheetEventOut))


class TimesheetIn(Schema):
    engagement_id = Id(required=True)
    week_start = Day(required=True, metadata={"description": "a Monday"})
    mon = Number(HOURS)
    tue = Number(HOURS)
    wed = Number(HOURS)
    thu = Number(HOURS)
    fri = Number(HOURS)
    sat = Number(HOURS)
    sun = Number(HOURS)
    units = Number(UNITS)
    note = fields.String()


class TimesheetArgs(PageArgs):
    status = fields.String(load_default=None, validate=validate.OneOf(TIMESHEET_STATUSES))
    engagement_id = Id(load_default=None)


class TimesheetPage(Schema):
    items = fields.List(fields.Nested(TimesheetOut))
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()


class ScheduleOut(Schema):
    id = fields.Integer()
    name = fields.String()
    frequency = fields.String()
    anchor_start = fields.Date()
    pay_lag_days = fields.Integer()
    active = fields.Boolean()


class ScheduleIn(Schema):
    name = fields.String(required=True)
    frequency = fields.String(required=True, validate=validate.OneOf(schedules.FREQUENCIES))
    anchor_start = Day(required=True)
    pay_lag_days = fields.Integer(validate=validate.Range(min=0, max=31))
    active = fields.Boolean()


# ------------------------------------------------------------------------------------------------ workers' comp
class WorkersCompClassArgs(PageArgs):
    state = fields.String(load_default=None, validate=validate.Length(equal=2),
                          metadata={"description": "two-letter state code"})
    class_code = fields.String(load_default=None, validate=validate.Length(min=3, max=8))
    on = Day(load_default=None, metadata={"description": "only the rates in force on this date (effective_from <= "
                                                         "on <= effective_to, inclusive); without it, every rate "
                                                         "with its history"})


class WorkersCompClassOut(Schema):
    id = fields.Integer()
    state = fields.String()
    class_code = fields.String()
    description = fields.String()
    basis = fields.String(metadata={"description": "payroll (rate per $100 of payroll) or hours (rate per hour "
                                                   "worked: Washington)"})
    rate_per_100 = fields.Decimal(as_string=True, allow_none=True)
    rate_per_hour = fields.Decimal(as_string=True, allow_none=True)
    effective_from = fields.Date()
    effective_to = fields.Date(allow_none=True, metadata={"description": "inclusive; null: until replaced"})
    source = fields.String(metadata={"description": "where the figure comes from (or 'illustrative demo data')"})


class WorkersCompClassPage(Schema):
    items = fields.List(fields.Nested(WorkersCompClassOut))
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()


class WorkersCompPremiumOut(Schema):
    engagement_id = fields.Integer()
    client_id = fields.Integer(allow_none=True)
    state = fields.String()
    class_code = fields.String()
    wages = fields.Decimal(as_string=True, metadata={
        "description": "payroll subject to premium: gross wages less the overtime premium where the state excludes it"})
    overtime_excluded = fields.Decimal(as_string=True)
    hours = fields.Decimal(as_string=True, allow_none=True, metadata={"description": "hours worked (WA only)"})
    rate_per_100 = fields.Decimal(as_string=True, allow_none=True)
    rate_per_hour = fields.Decimal(as_string=True, allow_none=True)
    premium = fields.Decimal(as_string=True, metadata={"description": "negative on a reversal"})
