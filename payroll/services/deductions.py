"""Recurring deductions, garnishment orders and employer contributions: validated writes, the per-chunk loader a
run merges into the engine input, what each paycheck took (goals and remittance), and the worker's summary."""
from __future__ import annotations

import json
from collections import defaultdict
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from backoffice.dates import parse_date
from backoffice.errors import DomainError, Issue, NotFound, raise_if
from backoffice.extensions import db
from backoffice.money import MONEY, PERCENT, ZERO, D, number_problem
from backoffice.uow import transaction
from backoffice.workers.models import Worker
from payroll.models import Paycheck, PaycheckLine, PayrollRun
from payroll.models_deductions import (COMMUTER_KINDS, CONTRIBUTION_CODES, CONTRIBUTION_SOURCES, CONTRIBUTION_STATUSES,
                                       DEDUCTION_CODES, DEDUCTION_SOURCES, DEDUCTION_STATUSES, HSA_COVERAGES,
                                       ORDER_CODES, PRETAX_DEDUCTION_CODES, DeductionTake, EmployerContribution,
                                       WorkerDeduction)

from .common import cents, id_in
from .ledger import raw_sum



def _released():
    """Runs a worker's year to date counts (as the portal): approved or paid, or reversed after approval (its
    reversal run is paid, so the two net out). A calculated run is still a draft."""
    return sa.or_(PayrollRun.state.in_(("approved", "paid")),
                  sa.and_(PayrollRun.state == "reversed", PayrollRun.approved_at.is_not(None)))


_TEXT = {"note": 500, "case_number": 60, "issuing_agency": 120, "payee_name": 120, "payee_address": 300,
         "external_ref": 60}
DEDUCTION_FIELDS = ("code", "amount", "percent", "start_date", "end_date", "goal", "status", "source",
                    "external_ref", "hsa_coverage", "commuter_kind", "note", "case_number", "issuing_state",
                    "issuing_agency", "received_date", "supports_other_family", "arrears_over_12_weeks", "payee_name",
                    "payee_address", "payee_fips")
CONTRIBUTION_FIELDS = ("code", "amount", "percent", "match_up_to_1", "match_rate_1", "match_up_to_2",
                       "match_rate_2", "hsa_coverage", "start_date", "end_date", "status", "source", "external_ref",
                       "note")


# --- validation ----------------------------------------------------------------------------------------------------

class _Clean:
    def __init__(self, data: dict, allowed: tuple, partial: bool):
        self.data, self.partial = data, partial
        self.issues: list[Issue] = []
        self.out: dict = {}
        for key in sorted(k for k in data if k not in allowed):
            self.issues.append(Issue(str(key), "is not a field of this record", "unknown_field"))

    def given(self, key: str) -> bool:
        return key in self.data or not self.partial

    def choice(self, key: str, values: tuple, default: str | None = None, required: bool = True) -> None:
        if not self.given(key):
            return
        v = self.data.get(key, default)
        if v in (None, "") and not required:
            self.out[key] = None
            return
        if v not in values:
            self.issues.append(Issue(key, f"must be one of {', '.join(values)}", "required" if v is None else
                                     "invalid"))
        self.out[key] = v

    def number(self, key: str, kind) -> None:
        if not self.given(key):
            return
        v = self.data.get(key)
        if v in (None, ""):
            self.out[key] = None
            return
        if isinstance(v, (bool, float)):
            self.issues.append(Issue(key, "give a number as a string (\"12.50\")"))
            return
        try:
            d = D(v)
        except (ValueError, TypeError):
            self.issues.append(Issue(key, f"not a number: {v!r}"))
            return
        problem = number_problem(d, kind)
        if d <= 0:
            self.issues.append(Issue(key, "must be more than zero"))
        elif problem is not None:
            self.issues.append(Issue(key, problem[1], problem[0]))
        elif kind is PERCENT and d > 1:
            self.issues.append(Issue(key, "is a fraction: at most 1 (100%); 0.06 is 6%"))
        else:
            self.out[key] = d

    def day(self, key: str, required: bool) -> None:
        if not self.given(key):
            return
        v = self.data.get(key)
        if v in (None, ""):
            if required:
                self.issues.append(Issue(key, "is required", "required"))
            self.out[key] = None
            return
        try:
            self.out[key] = parse_date(v)
        except (ValueError, TypeError) as exc:
            self.issues.append(Issue(key, str(exc) or "must be a date YYYY-MM-DD"))

    def text(self, key: str) -> None:
        if not self.given(key):
            return
        v = self.data.get(key)
        v = "" if v is None else v
        if not isinstance(v, str):
            self.issues.append(Issue(key, "must be text"))
            return
        v = v.strip()
        if len(v) > _TEXT[key]:
            self.issues.append(Issue(key, f"must be at most {_TEXT[key]} characters"))
        self.out[key] = v if (v or key == "note") else None

    def flag(self, key: str, default: bool) -> None:
        if not self.given(key):
            return
        v = self.data.get(key, default)
        if not isinstance(v, bool):
            self.issues.append(Issue(key, "must be true or false"))
            return
        self.out[key] = v


