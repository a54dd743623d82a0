"""What a run's paychecks are computed from: earnings, the chunk's rows and the engine input (stored, replayable)."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import ItemsView
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

import sqlalchemy as sa

from backoffice.dates import parse_date
from backoffice.errors import DomainError
from backoffice.extensions import db
from backoffice.money import D, ZERO
from backoffice.periods import PayFrequency
from backoffice.workers.models import Agency, Client, Engagement, StateRegistration, Worker
from backoffice.workers.profile import TaxProfile, W9Form
from payroll.engine.hotpath import record, record_fields
from payroll.engine.locals import Locality, localities_for_year, locality_from_json
from payroll.engine.locals.report import PARTIAL_WORK_STATES
from payroll.engine.locals.rules import norm
from payroll.engine.model import PREMIUM_CODES, W4, Earning, PaycheckInput, W4Legacy
from payroll.engine.model import YearToDate as EngineYTD
from payroll.engine.quote_input import deduction_kwargs, parse_input
from payroll.models import (DAYS, Paycheck, PaycheckHold, PaycheckLine, PayrollAdjustment, PayrollRun, Timesheet,
                            YearToDate)

from payroll.piecework.services import unpaid_tasks

from .common import among_ids, id_in, is_postgres, plain_rows, stored
from .id_list import IdList
from .worktime import engine_form, worker_earnings

YTD_FIELDS = YearToDate.YTD_FIELDS
YTD_STORED = YTD_FIELDS + ("net",)          # the engine's fields plus net pay


@dataclass
class EngagementPay:
    """What a worker earns in a run, before taxes: engine earnings (JSON form), their line labels and, parallel to
    them, the (engagement_id, client_id) each earning was earned at."""

    earnings: list[dict] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    sources: list[tuple[int, int]] = field(default_factory=list)
    timesheet_ids: list[int] = field(default_factory=list)
    adjustment_ids: list[int] = field(default_factory=list)
    salary_engagement_ids: list[int] = field(default_factory=list)
    task_ids: list[int] = field(default_factory=list)

    def add(self, other: "EngagementPay", engagement_id: int, client_id: int) -> None:
        self.earnings += other.earnings
        self.labels += other.labels
        self.sources += [(engagement_id, client_id)] * len(other.earnings)
        self.timesheet_ids += other.timesheet_ids
        self.adjustment_ids += other.adjustment_ids
        if "salary" in other.labels:
            self.salary_engagement_ids.append(engagement_id)


class RunFigures(NamedTuple):
    """The run's fields the per-worker code reads (worker_pay, engine_input), as a plain tuple: an ORM attribute
    read costs about 0.4 µs, and a chunk reads the run's fields about fifteen times a worker."""

    id: int
    kind: str
    frequency: str
    pay_date: date
    period_start: date
    period_end: date
    pays_holds_of_run_id: int | None


def run_figures(run: PayrollRun) -> RunFigures:
    return RunFigures(run.id, run.kind, run.frequency, run.pay_date, run.period_start, run.period_end,
                      run.pays_holds_of_run_id)


def worker_type_of(eng) -> str:
    return "employee" if eng.type == "leased_employee" else "contractor"


def worker_pay(engs: list, run: PayrollRun | RunFigures, ctx: "ChunkContext") -> EngagementPay:
    """Everything one worker earns in a run over all of their engagements of one worker type (one paycheck): the
    FLSA workweek across clients, state daily overtime, piece and task pay, minimum-wage make-up and bonuses in the
    regular rate (payroll/services/worktime.py over the pure payroll/engine/workweek.py)."""
    w = worker_earnings(run, engs, ctx.sheets, ctx.tasks, ctx.adjustments)
    earnings, labels, sources, salaried = engine_form(w.earnings)
    return EngagementPay(earnings=earnings, labels=labels, sources=sources, timesheet_ids=w.timesheet_ids,
                         adjustment_ids=w.adjustment_ids, salary_engagement_ids=salaried, task_ids=w.task_ids)


