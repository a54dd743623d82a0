"""Workers' compensation: the premium each paycheck accrues per engagement (written with the run's paychecks, copied
negated by a reversal), and the agency's class codes and rates (dated; a rate that priced pay is closed, never
overwritten). The pure rule: payroll/engine/workers_comp.py; docs/workers-comp.md."""
from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Iterable

import sqlalchemy as sa

from backoffice import validation as v
from backoffice.errors import DomainError, Issue, NotFound, PermissionDenied, raise_if
from backoffice.extensions import db
from backoffice.money import RATE, ZERO, from_cents
from backoffice.security.access import can
from backoffice.uow import transaction
from backoffice.workers.models import Engagement
from payroll.engine import workers_comp as wc
from payroll.models_workers_comp import WorkersCompClass, WorkersCompPremium

from .common import bulk_insert, cents, id_in, units4, user_id

BATCH = 2500        # ids per IN list (common.id_in)
SEED_FILE = Path(__file__).resolve().parent.parent / "data" / "workers_comp_rates.csv"
CLASS_CODE = re.compile(r"^[0-9A-Z]{3,8}$")
PREMIUM_COLUMNS = ("paycheck_id", "run_id", "engagement_id", "client_id", "worker_id", "agency_id", "class_id",
                   "state", "class_code", "pay_date", "wages", "overtime_excluded", "hours", "rate_per_100",
                   "rate_per_hour", "premium")
LEDGER_KIND = "workers_comp"        # payroll.services.ledger: Dr 6400 / Cr 2600, detail the class code


# ------------------------------------------------------------------------------------------------ reading
def premiums_for(paycheck_ids: Iterable[int]) -> dict[tuple[int, int], Decimal]:
    """The workers' compensation premium accrued by each (paycheck id, engagement id) of the given paychecks, in
    dollars (a reversal paycheck's is negative). Paychecks with no premium (contractors, engagements without a
    class code or without a rate) are absent. Read by billing (cost-plus lines) and margins."""
    ids = sorted({int(i) for i in paycheck_ids})
    out: dict[tuple[int, int], Decimal] = {}
    for start in range(0, len(ids), BATCH):
        part = ids[start:start + BATCH]
        for pid, eid, premium in db.session.execute(
                sa.select(WorkersCompPremium.paycheck_id, WorkersCompPremium.engagement_id,
                          WorkersCompPremium.premium).where(id_in(WorkersCompPremium.paycheck_id, part))):
            out[(pid, eid)] = out.get((pid, eid), ZERO) + premium
    return out


def paycheck_premiums(paycheck_id: int) -> list[WorkersCompPremium]:
    """The premium rows of one paycheck (its detail page: an employer cost)."""
    return list(db.session.execute(sa.select(WorkersCompPremium).where(
        WorkersCompPremium.paycheck_id == paycheck_id).order_by(WorkersCompPremium.engagement_id)).scalars())


def run_premium(run_id: int) -> Decimal | None:
    """The premium a run's paychecks accrued in all (None: none accrued)."""
    total = db.session.execute(sa.select(sa.func.sum(sa.cast(WorkersCompPremium.premium, sa.BigInteger))).where(
        WorkersCompPremium.run_id == run_id)).scalar()
    return from_cents(total) if total is not None else None


def rate_table() -> list[wc.WcRate]:
    """Every rate row, for the engine (a few hundred rows: read once per chunk)."""
    return [wc.WcRate(r.id, r.state, r.class_code, r.basis, r.rate_per_100, r.rate_per_hour, r.effective_from,
                      r.effective_to)
            for r in db.session.execute(sa.select(WorkersCompClass)).scalars()]


def rates_in_force(day: date, state: str | None = None) -> list[WorkersCompClass]:
    """The rate rows in force on the day (of one state), by state and class code."""
    stmt = sa.select(WorkersCompClass).where(
        WorkersCompClass.effective_from <= day,
        sa.or_(WorkersCompClass.effective_to.is_(None), WorkersCompClass.effective_to >= day))
    if state:
        stmt = stmt.where(WorkersCompClass.state == state.upper())
    return list(db.session.execute(stmt.order_by(WorkersCompClass.state, WorkersCompClass.class_code)).scalars())


