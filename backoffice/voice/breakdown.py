"""Where my hour goes (pure): what the client pays for one hour (or unit) of an engagement and how it splits into
the worker's wages, employer taxes, benefits, workers' comp and the agency's margin — from the same figures and
the same billing engine (backoffice/billing/engine.py) as the invoices. docs/rate-breakdown.md.

Rounding rule: every part but the margin is computed from its unrounded figure and rounded once, half up, to the
cent; the margin is the bill rate less the rounded parts, so the five parts add up to the bill rate exactly (the
margin absorbs at most a cent or two of rounding). No Flask, SQLAlchemy, Celery or clock."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from backoffice.billing import engine as billing
from backoffice.money import D, ZERO, round_cents

PARTS = ("wages", "employer_taxes", "benefits", "workers_comp", "agency_margin")
HOURLY = "hour"
UNIT_PAY = ("piece", "project")
HUNDRED = D(100)


@dataclass(frozen=True, slots=True)
class PaycheckFigures:
    """The engagement's most recent billed paycheck, as billing reads it: wages by engagement (every engagement the
    paycheck paid), the paycheck's employer taxes and benefit contributions in total (shared by wages, as the
    cost-plus invoice shares them), the workers' comp premium at this engagement, and the hours and units it paid
    at this engagement."""

    paycheck_id: int
    pay_date: date
    period_start: date
    period_end: date
    wages: dict[int, Decimal]
    employer_taxes: Decimal
    benefits: Decimal
    workers_comp: Decimal
    hours: Decimal
    units: Decimal = ZERO


@dataclass(frozen=True, slots=True)
class StatutoryRates:
    """The employer's tax rates for the year, used before the engagement has a paycheck: social security and
    Medicare (employer shares), FUTA after the state credit (plus any credit reduction), and the agency's SUTA rate
    in the work state (None: the agency has no registration there)."""

    year: int
    social_security: Decimal
    medicare: Decimal
    futa: Decimal
    suta: Decimal | None
    work_state: str


@dataclass(frozen=True, slots=True)
class ClassRate:
    """The workers' comp rate in force for the engagement's class code: per $100 of payroll or per hour worked."""

    state: str
    class_code: str
    basis: str                       # payroll | hours
    rate_per_100: Decimal | None
    rate_per_hour: Decimal | None


@dataclass(frozen=True, slots=True)
class HourFacts:
    """Everything one engagement's breakdown is computed from."""

    engagement_id: int
    engagement_type: str             # leased_employee | contractor
    pay_unit: str                    # hour | piece | project | week | year
    pay_rate: Decimal
    billing_method: str              # bill_rate | cost_plus
    bill_rate: Decimal               # the engagement's bill rate per hour (per unit for piece and project pay)
    markup_rate: Decimal             # the client's cost-plus markup (a fraction)
    paycheck: PaycheckFigures | None = None
    statutory: StatutoryRates | None = None
    class_rate: ClassRate | None = None


@dataclass(frozen=True, slots=True)
class Breakdown:
    """One hour (or unit) of an engagement: the bill rate and its five parts, which add up to it to the cent."""

    engagement_id: int
    billing_method: str
    unit: str                        # hour | unit | paycheck (a cost-plus salaried engagement: a whole paycheck)
    bill_rate: Decimal
    wages: Decimal
    employer_taxes: Decimal
    benefits: Decimal
    workers_comp: Decimal
    agency_margin: Decimal
    basis: str                       # paycheck | statutory | none (a contractor: no employer costs)
    paycheck_id: int | None
    explanation: tuple[str, ...]

    def parts(self) -> dict[str, Decimal]:
        return {p: getattr(self, p) for p in PARTS}

    def as_json(self) -> dict:
        """The figures as strings with two decimals (the API's form)."""
        return {"bill_rate": f"{self.bill_rate:.2f}", **{p: f"{v:.2f}" for p, v in self.parts().items()}}


