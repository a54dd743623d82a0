"""Reconciliation checks (pure): each takes what it compares (filing contents by the common content keys, ledger
sums, onboarding, classification and ACA facts) and returns a list of `Finding`s; an empty list is clean.

What each compares (issue 14 item 5):
- `returns_agree`: the four 941s' wages and withholding = the W-3's totals (941 line 2 = box 1, line 3 = box 2,
  lines 5a+5b column 1 = boxes 3+7, line 5c column 1 = box 5), and each quarter's line 12 = the ledger's 941
  liabilities (accounts 2100/2200: income tax withheld, social security and Medicare, both shares).
- `ss_wage_base`: no worker's social security wages (W-2 box 3 + box 7) above the year's wage base.
- `liabilities_agree`: per quarter, the Schedule B days (semiweekly) or line 16's months (monthly) add to line 12,
  and line 12 = the 941 liabilities the deposit schedule recorded.
- `deposits_agree`: per quarter, the 941 deposits paid = line 12 (and = line 13 when the form carries it).
- `contractor_tins`: every 1099-NEC recipient at or over the threshold has a TIN, or backup withholding (box 4).
- `w2_fica`: box 4 = (box 3 + box 7) × 6.2% and box 6 ≥ box 5 × 1.45%, within a rounding tolerance (each paycheck
  rounds its own tax half-up to the cent: up to ½ cent a paycheck, so 52 weekly paychecks drift 26 cents).
- `i9s`: an employee at work without an I-9, with section 2 late, or with a work authorization that has expired.
- `open_rechecks`: classification re-checks still open.
- `aca_affordability`: a full-time month with an offer whose share no safe harbor shows affordable (line 16 empty).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from backoffice.money import D, ZERO, fmt_usd

ERROR, WARNING = "error", "warning"
SS_RATE, MEDICARE_RATE = D("0.062"), D("0.0145")     # IRC §3101(a), (b)(1): the employee's shares
DEFAULT_TOLERANCE = D("0.50")


@dataclass(frozen=True)
class Finding:
    """One thing the checks found wrong: a stable `code`, `severity` (error: a return would be wrong; warning: look
    at it), a message naming the figures, and what it is about (a filing label, a worker)."""

    code: str
    severity: str
    message: str
    filing: str = ""            # e.g. "941 2025 Q2", "w3 2025"
    worker_id: int | None = None

    def as_dict(self) -> dict:
        return {"code": self.code, "severity": self.severity, "message": self.message, "filing": self.filing,
                "worker_id": self.worker_id}

    def __str__(self) -> str:
        about = " ".join(x for x in (self.filing, f"worker #{self.worker_id}" if self.worker_id else "") if x)
        return f"{self.severity.upper():<7} {self.code:<24} {about + ': ' if about else ''}{self.message}"


def money(content: dict | None, key: str) -> Decimal:
    """A content figure ("1234.50") as Decimal; absent or empty is zero."""
    if not content:
        return ZERO
    v = content.get(key)
    return D(v) if v not in (None, "") else ZERO


def not_built(label: str, year: int) -> Finding:
    return Finding("not_built", WARNING, f"{label} not built: run `backoffice filings build --year {year}`", label)


def _differs(a: Decimal, b: Decimal, tolerance: Decimal = ZERO) -> bool:
    return abs(a - b) > tolerance


# -- four 941s = W-3 = ledger --------------------------------------------------------------------------------------

W3_VS_941 = (   # (W-3 boxes, 941 lines, what)
    (("box1",), ("line2",), "wages, tips and other compensation"),
    (("box2",), ("line3",), "federal income tax withheld"),
    (("box3", "box7"), ("line5a_col1", "line5b_col1"), "social security wages and tips"),
    (("box5",), ("line5c_col1",), "Medicare wages and tips"),
)


@dataclass(frozen=True)
class LedgerQuarter:
    """The ledger's 941 liabilities of one quarter (entries dated in it): income tax withheld, social security and
    Medicare (employee and employer shares, Additional Medicare) credited to accounts 2100/2200, net of reversals."""

    quarter: int
    liability: Decimal


def returns_agree(year: int, q941: dict[int, dict | None], w3: dict | None,
                  ledger: tuple[LedgerQuarter, ...] = ()) -> list[Finding]:
    """The four 941s against the W-3 (needs all four and the W-3) and each 941's line 12 against the ledger."""
    out: list[Finding] = []
    if w3 is not None and all(q941.get(q) is not None for q in (1, 2, 3, 4)):
        for boxes, lines, what in W3_VS_941:
            on_w3 = sum((money(w3, b) for b in boxes), ZERO)
            on_941 = sum((money(q941[q], ln) for q in (1, 2, 3, 4) for ln in lines), ZERO)
            if _differs(on_w3, on_941):
                out.append(Finding("941_w3_differ", ERROR,
                                   f"{what}: W-3 {'+'.join(boxes)} {fmt_usd(on_w3)} but the four 941s' "
                                   f"{'+'.join(lines)} add to {fmt_usd(on_941)} "
                                   f"(difference {fmt_usd(on_w3 - on_941)})", f"w3 {year}"))
    for lq in ledger:
        c = q941.get(lq.quarter)
        if c is None:
            continue
        if _differs(money(c, "line12"), lq.liability):
            out.append(Finding("941_ledger_differ", ERROR,
                               f"line 12 {fmt_usd(money(c, 'line12'))} but the ledger's 941 liabilities for the "
                               f"quarter are {fmt_usd(lq.liability)} (difference "
                               f"{fmt_usd(money(c, 'line12') - lq.liability)})", f"941 {year} Q{lq.quarter}"))
    return out