def class_history(state: str, class_code: str) -> list[WorkersCompClass]:
    """Every rate the class has had in the state, oldest first."""
    return list(db.session.execute(sa.select(WorkersCompClass).where(
        WorkersCompClass.state == state, WorkersCompClass.class_code == class_code)
        .order_by(WorkersCompClass.effective_from)).scalars())


# ------------------------------------------------------------------------------------------------ accrual
@dataclass
class ChunkAccrual:
    """Prices the employee paychecks of one chunk and writes their premium rows in one bulk insert.

    Reads two things once: the chunk's engagements (work state, class code) and the rate table."""

    run_id: int
    pay_date: date
    agency_id: int | None
    engagements: dict        # id -> (work_state, wc_class_code)
    rates: dict              # (state, code) -> [WcRate]
    rows: list
    # whether any engagement of the chunk has a class code (else there is nothing to price): decided once when the
    # engagements are read — calculate_chunk asks it for every slice of 25 paychecks, and a scan of the chunk's
    # 2,500 engagements each time (a property until session 22) cost ~0.3 ms a slice, ~1.2 s of CPU a 100,000 run
    prices: bool = False
    memo: dict = field(default_factory=dict)     # (state, code) -> (StateRule, WcRate | None)

    @classmethod
    def load(cls, run_id: int, pay_date: date, agency_id: int | None, engagement_ids: list[int]) -> "ChunkAccrual":
        engs: dict = {}
        for start in range(0, len(engagement_ids), BATCH):
            part = engagement_ids[start:start + BATCH]
            for eid, state, code in db.session.execute(sa.select(
                    Engagement.id, Engagement.work_state, Engagement.wc_class_code).where(id_in(Engagement.id, part))):
                engs[eid] = (state, code)
        rates: dict = defaultdict(list)
        prices = any(code for _s, code in engs.values())
        if prices:
            for r in rate_table():
                rates[(r.state, r.class_code)].append(r)
        return cls(run_id, pay_date, agency_id, engs, rates, [], prices)

    def price(self, place: int, worker_id: int, engine_earnings: list[dict], paid: list,
              sources: list[tuple[int, int]]) -> list[tuple]:
        """Price one employee paycheck, named by its place in the chunk (write() gives the ids): its earnings
        (engine JSON form), the amounts the engine paid for them (parallel) and their (engagement id, client id)
        sources. Returns the ledger lines (kind, class code, state, premium) and keeps the rows to write."""
        by_eng: dict[int, list] = defaultdict(list)
        client_of: dict[int, int] = {}
        for e, line, (eid, client_id) in zip(engine_earnings, paid, sources):
            by_eng[eid].append((e, line.amount))
            client_of[eid] = client_id
        out = []
        for eid, earned in by_eng.items():
            state, code = self.engagements.get(eid, ("", None))
            if not code:
                continue
            rule, rate = self._rule_and_rate(state, code)
            if rate is None:
                continue
            try:
                p = wc.premium([wc.earning_from_json(e, amount) for e, amount in earned], rule, rate)
            except wc.NotPriced:
                continue
            if not p.premium and not p.wages:
                continue
            self.rows.append((place, self.run_id, eid, client_of.get(eid), worker_id, self.agency_id,
                              p.class_id, state, code, self.pay_date, cents(p.wages), cents(p.overtime_excluded),
                              units4(p.hours), units4(p.rate_per_100), units4(p.rate_per_hour), cents(p.premium)))
            if p.premium:
                out.append((LEDGER_KIND, code, state, p.premium))
        return out

    def _rule_and_rate(self, state: str, code: str) -> tuple:
        """The state's rule and the class's rate on the pay date: the same for every paycheck of the chunk."""
        key = (state, code)
        hit = self.memo.get(key)
        if hit is None:
            hit = self.memo[key] = (wc.state_rule(state),
                                    wc.rate_on(self.rates.get(key, ()), state, code, self.pay_date))
        return hit

    def accrue(self, computed: list, places: dict, ledger_input: list) -> None:
        """Price the employee paychecks of `computed` (calc.compute_chunk's: (key (worker_id, worker_type),
        engagements, pay, engine input, result, …), `places` their places in the chunk by key), adding each one's
        ledger lines to its entry of `ledger_input` (parallel to `computed`)."""
        for c, entry in zip(computed, ledger_input):
            key, _engs, pay, obj, result = c[:5]
            if key[1] == "employee":
                entry[4].extend(self.price(places[key], key[0], obj["earnings"], result.earnings, pay.sources))

    def write(self, paycheck_ids: list[int]) -> int:
        """Write the premium rows (one bulk insert), each paycheck's place given its id (`paycheck_ids`)."""
        return bulk_insert("workers_comp_premiums", PREMIUM_COLUMNS,
                           ((paycheck_ids[r[0]],) + r[1:] for r in self.rows), ready=True)


