"""A carrier's monthly bill checked member by member against what the enrollments say: the bill's CSV read into
lines (every bad cell named by row and column), then each billed member matched with the expected one.

Pure: the expected coverage of each month comes in (the service reads it with `benefits.carriers.covered_members`),
the variances go out. The bill layout and the variance kinds are documented in docs/premium-reconciliation.md.

Variances (`amount` is always billed minus expected: positive when the carrier bills more than the enrollments):
- `billed_not_enrolled`: on the bill for the month, but no enrollment covers that member in that plan.
- `enrolled_not_billed`: an enrollment covers the member in the month, but the bill does not list them.
- `rate_difference`: both agree the member is covered, but the tier or the subscriber's premium differs.
- `retro_add` / `retro_term`: a bill adjustment for an earlier month; explained when the enrollments agree (the
  member was covered that month at that premium, for an add; was not covered that month, for a term).
A dependent missing (or extra) together with their subscriber is folded into the subscriber's variance."""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from backoffice.errors import Issue, raise_if
from backoffice.money import MONEY, D, number_problem

ZERO = Decimal("0.00")
TIERS = ("employee", "employee_spouse", "employee_children", "family")     # as benefits.models.TIERS
ADJUSTMENTS = ("current", "retro_add", "retro_term")
KINDS = ("billed_not_enrolled", "enrolled_not_billed", "rate_difference", "retro_add", "retro_term")
COLUMNS = ("member_id", "last_name", "first_name", "plan", "coverage_tier", "coverage_month", "premium",
           "adjustment_type")
REQUIRED = ("member_id", "last_name", "plan", "coverage_tier", "premium")
MAX_ROWS = 50_000
MEMBER_ID = re.compile(r"W([1-9]\d{0,17})(?:D([1-9]\d{0,17}))?")
MONTH = re.compile(r"(\d{4})-(\d{2})")


def month_of(text: str) -> date:
    """"2026-11" -> date(2026, 11, 1); ValueError otherwise."""
    m = MONTH.fullmatch((text or "").strip())
    if m is None or not 1 <= int(m[2]) <= 12 or int(m[1]) < 1900:
        raise ValueError(f"{text!r} is not a month written YYYY-MM")
    return date(int(m[1]), int(m[2]), 1)


def last_day(month: date) -> date:
    nxt = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return date.fromordinal(nxt.toordinal() - 1)


@dataclass(frozen=True)
class BillLine:
    """One row of the bill: a member in a plan for a coverage month. `row` is the file's line (header = 1)."""
    row: int
    member_id: str
    last_name: str
    first_name: str
    plan: str                    # as the carrier wrote it (the plan's name)
    coverage_tier: str
    coverage_month: date
    premium: Decimal             # on the subscriber's row; 0 on a dependent's; a credit (<= 0) on a retro term
    adjustment_type: str = "current"
    plan_id: int | None = None   # the plan the name means (set by the service)

    @property
    def subscriber_id(self) -> str:
        return self.member_id.split("D", 1)[0]

    @property
    def is_dependent(self) -> bool:
        return "D" in self.member_id

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass(frozen=True)
class Coverage:
    """Who the enrollments say is covered in a month (from `covered_members`): premium on the subscriber's row."""
    member_id: str
    subscriber_id: str
    worker_id: int
    dependent_id: int | None
    first_name: str
    last_name: str
    plan_id: int
    plan_name: str
    coverage_tier: str
    monthly_premium: Decimal
    start: date
    end: date | None = None
    client_id: int | None = None

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass(frozen=True)
class Variance:
    kind: str
    member_id: str
    name: str
    plan_id: int | None
    plan_name: str
    coverage_month: date
    amount: Decimal                        # billed minus expected
    explained: bool
    reason: str
    billed_tier: str | None = None
    expected_tier: str | None = None
    billed_premium: Decimal | None = None
    expected_premium: Decimal | None = None
    row: int | None = None                 # the bill's line, when billed
    folded: tuple[str, ...] = field(default=())   # dependents folded into a subscriber's variance

    @property
    def key(self) -> str:
        """One variance per kind, member, plan and coverage month (the database's unique key within a bill)."""
        return f"{self.kind}:{self.member_id}:{self.plan_id or self.plan_name}:{self.coverage_month:%Y-%m}"

    @property
    def subscriber_id(self) -> str:
        return self.member_id.split("D", 1)[0]