def primary_engagement(engs: list, pay: EngagementPay):
    """The paycheck's main engagement: the one with the most earnings (the first on a tie). Its work state and site
    are the paycheck's (SUTA, the local taxes computed once on the whole paycheck); wages earned in other states or
    at other sites are split by work_shares and work_sites."""
    if len(engs) == 1:
        return engs[0]
    totals: dict[int, Decimal] = {}
    for e, (eid, _) in zip(pay.earnings, pay.sources):
        totals[eid] = totals.get(eid, ZERO) + _measure(e, "wages")
    paid = [e for e in engs if e.id in totals]
    return max(paid, key=lambda e: (totals[e.id], -e.id)) if paid else engs[0]


def work_shares(engs: list, pay: EngagementPay) -> list[dict]:
    """Where an employee's paycheck was earned, state by state: [{state, hours}] or [{state, wages}] (_split);
    [] for one state."""
    if len(engs) < 2:           # one engagement, one work state (most paychecks: nothing to count)
        return []
    totals, measure = _split(pay, {e.id: e.work_state for e in engs if e.work_state})
    return [{"state": s, measure: str(a)} for s, a in sorted(totals.items()) if a > 0]


def work_sites(engs: list, pay: EngagementPay) -> list[dict]:
    """Where an employee's paycheck was earned, site by site (for the local taxes that follow the place of work):
    [{locality, hours}] or [{locality, wages}] (_split), the sites' localities as work_locality words them; []
    when the paycheck was earned at one site (most paychecks)."""
    if len(engs) < 2:
        return []
    # each site's fields as a hashable key
    totals, measure = _split(pay, {e.id: tuple(sorted(site.items())) for e in engs if (site := work_locality(e))})
    return [{"locality": dict(key), measure: str(a)} for key, a in sorted(totals.items()) if a > 0]


def _split(pay: EngagementPay, place_of: dict) -> tuple[dict, str]:
    """The hours worked at each place (an engagement's work state or site: place_of maps engagement ids to it),
    when every wage line has hours, else the wages earned there; ({}, "") for one place. Reimbursements are not
    wages, and an overtime premium line's hours are already on its straight-time line: both are left out of the
    hours (a premium counts in the wages)."""
    lines = [(place_of[eid], e) for e, (eid, _) in zip(pay.earnings, pay.sources)
             if e["code"] != "reimbursement" and eid in place_of]
    if len({place for place, _ in lines}) < 2:
        return {}, ""
    measure = "hours" if all(e.get("hours") not in (None, "", 0) for _, e in lines) else "wages"
    totals: dict = {}                   # place -> hours or wages
    for place, e in lines:
        if measure == "hours" and e["code"] in PREMIUM_CODES:
            continue
        totals[place] = totals.get(place, ZERO) + _measure(e, measure)
    return totals, measure


def _measure(e: dict, measure: str) -> Decimal:
    """An earnings line's hours, or its wages (its amount, else hours or units x rate)."""
    if measure == "hours":
        return D(e["hours"])
    return D(e["amount"]) if "amount" in e else D(e.get("hours") or e.get("units") or 0) * D(e["rate"])


def pays_time(run: PayrollRun) -> bool:
    """Regular and final-pay runs pay approved time; so does a run paying the holds of another run."""
    return run.kind in ("regular", "final") or run.pays_holds_of_run_id is not None


def pays_salary(run: PayrollRun) -> bool:
    return run.kind == "regular" or run.pays_holds_of_run_id is not None



def _certificates_or_null(column):
    """A JSON column of certificates selected as NULL where it holds the empty object `{}` (most rows): the driver
    parses every JSON value it reads (the standard library's json.loads, about 3 µs even for `{}`), and a reader that
    only asks whether there are certificates takes NULL as it takes `{}`."""
    return sa.case((sa.cast(column, sa.Text) == "{}", sa.null()), else_=column).label(column.key)


def _latest_by_worker(rows) -> dict:
    out = {}
    for row in rows:          # ordered by effective/created ascending: the last one wins
        out[row.worker_id] = row
    return out