def _merged(cur, out: dict, key: str):
    return out[key] if key in out else (getattr(cur, key) if cur is not None else None)


def clean_deduction(data: dict, current: WorkerDeduction | None = None) -> dict:
    """Validated deduction fields (every problem named); `current` is the record being changed (a partial update)."""
    c = _Clean(data, DEDUCTION_FIELDS, partial=current is not None)
    c.choice("code", DEDUCTION_CODES)
    c.number("amount", MONEY)
    c.number("percent", PERCENT)
    c.number("goal", MONEY)
    c.day("start_date", True)
    c.day("end_date", False)
    c.day("received_date", False)
    c.choice("status", DEDUCTION_STATUSES, "active")
    c.choice("source", DEDUCTION_SOURCES, "hr")
    c.choice("hsa_coverage", HSA_COVERAGES, required=False)
    c.choice("commuter_kind", COMMUTER_KINDS, required=False)
    for key in ("note", "case_number", "issuing_agency", "payee_name", "payee_address", "external_ref"):
        c.text(key)
    c.flag("supports_other_family", True)
    c.flag("arrears_over_12_weeks", False)
    if c.given("issuing_state"):
        st = c.data.get("issuing_state")
        if st in (None, ""):
            c.out["issuing_state"] = None
        elif not (isinstance(st, str) and len(st) == 2 and st.isalpha() and st.isascii()):
            c.issues.append(Issue("issuing_state", "must be a two-letter state code"))
        else:
            c.out["issuing_state"] = st.upper()
    if c.given("payee_fips"):
        f = c.data.get("payee_fips")
        if f in (None, ""):
            c.out["payee_fips"] = None
        elif not (isinstance(f, str) and f.isdigit() and len(f) in (5, 7)):
            c.issues.append(Issue("payee_fips", "must be a 5- or 7-digit FIPS code"))
        else:
            c.out["payee_fips"] = f
    _check_deduction_whole(c, current)
    raise_if(c.issues)
    return c.out


def _check_deduction_whole(c: _Clean, cur) -> None:
    if any(i.field in ("amount", "percent", "code", "start_date", "end_date") for i in c.issues):
        return
    g = lambda k: _merged(cur, c.out, k)  # noqa: E731 - the value after this change
    if (g("amount") is None) == (g("percent") is None):
        c.issues.append(Issue("amount", "give exactly one of amount (per paycheck) and percent",
                              "required" if g("amount") is None else "invalid"))
    if g("end_date") is not None and g("start_date") is not None and g("end_date") < g("start_date"):
        c.issues.append(Issue("end_date", "is before the start date"))
    if g("code") in ORDER_CODES:
        for key, why in (("case_number", "an order needs its case number"),
                         ("received_date", "an order needs the date it was received (it sets the priority)"),
                         ("payee_name", "an order needs the payee its withholding is remitted to")):
            if not g(key):
                c.issues.append(Issue(key, why, "required"))
    if g("hsa_coverage") is not None and g("code") != "hsa":
        c.issues.append(Issue("hsa_coverage", "is for HSA deductions only"))
    if g("code") == "commuter" and g("commuter_kind") is None:
        c.issues.append(Issue("commuter_kind", "a commuter deduction is transit or parking: each has its own "
                              "monthly limit (IRC 132(f)(2))", "required"))
    elif g("commuter_kind") is not None and g("code") != "commuter":
        c.issues.append(Issue("commuter_kind", "is for commuter deductions only"))


