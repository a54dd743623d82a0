"""Gross to net for one pay period: earnings, pre-tax deductions, federal/FICA/state taxes, FUTA/SUTA, post-tax."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from types import MappingProxyType
from typing import Any, Final, Mapping

from backoffice.errors import DomainError
from backoffice.money import D, ZERO

from .contributions import employer_contributions
from .deductions import apply_posttax, apply_pretax, posttax_order, requested_amount
from .earnings import EarningsTotals, sum_earnings
from .federal import backup_withholding, federal_income_tax
from .hotpath import cents, federal_filing_status, make_line, periods_per_year, record, record_fields
from .locals import LocalContext, compute_local_taxes, compute_site_local_taxes, local_taxes_due, place_names
from .model import CONTRACTOR_POSTTAX_CODES, Line, PaycheckInput, PaycheckResult, Pct, W4, YearToDate
from .states import StateContext, state_lines, suta_wage_base
from .tables import TaxTables

_Z: Final = D(0)
_DEFAULT_W4 = W4()
_NO_MAP: Final[Mapping[Any, Any]] = MappingProxyType({})   # a read-only empty mapping, shared by every paycheck without local taxes
_PROXY: Final = MappingProxyType     # Final: a C static in the compiled build (a module global is a dict lookup)
# the records _employee builds with every field, in field order (hotpath.record)
_CONTEXT_FIELDS: Final = record_fields(StateContext)
_YTD_FIELDS: Final = record_fields(YearToDate)
_RESULT_FIELDS: Final = record_fields(PaycheckResult)


def calculate_paycheck(inp: PaycheckInput, tables: TaxTables) -> PaycheckResult:
    """One paycheck, exact to the cent, every line explained. `tables` must be the tables of inp.pay_date's year."""
    f: dict[str, Any] = inp.__dict__     # the input's fields, read from its __dict__ (_employee says why)
    pay_date: date = f["pay_date"]
    if tables.year != pay_date.year:
        raise DomainError(f"tables for {tables.year} given for a pay date in {pay_date.year}")
    earnings = sum_earnings(f["earnings"])
    worker_type: str = f["worker_type"]
    if worker_type == "contractor":
        return _contractor(inp, tables, earnings)
    if worker_type != "employee":
        raise DomainError(f"unknown worker type {worker_type!r}")
    return _employee(inp, tables, earnings)


def _contractor(inp: PaycheckInput, t: TaxTables, earnings: EarningsTotals) -> PaycheckResult:
    if inp.pretax_deductions:
        raise DomainError("contractors have no pre-tax deductions")
    if inp.employer_contributions:
        raise DomainError("contractors have no employer contributions")
    payment = earnings.wages
    taxes: tuple[Line, ...] = ()
    if inp.tin_missing_or_flagged:
        amount, steps = backup_withholding(payment, t)
        taxes = (make_line("backup_withholding", amount, steps),)
    withheld = taxes[0].amount if taxes else ZERO
    available = payment - withheld
    deductions = []
    for d in posttax_order(inp.posttax_deductions):
        if d.code not in CONTRACTOR_POSTTAX_CODES:
            raise DomainError(f"deduction {d.code} does not apply to a contractor")
        amount, rsteps = requested_amount(d, payment, "the payment")
        steps = rsteps + ((d.code.replace("_", " ").capitalize() + " requested {}", amount),)
        if amount > available:
            steps += (("Reduced to {} so the payment does not go below zero", available),)
            amount = available
        available -= amount
        deductions.append(make_line(d.code, amount, steps, ref=d.ref))
    deducted = sum((x.amount for x in deductions), ZERO)
    gross = earnings.gross
    ytd = inp.ytd
    new_ytd = YearToDate(gross=ytd.gross + payment, supplemental=ytd.supplemental + earnings.supplemental)
    return PaycheckResult(         # positional, in field order, as _employee's (no default factory run)
        gross, earnings.lines, taxes, (),                # gross, earnings, employee_taxes, employer_taxes
        tuple(deductions), gross - withheld - deducted,  # deductions, net
        _PROXY({"backup_withholding": payment if taxes else ZERO}),   # taxable_wages
        new_ytd, ZERO, t.year, (),                       # ytd, qualified_overtime_premium, tax_year, contributions
        _NO_MAP, _NO_MAP, _NO_MAP, None)                 # state_wages, local_wages, local_names, localities