def copy_premiums(pairs: list[tuple[int, int]], run_id: int, sign: int, pay_date_of: dict[int, date]
                  ) -> dict[int, list[tuple]]:
    """Copy the premium rows of paychecks (original id, new id) to their reversal (sign -1: negated) or re-issue
    (sign 1), dated like the new paycheck; returns the ledger lines of each new paycheck by original id."""
    if not pairs:
        return {}
    new_of = dict(pairs)
    rows, ledger = [], defaultdict(list)
    for r in db.session.execute(sa.select(WorkersCompPremium).where(
            id_in(WorkersCompPremium.paycheck_id, sorted(new_of))).order_by(WorkersCompPremium.id)).scalars():
        new_id = new_of[r.paycheck_id]
        rows.append((new_id, run_id, r.engagement_id, r.client_id, r.worker_id, r.agency_id, r.class_id, r.state,
                     r.class_code, pay_date_of[r.paycheck_id], cents(sign * r.wages), cents(sign * r.overtime_excluded),
                     units4(sign * r.hours) if r.hours is not None else None, units4(r.rate_per_100),
                     units4(r.rate_per_hour), cents(sign * r.premium)))
        if r.premium:
            ledger[r.paycheck_id].append((LEDGER_KIND, r.class_code, r.state, sign * r.premium))
    bulk_insert("workers_comp_premiums", PREMIUM_COLUMNS, rows)
    return ledger


# ------------------------------------------------------------------------------------------------ run checks
def engagement_problems(run, in_scope) -> list[tuple[str, int, int, str]]:
    """(code, engagement id, worker id, message) for the run's leased-employee engagements whose premium will not
    accrue: no class code, no rate in force on the pay date, or an hours-based state (WA) with pay that carries no
    hours. Warnings: the paycheck is right; the premium is missing and HR fixes the class table. Looked at once the
    agency keeps its workers' comp rates here (the class table has a row): before that, nothing accrues anywhere
    and a note on every engagement would say nothing the empty table does not."""
    table: dict = defaultdict(list)
    for r in rate_table():
        table[(r.state, r.class_code)].append(r)
    if not table:
        return []
    rows = db.session.execute(
        sa.select(Engagement.id, Engagement.worker_id, Engagement.work_state, Engagement.wc_class_code,
                  Engagement.pay_unit)
        .where(in_scope, Engagement.type == "leased_employee").order_by(Engagement.id)).all()
    found = []
    for eid, wid, state, code, unit in rows:
        if not code:
            found.append(("no_wc_class", eid, wid,
                          "engagement without a workers' comp class code: no premium accrues until HR sets one"))
            continue
        rate = wc.rate_on(table.get((state, code), ()), state, code, run.pay_date)
        if rate is None:
            found.append(("no_wc_rate", eid, wid, f"no workers' comp rate for class {code} in {state} in force on "
                          f"the pay date {run.pay_date.isoformat()}: no premium accrues"))
        elif wc.state_rule(state).basis == "hours" and unit != "hour":
            found.append(("wc_hours_unknown", eid, wid, f"{state} workers' comp premium is per hour worked and this "
                          f"engagement is paid per {unit}: not computed (no hours worked on the paycheck)"))
    return found