@dataclass(frozen=True)
class Reconciliation:
    month: date
    variances: tuple[Variance, ...]
    billed_total: Decimal        # every line of the bill (retro adjustments included)
    expected_total: Decimal      # the month's premiums by the enrollments

    @property
    def unexplained(self) -> tuple[Variance, ...]:
        return tuple(v for v in self.variances if not v.explained)


# --- reading the bill -------------------------------------------------------------------------------------------

def _header(names: list[str], issues: list[Issue]) -> list[str]:
    cols = [(n or "").strip().lower().replace(" ", "_") for n in names]
    for c in cols:
        if c and c not in COLUMNS:
            issues.append(Issue(c, f"is not a column of the bill (the columns: {', '.join(COLUMNS)})",
                                "unknown_column", 1))
        if not c:
            issues.append(Issue("file", "a column has no name in the header row", "unknown_column", 1))
    for c in REQUIRED:
        if c not in cols:
            issues.append(Issue(c, "column missing from the header row", "missing_column", 1))
    return cols


def _cell_month(raw: str, month: date, adjustment: str, line: int, issues: list[Issue]) -> date | None:
    if not raw:
        if adjustment == "current":
            return month
        issues.append(Issue("coverage_month", "a retro adjustment names the month it is for (YYYY-MM)", "required",
                            line))
        return None
    try:
        cm = month_of(raw)
    except ValueError as exc:
        issues.append(Issue("coverage_month", str(exc), "invalid", line))
        return None
    if adjustment == "current" and cm != month:
        issues.append(Issue("coverage_month", f"{raw} is not the bill's month {month:%Y-%m} (an earlier month is a "
                                              "retro_add or retro_term)", "invalid", line))
    elif adjustment != "current" and cm >= month:
        issues.append(Issue("coverage_month", f"a {adjustment} is for a month before the bill's {month:%Y-%m}",
                            "invalid", line))
    return cm


def _cell_premium(raw: str, adjustment: str, line: int, issues: list[Issue]) -> Decimal | None:
    if not raw:
        return ZERO
    try:
        amount = D(raw)
    except (ValueError, TypeError):
        issues.append(Issue("premium", f"{raw!r} is not an amount of money", "invalid", line))
        return None
    problem = number_problem(amount, MONEY)
    if problem:
        issues.append(Issue("premium", problem[1], problem[0], line))
        return None
    if adjustment == "retro_term" and amount > 0:
        issues.append(Issue("premium", "a retro_term is a credit: zero or negative", "invalid", line))
    elif adjustment != "retro_term" and amount < 0:
        issues.append(Issue("premium", f"a {adjustment} charge is zero or more (a credit is a retro_term)",
                            "invalid", line))
    return amount.quantize(Decimal("0.01"))


def parse_bill(text: str, month: date) -> tuple[BillLine, ...]:
    """The bill's lines, or ValidationFailed naming every bad cell by row and column (nothing half-read)."""
    issues: list[Issue] = []
    text = text.lstrip("\ufeff")
    reader = csv.reader(io.StringIO(text))
    try:
        head = next(reader)
    except StopIteration:
        raise_if([Issue("file", "the bill is empty (a header row and one row per member are expected)", "empty", 1)])
    except csv.Error as exc:
        raise_if([Issue("file", f"not a CSV file: {exc}", "invalid", 1)])
    cols = _header(head, issues)
    raise_if(issues)
    lines: list[BillLine] = []
    seen: dict[tuple, int] = {}
    try:
        for values in reader:
            line = reader.line_num
            if not any(v.strip() for v in values):
                continue
            if len(lines) >= MAX_ROWS:
                raise_if([Issue("file", f"more than {MAX_ROWS} rows: split the bill", "too_many_rows", line)])
            if len(values) != len(cols):
                issues.append(Issue("file", f"{len(values)} cells where the header has {len(cols)}", "invalid", line))
                continue
            row = {c: v.strip() for c, v in zip(cols, values)}
            before = len(issues)
            adjustment = row.get("adjustment_type") or "current"
            if adjustment not in ADJUSTMENTS:
                issues.append(Issue("adjustment_type", f"{adjustment!r} is not one of {', '.join(ADJUSTMENTS)}",
                                    "invalid", line))
            mid = row.get("member_id", "").upper()
            if not MEMBER_ID.fullmatch(mid):
                issues.append(Issue("member_id", f"{row.get('member_id')!r} is not a member id (W42, or W42D7 for a "
                                                 "dependent)", "invalid", line))
            for c in ("last_name", "plan"):
                if not row.get(c):
                    issues.append(Issue(c, "is required", "required", line))
                elif len(row[c]) > 120:
                    issues.append(Issue(c, "is longer than 120 characters", "too_long", line))
            if len(row.get("first_name", "")) > 120:
                issues.append(Issue("first_name", "is longer than 120 characters", "too_long", line))
            tier = row.get("coverage_tier", "").lower()
            if tier not in TIERS:
                issues.append(Issue("coverage_tier", f"{row.get('coverage_tier')!r} is not one of {', '.join(TIERS)}",
                                    "invalid", line))
            cm = _cell_month(row.get("coverage_month", ""), month, adjustment, line, issues)
            premium = _cell_premium(row.get("premium", ""), adjustment, line, issues)
            if len(issues) > before:
                continue
            key = (mid, row["plan"].casefold(), cm, adjustment)
            if key in seen:
                issues.append(Issue("member_id", f"{mid} in {row['plan']} for {cm:%Y-%m} ({adjustment}) repeats row "
                                                 f"{seen[key]}", "duplicate", line))
                continue
            seen[key] = line
            lines.append(BillLine(row=line, member_id=mid, last_name=row["last_name"],
                                  first_name=row.get("first_name", ""), plan=row["plan"], coverage_tier=tier,
                                  coverage_month=cm, premium=premium, adjustment_type=adjustment))
    except csv.Error as exc:
        issues.append(Issue("file", f"not a CSV file: {exc}", "invalid", reader.line_num))
    if not lines and not issues:
        issues.append(Issue("file", "the bill has no rows", "empty", 2))
    raise_if(issues)
    return tuple(lines)