@dataclass
class ChunkContext:
    """Everything a chunk reads, loaded with one query per table."""

    engagements: list
    workers: dict
    profiles: dict
    w9s: dict
    sheets: dict
    adjustments: dict
    ytd: dict
    suta: dict
    agency_id: int | None
    held: set = field(default_factory=set)       # worker ids whose paychecks are held out of this run
    tasks: dict = field(default_factory=dict)    # recorded, unpaid task completions by engagement id
    prior_fica: dict = field(default_factory=dict)   # worker id -> last year's W-2 social security wages
    local_ytd: dict = field(default_factory=dict)    # worker id -> {locality: LST withheld this year}
    local_mtd: dict = field(default_factory=dict)    # worker id -> this month's wages and head taxes (month_to_date)
    employer_size: dict = field(default_factory=dict)    # state -> the agency's employees there (registrations)

    def by_worker(self) -> ItemsView[tuple[int, str], list]:
        """((worker_id, worker_type), [engagement rows]) in order: one paycheck per worker and worker type."""
        groups: dict[tuple[int, str], list] = {}
        for eng in self.engagements:
            groups.setdefault((eng.worker_id, worker_type_of(eng)), []).append(eng)
        return groups.items()


def load_context(run: PayrollRun, engagement_ids: list[int]) -> ChunkContext:
    """Column selects (no ORM objects: a Worker object would decrypt its TIN, which a paycheck does not need),
    run on the session's connection: a column select through Session.execute goes through the ORM's row loading
    (about 3% of a run's calculation CPU at 20,000 workers for nothing: the rows are plain columns)."""
    s = db.session
    s.flush()                   # the connection does not autoflush: pending ORM changes first
    c = s.connection()
    # the chunk's engagement and worker ids, each named by several statements: their array literal written once
    engagement_ids = IdList(sorted(engagement_ids))
    engagements = plain_rows(c.execute(sa.select(
        Engagement.id, Engagement.worker_id, Engagement.client_id, Engagement.type, Engagement.work_state,
        Engagement.pay_unit, Engagement.overtime_exempt, Engagement.office_state,
        Engagement.remote_for_convenience, Engagement.work_city,
        Engagement.work_county, Engagement.work_psd_code, Engagement.work_transit_district,
        Client.city.label("client_city"), Client.state.label("client_state"), stored(Engagement.pay_rate))
        .join(Client, Client.id == Engagement.client_id).where(id_in(Engagement.id, engagement_ids))
        .order_by(Engagement.worker_id, Engagement.id)), [Engagement.pay_rate])
    worker_ids = IdList(sorted({e.worker_id for e in engagements}))
    workers = {w.id: w for w in plain_rows(c.execute(sa.select(
        Worker.id, Worker.state, Worker.birth_date, Worker.tin_last4, Worker.tin_flagged, Worker.city,
        Worker.municipality, Worker.county, Worker.psd_code, Worker.school_district, Worker.local_certificate)
        .where(among_ids(Worker.id, worker_ids))))}
    w4_figures = [TaxProfile.step3_credits, TaxProfile.step4a_other_income, TaxProfile.step4b_deductions,
                  TaxProfile.step4c_extra, TaxProfile.additional]
    profiles = _latest_by_worker(plain_rows(c.execute(sa.select(
        TaxProfile.worker_id, TaxProfile.w4_version, TaxProfile.filing_status, TaxProfile.step2_checkbox,
        TaxProfile.exempt, TaxProfile.allowances, _certificates_or_null(TaxProfile.state_certificate),
        *map(stored, w4_figures))
        .where(among_ids(TaxProfile.worker_id, worker_ids), TaxProfile.effective_date <= run.pay_date)
        .order_by(TaxProfile.effective_date, TaxProfile.id)), w4_figures))
    w9s = _latest_by_worker(plain_rows(c.execute(sa.select(W9Form.worker_id, W9Form.backup_withholding)
                                                 .where(among_ids(W9Form.worker_id, worker_ids)).order_by(W9Form.id))))
    sheets: dict[int, list] = defaultdict(list)
    if pays_time(run):
        figures = [Timesheet.units] + [getattr(Timesheet, f"hours_{d}") for d in DAYS]
        for ts in plain_rows(c.execute(sa.select(
                Timesheet.id, Timesheet.engagement_id, Timesheet.week_start, Timesheet.entered_by_id,
                Timesheet.approved_by_id, *map(stored, figures)).where(
                among_ids(Timesheet.engagement_id, engagement_ids), Timesheet.status == "approved",
                Timesheet.paid_run_id.is_(None), Timesheet.week_start <= run.period_end - timedelta(days=6))
                .order_by(Timesheet.week_start)), figures):
            sheets[ts.engagement_id].append(ts)
    adj_stmt = sa.select(PayrollAdjustment).where(id_in(PayrollAdjustment.engagement_id, engagement_ids),
                                                  PayrollAdjustment.status == "pending")
    regular_like = run.kind == "regular" or run.pays_holds_of_run_id is not None
    adj_stmt = adj_stmt.where(PayrollAdjustment.run_id == run.id) if not regular_like else adj_stmt.where(
        sa.or_(PayrollAdjustment.run_id.is_(None), PayrollAdjustment.run_id == run.id))
    adjustments: dict[int, list] = defaultdict(list)
    for adj in s.execute(adj_stmt.order_by(PayrollAdjustment.id)).scalars():
        adjustments[adj.engagement_id].append(adj)
    ytd_stmt = sa.select(YearToDate.id, YearToDate.worker_id, YearToDate.worker_type,
                         *[getattr(YearToDate, f) for f in YTD_STORED]).where(
        among_ids(YearToDate.worker_id, worker_ids), YearToDate.tax_year == run.pay_date.year).order_by(
        YearToDate.worker_id, YearToDate.worker_type)
    if is_postgres():
        ytd_stmt = ytd_stmt.with_for_update()
    ytd = {(y.worker_id, y.worker_type): y for y in plain_rows(c.execute(ytd_stmt))}
    # last year's FICA wages from the agency (one employer across clients): the 401(k) Roth catch-up rule
    prior_fica = dict(c.execute(sa.select(YearToDate.worker_id, YearToDate.social_security_wages).where(
        among_ids(YearToDate.worker_id, worker_ids), YearToDate.tax_year == run.pay_date.year - 1,
        YearToDate.worker_type == "employee")).all())
    held = set(c.execute(sa.select(PaycheckHold.worker_id).where(PaycheckHold.run_id == run.id,
                                                                  among_ids(PaycheckHold.worker_id, worker_ids))).scalars())
    agency_id = c.execute(sa.select(Agency.id).order_by(Agency.id).limit(1)).scalar()
    suta, employer_size = {}, {}
    if agency_id is not None:
        for state, rate, size in plain_rows(c.execute(sa.select(
                StateRegistration.state, StateRegistration.suta_rate, StateRegistration.employer_size)
                .where(StateRegistration.agency_id == agency_id))):
            suta[state] = rate
            if size is not None:
                employer_size[state] = size
    tasks = unpaid_tasks(engagement_ids, run.period_end) if pays_time(run) else {}
    # the Local Services Tax withheld so far this year (PA: at most $52 a year from one employer), read for the
    # workers living or working in a state that levies one (most chunks: a few or none). Asked for every worker of
    # a chunk, the lookup walked every LST line already written (the chunks before it) and compared each with all
    # 2,500 ids: 3.3 s of the server's CPU in a 100,000-worker run, growing with the square of the run.
    lst_states = lst_states_for(run.pay_date.year)
    lst_workers = sorted({e.worker_id for e in engagements if (e.work_state or "").upper() in lst_states}
                         | {w.id for w in workers.values() if (w.state or "").upper() in lst_states})
    local_ytd: dict[int, dict[str, Decimal]] = defaultdict(dict)
    if lst_workers:
        for worker_id, locality, amount in plain_rows(c.execute(sa.select(
                Paycheck.worker_id, PaycheckLine.locality, sa.func.sum(PaycheckLine.amount))
                .join(Paycheck, Paycheck.id == PaycheckLine.paycheck_id)
                .where(among_ids(Paycheck.worker_id, lst_workers), Paycheck.tax_year == run.pay_date.year,
                       # a literal, not a parameter: the partial index on these lines (0124) serves any plan
                       PaycheckLine.code == sa.literal_column("'local_services_tax'"), PaycheckLine.locality != "")
                .group_by(Paycheck.worker_id, PaycheckLine.locality))):
            local_ytd[worker_id][locality] = Decimal(amount) if not isinstance(amount, Decimal) else amount
    return ChunkContext(engagements, workers, profiles, w9s, sheets, adjustments, ytd, suta, agency_id, held, tasks,
                        prior_fica, dict(local_ytd), month_to_date(c, run, engagements), employer_size)