# ------------------------------------------------------------------------------------------------ rate table
def _require(user, action: str) -> None:
    """The right to change the rate table (None: the system itself, e.g. the seed)."""
    if user is not None and not can(user, "workers_comp_class", action):
        raise PermissionDenied(f"{getattr(user, 'role', 'anonymous')} may not {action} workers' comp rates")


def clean_rate(data: dict, row: WorkersCompClass | None = None) -> dict:
    """The fields of a rate row, or ValidationFailed naming each wrong field."""
    issues: list[Issue] = []
    get = (lambda k: data[k] if k in data else getattr(row, k)) if row is not None else data.get
    state = v.state_code("state", get("state"), issues)
    code = str(get("class_code") or "").strip().upper()
    if not code:
        issues.append(Issue("class_code", "is required", "required"))
    elif not CLASS_CODE.match(code):
        issues.append(Issue("class_code", "must be the class code: 3 to 8 letters or digits (e.g. 8810)", "invalid"))
    description = str(get("description") or "").strip()[:200]
    source = str(get("source") or "").strip()
    if not source:
        issues.append(Issue("source", "is required: name the publication, the carrier's policy or say it is "
                            "illustrative", "required"))
    rule = wc.state_rule(state) if state else None
    basis = rule.basis if rule else "payroll"
    per_100 = get("rate_per_100")
    per_hour = get("rate_per_hour")
    rate_100 = rate_hour = None
    if basis == "hours":
        if per_100 not in (None, ""):
            issues.append(Issue("rate_per_100", f"{state} measures premium per hour worked: give the rate per hour",
                                "wrong_basis"))
        rate_hour = v.amount("rate_per_hour", per_hour, issues, kind=RATE)
    else:
        if per_hour not in (None, ""):
            issues.append(Issue("rate_per_hour", f"{state or 'this state'} measures premium per $100 of payroll: "
                                "give the rate per $100", "wrong_basis"))
        rate_100 = v.amount("rate_per_100", per_100, issues, kind=RATE)
    start = v.a_date("effective_from", get("effective_from"), issues)
    end = v.a_date("effective_to", get("effective_to"), issues, required_=False)
    if start and end and end < start:
        issues.append(Issue("effective_to", "must be on or after the start", "before_start"))
    raise_if(issues)
    return {"state": state, "class_code": code, "description": description, "basis": basis,
            "rate_per_100": rate_100, "rate_per_hour": rate_hour, "effective_from": start, "effective_to": end,
            "source": source[:300]}


def _last_priced(class_id: int) -> date | None:
    """The latest pay date this rate row priced (None: it priced nothing yet)."""
    return db.session.execute(sa.select(sa.func.max(WorkersCompPremium.pay_date)).where(
        WorkersCompPremium.class_id == class_id)).scalar()


def _overlaps(clean: dict, exclude_id: int | None) -> list[WorkersCompClass]:
    stmt = sa.select(WorkersCompClass).where(
        WorkersCompClass.state == clean["state"], WorkersCompClass.class_code == clean["class_code"],
        sa.or_(WorkersCompClass.effective_to.is_(None), WorkersCompClass.effective_to >= clean["effective_from"]))
    if clean["effective_to"] is not None:
        stmt = stmt.where(WorkersCompClass.effective_from <= clean["effective_to"])
    if exclude_id is not None:
        stmt = stmt.where(WorkersCompClass.id != exclude_id)
    return list(db.session.execute(stmt).scalars())