def _employee(inp: PaycheckInput, t: TaxTables, earnings: EarningsTotals) -> PaycheckResult:
    # Each field of the input records read once, from the record's __dict__, where quick_init stores it (model.py):
    # a dict lookup in C, where an attribute read of a Python record from compiled code looks the name up through
    # the class first (about four times the instructions, some 40 reads a paycheck; the records stay as they are).
    f: dict[str, Any] = inp.__dict__
    ytd: YearToDate = f["ytd"]
    y: dict[str, Any] = ytd.__dict__
    w4 = f["w4"]
    if w4 is None:
        w4 = _DEFAULT_W4
    periods = periods_per_year(f["pay_frequency"])
    wages = earnings.wages
    supplemental = earnings.supplemental
    birth_date = f["birth_date"]
    work_state = f["work_state"]
    aggregate_supplemental = f["aggregate_supplemental"]
    contribution_requests = f["employer_contributions"]
    office_state = f["office_state"]
    pay_date = f["pay_date"]
    period_end = f["period_end"]
    period_start = f["period_start"]
    posttax_deductions = f["posttax_deductions"]
    pretax_deductions = f["pretax_deductions"]
    prior_year_fica_wages = f["prior_year_fica_wages"]
    remote_for_convenience = f["remote_for_convenience"]
    residence_locality = f["residence_locality"]
    residence_state = f["residence_state"]
    share_measure = f["share_measure"]
    state_certificates = f["state_certificates"]
    suta_rate = f["suta_rate"]
    work_locality = f["work_locality"]
    work_shares = f["work_shares"]
    ytd_ss_wages, ytd_futa_wages, ytd_suta_wages = y["social_security_wages"], y["futa_wages"], y["suta_wages"]
    ytd_gross, ytd_supplemental, ytd_hsa = y["gross"], y["supplemental"], y["hsa"]

    # --- pre-tax deductions, with annual limits -------------------------------------------------------------
    pre = apply_pretax(pretax_deductions, wages, ytd, birth_date, t, prior_year_fica_wages, periods)
    deductions: list[Line] = list(pre.lines)
    fit_exempt, fica_exempt, by_treatment = pre.fit_exempt, pre.fica_exempt, pre.by_treatment
    deferred, room_in_wages = pre.deferred, pre.wages_left

    # --- wage bases -------------------------------------------------------------------------------------------
    fit_regular = earnings.regular - fit_exempt
    fit_supplemental = supplemental
    if fit_regular < 0:                       # pre-tax deductions larger than regular pay reduce supplemental pay
        fit_supplemental += fit_regular
        fit_regular = _Z
    fit_wages = fit_regular + fit_supplemental
    fica_wages = wages - fica_exempt

    employee_taxes: list[Line] = []
    employer_taxes: list[Line] = []

    # --- social security, Medicare, Additional Medicare --------------------------------------------------------
    ss_room = t.ss_wage_base - ytd_ss_wages
    if ss_room < 0:
        ss_room = _Z
    ss_wages = fica_wages if fica_wages <= ss_room else ss_room
    ss_ee = cents(ss_wages * t.ss_employee_rate)
    ss_er = cents(ss_wages * t.ss_employer_rate)
    medicare_ee = cents(fica_wages * t.medicare_employee_rate)
    medicare_er = cents(fica_wages * t.medicare_employer_rate)
    threshold = t.addl_medicare_threshold
    before = y["medicare_wages"]
    after = before + fica_wages
    over = (after - threshold if after > threshold else _Z) - (before - threshold if before > threshold else _Z)
    addl = cents(over * t.addl_medicare_rate)
    # one deferred step a line, built from the figures: the words are spelled out only when read (_fica_steps)
    fica = (t, wages, fica_exempt, fica_wages, ytd_ss_wages, ss_wages)
    employee_taxes_fica = [
        make_line("social_security", ss_ee, ((_FICA_STEPS, "social_security", fica, ss_ee),)),
        make_line("medicare", medicare_ee, ((_FICA_STEPS, "medicare", fica, medicare_ee),)),
        make_line("additional_medicare", addl, ((_ADDL_MEDICARE_STEPS, t, before, after, over, addl),)),
    ]
    employer_taxes.append(make_line("social_security", ss_er, ((_FICA_STEPS, "social_security_er", fica, ss_er),)))
    employer_taxes.append(make_line("medicare", medicare_er, ((_FICA_STEPS, "medicare_er", fica, medicare_er),)))

    # --- federal income tax (before the states: AL and OR subtract it; limited to what is left further down) ---
    fit_steps: list = [("Income tax wages: gross wages {} less pre-tax deductions {} = {}",
                        wages, fit_exempt, fit_wages)]
    fit = cents(federal_income_tax(fit_regular, fit_supplemental, ytd_supplemental, periods, w4,
                                         aggregate_supplemental, t, fit_steps))

    # --- state taxes (the state module; covered states only, an explicit error otherwise) ---------------------
    ctx = record(StateContext, _CONTEXT_FIELDS, (   # every field, in order
        pay_date, periods, work_state, residence_state,
        wages, supplemental,                         # gross, supplemental
        by_treatment, ytd_gross,                     # pretax, ytd_gross
        state_certificates,                          # certificate, nested by state code: {"CA": {...}, "NY": {...}}
        federal_filing_status(w4), birth_date, fit,   # ..., federal_income_tax
        work_shares, share_measure, office_state, remote_for_convenience,
        period_start, period_end,
        earnings.supplemental_other,                 # supplemental_other: commissions (not bonuses)
        f["employer_size"]))                         # employer_size: by state, for programs that depend on it
    state_ee: list[Line] = []
    state_wages: dict[tuple[str, str], Decimal] = {}
    for s in state_lines(ctx, False):          # compute_state_taxes(ctx, explain=False), as native records
        code, state, s_wages = s.code, s.state, s.wages
        line = make_line(code, s.amount, s.explanation, state)  # a deferred step (or plain strings): words on read
        (employer_taxes if s.employer else state_ee).append(line)
        if s_wages is not None:
            state_wages[(code, state)] = s_wages
    local_wages, local_names = _local_lines(f, periods, wages, by_treatment, state_ee, employer_taxes)

    # --- federal income tax, limited to the wages left ------------------------------------------------------
    other_taxes = ss_ee + medicare_ee + addl
    for x in state_ee:
        other_taxes += x.amount
    available = room_in_wages - other_taxes
    if fit > available:
        fit_steps.append(("Wages left after pre-tax deductions, FICA and state taxes are {}; withholding is "
                          "limited to that", available if available > 0 else ZERO))
        fit = available if available > 0 else ZERO
    employee_taxes.append(make_line("federal_income_tax", fit, tuple(fit_steps)))
    employee_taxes.extend(employee_taxes_fica)
    employee_taxes.extend(state_ee)

    # --- FUTA, SUTA (employer) -------------------------------------------------------------------------------
    futa_room = t.futa_wage_base - ytd_futa_wages
    if futa_room < 0:
        futa_room = _Z
    futa_wages = fica_wages if fica_wages <= futa_room else futa_room
    reduction = t.futa_credit_reduction.get(work_state)
    rate = t.futa_net_rate
    if reduction:
        rate = Pct(rate + reduction)
    futa = cents(futa_wages * rate)
    employer_taxes.append(make_line("futa", futa, ((_FUTA_STEPS, t, futa_wages, fica_wages, ytd_futa_wages,
                                                work_state, reduction, rate, futa),)))
    suta_wages = _Z
    if suta_rate is not None:
        base = suta_wage_base(work_state, t.year)
        suta_room = base - ytd_suta_wages
        if suta_room < 0:
            suta_room = _Z
        suta_wages = fica_wages if fica_wages <= suta_room else suta_room
        suta = cents(suta_wages * suta_rate)
        employer_taxes.append(make_line("suta", suta, (
            ("{} unemployment wages: {} of {} (state wage base {}, so far this year {})",
             work_state, suta_wages, fica_wages, base, ytd_suta_wages),
            ("{} × the agency's {} rate {} = {}", suta_wages, work_state, Pct(suta_rate), suta)),
            work_state))

    # --- post-tax deductions: support orders, garnishments, Roth 401(k), loans, other --------------------------
    taxes_total = fit + other_taxes
    disposable = wages - taxes_total
    posttax, roth = apply_posttax(posttax_deductions + pre.deemed_roth, wages, disposable,
                                  room_in_wages - taxes_total, deferred, ytd, birth_date, periods, t)
    deductions.extend(posttax)
    deferred += roth

    # --- employer contributions (401(k) match on the deferral taken, HSA, premiums) ----------------------------
    pre_hsa = pre.hsa
    ytd_deferrals, ytd_employer_401k = y["deferrals_401k"], y["employer_401k"]
    contributions, hsa_employer = employer_contributions(contribution_requests, wages, deferred,
                                                         ytd_hsa + pre_hsa, birth_date, t,
                                                         ytd_deferrals + deferred, ytd_employer_401k)

    employee_total = taxes_total
    deduction_total = _Z
    for x in deductions:
        deduction_total += x.amount
    match = _Z
    for c in contributions:
        if c.code == "401k_match":
            match += c.amount
    gross = earnings.gross
    net = gross - employee_total - deduction_total
    premium = earnings.qualified_overtime_premium
    new_ytd = record(YearToDate, _YTD_FIELDS, (     # every field, in order (gross ... employer_401k)
        ytd_gross + wages,                              # gross wages: reimbursements are not wages
        y["federal_wages"] + fit_wages,
        ytd_ss_wages + ss_wages,
        after,                                          # medicare_wages
        ytd_futa_wages + futa_wages,
        ytd_suta_wages + suta_wages,
        ytd_deferrals + deferred,
        ytd_hsa + pre_hsa + hsa_employer,               # employee and employer: one IRC 223 limit
        y["fsa"] + pre.fsa,
        ytd_supplemental + supplemental,
        y["qualified_overtime_premium"] + premium,
        y["dcfsa"] + pre.dcfsa,
        ytd_employer_401k + match,
    ))
    taxable = _PROXY({
        "federal_income_tax": fit_wages, "social_security": ss_wages, "medicare": fica_wages,
        "additional_medicare": over, "futa": futa_wages, "suta": suta_wages,
    })
    return record(PaycheckResult, _RESULT_FIELDS, (    # every field, in order (gross ... localities)
        gross, earnings.lines, tuple(employee_taxes), tuple(employer_taxes), tuple(deductions), net,
        taxable, new_ytd, premium, t.year,
        contributions,                                   # employer_contributions
        _PROXY(state_wages),
        _PROXY(local_wages) if local_wages else _NO_MAP,
        _PROXY(local_names) if local_names else _NO_MAP,
        None if residence_locality is None and work_locality is None and not f["work_sites"] else
        place_names(residence_locality, work_locality, f["work_sites"])))