class NotBillable(Exception):
    """The engagement's hour has no price to break down (no bill rate; salaried at a bill-rate client)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def _pct(rate: Decimal) -> str:
    return f"{(rate * HUNDRED).quantize(D('0.01'))}%"


def _money(v: Decimal) -> str:
    return f"${v:,.2f}"


# ------------------------------------------------------------------------------------------------ the employer's costs
@dataclass(frozen=True, slots=True)
class _Costs:
    """The employer's costs as fractions of wages (taxes, workers' comp) and benefits per hour or unit."""

    tax_rate: Decimal
    benefits_per: Decimal
    wc_rate: Decimal | None          # a fraction of wages (payroll basis)
    wc_per_hour: Decimal | None      # hours basis
    basis: str
    sentences: tuple[str, ...]


def _paycheck_costs(f: HourFacts, pc: PaycheckFigures, per: Decimal) -> _Costs:
    """Employer taxes as the paycheck's actual effective rate on this engagement's wages (its share, by wages, of
    the paycheck's taxes: the invoice's own allocation), benefits as this engagement's share spread over the
    hours (or units) the paycheck paid here."""
    eid = f.engagement_id
    wages = pc.wages.get(eid, ZERO)
    taxes = billing.allocate(pc.employer_taxes, pc.wages).get(eid, ZERO)
    benefits = billing.allocate(pc.benefits, pc.wages).get(eid, ZERO)
    tax_rate = taxes / wages if wages else ZERO
    benefits_per = benefits / per if per else ZERO
    when = f"the paycheck paid {pc.pay_date.isoformat()} (period {pc.period_start.isoformat()} to " \
           f"{pc.period_end.isoformat()})"
    out = [f"Employer taxes and benefits are the actual figures of {when}, the most recent one billed: it paid "
           f"{_money(wages)} of wages on this engagement"
           + (f" and {_money(sum(pc.wages.values(), ZERO))} in all, so this engagement carries its share by wages"
              if len(pc.wages) > 1 else "") + "."]
    out.append(f"Employer taxes (social security, Medicare, and FUTA and state unemployment while the year's wages are "
               f"under their wage bases) were {_money(taxes)}, {_pct(tax_rate)} of the wages.")
    if benefits and per:
        unit = "hour" if f.pay_unit == HOURLY else "unit"
        out.append(f"The employer's benefit contributions were {_money(benefits)} over {per.normalize():f} "
                   f"{unit}s, {_money(round_cents(benefits_per))} per {unit}.")
    elif benefits:
        out.append(f"The employer's benefit contributions were {_money(benefits)}, but the paycheck paid no hours "
                   "here to spread them over.")
    else:
        out.append("The employer paid no benefit contributions on that paycheck.")
    wc_rate = wc_per = None
    if f.class_rate is None and pc.workers_comp and wages:
        wc_rate = pc.workers_comp / wages
        out.append(f"Workers' comp accrued {_money(pc.workers_comp)} on those wages, {_pct(wc_rate)}.")
    return _Costs(tax_rate, benefits_per, wc_rate, wc_per, "paycheck", tuple(out))


def _statutory_costs(f: HourFacts, st: StatutoryRates) -> _Costs:
    """Before the first paycheck: the year's statutory employer rates, as if the year's wages were under every
    wage base, and no benefits yet."""
    rate = st.social_security + st.medicare + st.futa + (st.suta or ZERO)
    words = (f"social security {_pct(st.social_security)}, Medicare {_pct(st.medicare)}, FUTA {_pct(st.futa)}"
             + (f" and the agency's {st.work_state} unemployment rate {_pct(st.suta)}" if st.suta is not None
                else f" (the agency has no {st.work_state} unemployment rate on file)"))
    out = (f"No paycheck has been billed on this engagement yet, so employer taxes use the {st.year} statutory "
           f"rates as if the year's wages were under every wage base: {words}, {_pct(rate)} in all.",
           "Benefit contributions show once a paycheck has paid them.")
    return _Costs(rate, ZERO, None, None, "statutory", out)


def _class_sentence(cr: ClassRate, rate: Decimal | None) -> str:
    if cr.basis == "hours":
        return f"Workers' comp for class {cr.class_code} in {cr.state} is {_money(cr.rate_per_hour)} per hour worked."
    return (f"Workers' comp for class {cr.class_code} in {cr.state} is {cr.rate_per_100} per $100 of payroll "
            f"({_pct(rate)} of wages).")


def _costs(f: HourFacts, per: Decimal) -> _Costs:
    if f.paycheck is not None:
        c = _paycheck_costs(f, f.paycheck, per)
    elif f.statutory is not None:
        c = _statutory_costs(f, f.statutory)
    else:
        c = _Costs(ZERO, ZERO, None, None, "none", ("No paycheck and no tax rates to estimate the employer's "
                                                  "taxes from.",))
    if f.class_rate is not None:
        cr = f.class_rate
        wc_rate = cr.rate_per_100 / HUNDRED if cr.basis == "payroll" and cr.rate_per_100 is not None else None
        wc_hour = cr.rate_per_hour if cr.basis == "hours" else None
        c = _Costs(c.tax_rate, c.benefits_per, wc_rate, wc_hour, c.basis,
                   c.sentences + (_class_sentence(cr, wc_rate),))
    elif f.paycheck is None or c.wc_rate is None:
        c = _Costs(c.tax_rate, c.benefits_per, c.wc_rate, c.wc_per_hour, c.basis,
                   c.sentences + ("No workers' comp class is priced for this engagement: no premium accrues.",))
    return c


# ------------------------------------------------------------------------------------------------ the breakdown
def breakdown(f: HourFacts) -> Breakdown:
    """The engagement's hour (or unit), split. Bill-rate clients: the engagement's bill rate, the invoice line's
    rate for a regular hour. Cost-plus clients: the most recent paycheck's cost-plus invoice line (the billing
    engine's own line) divided by the hours it paid; before any paycheck, one hour's estimated cost plus the
    markup. Contractors: wages and margin only."""
    if f.billing_method == "cost_plus":
        return _cost_plus(f)
    return _bill_rate(f)


def _unit_of(f: HourFacts) -> str:
    if f.pay_unit == HOURLY:
        return "hour"
    if f.pay_unit in UNIT_PAY:
        return "unit"
    raise NotBillable("salaried_bill_rate", f"a salaried engagement (paid per {f.pay_unit}) is not billed by the "
                      "hour at a bill-rate client: bill it cost-plus")


def _contractor_sentence() -> str:
    return ("This is a contractor (1099) engagement: the agency pays no employer taxes, benefits or workers' comp "
            "on it (a contractor pays their own self-employment tax), so the client's rate is the contractor's pay "
            "and the agency's margin.")


def _bill_rate(f: HourFacts) -> Breakdown:
    unit = _unit_of(f)
    if not f.bill_rate:
        raise NotBillable("no_bill_rate", "this engagement has no bill rate yet: nothing is billed for its hours")
    bill = round_cents(billing.Rates(f.bill_rate).bill_rate)
    wages = round_cents(f.pay_rate)
    head = (f"The client pays {_money(bill)} per {unit} (the engagement's bill rate, the rate on the invoice line "
            f"for a regular {unit}); you are paid {_money(wages)} per {unit}.")
    if f.engagement_type == "contractor":
        margin = bill - wages
        return Breakdown(f.engagement_id, "bill_rate", unit, bill, wages, ZERO, ZERO, ZERO, margin, "none", None,
                         (head, _contractor_sentence(), _margin_sentence(margin, bill, unit), _ROUNDING))
    per = (f.paycheck.hours if unit == "hour" else f.paycheck.units) if f.paycheck else ZERO
    c = _costs(f, per)
    taxes = round_cents(f.pay_rate * c.tax_rate)
    benefits = round_cents(c.benefits_per)
    if c.wc_per_hour is not None:
        wc = round_cents(c.wc_per_hour) if unit == "hour" else ZERO
    elif c.wc_rate is not None:
        wc = round_cents(f.pay_rate * c.wc_rate)
    else:
        wc = ZERO
    margin = bill - wages - taxes - benefits - wc
    return Breakdown(f.engagement_id, "bill_rate", unit, bill, wages, taxes, benefits, wc, margin, c.basis,
                     f.paycheck.paycheck_id if f.paycheck else None,
                     (head, *c.sentences, _margin_sentence(margin, bill, unit), _ROUNDING))


def _cost_plus(f: HourFacts) -> Breakdown:
    pc = f.paycheck
    markup_words = f"the client's cost-plus markup of {_pct(f.markup_rate)}"
    if pc is not None:
        per, unit = (pc.hours, "hour") if pc.hours else (D(1), "paycheck")
        cost = billing.PaycheckCost(pc.paycheck_id, 0, "", pc.pay_date, pc.period_start, pc.period_end,
                                    dict(pc.wages), pc.employer_taxes, pc.benefits,
                                    {f.engagement_id: pc.workers_comp} if pc.workers_comp else {})
        [line] = billing.cost_plus_lines(cost, [f.engagement_id], f.markup_rate)
        b = line.breakdown
        bill = round_cents(line.amount / per)
        parts = {k: round_cents(D(b[k]) / per) for k in ("wages", "employer_taxes", "benefits", "workers_comp")}
        margin = bill - sum(parts.values(), ZERO)
        head = (f"The client is billed cost-plus: the paycheck paid {pc.pay_date.isoformat()} cost {_money(D(b['cost']))} "
                f"on this engagement (wages {_money(D(b['wages']))}, employer taxes {_money(D(b['employer_taxes']))}, "
                f"benefits {_money(D(b['benefits']))}, workers' comp {_money(D(b['workers_comp']))}) plus "
                f"{markup_words}, {_money(D(b['markup']))}: the invoice line is {_money(line.amount)}.")
        if unit == "hour":
            head += f" Over the {pc.hours.normalize():f} hours it paid, that is {_money(bill)} per hour."
        else:
            head += " The paycheck paid no hours (a salary), so the figures are the whole paycheck's."
        out = [head]
        if f.engagement_type == "contractor":
            out.append(_contractor_sentence())
        out += [_margin_sentence(margin, bill, unit), _ROUNDING]
        return Breakdown(f.engagement_id, "cost_plus", unit, bill, parts["wages"], parts["employer_taxes"],
                         parts["benefits"], parts["workers_comp"], margin, "paycheck", pc.paycheck_id, tuple(out))
    unit = _unit_of(f)
    wages = round_cents(f.pay_rate)
    if f.engagement_type == "contractor":
        taxes = benefits = wc = ZERO
        sentences: tuple[str, ...] = (_contractor_sentence(),)
        basis = "none"
    else:
        c = _costs(f, ZERO)
        taxes = round_cents(f.pay_rate * c.tax_rate)
        benefits = ZERO
        wc = round_cents(c.wc_per_hour) if c.wc_per_hour is not None and unit == "hour" else \
            round_cents(f.pay_rate * c.wc_rate) if c.wc_rate is not None else ZERO
        sentences, basis = c.sentences, c.basis
    cost = wages + taxes + benefits + wc
    markup = round_cents(cost * f.markup_rate)
    bill = cost + markup
    head = (f"The client is billed cost-plus: one {unit}'s cost {_money(cost)} plus {markup_words}, "
            f"{_money(markup)}, is {_money(bill)} (an estimate until the first paycheck is billed).")
    return Breakdown(f.engagement_id, "cost_plus", unit, bill, wages, taxes, benefits, wc, markup, basis, None,
                     (head, *sentences, _margin_sentence(markup, bill, unit), _ROUNDING))


def _margin_sentence(margin: Decimal, bill: Decimal, unit: str) -> str:
    if margin < 0:
        return f"The agency loses {_money(-margin)} per {unit}: its costs exceed what the client pays."
    share = f" ({_pct(margin / bill)} of what the client pays)" if bill else ""
    return (f"The agency keeps {_money(margin)} per {unit}{share} for its own costs (payroll, insurance, "
            "recruiting, staff) and profit.")


_ROUNDING = ("Each part is rounded once to the cent; the agency's margin is what is left of the bill rate, so the "
             "parts add up to it exactly.")