@transaction()
def add_rate(data: dict, user=None) -> WorkersCompClass:
    """A new rate of a class in a state from `effective_from`. The rate in force then (open-ended, started before)
    is closed the day before: a rate change, with both rows kept. Any other overlap is refused."""
    _require(user, "create")
    clean = clean_rate(data)
    for other in _overlaps(clean, None):
        if other.effective_to is None and other.effective_from < clean["effective_from"] \
                and clean["effective_to"] is None:
            other.effective_to = clean["effective_from"] - timedelta(days=1)     # the old rate ends the day before
            last = _last_priced(other.id)
            if last is not None and last > other.effective_to:
                raise DomainError(f"the rate {other.rate_words} of {other.state} {other.class_code} priced pay dated "
                                  f"{last.isoformat()}: a new rate may start after that date only (corrections "
                                  "of paid periods go through the carrier's audit)", code="rate_in_use")
            continue
        raise_if([Issue("effective_from", f"overlaps the rate #{other.id} of {other.state} {other.class_code} from "
                        f"{other.effective_from.isoformat()}"
                        + (f" to {other.effective_to.isoformat()}" if other.effective_to else " (open-ended)"),
                        "overlap")])
    row = WorkersCompClass(created_by_id=user_id(user), **clean)
    db.session.add(row)
    db.session.flush()
    return row


@transaction()
def update_rate(rate_id: int, data: dict, user=None) -> WorkersCompClass:
    """Edit a rate row. Once it priced pay, its state, class, rate and start are history: only the description,
    the source and the end date may change (the end not before the last pay date it priced); to change the rate,
    add a new one (add_rate closes this one)."""
    _require(user, "write")
    row = db.session.get(WorkersCompClass, rate_id) if v.is_record_id(rate_id) else None
    if row is None:
        raise NotFound(f"workers' comp rate {rate_id} not found")
    clean = clean_rate(data, row)
    last = _last_priced(row.id)
    if last is not None:
        frozen = [k for k in ("state", "class_code", "basis", "rate_per_100", "rate_per_hour", "effective_from")
                  if clean[k] != getattr(row, k)]
        issues = [Issue(k, f"priced pay up to {last.isoformat()}: it is history; add a new rate from a later date "
                        "instead (the current one is closed the day before)", "rate_in_use") for k in frozen]
        if clean["effective_to"] is not None and clean["effective_to"] < last:
            issues.append(Issue("effective_to", f"must be on or after {last.isoformat()}, the last pay date this "
                                "rate priced", "rate_in_use"))
        raise_if(issues)
    overlap = _overlaps(clean, row.id)
    if overlap:
        o = overlap[0]
        raise_if([Issue("effective_from", f"overlaps the rate #{o.id} from {o.effective_from.isoformat()}",
                        "overlap")])
    for k, val in clean.items():
        setattr(row, k, val)
    db.session.flush()
    return row


@transaction()
def delete_rate(rate_id: int, user=None) -> None:
    """Delete a rate row entered by mistake; one that priced pay is history and is refused."""
    _require(user, "delete")
    row = db.session.get(WorkersCompClass, rate_id)
    if row is None:
        raise NotFound(f"workers' comp rate {rate_id} not found")
    if _last_priced(row.id) is not None:
        raise DomainError("this rate priced pay: it is history and stays (close it with an end date instead)",
                          code="rate_in_use")
    db.session.delete(row)


def read_seed(path: Path | None = None) -> list[dict]:
    """The rows of the seed file (payroll/data/workers_comp_rates.csv): state, class_code, description,
    rate_per_100, rate_per_hour, effective_from, effective_to, source."""
    with open(path or SEED_FILE, newline="") as fh:
        return [{k: (val or "").strip() for k, val in row.items()} for row in csv.DictReader(
            line for line in fh if not line.startswith("#"))]


@transaction()
def seed_rates(path: Path | None = None, user=None) -> int:
    """Load the seed file's rates that are not in the table yet (same state, class and start): safe to run twice.
    Returns how many rows were added."""
    have = set(db.session.execute(sa.select(WorkersCompClass.state, WorkersCompClass.class_code,
                                            WorkersCompClass.effective_from)).all())
    added = 0
    for i, raw in enumerate(read_seed(path)):
        data = {**raw, "effective_to": raw.get("effective_to") or None}
        try:
            clean = clean_rate(data)
        except DomainError as exc:
            raise DomainError(f"{(path or SEED_FILE).name} row {i + 2}: {exc}", code="bad_seed") from exc
        if (clean["state"], clean["class_code"], clean["effective_from"]) in have:
            continue
        db.session.add(WorkersCompClass(created_by_id=user_id(user), **clean))
        have.add((clean["state"], clean["class_code"], clean["effective_from"]))
        added += 1
    db.session.flush()
    return added