def _fica_steps(kind: str, fica: tuple, amount: Decimal) -> tuple:
    """A social security or Medicare line's words, employee's or employer's (read only when the explanation is)."""
    t, wages, fica_exempt, fica_wages, ytd_ss, ss_wages = fica
    src = ("Social security and Medicare wages: gross wages {} less cafeteria-plan deductions {} = {}",
           wages, fica_exempt, fica_wages)
    cap = ("Wage base {}; social security wages so far this year {}; taxed this period {} of {}",
           t.ss_wage_base, ytd_ss, ss_wages, fica_wages)
    if kind == "social_security":
        return src, cap, ("{} × {} employee rate = {} ({})", ss_wages, t.ss_employee_rate, amount, t.ss_source)
    if kind == "social_security_er":
        return src, cap, ("{} × {} employer rate = {}", ss_wages, t.ss_employer_rate, amount)
    if kind == "medicare":
        return src, ("{} × {} employee rate, no wage base = {} ({})",
                     fica_wages, t.medicare_employee_rate, amount, t.medicare_source)
    return src, ("{} × {} employer rate = {}", fica_wages, t.medicare_employer_rate, amount)


def _addl_medicare_steps(t: TaxTables, before: Decimal, after: Decimal, over: Decimal, amount: Decimal) -> tuple:
    return (("Medicare wages this year before this paycheck {}, after {}; withholding starts above {} paid by "
             "this employer, whatever the filing status ({})", before, after, t.addl_medicare_threshold,
             t.addl_medicare_source),
            ("Wages above the threshold this period {} × {} = {} (employee only, no employer match)",
             over, t.addl_medicare_rate, amount))


