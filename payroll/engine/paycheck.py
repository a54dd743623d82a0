"""Gross to net for one pay period: earnings, pre-tax deductions, federal/FICA/state taxes, FUTA/SUTA, post-tax."""
from __future__ import annotations

from decimal import Decimal
from types import MappingProxyType

from backoffice.errors import DomainError
from backoffice.money import D, ZERO, round_cents

from .deductions import cap_to_limit, ccpa_ordinary_limit, ccpa_support_limit, deferral_limit, hsa_limit
from .earnings import sum_earnings
from .federal import backup_withholding, federal_income_tax
from .model import PRETAX_TREATMENT, Line, PaycheckInput, PaycheckResult, Pct, W4, YearToDate
from .tables import TaxTables

_Z = D(0)
_DEFAULT_W4 = W4()
_states_module = None


def _states():
    """The state-tax module, imported on first use (it is built separately; see payroll/engine/states)."""
    global _states_module
    if _states_module is None:
        try:
            from . import states as mod
        except ImportError as exc:       # pragma: no cover - only before the module exists
            raise DomainError("state tax module payroll.engine.states is not available") from exc
        if not hasattr(mod, "compute_state_taxes"):
            raise DomainError("state tax module payroll.engine.states is not available")
        _states_module = mod
    return _states_module


def calculate_paycheck(inp: PaycheckInput, tables: TaxTables) -> PaycheckResult:
    """One paycheck, exact to the cent, every line explained. `tables` must be the tables of inp.pay_date's year."""
    if tables.year != inp.pay_date.year:
        raise DomainError(f"tables for {tables.year} given for a pay date in {inp.pay_date.year}")
    earnings = sum_earnings(inp.earnings)
    if inp.worker_type == "contractor":
        return _contractor(inp, tables, earnings)
    if inp.worker_type != "employee":
        raise DomainError(f"unknown worker type {inp.worker_type!r}")
    return _employee(inp, tables, earnings)


def _contractor(inp: PaycheckInput, t: TaxTables, earnings) -> PaycheckResult:
    if inp.pretax_deductions:
        raise DomainError("contractors have no pre-tax deductions")
    payment = earnings.wages
    taxes: tuple[Line, ...] = ()
    if inp.tin_missing_or_flagged:
        amount, steps = backup_withholding(payment, t)
        taxes = (Line("backup_withholding", amount, steps),)
    withheld = taxes[0].amount if taxes else ZERO
    available = payment - withheld
    deductions = []
    for d in inp.posttax_deductions:
        if d.code not in ("other", "garnishment", "child_support"):
            raise DomainError(f"deduction {d.code} does not apply to a contractor")
        amount = round_cents(d.amount)
        steps = ((d.code.replace("_", " ").capitalize() + " requested {}", amount),)
        if amount > available:
            steps += (("Reduced to {} so the payment does not go below zero", available),)
            amount = available
        available -= amount
        deductions.append(Line(d.code, amount, steps))
    deducted = sum((x.amount for x in deductions), ZERO)
    gross = earnings.gross
    ytd = inp.ytd
    new_ytd = YearToDate(gross=ytd.gross + payment, supplemental=ytd.supplemental + earnings.supplemental)
    return PaycheckResult(
        gross=gross, earnings=earnings.lines, employee_taxes=taxes, employer_taxes=(),
        deductions=tuple(deductions), net=gross - withheld - deducted,
        taxable_wages=MappingProxyType({"backup_withholding": payment if taxes else ZERO}),
        ytd=new_ytd, qualified_overtime_premium=ZERO, tax_year=t.year)