def clean_contribution(data: dict, current: EmployerContribution | None = None) -> dict:
    c = _Clean(data, CONTRIBUTION_FIELDS, partial=current is not None)
    c.choice("code", CONTRIBUTION_CODES)
    c.number("amount", MONEY)
    for key in ("percent", "match_up_to_1", "match_rate_1", "match_up_to_2", "match_rate_2"):
        c.number(key, PERCENT)
    c.day("start_date", True)
    c.day("end_date", False)
    c.choice("status", CONTRIBUTION_STATUSES, "active")
    c.choice("source", CONTRIBUTION_SOURCES, "hr")
    c.choice("hsa_coverage", HSA_COVERAGES, required=False)
    c.text("note")
    c.text("external_ref")
    if not c.issues:
        g = lambda k: _merged(current, c.out, k)  # noqa: E731
        formulas = [k for k in ("amount", "percent", "match_up_to_1") if g(k) is not None]
        if len(formulas) != 1:
            c.issues.append(Issue("amount", "give exactly one of amount, percent and a match (match_up_to_1 with "
                                  "match_rate_1)", "required" if not formulas else "invalid"))
        for n in ("1", "2"):
            if (g("match_up_to_" + n) is None) != (g("match_rate_" + n) is None):
                c.issues.append(Issue("match_rate_" + n, f"give match_up_to_{n} and match_rate_{n} together"))
        if g("match_up_to_2") is not None and g("match_up_to_1") is None:
            c.issues.append(Issue("match_up_to_1", "the second tier needs the first"))
        if g("match_up_to_1") is not None and g("code") != "401k_match":
            c.issues.append(Issue("match_up_to_1", "a match formula is for 401k_match only"))
        if g("end_date") is not None and g("end_date") < g("start_date"):
            c.issues.append(Issue("end_date", "is before the start date"))
    raise_if(c.issues)
    return c.out


# --- writes ----------------------------------------------------------------------------------------------------

def _worker(worker_id: int | None) -> Worker:
    if not isinstance(worker_id, int) or isinstance(worker_id, bool):
        raise_if([Issue("worker_id", "choose the worker", "required")])
    w = db.session.get(Worker, worker_id)
    if w is None:
        raise NotFound(f"worker {worker_id} not found")
    return w


def _ref_free(model, clean: dict, current_id: int | None = None) -> None:
    """`external_ref` is unique (the database says so too): name the field instead of failing on the insert."""
    ref = clean.get("external_ref")
    if ref and db.session.execute(sa.select(model.id).where(model.external_ref == ref,
                                                            model.id != (current_id or 0))).first():
        raise_if([Issue("external_ref", f"{ref!r} is already used by another record", "duplicate")])


@transaction()
def create_deduction(worker_id: int, data: dict) -> WorkerDeduction:
    """A new recurring deduction or order for a worker (audited)."""
    _worker(worker_id)
    clean = clean_deduction(data)
    _ref_free(WorkerDeduction, clean)
    row = WorkerDeduction(worker_id=worker_id, **clean)
    db.session.add(row)
    db.session.flush()
    return row


@transaction()
def update_deduction(deduction_id: int, data: dict) -> WorkerDeduction:
    row = db.session.get(WorkerDeduction, deduction_id)
    if row is None:
        raise NotFound(f"deduction {deduction_id} not found")
    clean = clean_deduction(data, row)
    _ref_free(WorkerDeduction, clean, row.id)
    for k, v in clean.items():
        setattr(row, k, v)
    db.session.flush()
    return row


@transaction()
def create_contribution(worker_id: int, data: dict) -> EmployerContribution:
    _worker(worker_id)
    clean = clean_contribution(data)
    _ref_free(EmployerContribution, clean)
    row = EmployerContribution(worker_id=worker_id, **clean)
    db.session.add(row)
    db.session.flush()
    return row


@transaction()
def update_contribution(contribution_id: int, data: dict) -> EmployerContribution:
    row = db.session.get(EmployerContribution, contribution_id)
    if row is None:
        raise NotFound(f"employer contribution {contribution_id} not found")
    clean = clean_contribution(data, row)
    _ref_free(EmployerContribution, clean, row.id)
    for k, v in clean.items():
        setattr(row, k, v)
    db.session.flush()
    return row


# --- the run's loader ------------------------------------------------------------------------------------------