@lru_cache(maxsize=None)
def lst_states_for(tax_year: int) -> frozenset[str]:
    """The states with a Local Services Tax capped by the year (the `pa_lst` method: Pennsylvania's $52), whose
    withholding so far this year a chunk reads (ytd_local_taxes) for the workers living or working there."""
    return frozenset(r.state for r in localities_for_year(tax_year) if r.method == "pa_lst")


def month_to_date(c, run: PayrollRun, engagements: list) -> dict[int, dict]:
    """Worker id -> {"wages": gross paid earlier in the pay date's calendar month, "taxes": {locality: head tax
    taken}} for the workers whose work site is in a city with a monthly head tax (Colorado's occupational privilege
    taxes: once a month, when the month's wages reach the city's threshold). Other workers need no query."""
    places = {(r.state, city) for r in localities_for_year(run.pay_date.year) if r.method == "monthly_head_tax"
              for city in r.match.get("cities", ())}
    if not places:
        return {}
    # only the workers whose work site is in one of those cities (most runs: none, and no query); the site's city is
    # worded only for an engagement in one of their states
    states = {state for state, _city in places}
    worker_ids = sorted({e.worker_id for e in engagements if (e.work_state or "").upper() in states
                         and ((e.work_state or "").upper(), norm((work_locality(e) or {}).get("city", ""))) in places})
    if not worker_ids:
        return {}
    first = run.pay_date.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    # the whole month, other runs only: a run dated earlier but calculated later sees the tax already taken
    in_month = (id_in(Paycheck.worker_id, worker_ids), Paycheck.pay_date >= first, Paycheck.pay_date <= last,
                Paycheck.run_id != run.id, Paycheck.worker_type == "employee")
    out: dict[int, dict] = {w: {"wages": ZERO, "taxes": {}} for w in worker_ids}
    for worker_id, gross in plain_rows(c.execute(sa.select(Paycheck.worker_id, sa.func.sum(Paycheck.gross))
                                                 .where(*in_month).group_by(Paycheck.worker_id))):
        out[worker_id]["wages"] = D(gross or 0)
    for worker_id, locality, amount in plain_rows(c.execute(sa.select(
            Paycheck.worker_id, PaycheckLine.locality, sa.func.sum(PaycheckLine.amount))
            .join(Paycheck, Paycheck.id == PaycheckLine.paycheck_id)
            .where(*in_month, PaycheckLine.code == "local_services_tax", PaycheckLine.locality != "")
            .group_by(Paycheck.worker_id, PaycheckLine.locality))):
        out[worker_id]["taxes"][locality] = D(amount or 0)
    return out