def _employee(inp: PaycheckInput, t: TaxTables, earnings) -> PaycheckResult:
    ytd = inp.ytd
    w4 = inp.w4 if inp.w4 is not None else _DEFAULT_W4
    periods = inp.pay_frequency.periods_per_year
    wages = earnings.wages

    # --- pre-tax deductions, with annual limits -------------------------------------------------------------
    deductions: list[Line] = []
    fit_exempt = fica_exempt = _Z
    by_treatment: dict[str, Decimal] = {}
    deferred = hsa_taken = fsa_taken = _Z
    room_in_wages = wages
    for d in inp.pretax_deductions:
        code = d.code
        treatment = PRETAX_TREATMENT.get(code)
        if treatment is None:
            raise DomainError(f"unknown pre-tax deduction {code!r}")
        requested = round_cents(d.amount)
        if code == "401k":
            limit, lsteps = deferral_limit(inp.birth_date, t)
            amount, steps = cap_to_limit(requested, ytd.deferrals_401k + deferred, limit, lsteps,
                                         "Elective deferrals")
            deferred += amount
            steps = (("Traditional 401(k): exempt from federal income tax, subject to social security and "
                      "Medicare ({})", t.deferral_source),) + steps
        elif code == "hsa":
            coverage = str(d.options.get("coverage", "family"))
            limit, lsteps = hsa_limit(inp.birth_date, coverage, t)
            amount, steps = cap_to_limit(requested, ytd.hsa + hsa_taken, limit, lsteps, "HSA contributions")
            hsa_taken += amount
            steps = (("HSA through a cafeteria plan: exempt from income tax, social security, Medicare and FUTA",),
                     ) + steps
        elif code == "fsa":
            amount, steps = cap_to_limit(requested, ytd.fsa + fsa_taken, t.fsa_limit,
                                         (("Health FSA limit {} ({})", t.fsa_limit, t.fsa_source),),
                                         "Health FSA salary reductions")
            fsa_taken += amount
            steps = (("Health FSA through a cafeteria plan: exempt from income tax, social security, Medicare "
                      "and FUTA",),) + steps
        else:
            amount = requested
            steps = (("Section 125 premium {}: exempt from income tax, social security, Medicare and FUTA",
                      amount),)
        if amount > room_in_wages:
            steps += (("Reduced to the wages left this period: {}", room_in_wages),)
            amount = room_in_wages
        room_in_wages -= amount
        fit_exempt += amount
        if treatment[1]:
            fica_exempt += amount
        by_treatment[code] = by_treatment.get(code, _Z) + amount
        deductions.append(Line(code, amount, steps))

    # --- wage bases -------------------------------------------------------------------------------------------
    fit_regular = earnings.regular - fit_exempt
    fit_supplemental = earnings.supplemental
    if fit_regular < 0:                       # pre-tax deductions larger than regular pay reduce supplemental pay
        fit_supplemental += fit_regular
        fit_regular = _Z
    fit_wages = fit_regular + fit_supplemental
    fica_wages = wages - fica_exempt

    employee_taxes: list[Line] = []
    employer_taxes: list[Line] = []

    # --- social security, Medicare, Additional Medicare --------------------------------------------------------
    ss_room = t.ss_wage_base - ytd.social_security_wages
    if ss_room < 0:
        ss_room = _Z
    ss_wages = fica_wages if fica_wages <= ss_room else ss_room
    ss_cap_step = ("Wage base {}; social security wages so far this year {}; taxed this period {} of {}",
                   t.ss_wage_base, ytd.social_security_wages, ss_wages, fica_wages)
    ss_ee = round_cents(ss_wages * t.ss_employee_rate)
    ss_er = round_cents(ss_wages * t.ss_employer_rate)
    medicare_ee = round_cents(fica_wages * t.medicare_employee_rate)
    medicare_er = round_cents(fica_wages * t.medicare_employer_rate)
    threshold = t.addl_medicare_threshold
    before = ytd.medicare_wages
    after = before + fica_wages
    over = (after - threshold if after > threshold else _Z) - (before - threshold if before > threshold else _Z)
    addl = round_cents(over * t.addl_medicare_rate)
    ss_src = ("Social security and Medicare wages: gross wages {} less cafeteria-plan deductions {} = {}",
              wages, fica_exempt, fica_wages)
    employee_taxes_fica = [
        Line("social_security", ss_ee, (ss_src, ss_cap_step,
             ("{} × {} employee rate = {} ({})", ss_wages, t.ss_employee_rate, ss_ee, t.ss_source))),
        Line("medicare", medicare_ee, (ss_src,
             ("{} × {} employee rate, no wage base = {} ({})",
              fica_wages, t.medicare_employee_rate, medicare_ee, t.medicare_source))),
        Line("additional_medicare", addl, (
            ("Medicare wages this year before this paycheck {}, after {}; withholding starts above {} paid by "
             "this employer, whatever the filing status ({})", before, after, threshold, t.addl_medicare_source),
            ("Wages above the threshold this period {} × {} = {} (employee only, no employer match)",
             over, t.addl_medicare_rate, addl))),
    ]
    employer_taxes.append(Line("social_security", ss_er, (ss_src, ss_cap_step,
                               ("{} × {} employer rate = {}", ss_wages, t.ss_employer_rate, ss_er))))
    employer_taxes.append(Line("medicare", medicare_er, (ss_src,
                               ("{} × {} employer rate = {}", fica_wages, t.medicare_employer_rate, medicare_er))))

    # --- state taxes (the state module; covered states only, an explicit error otherwise) ---------------------
    states = _states()
    ctx = states.StateContext(
        pay_date=inp.pay_date, periods_per_year=periods, work_state=inp.work_state,
        residence_state=inp.residence_state, gross=wages, supplemental=earnings.supplemental,
        pretax=by_treatment, ytd_gross=ytd.gross,
        certificate=inp.state_certificates,      # nested by state code: {"CA": {...}, "NY": {...}}
        federal_filing_status=w4.federal_filing_status, birth_date=inp.birth_date)
    state_ee: list[Line] = []
    for s in states.compute_state_taxes(ctx):
        line = Line(s.code, s.amount, s.explanation, s.state)   # plain strings are steps too
        (employer_taxes if s.employer else state_ee).append(line)

    # --- federal income tax --------------------------------------------------------------------------------
    fit_steps: list = [("Income tax wages: gross wages {} less pre-tax deductions {} = {}",
                        wages, fit_exempt, fit_wages)]
    fit = round_cents(federal_income_tax(fit_regular, fit_supplemental, ytd.supplemental, periods, w4,
                                         inp.aggregate_supplemental, t, fit_steps))
    other_taxes = ss_ee + medicare_ee + addl + sum((s.amount for s in state_ee), _Z)
    available = room_in_wages - other_taxes
    if fit > available:
        fit_steps.append(("Wages left after pre-tax deductions, FICA and state taxes are {}; withholding is "
                          "limited to that", available if available > 0 else ZERO))
        fit = available if available > 0 else ZERO
    employee_taxes.append(Line("federal_income_tax", fit, tuple(fit_steps)))
    employee_taxes.extend(employee_taxes_fica)
    employee_taxes.extend(state_ee)

    # --- FUTA, SUTA (employer) -------------------------------------------------------------------------------
    futa_room = t.futa_wage_base - ytd.futa_wages
    if futa_room < 0:
        futa_room = _Z
    futa_wages = fica_wages if fica_wages <= futa_room else futa_room
    reduction = t.futa_credit_reduction.get(inp.work_state)
    futa_steps = [("FUTA wages: {} of {} (wage base {}, FUTA wages so far this year {}) ({})",
                   futa_wages, fica_wages, t.futa_wage_base, ytd.futa_wages, t.futa_source),
                  ("Rate {} less the credit for state unemployment tax {} = {}",
                   t.futa_gross_rate, t.futa_max_credit, t.futa_net_rate)]
    rate = t.futa_net_rate
    if reduction:
        rate = Pct(rate + reduction)
        futa_steps.append(("Credit reduction for {} {}: rate {} ({})", inp.work_state, reduction, rate,
                           t.futa_credit_reduction_note))
    futa = round_cents(futa_wages * rate)
    futa_steps.append(("{} × rate = {}", futa_wages, futa))
    employer_taxes.append(Line("futa", futa, tuple(futa_steps)))
    suta_wages = _Z
    if inp.suta_rate is not None:
        base = states.suta_wage_base(inp.work_state, t.year)
        suta_room = base - ytd.suta_wages
        if suta_room < 0:
            suta_room = _Z
        suta_wages = fica_wages if fica_wages <= suta_room else suta_room
        suta = round_cents(suta_wages * inp.suta_rate)
        employer_taxes.append(Line("suta", suta, (
            ("{} unemployment wages: {} of {} (state wage base {}, so far this year {})",
             inp.work_state, suta_wages, fica_wages, base, ytd.suta_wages),
            ("{} × the agency's {} rate {} = {}", suta_wages, inp.work_state, Pct(inp.suta_rate), suta)),
            inp.work_state))

    # --- post-tax deductions: support orders, garnishments, Roth 401(k), other --------------------------------
    taxes_total = fit + other_taxes
    disposable = wages - taxes_total
    available = room_in_wages - taxes_total
    support_taken = _Z
    garnish_taken = _Z
    ordinary_limit = None
    posttax = inp.posttax_deductions
    for d in (sorted(posttax, key=_posttax_order) if len(posttax) > 1 else posttax):
        code = d.code
        requested = round_cents(d.amount)
        if code == "child_support":
            limit, lsteps = ccpa_support_limit(disposable, bool(d.options.get("supports_other_family", True)),
                                               bool(d.options.get("arrears_over_12_weeks", False)), t)
            amount, steps = cap_to_limit(requested, support_taken, limit, lsteps, "Support withheld", "this period")
            support_taken += amount
        elif code == "garnishment":
            if ordinary_limit is None:
                ordinary_limit, olsteps = ccpa_ordinary_limit(disposable, periods, t)
            limit = ordinary_limit - support_taken
            steps_l = olsteps + ((("Less support withheld this period {}: {}", support_taken, limit),)
                                 if support_taken else ())
            amount, steps = cap_to_limit(requested, garnish_taken, limit if limit > 0 else ZERO, steps_l,
                                         "Garnishments", "this period")
            garnish_taken += amount
        elif code == "roth_401k":
            limit, lsteps = deferral_limit(inp.birth_date, t)
            amount, steps = cap_to_limit(requested, ytd.deferrals_401k + deferred, limit, lsteps,
                                         "Elective deferrals (traditional + Roth)")
            deferred += amount
            steps = (("Roth 401(k): after tax, counts toward the same 402(g) limit",),) + steps
        elif code == "other":
            amount, steps = requested, (("After-tax deduction {}", requested),)
        else:
            raise DomainError(f"unknown post-tax deduction {code!r}")
        if amount > available:
            steps += (("Reduced to {} so net pay does not go below zero", available if available > 0 else ZERO),)
            amount = available if available > 0 else ZERO
        available -= amount
        deductions.append(Line(code, amount, steps))

    employee_total = taxes_total
    deduction_total = sum((x.amount for x in deductions), _Z)
    gross = earnings.gross
    net = gross - employee_total - deduction_total
    premium = earnings.qualified_overtime_premium
    new_ytd = YearToDate(          # positional, in field order (gross ... qualified_overtime_premium)
        ytd.gross + wages,                              # gross wages: reimbursements are not wages
        ytd.federal_wages + fit_wages,
        ytd.social_security_wages + ss_wages,
        after,                                          # medicare_wages
        ytd.futa_wages + futa_wages,
        ytd.suta_wages + suta_wages,
        ytd.deferrals_401k + deferred,
        ytd.hsa + hsa_taken,
        ytd.fsa + fsa_taken,
        ytd.supplemental + earnings.supplemental,
        ytd.qualified_overtime_premium + premium,
    )
    taxable = MappingProxyType({
        "federal_income_tax": fit_wages, "social_security": ss_wages, "medicare": fica_wages,
        "additional_medicare": over, "futa": futa_wages, "suta": suta_wages,
    })
    return PaycheckResult(
        gross=gross, earnings=earnings.lines, employee_taxes=tuple(employee_taxes),
        employer_taxes=tuple(employer_taxes), deductions=tuple(deductions), net=net,
        taxable_wages=taxable, ytd=new_ytd, qualified_overtime_premium=premium, tax_year=t.year)


_POSTTAX_ORDER = {"child_support": 0, "garnishment": 1, "roth_401k": 2, "other": 3}


def _posttax_order(d) -> int:
    return _POSTTAX_ORDER.get(d.code, 9)