# -- social security wage base ---------------------------------------------------------------------------------------

def ss_wage_base(year: int, w2: dict | None, wage_base: Decimal) -> list[Finding]:
    """Box 3 + box 7 of each W-2 at most the year's wage base (2025: $176,100; 2026: $184,500, SSA)."""
    out = []
    for e in (w2 or {}).get("employees", []):
        ss = money(e, "box3") + money(e, "box7")
        if ss > wage_base:
            out.append(Finding("ss_over_wage_base", ERROR,
                               f"{e.get('name', '')}: social security wages {fmt_usd(ss)} exceed the {year} wage "
                               f"base {fmt_usd(wage_base)} by {fmt_usd(ss - wage_base)}", f"w2 {year}",
                               e.get("worker_id")))
    return out


# -- Schedule B / line 16 = line 12 = liabilities; deposits = liabilities ----------------------------------------------

@dataclass(frozen=True)
class DepositQuarter:
    """The 941 deposits (TaxDeposit rows, tax 941) of one quarter: the liabilities they record and those paid."""

    quarter: int
    liability: Decimal
    paid: Decimal
    unpaid_count: int = 0


def liabilities_agree(year: int, q941: dict[int, dict | None],
                      deposits: tuple[DepositQuarter, ...] = ()) -> list[Finding]:
    out = []
    by_q = {d.quarter: d for d in deposits}
    for q in (1, 2, 3, 4):
        c = q941.get(q)
        if c is None:
            continue
        label = f"941 {year} Q{q}"
        line12 = money(c, "line12")
        if c.get("depositor") == "semiweekly":
            days = c.get("schedule_b") or {}
            total = sum((D(v) for v in days.values()), ZERO)
            if _differs(total, line12):
                out.append(Finding("schedule_b_differs", ERROR, f"Schedule B's {len(days)} days add to "
                                   f"{fmt_usd(total)} but line 12 is {fmt_usd(line12)}", label))
        else:
            months = [money(c, f"line16_month{m}") for m in (1, 2, 3)]
            total = sum(months, ZERO)
            if _differs(total, line12):
                out.append(Finding("line16_differs", ERROR, "line 16's months " + " + ".join(
                    fmt_usd(m) for m in months) + f" = {fmt_usd(total)} but line 12 is {fmt_usd(line12)}", label))
        d = by_q.get(q)
        if d is not None and _differs(d.liability, line12):
            out.append(Finding("941_liability_differs", ERROR, f"line 12 {fmt_usd(line12)} but the deposit "
                               f"schedule recorded {fmt_usd(d.liability)} of 941 liabilities", label))
    return out


def deposits_agree(year: int, q941: dict[int, dict | None], deposits: tuple[DepositQuarter, ...],
                   today: date | None = None) -> list[Finding]:
    """Paid 941 deposits of each quarter = its line 12; line 13 (deposits the form reports) = what was paid."""
    out = []
    for d in deposits:
        c = q941.get(d.quarter)
        if c is None:
            continue
        label = f"941 {year} Q{d.quarter}"
        line12 = money(c, "line12")
        if _differs(d.paid, line12):
            extra = f" ({d.unpaid_count} deposit(s) not paid)" if d.unpaid_count else ""
            out.append(Finding("deposits_differ", ERROR, f"deposits paid {fmt_usd(d.paid)} but line 12 is "
                               f"{fmt_usd(line12)}: balance {fmt_usd(line12 - d.paid)}{extra}", label))
        if c.get("line13") not in (None, "") and _differs(money(c, "line13"), d.paid):
            out.append(Finding("line13_differs", ERROR, f"line 13 reports {fmt_usd(money(c, 'line13'))} of "
                               f"deposits but {fmt_usd(d.paid)} were paid", label))
    return out


# -- 1099-NEC: a TIN or backup withholding -----------------------------------------------------------------------------

def contractor_tins(year: int, nec: dict | None, threshold: Decimal | None = None) -> list[Finding]:
    """Recipients at or over the threshold (2025: $600; 2026: $2,000, the content's `threshold`) without a TIN must
    have backup withholding (box 4 > 0; IRC §3406(a)(1)(A))."""
    if not nec:
        return []
    limit = threshold if threshold is not None else money(nec, "threshold")
    out = []
    for r in nec.get("recipients", []):
        paid = money(r, "box1")
        no_tin = r.get("tin_missing") or not r.get("tin_last4")
        if paid >= limit and no_tin and money(r, "box4") <= 0:
            out.append(Finding("contractor_no_tin", ERROR, f"{r.get('name', '')}: paid {fmt_usd(paid)} (threshold "
                               f"{fmt_usd(limit)}) with no TIN and no backup withholding", f"1099-nec {year}",
                               r.get("worker_id")))
    return out