def engine_input(run: PayrollRun | RunFigures, eng, worker, profile, w9, pay: EngagementPay, ytd: dict,
                 suta_rate: Decimal | None, deductions: dict | None = None,
                 prior_year_fica_wages: Decimal | None = None, local_ytd: dict | None = None,
                 local_mtd: dict | None = None) -> dict:
    """The engine input for one paycheck, in the quote's JSON form (stored on the paycheck, replayable).
    `deductions` is the worker's fragment from payroll.services.deductions.deductions_for; with deductions, an
    employee's last-year FICA wages go in too (whether a 401(k) catch-up must be Roth, SECURE 2.0 §603)."""
    employee = eng.type == "leased_employee"
    obj: dict = {"pay_date": run.pay_date.isoformat(), "period_start": run.period_start.isoformat(),
           "period_end": run.period_end.isoformat(), "pay_frequency": run.frequency,
           "worker_type": "employee" if employee else "contractor", "earnings": pay.earnings,
           "ytd": {k: str(v) for k, v in ytd.items() if v}}
    if worker.birth_date:
        obj["birth_date"] = worker.birth_date.isoformat()
    if employee:
        obj["work_state"] = eng.work_state
        obj["residence_state"] = worker.state or eng.work_state
        office = getattr(eng, "office_state", None)
        if office and office != eng.work_state:
            # a remote worker's employer location: the engine applies the office state's convenience-of-the-employer
            # rule when they work away from it by choice (docs/multistate.md)
            obj["office_state"] = office
            if getattr(eng, "remote_for_convenience", False):
                obj["remote_for_convenience"] = True
        if profile is not None:
            obj["w4"] = TaxProfile.w4_json(profile)      # the model's own mapping, applied to the selected row
            if profile.state_certificate:
                obj["state_certificates"] = profile.state_certificate
        obj.update(locality_input(eng, worker, local_ytd, local_mtd))
        if suta_rate is not None:
            obj["suta_rate"] = str(suta_rate)
        if any(e["code"] in ("bonus", "commission") for e in pay.earnings) and any(
                e["code"] not in ("bonus", "commission", "reimbursement") for e in pay.earnings):
            obj["aggregate_supplemental"] = False
    else:
        if eng.work_state:
            obj["work_state"] = eng.work_state
        no_tin = not worker.tin_last4
        if no_tin or worker.tin_flagged or (w9 is not None and w9.backup_withholding):
            obj["tin_missing_or_flagged"] = True
    if deductions:
        obj.update({k: v for k, v in deductions.items() if v})
        if employee and prior_year_fica_wages is not None:
            obj["prior_year_fica_wages"] = str(prior_year_fica_wages)
    return obj


