"""Coverage in the open: for every jurisdiction (50 states + DC) and tax year, what the engine computes and from what."""
from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass
from datetime import date

from backoffice.geo import STATES

from .multistate import convenience_rules, reciprocity_for_year
from .rules import UnsupportedState, versions_for_year

__all__ = ["Jurisdiction", "coverage", "coverage_csv", "coverage_table"]

PAY_PERIODS_ALL = (1, 2, 4, 12, 24, 26, 52)


@dataclass(frozen=True)
class Jurisdiction:
    """One state's coverage for a tax year, as the `paycheck states` command and the admin page show it."""

    state: str
    name: str
    tax_year: int
    status: str                     # supported | partial | unsupported
    method: str                     # the income-tax method(s), or "" when refused
    publication: str
    source_url: str
    confidence: str                 # example | formula | unconfirmed (of the state's data); "" without data
    examples: tuple[str, ...]
    not_modelled: tuple[str, ...]
    unconfirmed: tuple[str, ...]
    pay_dates: tuple[str, ...]      # "2026-01-01..2026-06-30" per covered span; () when refused
    pay_periods: tuple[int, ...]    # pay frequencies (periods a year) computed
    programs: tuple[str, ...]       # "code: name (employee|employer)"
    reciprocity_form: str           # the exemption form residents of reciprocal states file here
    reciprocal_states: tuple[str, ...]
    convenience_rule: str           # "" | all | residents_of_convenience_states
    reason: str                     # why it is refused or partial; "" when fully supported


def _span(first: date | None, last: date | None, year: int) -> str:
    return f"{(first or date(year, 1, 1)).isoformat()}..{(last or date(year, 12, 31)).isoformat()}"


def _covered_days(spans: list[tuple[date | None, date | None]], year: int) -> int:
    return sum(((b or date(year, 12, 31)) - (a or date(year, 1, 1))).days + 1 for a, b in spans)


def _one(state: str, year: int) -> Jurisdiction:
    versions = versions_for_year(year).get(state, ())
    recip = (reciprocity_for_year(year) or {}).get(state)
    conv = convenience_rules(year).get(state)
    common = dict(state=state, name=STATES[state], tax_year=year,
                  reciprocity_form=recip.form if recip else "",
                  reciprocal_states=tuple(sorted(recip.residents_of)) if recip and len(recip.residents_of) < 50
                  else (("all other states",) if recip else ()),
                  convenience_rule=conv.applies_to if conv else "")
    if not versions:
        return Jurisdiction(status="unsupported", method="", publication="", source_url="", confidence="",
                            examples=(), not_modelled=(), unconfirmed=(), pay_dates=(), pay_periods=(), programs=(),
                            reason=f"no {year} data for {state}: withholding is refused (UnsupportedState)",
                            **common)
    usable = [r for r in versions if r.unsupported is None and r.income_tax is not None]
    refused = [r for r in versions if r not in usable]
    first = (usable or versions)[0]
    spans = [(r.effective_from, r.effective_until) for r in usable]
    periods = set(PAY_PERIODS_ALL)
    for r in usable:
        if r.income_tax.pay_periods is not None:
            periods &= set(r.income_tax.pay_periods)
    reasons = [r.unsupported for r in refused if r.unsupported]
    for r in usable:
        statuses = r.income_tax.params.get("unsupported_statuses", ())
        if statuses:
            reasons.append(f"filing status {', '.join(statuses)} refused (its table is not confirmed)")
        if "refuse_net_from" in r.income_tax.params:
            reasons.append(f"annual net taxable income of {r.income_tax.params['refuse_net_from']:,} or more "
                           f"refused (the formula's rows above it were not read)")
    if not usable:
        status = "unsupported"
    elif _covered_days(spans, year) < (date(year, 12, 31) - date(year, 1, 1)).days + 1 or periods != set(
            PAY_PERIODS_ALL):
        status = "partial"
        missing = sorted(set(PAY_PERIODS_ALL) - periods)
        gaps = [(r, sorted(set(PAY_PERIODS_ALL) - set(r.income_tax.pay_periods or PAY_PERIODS_ALL))) for r in usable]
        if missing and len(usable) > 1 and any(not m for _, m in gaps):   # a frequency missing from one version only
            for r, m in gaps:
                if m:
                    reasons.append(f"no table for {', '.join(str(p) for p in m)} pay periods a year (pay dates "
                                   f"{_span(r.effective_from, r.effective_until, year)})")
        elif missing:
            reasons.append(f"no table for {', '.join(str(p) for p in missing)} pay periods a year")
        if _covered_days(spans, year) < (date(year, 12, 31) - date(year, 1, 1)).days + 1:
            if usable[0].dated_by != "pay_date":
                starts = [(r.period_from, r.period_until) for r in usable]
                whole = _covered_days(starts, year) == (date(year, 12, 31) - date(year, 1, 1)).days + 1
                day = "start" if usable[0].dated_by == "period_start" else "end"
                reasons.append(f"tables chosen by the pay period's {day} (" + ", ".join(
                    f"periods {'beginning' if day == 'start' else 'ending'} {_span(a, b, year)}"
                    for a, b in starts) + "): "
                    + (f"every pay date computes when the period {day} is given (a run gives it); "
                       if whole else "")
                    + "without it, pay dates outside " + ", ".join(_span(a, b, year) for a, b in spans)
                    + " are refused")
            else:
                reasons.append("pay dates outside " + ", ".join(_span(a, b, year) for a, b in spans)
                               + " are refused")
    else:
        status = "supported"
        if reasons:          # whole year, but a filing status is refused: say so beside "supported"
            status = "partial"
    methods = []
    for r in usable:
        if r.income_tax.method not in methods:
            methods.append(r.income_tax.method)
    programs = []
    for r in usable or versions:
        for p in r.programs:
            label = f"{p.code}: {p.name} ({'employer' if p.employer else 'employee'})"
            if label not in programs:
                programs.append(label)
    return Jurisdiction(
        status=status, method=" / ".join(methods), publication=first.publication, source_url=first.source_url,
        confidence=min((r.confidence for r in usable or versions),
                       key=("unconfirmed", "formula", "example").index),
        examples=tuple(dict.fromkeys(e for r in versions for e in r.examples)),
        not_modelled=tuple(dict.fromkeys(n for r in versions for n in r.not_modelled)),
        unconfirmed=tuple(dict.fromkeys(u for r in versions for u in r.unconfirmed)),
        pay_dates=tuple(_span(a, b, year) for a, b in spans),
        pay_periods=tuple(sorted(periods)) if usable else (),
        programs=tuple(programs),
        reason="; ".join(reasons) if status != "supported" else "",
        **common)