# --- matching ---------------------------------------------------------------------------------------------------

def in_force_at_month_end(coverages: Sequence[Coverage]) -> dict[tuple[str, int], Coverage]:
    """One coverage per (member id, plan id) in a month: when an election changed within the month (a new tier
    from the 15th), the one that started last is the month's (the carrier bills the tier in force at the month's
    end). Reads only member_id, plan_id and start, so it takes `covered_members` rows as well."""
    out: dict[tuple[str, int], Coverage] = {}
    for c in coverages:
        k = (c.member_id, c.plan_id)
        if k not in out or c.start > out[k].start:
            out[k] = c
    return out


def _sort_key(member_id: str, plan_id: int | None, plan_name: str) -> tuple:
    m = MEMBER_ID.fullmatch(member_id)
    w, d = (int(m[1]), int(m[2] or 0)) if m else (0, 0)
    return (w, plan_id or 0, plan_name, d)


def _money(x: Decimal) -> str:
    return f"{x:,.2f}"


def _current(month: date, lines: list[BillLine], expected: dict[tuple[str, int], Coverage]) -> list[Variance]:
    billed = {(ln.member_id, ln.plan_id): ln for ln in lines}
    keys = sorted(set(billed) | set(expected),
                  key=lambda k: _sort_key(k[0], k[1], billed[k].plan if k in billed else expected[k].plan_name))
    out: list[Variance] = []
    when = f"{month:%Y-%m}"
    for k in keys:
        ln, cov = billed.get(k), expected.get(k)
        if ln is not None and cov is None:
            out.append(Variance("billed_not_enrolled", ln.member_id, ln.name, ln.plan_id, ln.plan, month,
                                ln.premium, False, f"billed {_money(ln.premium)} ({ln.coverage_tier}) but no "
                                f"enrollment covers {ln.member_id} in {ln.plan} in {when}", billed_tier=ln.coverage_tier,
                                billed_premium=ln.premium, row=ln.row))
        elif cov is not None and ln is None:
            out.append(Variance("enrolled_not_billed", cov.member_id, cov.name, cov.plan_id, cov.plan_name, month,
                                ZERO - cov.monthly_premium, False,
                                f"enrolled in {cov.plan_name} ({cov.coverage_tier}, {_money(cov.monthly_premium)} a "
                                f"month) since {cov.start.isoformat()} but not on the bill",
                                expected_tier=cov.coverage_tier, expected_premium=cov.monthly_premium))
        else:
            subscriber = cov.dependent_id is None
            tier_differs = subscriber and ln.coverage_tier != cov.coverage_tier
            if tier_differs or ln.premium != cov.monthly_premium:
                what = []
                if tier_differs:
                    what.append(f"tier {ln.coverage_tier} billed, {cov.coverage_tier} enrolled")
                if ln.premium != cov.monthly_premium:
                    what.append(f"premium {_money(ln.premium)} billed, {_money(cov.monthly_premium)} by the "
                                "enrollment" + ("" if subscriber else " (a dependent's premium is on the subscriber)"))
                out.append(Variance("rate_difference", cov.member_id, cov.name, cov.plan_id, cov.plan_name, month,
                                    ln.premium - cov.monthly_premium, False, "; ".join(what),
                                    billed_tier=ln.coverage_tier, expected_tier=cov.coverage_tier,
                                    billed_premium=ln.premium, expected_premium=cov.monthly_premium, row=ln.row))
    return _fold(out)