def _futa_steps(t: TaxTables, futa_wages: Decimal, fica_wages: Decimal, ytd_futa: Decimal, work_state: str,
                reduction, rate: Decimal, amount: Decimal) -> list:
    steps = [("FUTA wages: {} of {} (wage base {}, FUTA wages so far this year {}) ({})",
              futa_wages, fica_wages, t.futa_wage_base, ytd_futa, t.futa_source),
             ("Rate {} less the credit for state unemployment tax {} = {}",
              t.futa_gross_rate, t.futa_max_credit, t.futa_net_rate)]
    if reduction:
        steps.append(("Credit reduction for {} {}: rate {} ({})", work_state, reduction, rate,
                      t.futa_credit_reduction_note))
    steps.append(("{} × rate = {}", futa_wages, amount))
    return steps


# The deferred steps' functions, named in every paycheck's lines: Final, so the compiled build keeps them in C statics
# (a function read as a value is otherwise a module-global dict lookup at each read)
_FICA_STEPS: Final = _fica_steps
_ADDL_MEDICARE_STEPS: Final = _addl_medicare_steps
_FUTA_STEPS: Final = _futa_steps


def _local_lines(f: dict[str, Any], periods: int, wages, pretax, employee: list, employer: list):
    """City, county, school-district, PA EIT/LST and transit taxes (payroll/engine/locals), appended to the
    employee's or the employer's taxes; returns (wages by (code, locality), locality names). `f` is the input's
    `__dict__` (read as _employee reads it)."""
    home, site, pay_date, sites = f["residence_locality"], f["work_locality"], f["pay_date"], f["work_sites"]
    if sites:                  # several work sites: any of them (or the home) may levy
        if not any([local_taxes_due(pay_date, home, s) for s, _m in sites] + [local_taxes_due(pay_date, home, site)]):
            return {}, {}
    elif (home is None and site is None) or not local_taxes_due(pay_date, home, site):
        return {}, {}          # most places levy none: no context built (a refused place raises here)
    state_tax: dict[str, Decimal] = {}
    for line in employee:
        if line.code == "state_income_tax" and line.state:
            state_tax[line.state] = state_tax.get(line.state, _Z) + line.amount
    ctx = LocalContext(   # positional, in field order, as StateContext above
        pay_date, periods, home, site,                   # residence and work: a Locality or None
        wages, pretax, f["local_certificate"],           # gross, pretax, certificate
        f["state_certificates"], state_tax, f["ytd_local_taxes"], f["month_wages"], f["mtd_local_taxes"])
    local_wages: dict[tuple[str, str], Decimal] = {}
    names: dict[str, str] = {}
    lines = (compute_site_local_taxes(ctx, sites, f["site_measure"], explain=False) if sites else
             compute_local_taxes(ctx, explain=False))   # a deferred step a line (words on read)
    for s in lines:
        (employer if s.employer else employee).append(make_line(s.code, s.amount, s.explanation, s.state,
                                                           locality=s.locality))
        names[s.locality] = s.name
        if s.wages is not None:
            local_wages[(s.code, s.locality)] = s.wages
    return local_wages, names