def residence_locality(worker) -> dict | None:
    """The worker's home as local taxes need it (JSON form), from the address and the fields HR sets."""
    if not getattr(worker, "state", ""):
        return None
    out = {"state": worker.state.upper(), "city": getattr(worker, "municipality", "") or getattr(worker, "city", "")}
    for key in ("county", "psd_code", "school_district"):
        value = getattr(worker, key, "")
        if value:
            out[key] = value
    return {k: v for k, v in out.items() if v}


def work_locality(eng) -> dict | None:
    """The engagement's work site (JSON form): its own fields, else the client's address in the work state."""
    state = (eng.work_state or "").upper()
    if not state:
        return None
    city = getattr(eng, "work_city", "") or (
        getattr(eng, "client_city", "") if (getattr(eng, "client_state", "") or "").upper() == state else "")
    out = {"state": state, "city": city, "county": getattr(eng, "work_county", ""),
           "psd_code": getattr(eng, "work_psd_code", ""), "transit_district": getattr(eng, "work_transit_district", "")}
    return {k: v for k, v in out.items() if v}


def locality_input(eng, worker, local_ytd: dict | None = None, local_mtd: dict | None = None) -> dict:
    """The engine input's local-tax fields: residence and work localities, the local certificate, LST so far."""
    obj: dict = {}
    home, work = residence_locality(worker), work_locality(eng)
    if home:
        obj["residence_locality"] = home
    if work:
        obj["work_locality"] = work
    cert = getattr(worker, "local_certificate", None)
    if cert:
        obj["local_certificate"] = cert
    if local_ytd:
        obj["ytd_local_taxes"] = {k: str(v) for k, v in local_ytd.items()}
    if local_mtd is not None and (home or work):
        # a monthly head tax (Denver's OPT) is taken once a month: what this month has paid and taken so far
        obj["month_wages"] = str(local_mtd["wages"])
        if local_mtd["taxes"]:
            obj["mtd_local_taxes"] = {k: str(v) for k, v in local_mtd["taxes"].items()}
    return obj