def _fold(variances: list[Variance]) -> list[Variance]:
    """A dependent missing (or extra) along with their subscriber in the same plan is part of the subscriber's
    variance: one line saying "with 2 dependents", their amounts (0 as a rule) added to it."""
    heads = {(v.kind, v.member_id, v.plan_id): i for i, v in enumerate(variances) if "D" not in v.member_id}
    keep: list[Variance | None] = list(variances)
    for i, v in enumerate(variances):
        if "D" not in v.member_id or v.kind == "rate_difference":
            continue
        h = heads.get((v.kind, v.subscriber_id, v.plan_id))
        if h is None:
            continue
        head = keep[h]
        keep[h] = Variance(**{**head.__dict__, "amount": head.amount + v.amount,
                              "folded": head.folded + (v.member_id,)})
        keep[i] = None
    out = []
    for v in keep:
        if v is None:
            continue
        if v.folded:
            n = len(v.folded)
            v = Variance(**{**v.__dict__, "reason": f"{v.reason} (with {n} dependent{'s' if n > 1 else ''}: "
                                                    f"{', '.join(v.folded)})"})
        out.append(v)
    return out


def _retro(ln: BillLine, cov: Coverage | None) -> Variance:
    when = f"{ln.coverage_month:%Y-%m}"
    base = dict(member_id=ln.member_id, name=ln.name, plan_id=ln.plan_id, plan_name=ln.plan,
                coverage_month=ln.coverage_month, amount=ln.premium, billed_tier=ln.coverage_tier,
                billed_premium=ln.premium, row=ln.row,
                expected_tier=cov.coverage_tier if cov else None,
                expected_premium=cov.monthly_premium if cov else None)
    if ln.adjustment_type == "retro_add":
        if cov is None:
            return Variance("retro_add", explained=False, reason=f"a retro add for {when}, but no enrollment covers "
                            f"{ln.member_id} in {ln.plan} that month", **base)
        if not ln.is_dependent and (ln.coverage_tier != cov.coverage_tier or ln.premium != cov.monthly_premium):
            return Variance("retro_add", explained=False, reason=f"a retro add for {when} at {_money(ln.premium)} "
                            f"({ln.coverage_tier}); the enrollment says {_money(cov.monthly_premium)} "
                            f"({cov.coverage_tier})", **base)
        return Variance("retro_add", explained=True, reason=f"the enrollment covers {ln.member_id} in {when} from "
                        f"{cov.start.isoformat()} (entered late): the add matches", **base)
    if cov is not None:
        return Variance("retro_term", explained=False, reason=f"a retro term credit for {when}, but the enrollment "
                        f"still covers {ln.member_id} that month"
                        + (f" (to {cov.end.isoformat()})" if cov.end else " (open)"), **base)
    return Variance("retro_term", explained=True, reason=f"no enrollment covers {ln.member_id} in {ln.plan} in {when}: "
                    "the credit matches", **base)


def reconcile(month: date, lines: Sequence[BillLine],
              expected: Mapping[date, Sequence[Coverage]]) -> Reconciliation:
    """The bill's lines for `month` against the coverage the enrollments give each month (`expected[month]`, and
    each earlier month a retro line names). Every line's `plan_id` is set (the service resolves the names)."""
    current = [ln for ln in lines if ln.adjustment_type == "current"]
    this_month = in_force_at_month_end(expected.get(month, ()))
    variances = _current(month, current, this_month)
    by_month = {m: in_force_at_month_end(c) for m, c in expected.items()}
    retro = sorted((ln for ln in lines if ln.adjustment_type != "current"),
                   key=lambda ln: (ln.coverage_month, _sort_key(ln.member_id, ln.plan_id, ln.plan)))
    for ln in retro:
        variances.append(_retro(ln, by_month.get(ln.coverage_month, {}).get((ln.member_id, ln.plan_id))))
    return Reconciliation(month=month, variances=tuple(variances),
                          billed_total=sum((ln.premium for ln in lines), ZERO),
                          expected_total=sum((c.monthly_premium for c in this_month.values()), ZERO))