def _active(model, worker_ids: list[int], on: date):
    return (sa.select(model).where(id_in(model.worker_id, worker_ids), model.status == "active",
                                   model.start_date <= on, sa.or_(model.end_date.is_(None), model.end_date >= on)))


def collected(deduction_ids: list[int]) -> dict[int, Decimal]:
    """What the paychecks have taken of each deduction so far (reversals net out)."""
    if not deduction_ids:
        return {}
    rows = db.session.execute(sa.select(DeductionTake.deduction_id, raw_sum(DeductionTake.amount))
                              .where(id_in(DeductionTake.deduction_id, deduction_ids))
                              .group_by(DeductionTake.deduction_id))
    return {i: D(int(total or 0)) / 100 for i, total in rows}     # raw cents: SUM bypasses the column type


def _deduction_item(d: WorkerDeduction, remaining: Decimal | None) -> dict:
    item: dict = {"code": d.code, "ref": f"wd:{d.id}"}
    if d.percent is not None:
        item["percent"] = str(d.percent)
    else:
        item["amount"] = str(d.amount)
    if remaining is not None:
        item["goal_remaining"] = str(remaining)
    if d.code == "child_support":
        item["options"] = {"supports_other_family": d.supports_other_family,
                           "arrears_over_12_weeks": d.arrears_over_12_weeks}
    elif d.code == "hsa" and d.hsa_coverage:
        item["options"] = {"coverage": d.hsa_coverage}
    elif d.code == "commuter" and d.commuter_kind:
        item["options"] = {"kind": d.commuter_kind}
    return item


def _contribution_item(c: EmployerContribution) -> dict:
    item: dict = {"code": c.code, "ref": f"ec:{c.id}"}
    if c.match:
        item["match"] = [{"up_to_percent": str(u), "match_percent": str(r)} for u, r in c.match]
    elif c.percent is not None:
        item["percent"] = str(c.percent)
    else:
        item["amount"] = str(c.amount)
    if c.code == "hsa_employer" and c.hsa_coverage:
        item["options"] = {"coverage": c.hsa_coverage}
    return item


def deductions_for(worker_ids: list[int], run: PayrollRun, worker_type: str = "employee") -> dict[int, dict]:
    """Per worker, the fragment a run merges into the engine input (engine_input(..., deductions=...)):
    {"pretax_deductions": [...], "posttax_deductions": [...], "employer_contributions": [...]}, each item with its
    source as "ref" ("wd:12", "ec:5"). Active on the run's pay date (start and end inclusive); a deduction whose
    goal is reached is left out and the rest carry `goal_remaining`. Orders come in the order received (the
    engine puts support first). For a contractor payment (`worker_type="contractor"`) only the post-tax
    deductions a contractor can have (loans, other, orders), and no employer contributions: give a worker who is
    paid both ways in one run the deductions on the paycheck only. One query per table."""
    if worker_type not in ("employee", "contractor"):
        raise DomainError(f"unknown worker type {worker_type!r}")
    if not worker_ids:
        return {}
    on = run.pay_date
    rows = db.session.execute(_active(WorkerDeduction, worker_ids, on)).scalars().all()
    if worker_type == "contractor":
        rows = [d for d in rows if d.code not in PRETAX_DEDUCTION_CODES and d.code != "roth_401k"]
    taken = collected([d.id for d in rows if d.goal is not None])
    out: dict[int, dict] = {}
    for d in sorted(rows, key=lambda d: (d.worker_id, d.code not in ORDER_CODES, d.received_date or d.start_date,
                                         d.id)):
        remaining = None
        if d.goal is not None:
            remaining = d.goal - taken.get(d.id, ZERO)
            if remaining <= 0:
                continue
        frag = out.setdefault(d.worker_id, {"pretax_deductions": [], "posttax_deductions": [],
                                            "employer_contributions": []})
        key = "pretax_deductions" if d.code in PRETAX_DEDUCTION_CODES else "posttax_deductions"
        frag[key].append(_deduction_item(d, remaining))
    if worker_type == "employee":
        contribs = db.session.execute(_active(EmployerContribution, worker_ids, on)
                                      .order_by(EmployerContribution.worker_id, EmployerContribution.id)).scalars()
        for c in contribs:
            out.setdefault(c.worker_id, {"pretax_deductions": [], "posttax_deductions": [],
                                         "employer_contributions": []})["employer_contributions"].append(
                _contribution_item(c))
    return out