def paycheck_notes(engs: list, primary, pay: EngagementPay, profile, worker, w9, result=None) -> list[str]:
    """What a paystub states about how this paycheck was computed when something was missing or unusual; `result`
    (the engine's) tells which local lines were computed."""
    notes = []
    employee = primary.type == "leased_employee"
    if employee and profile is None:
        notes.append("No Form W-4 on file: federal income tax withheld as Single with no adjustments "
                     "(IRS Pub 15-T, \"Employees who don't provide Form W-4\").")
    clients = {c for _, c in pay.sources}
    if len(clients) > 1:
        notes.append(f"Pay from {len(clients)} clients in one paycheck: taxes are computed on the combined wages.")
    paid = {eid for eid, _ in pay.sources}
    states = sorted({e.work_state for e in engs if e.id in paid and e.work_state}) if len(engs) > 1 else ()
    if employee and len(states) > 1:
        notes.append(f"Wages earned in {', '.join(states)}: each state withholds on its share of the wages (by "
                     f"the hours, or else the wages, earned there); unemployment insurance follows "
                     f"{primary.work_state}, the state with the most earnings in this paycheck.")
    # said only where a local tax was computed (two sites in states without local taxes need no word)
    local = result is not None and any(x.locality for x in (*result.employee_taxes, *result.employer_taxes))
    sites = {tuple(sorted(site.items())) for e in engs if e.id in paid and (site := work_locality(e))} \
        if employee and local and len(engs) > 1 else set()
    if len(sites) > 1:
        notes.append(f"Earned at {len(sites)} work sites: the local taxes of each work place fall on its share of the "
                     f"wages (by the hours, or else the wages, earned there); a resident's own local tax, the LST "
                     f"and monthly head taxes follow the whole paycheck and its main site.")
    if employee and result is not None:
        # a work site in a state whose localities' taxes the data holds only in part, and no local line for it
        local_states = {x.state for x in (*result.employee_taxes, *result.employer_taxes) if x.locality}
        for e in engs:
            state = (e.work_state or "").upper()
            if e.id in paid and state in PARTIAL_WORK_STATES and state not in local_states:
                place = (work_locality(e) or {}).get("city") or "the work site"
                notes.append(f"Local taxes: {place}, {state} may levy {PARTIAL_WORK_STATES[state]} that the data does "
                             f"not hold (only some {state} localities are in it: backoffice paycheck states --locals); "
                             f"none was withheld for {place}.")
                local_states.add(state)
    if not employee and (not worker.tin_last4 or worker.tin_flagged or (w9 is not None and w9.backup_withholding)):
        notes.append("Backup withholding applies: no correct TIN on file (IRC 3406).")
    return notes


def to_engine_input(obj: dict):
    """The validated PaycheckInput of a stored input (the quote API's parser): used to replay a paycheck."""
    inp, issues = parse_input(obj)
    if issues:
        raise DomainError("; ".join(str(i) for i in issues), code="bad_engine_input")
    return inp


def _dec(v) -> Decimal | None:
    """A number of an input built by engine_input (a str of a Decimal, or an int): Decimal reads it as it is."""
    return None if v is None else Decimal(v)


# A run's inputs repeat the same few dates (pay date and period: _run_head; birth dates), places (a city, a PSD
# code) and W-4s (a filing status and zeros): each is parsed once. The dates are bounded by the calendar; the other
# memos are emptied when they grow past _KEPT. The records are frozen, so paychecks may share them.
_date = lru_cache(maxsize=65536)(parse_date)
_PLACES: dict[tuple, Locality] = {}
_W4S: dict[tuple, W4 | W4Legacy] = {}
_KEPT = 20_000


def _parsed(memo: dict, raw: dict, parse):
    """parse(raw), once per distinct JSON object `raw` (its values are strings, numbers and booleans)."""
    key = tuple(raw.items())
    value = memo.get(key)
    if value is None:
        if len(memo) >= _KEPT:
            memo.clear()
        value = memo[key] = parse(raw)
    return value


def _w4(wv: dict) -> W4 | W4Legacy:
    if wv.get("version") == 2019:
        return W4Legacy(marital_status=wv.get("marital_status", "single"), allowances=int(wv.get("allowances", 0)),
                        additional=D(wv.get("additional", "0")), exempt=bool(wv.get("exempt", False)))
    return W4(filing_status=wv.get("filing_status", "single"), step2_checkbox=bool(wv.get("step2_checkbox")),
              step3_credits=D(wv.get("step3_credits", "0")),
              step4a_other_income=D(wv.get("step4a_other_income", "0")),
              step4b_deductions=D(wv.get("step4b_deductions", "0")),
              step4c_extra=D(wv.get("step4c_extra", "0")), exempt=bool(wv.get("exempt", False)))