# ------------------------------------------------------------------------------------------------ the audit report
PERIODS = ("month", "quarter", "year")
SUMMARY_COLUMNS = ("period", "state", "class_code", "description", "workers", "paychecks", "wages",
                   "overtime_excluded", "hours", "premium")


def _period_of(day: date, period: str) -> str:
    if period == "year":
        return str(day.year)
    if period == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return f"{day.year}-{day.month:02d}"


def premium_summary(date_from: date, date_to: date, *, state: str | None = None, class_code: str | None = None,
                    client_id: int | None = None, period: str = "month") -> list[dict]:
    """Premium by period (of pay dates), state and class code between two pay dates (inclusive): payroll subject
    to premium, the overtime premium left out, hours (WA), premium, workers and paychecks — what a carrier's or
    state fund's premium audit asks for. Reversals count on their own pay date, negated."""
    if period not in PERIODS:
        raise DomainError(f"period must be one of {', '.join(PERIODS)}", code="bad_period")
    t = WorkersCompPremium
    raw = sa.func.sum
    stmt = (sa.select(t.pay_date, t.state, t.class_code, raw(sa.cast(t.wages, sa.BigInteger)),
                      raw(sa.cast(t.overtime_excluded, sa.BigInteger)),
                      raw(sa.func.coalesce(sa.cast(t.hours, sa.BigInteger), 0)), raw(sa.cast(t.premium, sa.BigInteger)),
                      sa.func.count(sa.distinct(t.paycheck_id)))
            .where(t.pay_date >= date_from, t.pay_date <= date_to)
            .group_by(t.pay_date, t.state, t.class_code))
    if state:
        stmt = stmt.where(t.state == state.upper())
    if class_code:
        stmt = stmt.where(t.class_code == class_code.upper())
    if client_id:
        stmt = stmt.where(t.client_id == client_id)
    sums: dict = {}
    for day, st, code, wages, excluded, hours, premium, paychecks in db.session.execute(stmt):
        key = (_period_of(day, period), st, code)
        acc = sums.setdefault(key, [0, 0, 0, 0, 0])
        for i, val in enumerate((wages, excluded, hours, premium, paychecks)):
            acc[i] += int(val or 0)
    workers = _distinct_workers(date_from, date_to, state, class_code, client_id, period)
    names = {(r.state, r.class_code): r.description for r in db.session.execute(sa.select(WorkersCompClass)
                                                                                .order_by(WorkersCompClass.effective_from)).scalars()}
    out = []
    for (per, st, code), (wages, excluded, hours, premium, paychecks) in sorted(sums.items()):
        out.append({"period": per, "state": st, "class_code": code, "description": names.get((st, code), ""),
                    "workers": workers.get((per, st, code), 0), "paychecks": paychecks,
                    "wages": from_cents(wages), "overtime_excluded": from_cents(excluded),
                    "hours": Decimal(hours).scaleb(-4) if hours else None, "premium": from_cents(premium)})
    return out


def _distinct_workers(date_from, date_to, state, class_code, client_id, period) -> dict:
    t = WorkersCompPremium
    stmt = (sa.select(t.pay_date, t.state, t.class_code, t.worker_id).distinct()
            .where(t.pay_date >= date_from, t.pay_date <= date_to))
    if state:
        stmt = stmt.where(t.state == state.upper())
    if class_code:
        stmt = stmt.where(t.class_code == class_code.upper())
    if client_id:
        stmt = stmt.where(t.client_id == client_id)
    seen: dict = defaultdict(set)
    for day, st, code, wid in db.session.execute(stmt):
        seen[(_period_of(day, period), st, code)].add(wid)
    return {k: len(v) for k, v in seen.items()}