def coverage(tax_year: int) -> list[Jurisdiction]:
    """Every jurisdiction in USPS order of its code: each is supported, partial (dates or frequencies named) or
    unsupported (with the reason the engine gives). Nothing is left out, so nothing is silently zero."""
    if not 2000 <= tax_year <= 2100:
        raise UnsupportedState(f"tax year {tax_year} is out of range")
    return [_one(state, tax_year) for state in sorted(STATES)]


COLUMNS = ("state", "status", "method", "confidence", "pay_dates", "pay_periods", "programs", "reciprocity_form",
           "convenience_rule", "not_modelled", "publication", "source_url", "reason")


def _cell(value) -> str:
    if isinstance(value, tuple):
        return "; ".join(str(v) for v in value)
    return str(value)


def coverage_csv(rows: list[Jurisdiction]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        data = asdict(row)
        writer.writerow([_cell(data[c]) for c in COLUMNS])
    return out.getvalue()


def coverage_table(rows: list[Jurisdiction]) -> str:
    """A plain-text table a person reads in a terminal: the short columns, then a line per reason."""
    head = f"{'ST':<3} {'status':<11} {'confidence':<11} {'method':<28} {'programs':>8}  source"
    lines = [head, "-" * len(head)]
    for r in rows:
        src = r.publication[:60] + ("…" if len(r.publication) > 60 else "")
        lines.append(f"{r.state:<3} {r.status:<11} {r.confidence:<11} {r.method[:28]:<28} {len(r.programs):>8}  "
                     f"{src}")
        if r.reason:
            lines.append(f"    {r.reason}")
        for item in r.not_modelled:
            lines.append(f"    not modelled: {item}")
    counts = {s: sum(1 for r in rows if r.status == s) for s in ("supported", "partial", "unsupported")}
    lines.append(f"{counts['supported']} supported, {counts['partial']} partial, {counts['unsupported']} unsupported "
                 f"of {len(rows)} jurisdictions ({rows[0].tax_year if rows else ''})")
    return "\n".join(lines) + "\n"