# The engine records input_from_json builds with every field, in field order (hotpath.record: stored from C, where
# the records' own __init__ is a Python function taking keywords).
_EARNING_FIELDS = record_fields(Earning)
_YTD_FIELDS = record_fields(EngineYTD)
_INPUT_FIELDS = record_fields(PaycheckInput)


def _earning(e: dict) -> Earning:
    """An earning of an input built by engine_input (engine_earning's keys: no other field)."""
    get = e.get
    return record(Earning, _EARNING_FIELDS, (   # every field, in order (code ... qualified_premium)
        e["code"], _dec(get("amount")), _dec(get("hours")), _dec(get("rate")), _dec(get("units")),
        _dec(get("regular_rate")), _dec(get("qualified_premium"))))


def _ytd(stored: dict) -> EngineYTD:
    """The engine's year to date of an input built by engine_input (its non-zero figures, as strings)."""
    return record(EngineYTD, _YTD_FIELDS, tuple([Decimal(stored[f]) if f in stored else ZERO for f in _YTD_FIELDS]))


@lru_cache(maxsize=256)
def _run_head(pay_date: str, frequency: str, period_start: str | None, period_end: str | None) -> tuple:
    """The fields every paycheck of a run shares, parsed once per run: (pay date, frequency, period start, end)."""
    return (parse_date(pay_date), PayFrequency(frequency), parse_date(period_start) if period_start else None,
            parse_date(period_end) if period_end else None)


def input_from_json(obj: dict) -> PaycheckInput:
    """The PaycheckInput of an input built by engine_input, without re-validating it (the hot path: parse_input
    costs about four times the engine itself). Unit tests check it equals to_engine_input for every shape."""
    earnings = tuple(map(_earning, obj["earnings"]))
    pay_date, frequency, period_start, period_end = _run_head(obj["pay_date"], obj["pay_frequency"],
                                                              obj.get("period_start"), obj.get("period_end"))
    wv = obj.get("w4")
    w4 = _parsed(_W4S, wv, _w4) if wv is not None else None
    certs = {k.upper(): v for k, v in (obj.get("state_certificates") or {}).items()}
    shares = obj.get("work_shares") or ()
    measure = "wages" if shares and "wages" in shares[0] else "hours"
    birth = obj.get("birth_date")
    home, work = obj.get("residence_locality"), obj.get("work_locality")
    sites = obj.get("work_sites") or ()
    site_measure = "wages" if sites and "wages" in sites[0] else "hours"
    more = deduction_kwargs(obj)
    return record(PaycheckInput, _INPUT_FIELDS, (      # every field, in order (pay_date ... employer_size)
        pay_date, frequency, obj["worker_type"], obj.get("work_state", ""), obj.get("residence_state", ""),
        _date(birth) if birth else None, earnings, w4, certs,
        more.get("pretax_deductions", ()), more.get("posttax_deductions", ()), more.get("employer_contributions", ()),
        _ytd(obj.get("ytd") or {}), _dec(obj.get("suta_rate")), bool(obj.get("tin_missing_or_flagged", False)),
        bool(obj.get("aggregate_supplemental", False)), _dec(obj.get("prior_year_fica_wages")),
        tuple((s["state"].upper(), Decimal(s[measure])) for s in shares), measure,
        (obj.get("office_state") or "").upper(), bool(obj.get("remote_for_convenience", False)),
        _parsed(_PLACES, home, locality_from_json) if home else None,
        _parsed(_PLACES, work, locality_from_json) if work else None,
        obj.get("local_certificate") or {},
        {k: Decimal(v) for k, v in (obj.get("ytd_local_taxes") or {}).items()},
        period_start, period_end, _dec(obj.get("month_wages")),
        {k: Decimal(v) for k, v in (obj.get("mtd_local_taxes") or {}).items()},
        tuple((_parsed(_PLACES, s["locality"], locality_from_json), Decimal(s[site_measure])) for s in sites),
        site_measure, {k.upper(): int(v) for k, v in (obj.get("employer_size") or {}).items()}))