def employer_contribution_lines(result, explain: bool = True) -> list[tuple]:
    """Storage rows for the employer's contributions of one paycheck, in the shape of calc.result_lines (kind,
    code, state, amount cents, hours, rate, taxable wages cents, explanation, engagement_id, client_id, locality):
    the run appends them."""
    return [("employer_contribution", line.code, "", cents(line.amount), None, None, None,
             json.dumps(list(line.explanation)) if explain else None, None, None, "")
            for line in result.employer_contributions if line.amount]


# --- what each paycheck took ----------------------------------------------------------------------------------

def _refs(lines, prefix: str):
    """(id, amount) per source, summed: one deduction can give two lines (a traditional 401(k) deferral whose
    catch-up continues as a deemed Roth deferral, SECURE 2.0 section 603)."""
    out: dict[int, Decimal] = {}
    for line in lines:
        if line.ref and line.ref.startswith(prefix) and line.amount:
            key = int(line.ref[len(prefix):])
            out[key] = out.get(key, ZERO) + line.amount
    return out.items()


@transaction()
def record_taken(paycheck_ids_by_worker: dict[int, int], results_by_worker: dict) -> int:
    """Store what each paycheck took of each deduction (from the lines' refs): one row per (paycheck, deduction),
    so a chunk calculated twice records nothing twice (also a database constraint). An order's rows are `due`
    for remittance to its payee. A deduction whose goal is reached becomes `completed`. Returns rows written."""
    wanted: list[tuple[int, int, int, Decimal]] = []       # (deduction_id, paycheck_id, worker_id, amount)
    for worker_id, result in results_by_worker.items():
        pid = paycheck_ids_by_worker.get(worker_id)
        if pid is None:
            continue
        wanted.extend((did, pid, worker_id, amount) for did, amount in _refs(result.deductions, "wd:"))
    if not wanted:
        return 0
    pids = sorted({w[1] for w in wanted})
    dids = sorted({w[0] for w in wanted})
    s = db.session
    have = set(s.execute(sa.select(DeductionTake.paycheck_id, DeductionTake.deduction_id)
                         .where(id_in(DeductionTake.paycheck_id, pids))).all())
    pay_dates = dict(s.execute(sa.select(Paycheck.id, Paycheck.pay_date).where(id_in(Paycheck.id, pids))).all())
    deds = {d.id: d for d in s.execute(sa.select(WorkerDeduction).where(id_in(WorkerDeduction.id, dids))).scalars()}
    rows = [{"deduction_id": did, "paycheck_id": pid, "worker_id": wid, "pay_date": pay_dates[pid], "amount": amount,
             "remittance_status": "due" if deds[did].code in ORDER_CODES else "none"}
            for did, pid, wid, amount in wanted if (pid, did) not in have and did in deds]
    if rows:
        s.execute(sa.insert(DeductionTake), rows)
    _complete_goals([d for d in deds.values() if d.goal is not None])
    return len(rows)


def _complete_goals(deds: list[WorkerDeduction]) -> None:
    taken = collected([d.id for d in deds])
    for d in deds:
        if d.status == "active" and taken.get(d.id, ZERO) >= d.goal:
            d.status = "completed"
        elif d.status == "completed" and taken.get(d.id, ZERO) < d.goal:    # a reversal gave some back
            d.status = "active"
    db.session.flush()


def copy_takes(original_paycheck_id: int, new_paycheck_id: int, sign: int) -> int:
    """A reversal (sign -1) gives back what the original paycheck took (a goal re-opens; an order's amount not yet
    remitted is no longer due); a re-issue (sign 1) takes it again. In the caller's transaction."""
    s = db.session
    originals = s.execute(sa.select(DeductionTake).where(DeductionTake.paycheck_id == original_paycheck_id)).scalars().all()
    if not originals:
        return 0
    pay_date = s.execute(sa.select(Paycheck.pay_date).where(Paycheck.id == new_paycheck_id)).scalar_one()
    s.execute(sa.insert(DeductionTake), [
        {"deduction_id": t.deduction_id, "paycheck_id": new_paycheck_id, "worker_id": t.worker_id,
         "pay_date": pay_date, "amount": sign * t.amount,
         "remittance_status": "due" if t.remittance_status != "none" else "none"} for t in originals])
    _complete_goals(s.execute(sa.select(WorkerDeduction).where(
        WorkerDeduction.id.in_({t.deduction_id for t in originals}), WorkerDeduction.goal.is_not(None))).scalars().all())
    return len(originals)