# -- W-2 boxes 3/5 against 4/6 ---------------------------------------------------------------------------------------

def w2_fica(year: int, w2: dict | None, tolerance: Decimal = DEFAULT_TOLERANCE) -> list[Finding]:
    out = []
    for e in (w2 or {}).get("employees", []):
        ss_wages = money(e, "box3") + money(e, "box7")
        want4, box4 = ss_wages * SS_RATE, money(e, "box4")
        if _differs(box4, want4, tolerance):
            out.append(Finding("w2_box4", ERROR, f"{e.get('name', '')}: box 4 {fmt_usd(box4)} but 6.2% of "
                               f"{fmt_usd(ss_wages)} is {fmt_usd(want4.quantize(D('0.01')))}", f"w2 {year}",
                               e.get("worker_id")))
        want6, box6 = money(e, "box5") * MEDICARE_RATE, money(e, "box6")
        if box6 < want6 - tolerance:
            out.append(Finding("w2_box6", ERROR, f"{e.get('name', '')}: box 6 {fmt_usd(box6)} is less than 1.45% "
                               f"of box 5 {fmt_usd(money(e, 'box5'))} = {fmt_usd(want6.quantize(D('0.01')))}",
                               f"w2 {year}", e.get("worker_id")))
    return out


# -- I-9s ----------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class I9Fact:
    """One employee engagement at work in the year and its Form I-9 (None when there is none)."""

    worker_id: int
    name: str
    engagement_id: int
    start_date: date
    has_i9: bool
    section2_due: date | None = None
    section2_done: bool = False
    authorized_until: date | None = None


def i9s(facts: tuple[I9Fact, ...], today: date) -> list[Finding]:
    out = []
    for f in facts:
        if f.start_date > today:
            continue
        if not f.has_i9:
            out.append(Finding("i9_missing", ERROR, f"{f.name}: working since {f.start_date} (engagement "
                               f"#{f.engagement_id}) with no Form I-9", worker_id=f.worker_id))
            continue
        if not f.section2_done and f.section2_due and f.section2_due < today:
            out.append(Finding("i9_section2_late", ERROR, f"{f.name}: I-9 section 2 was due {f.section2_due} and "
                               "is not done", worker_id=f.worker_id))
        if f.authorized_until and f.authorized_until < today:
            out.append(Finding("i9_expired", ERROR, f"{f.name}: work authorization expired {f.authorized_until}: "
                               "reverify (Form I-9 Supplement B)", worker_id=f.worker_id))
    return out


# -- classification re-checks ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RecheckFact:
    worker_id: int
    name: str
    engagement_id: int
    code: str
    explanation: str
    since: date | None = None


def open_rechecks(facts: tuple[RecheckFact, ...]) -> list[Finding]:
    return [Finding("recheck_open", WARNING, f"{f.name}: classification re-check {f.code} open"
                    + (f" since {f.since}" if f.since else "") + f" (engagement #{f.engagement_id}): {f.explanation}",
                    worker_id=f.worker_id) for f in facts]


# -- ACA affordability ------------------------------------------------------------------------------------------------

NO_OFFER = ("1H", "")               # line 14: no offer of coverage (or none recorded)
QUALIFYING_OFFER = "1A"             # affordable by definition (FPL), Form 1095-C instructions


@dataclass(frozen=True)
class AcaFact:
    """One worker's ACA month as the benefits domain recorded it (benefits.aca_models.AcaMonth)."""

    worker_id: int
    name: str
    month: int
    status: str
    line14: str
    employee_share: Decimal | None
    line16: str


def aca_affordability(year: int, facts: tuple[AcaFact, ...]) -> list[Finding]:
    """A full-time month with an offer (line 14 not 1H), not a qualifying offer (1A), whose line 16 shows neither
    enrollment (2C) nor a safe harbor (2F/2G/2H) nor another relief code: no safe harbor shows the share affordable,
    so a premium tax credit there may cost the employer under §4980H(b). One finding per worker, months listed."""
    months: dict[int, list[AcaFact]] = {}
    for f in facts:
        if f.status != "full_time" or f.line14 in NO_OFFER or f.line14 == QUALIFYING_OFFER or f.line16:
            continue
        months.setdefault(f.worker_id, []).append(f)
    out = []
    for wid, fs in months.items():
        fs.sort(key=lambda x: x.month)
        shares = {f.employee_share for f in fs if f.employee_share is not None}
        share = f" (monthly share {', '.join(fmt_usd(s) for s in sorted(shares))})" if shares else ""
        out.append(Finding("aca_unaffordable", WARNING, f"{fs[0].name}: offer not shown affordable by any safe "
                           f"harbor in {year} month(s) {', '.join(str(f.month) for f in fs)}{share}",
                           f"1095-c {year}", wid))
    return out