@transaction()
def mark_remitted(take_ids: list[int], on: date, reference: str) -> int:
    """Record that an order's withholdings were sent to its payee (check or EFT `reference`)."""
    reference = (reference or "").strip()
    issues = []
    if not take_ids:
        issues.append(Issue("take_ids", "choose at least one withholding", "required"))
    if not reference or len(reference) > 60:
        issues.append(Issue("reference", "give the check or EFT trace number (at most 60 characters)", "required"))
    raise_if(issues)
    rows = db.session.execute(sa.select(DeductionTake).where(id_in(DeductionTake.id, take_ids))).scalars().all()
    bad = [t.id for t in rows if t.remittance_status != "due"]
    if bad or len(rows) != len(set(take_ids)):
        raise DomainError(f"only withholdings due for remittance can be marked remitted (not {bad or 'unknown ids'})",
                          code="not_due")
    for t in rows:
        t.remittance_status, t.remitted_on, t.remittance_ref = "remitted", on, reference
    db.session.flush()
    return len(rows)


# --- what a worker sees ----------------------------------------------------------------------------------------

def year_to_date_by_code(worker_id: int, year: int, before: tuple[date, int] | None = None) -> dict[tuple, Decimal]:
    """Deduction and employer-contribution totals per (kind, code) of the worker's paychecks in approved or paid
    runs of the year (reversals included, so a reversed paycheck nets out); `before` (pay date, paycheck id)
    stops at a paycheck, for its paystub."""
    kinds = ("pretax_deduction", "posttax_deduction", "employer_contribution")
    stmt = (sa.select(PaycheckLine.kind, PaycheckLine.code, raw_sum(PaycheckLine.amount))
            .join(Paycheck, Paycheck.id == PaycheckLine.paycheck_id)
            .join(PayrollRun, PayrollRun.id == Paycheck.run_id)
            .where(Paycheck.worker_id == worker_id, Paycheck.tax_year == year, PaycheckLine.kind.in_(kinds),
                   _released())
            .group_by(PaycheckLine.kind, PaycheckLine.code))
    if before is not None:
        pay_date, pid = before
        stmt = stmt.where(sa.or_(Paycheck.pay_date < pay_date, sa.and_(Paycheck.pay_date == pay_date,
                                                                        Paycheck.id <= pid)))
    return {(k, c): D(int(total or 0)) / 100 for k, c, total in db.session.execute(stmt)}


def worker_summary(worker_id: int, year: int) -> dict:
    """The worker's deductions and employer contributions with what was taken this year and in all (for goals)."""
    deds = db.session.execute(sa.select(WorkerDeduction).where(WorkerDeduction.worker_id == worker_id)
                              .order_by(WorkerDeduction.status, WorkerDeduction.start_date, WorkerDeduction.id)
                              ).scalars().all()
    contribs = db.session.execute(sa.select(EmployerContribution).where(EmployerContribution.worker_id == worker_id)
                                  .order_by(EmployerContribution.start_date, EmployerContribution.id)).scalars().all()
    total = collected([d.id for d in deds])
    this_year = defaultdict(Decimal)
    if deds:
        rows = db.session.execute(
            sa.select(DeductionTake.deduction_id, raw_sum(DeductionTake.amount))
            .join(Paycheck, Paycheck.id == DeductionTake.paycheck_id)
            .join(PayrollRun, PayrollRun.id == Paycheck.run_id)
            .where(DeductionTake.worker_id == worker_id, Paycheck.tax_year == year, _released())
            .group_by(DeductionTake.deduction_id))
        for did, cents_ in rows:
            this_year[did] = D(int(cents_ or 0)) / 100
    return {"deductions": [{"record": d, "collected": total.get(d.id, ZERO), "ytd": this_year.get(d.id, ZERO),
                            "remaining": (d.goal - total.get(d.id, ZERO)) if d.goal is not None else None}
                           for d in deds],
            "contributions": contribs,
            "ytd_by_code": year_to_date_by_code(worker_id, year)}
