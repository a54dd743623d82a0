"""Demo history: a complete paid year (`backoffice seed-demo --history 2025`) for the compliance forms to file from.

Runs after every other demo step, through payroll's own services, in pay-date order across the schedules, with
the app's clock fixed at each step's day: approved time for every week the year's regular runs pay, every regular
run of every schedule whose pay date falls in the year (calculated, approved by a second HR user, NACHA file,
paid), a terminated worker's final pay, a year-end bonus run, one paycheck reversed and re-issued, then every tax
deposit of the year planned and paid on its due date. Only work and residence states the engine covers for the
year are paid (supported_states(year)); leased employees elsewhere are held by the runs, as any run holds them,
and get no time entered. Deterministic for the demo's seed."""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta, timezone

import sqlalchemy as sa

from backoffice.clock import clock_at
from backoffice.db import utcnow
from backoffice.extensions import db
from backoffice.money import D, ZERO
from backoffice.security.models import User
from backoffice.uow import transaction
from backoffice.workers.models import Engagement, Worker
from backoffice.workers.profile import BankAccount, TaxProfile, W9Form
from payroll import calendar as paycal
from payroll.calendar import holidays_between
from payroll.engine.states import supported_states
from payroll.models import Paycheck, PayrollRun, PaySchedule, Timesheet
from payroll.models_deductions import EmployerContribution, WorkerDeduction
from payroll.payments.ach_dates import next_banking_day, previous_banking_day
from payroll.services import corrections, deductions, payments, runs
from payroll.services.calc import calculate_chunk
from payroll.services.deposits import pay_deposit, plan_deposits

DEMO_ROUTINGS = ("011000015", "021000021", "121000358", "322271627")   # check digits valid
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
BACKUP_WITHHOLDING = 2       # contractors whose W-9 says the IRS notified them (backup withholding, Form 945)
BENEFIT_WORKERS = 6          # leased employees with 401(k), Section 125 and HSA deductions for the year
BONUS_WORKERS = 10           # leased employees paid the year-end bonus
SAFE_HARBOR = {"code": "401k_match", "match_up_to_1": "0.03", "match_rate_1": "1", "match_up_to_2": "0.02",
               "match_rate_2": "0.5"}


def _user(email: str) -> User | None:
    return db.session.execute(sa.select(User).where(User.email == email)).scalar_one_or_none()


def _nacha_time(pay_date: date) -> datetime:
    """The file goes to the bank two banking days before the pay date at 10:00 New York (15:00 UTC)."""
    closed = holidays_between(pay_date - timedelta(days=14), pay_date)
    made = previous_banking_day(previous_banking_day(pay_date, closed), closed)
    return datetime.combine(made, time(15, 0), tzinfo=timezone.utc)


def regular_pay_dates(schedule: PaySchedule, year: int) -> list[paycal.ScheduledPeriod]:
    """The schedule's periods whose pay date falls in the year (the regular runs the history pays)."""
    return paycal.schedule_periods(schedule.frequency, schedule.anchor_start, schedule.pay_lag_days,
                                   date(year, 1, 1), date(year, 12, 31))


def seed(rng: random.Random, today: date, year: int = 2025) -> list[str]:
    """Pay the year; returns lines to print. Refused (a line saying why) when the year already has runs."""
    if year >= today.year:
        return [f"history: {year} is not a past year of the demo (today is {today}); nothing added"]
    if db.session.execute(sa.select(PayrollRun.id).where(PayrollRun.pay_date.between(
            date(year, 1, 1), date(year, 12, 31))).limit(1)).first():
        return [f"history: {year} already has payroll runs; nothing added"]
    hr, hr2, finance = _user("hr@tandem.example"), _user("hr2@tandem.example"), _user("finance@tandem.example")
    schedules = db.session.execute(sa.select(PaySchedule).where(PaySchedule.active.is_(True))
                                   .order_by(PaySchedule.id)).scalars().all()
    if not (hr and hr2 and finance and schedules):
        return ["history: demo users or pay schedules missing; nothing added"]
    covered = set(supported_states(year))
    plan = {s.id: regular_pay_dates(s, year) for s in schedules}
    _demo_worker_hired_in(year)
    with clock_at(date(year, 1, 2)):
        people = _prepare(rng, year, covered, plan, hr)
    out = [f"history {year}: {people['timesheets']} approved timesheets, {people['paid']} engagements in covered "
           f"states, {people['held']} leased engagements outside them (held by the runs)"]

    # every regular run, the terminated worker's final pay and the bonus, in pay-date order across the schedules
    events: list[tuple[date, int, object]] = []
    for s in schedules:
        events += [(sp.pay_date, 0, (s.id, sp.period.start)) for sp in plan[s.id]]
    term = people["terminated"]
    if term is not None:
        events.append((term["pay_date"], 1, ("final", term)))
    bonus_day = date(year, 12, 12)
    events.append((bonus_day, 2, ("bonus", people["bonus"])))
    counts: dict[str, int] = {s.name: 0 for s in schedules}
    names = {s.id: s.name for s in schedules}
    for pay_date, _order, what in sorted(events, key=lambda e: (e[0], e[1])):
        if isinstance(what[0], int):
            if _pay(lambda: runs.create_regular_run(what[0], what[1], hr), pay_date, hr, hr2, finance):
                counts[names[what[0]]] += 1
        elif what[0] == "final":
            t = what[1]
            _pay(lambda: runs.create_off_cycle_run(
                "final", pay_date, [{"engagement_id": t["engagement_id"], "code": "final_pay",
                                     "amount": t["payout"], "note": "accrued vacation paid out at separation"}],
                hr, description=f"Final pay of worker #{t['worker_id']}", frequency=t["frequency"]),
                pay_date, hr, hr2, finance)
        elif what[1]:
            _pay(lambda: runs.create_off_cycle_run("bonus", pay_date, what[1], hr,
                                                   description=f"Year-end bonus {year}"), pay_date, hr, hr2, finance)
    out.append(f"history {year}: regular runs paid " + ", ".join(f"{n} {c}" for n, c in counts.items()))
    if term is not None:
        out.append(f"history {year}: worker #{term['worker_id']} terminated {term['end_date']}, final pay "
                   f"{term['pay_date']}")
    out.append(f"history {year}: year-end bonus for {len(people['bonus'])} leased employees on {bonus_day}")
    out += _reverse_and_reissue(year, hr, hr2, finance)
    out += _deposits(rng, year, finance)
    _analyze()
    return out


def _analyze() -> None:
    """A year was just bulk-loaded: on PostgreSQL, refresh the planner's statistics so the queries that follow
    (the ACA months, the filings) are planned for the tables as they now are, not as they were when empty.
    ANALYZE may run in a transaction and then sees its rows (the tests' one outer transaction too)."""
    if db.session.connection().dialect.name == "postgresql":
        db.session.execute(sa.text("ANALYZE"))


# ------------------------------------------------------------------------------------------------ the people
def _demo_worker_hired_in(year: int) -> None:
    """The portal's demo login (worker@) shows a newcomer their tax forms: their first engagement is moved back to
    the first Monday of June of the year, so the year pays them and their W-2 is among the year's."""
    worker_id = db.session.execute(sa.select(User.worker_id).where(User.email == "worker@tandem.example")).scalar()
    if worker_id is None:
        return
    first = db.session.execute(sa.select(Engagement).where(Engagement.worker_id == worker_id)
                               .order_by(Engagement.start_date, Engagement.id).limit(1)).scalars().first()
    if first is None or first.start_date.year <= year:
        return
    june = date(year, 6, 1)
    with transaction():
        first.start_date = june + timedelta(days=(7 - june.weekday()) % 7)


def _prepare(rng: random.Random, year: int, covered: set[str], plan: dict, hr: User) -> dict:
    """W-4s, W-9s and bank accounts the year needs, the year's approved time, benefit deductions, a terminated
    worker; one transaction. Returns what the runs need."""
    first_day, last_day = date(year, 1, 1), date(year, 12, 31)
    engs = db.session.execute(sa.select(Engagement).where(
        Engagement.pay_schedule_id.in_(list(plan)), Engagement.start_date <= last_day,
        Engagement.status == "active", Engagement.pay_unit == "hour").order_by(Engagement.id)).scalars().all()
    workers = {w.id: w for w in db.session.execute(sa.select(Worker).where(
        Worker.id.in_({e.worker_id for e in engs}))).scalars()}

    def in_covered(e: Engagement) -> bool:
        if e.type != "leased_employee":
            return True      # a contractor's pay has no state withholding
        return e.work_state in covered and (workers[e.worker_id].state or e.work_state) in covered

    paid = [e for e in engs if in_covered(e)]
    held = len(engs) - len(paid)
    leased = [e for e in paid if e.type == "leased_employee"]
    contractors = [e for e in paid if e.type == "contractor"]
    # the terminated worker: a leased employee of a non-weekly schedule hired before the year, whose only
    # engagement it is; leaves on the Wednesday of the year's 33rd week and is paid in full two days later
    term = None
    multi = {wid for wid, n in db.session.execute(sa.select(Engagement.worker_id, sa.func.count()).group_by(
        Engagement.worker_id)).all() if n > 1}
    # ... and who has no deduction or benefit of the demo's 2026 (benefits writes them through payroll)
    enrolled = set(db.session.execute(sa.select(WorkerDeduction.worker_id)).scalars()) | set(
        db.session.execute(sa.select(EmployerContribution.worker_id)).scalars())
    leaving = next((e for e in leased if e.start_date < first_day and e.worker_id not in multi | enrolled
                    and e.pay_frequency != "weekly"), None)
    with transaction():
        if leaving is not None:
            end = date(year, 1, 1) + timedelta(weeks=32)
            end += timedelta(days=(2 - end.weekday()) % 7)          # a Wednesday
            leaving.end_date, leaving.status = end, "terminated"
            term = {"engagement_id": leaving.id, "worker_id": leaving.worker_id, "end_date": end,
                    "pay_date": end + timedelta(days=2), "payout": str(D(rng.randint(24, 80)) * leaving.pay_rate),
                    "frequency": leaving.pay_frequency}
        _profiles(rng, year, leased, contractors, workers)
        sheets = _timesheets(rng, year, paid, plan, hr, term, contractors)
        _benefits(year, leased, term)
    bonus_people = [e for e in leased if (term is None or e.id != term["engagement_id"])
                    and e.start_date <= date(year, 11, 1)][:BONUS_WORKERS]
    bonus = [{"engagement_id": e.id, "code": "bonus", "amount": str(D(rng.randint(5, 30)) * 50),
              "note": "year-end bonus"} for e in bonus_people]
    return {"timesheets": sheets, "paid": len(paid), "held": held, "terminated": term, "bonus": bonus}


def _profiles(rng, year, leased, contractors, workers) -> None:
    """A W-4 effective January 1 for every paid leased employee, a W-9 for every contractor but one, who never
    gave a TIN (paid with backup withholding), BACKUP_WITHHOLDING contractors the IRS notified, bank accounts."""
    has_w4 = set(db.session.execute(sa.select(TaxProfile.worker_id).where(
        TaxProfile.effective_date <= date(year, 1, 1))).scalars())
    has_w9 = set(db.session.execute(sa.select(W9Form.worker_id)).scalars())
    has_bank = set(db.session.execute(sa.select(BankAccount.worker_id).where(BankAccount.status == "active"))
                   .scalars())
    for e in leased:
        if e.worker_id not in has_w4:
            db.session.add(TaxProfile(worker_id=e.worker_id, effective_date=date(year, 1, 1),
                                      filing_status=rng.choice(("single", "married_jointly", "head_of_household")),
                                      signed_name=workers[e.worker_id].full_name))
            has_w4.add(e.worker_id)
    no_w9 = next((e.worker_id for e in contractors if e.worker_id not in has_w9), None)
    if no_w9 is not None:        # never gave a TIN: paid with backup withholding, a 1099-NEC with no TIN
        w = workers[no_w9]
        w.tin, w.tin_last4, w.tin_index = None, "", None
    backup = 0
    for e in contractors:
        w = workers[e.worker_id]
        if w.id in has_w9 or w.id == no_w9:
            continue
        notified = backup < BACKUP_WITHHOLDING
        backup += notified
        db.session.add(W9Form(worker_id=w.id, legal_name=w.full_name, entity_type="individual", tin_type="ssn",
                              tin_last4=w.tin_last4, certified=True, backup_withholding=notified,
                              signed_name=w.full_name))
        has_w9.add(w.id)
    for e in leased + contractors:
        if e.worker_id not in has_bank:
            account = f"{rng.randint(10**7, 10**9)}"
            db.session.add(BankAccount(worker_id=e.worker_id, bank_name="Demo Bank",
                                       routing_number=rng.choice(DEMO_ROUTINGS), account_number=account,
                                       account_last4=account[-4:], account_type="checking",
                                       split_kind="remainder", priority=0))
            has_bank.add(e.worker_id)
    db.session.flush()


def _timesheets(rng, year, paid, plan, hr, term, contractors) -> int:
    """Approved time for every week the year's regular runs pay (a run pays the whole weeks ending by its period
    end that no run paid), from the first period's Monday to the last period's end; bulk inserted. The last
    contractor works one week only (paid under the 1099 threshold)."""
    bounds = {sid: (sps[0].period.start, sps[-1].period.end) for sid, sps in plan.items() if sps}
    small = contractors[-1].id if len(contractors) > 1 else None
    rows = []
    now = utcnow()
    for e in paid:
        if e.pay_schedule_id not in bounds:
            continue
        first, last = bounds[e.pay_schedule_id]
        week = max(first, e.start_date)
        week -= timedelta(days=week.weekday())
        if week < first:
            week += timedelta(days=7)
        end = term["end_date"] if term and e.id == term["engagement_id"] else last
        weeks = 0
        while week + timedelta(days=6) <= last and week <= end and (small != e.id or weeks < 1):
            hours = {d: D(rng.choice((7, 8, 8, 8, 9, 10))) if i < 5 and week + timedelta(days=i) <= end else ZERO
                     for i, d in enumerate(WEEKDAYS)}
            if small == e.id:        # one short day: under $500 at any demo rate
                hours = {d: ZERO for d in WEEKDAYS} | {"mon": min(D(8), max(D(1), D(int(D(500) / e.pay_rate))))}
            submitted = datetime.combine(week + timedelta(days=7), time(9), tzinfo=timezone.utc)
            rows.append({"engagement_id": e.id, "week_start": week, "status": "approved", "source": "hr",
                         "entered_by_id": hr.id, "approved_by_id": hr.id, "submitted_at": submitted,
                         "approved_at": submitted + timedelta(hours=rng.randint(1, 30)), "units": ZERO, "note": "",
                         "rejected_reason": "", "disputed_reason": "", "created_at": now, "updated_at": now,
                         **{f"hours_{d}": h for d, h in hours.items()}})
            week += timedelta(days=7)
            weeks += 1
    for i in range(0, len(rows), 5000):
        db.session.execute(sa.insert(Timesheet), rows[i:i + 5000])
    return len(rows)


def _benefits(year: int, leased, term) -> None:
    """The year's 401(k) with the safe-harbor match, Section 125 medical premium with the employer's share, and
    an HSA with the employer's contribution for the first BENEFIT_WORKERS leased employees who have no
    deduction in the year yet: the W-2's box 12 codes D, W and DD and box 14 have something to show."""
    s, e = date(year, 1, 1).isoformat(), date(year, 12, 31).isoformat()
    busy = set(db.session.execute(sa.select(WorkerDeduction.worker_id).where(
        WorkerDeduction.start_date <= date(year, 12, 31))).scalars()) | set(db.session.execute(
            sa.select(EmployerContribution.worker_id).where(EmployerContribution.start_date <= date(year, 12, 31)))
        .scalars())
    chosen: list[int] = []
    for eng in leased:
        if eng.worker_id not in busy and eng.worker_id not in chosen and (term is None or eng.id != term["engagement_id"]):
            chosen.append(eng.worker_id)
        if len(chosen) == BENEFIT_WORKERS:
            break
    for i, wid in enumerate(chosen):
        span = {"start_date": s, "end_date": e, "source": "benefits"}
        deductions.create_deduction(wid, {"code": "401k", "percent": ("0.05", "0.06", "0.10")[i % 3], **span,
                                          "external_ref": f"demo-history:401k:{wid}"})
        deductions.create_contribution(wid, {**SAFE_HARBOR, **span})
        deductions.create_deduction(wid, {"code": "section125", "amount": "45.00", **span,
                                          "note": "Medical, employee only (pre-tax)"})
        deductions.create_contribution(wid, {"code": "health_employer", "amount": "180.00", **span})
        if i % 2 == 0:
            deductions.create_deduction(wid, {"code": "hsa", "amount": "50.00", "hsa_coverage": "self_only", **span})
            deductions.create_contribution(wid, {"code": "hsa_employer", "amount": "25.00",
                                                 "hsa_coverage": "self_only", **span})


# ------------------------------------------------------------------------------------------------ the runs
def _pay(create, pay_date: date, hr, hr2, finance) -> PayrollRun | None:
    """Create (three days before the pay date), calculate, approve (hr2), file the NACHA and mark paid."""
    nacha_at = _nacha_time(pay_date)
    with clock_at(nacha_at - timedelta(days=1)):
        run = create()
        if runs.pre_run_checks(run.id):          # nothing to pay (e.g. no one in scope): left as a draft
            return None
        runs.start_calculation(run.id, hr, enqueue=False)
        for index in runs.pending_chunks(run.id):
            calculate_chunk(run.id, index)
        runs.finalize_run(run.id)
    if not db.session.execute(sa.select(Paycheck.id).where(Paycheck.run_id == run.id).limit(1)).first():
        return None          # everyone in scope held (e.g. a local tax the data cannot compute): nothing to pay
    return _approve_and_pay(run.id, pay_date, hr2, finance)


def _approve_and_pay(run_id: int, pay_date: date, approver, finance, *, late: bool = False) -> PayrollRun:
    """Approve, send the NACHA file two banking days before `pay_date` and mark paid on it; `late`: the run's own
    pay date is past (a re-issue), so the file settles on `pay_date` instead (its effective date)."""
    nacha_at = _nacha_time(pay_date)
    with clock_at(nacha_at - timedelta(hours=3)):
        runs.approve_run(run_id, approver)
    with clock_at(nacha_at):
        payments.generate_nacha(run_id, finance, now=nacha_at, effective_date=pay_date if late else None)
    with clock_at(pay_date):
        return runs.mark_paid(run_id, finance, on=pay_date)


def _reverse_and_reissue(year: int, hr, hr2, finance) -> list[str]:
    """The smallest employee paycheck of May's regular runs (sent to a closed account) reversed and re-issued:
    the reversal nets it out of the YTD, the re-issue pays it again. The reversal is dated the pay date of the
    largest regular run of the next two weeks, so its negative liability lands in a deposit period whose
    liabilities outweigh it (the deposit service plans no deposit for a period whose liabilities net negative,
    and leaves such a credit in the ledger)."""
    p = db.session.execute(sa.select(Paycheck).join(PayrollRun, PayrollRun.id == Paycheck.run_id).where(
        PayrollRun.kind == "regular", PayrollRun.state == "paid", Paycheck.worker_type == "employee",
        Paycheck.kind == "regular", Paycheck.gross > 0,
        PayrollRun.pay_date.between(date(year, 5, 1), date(year, 5, 31)))
        .order_by(Paycheck.gross, Paycheck.id).limit(1)).scalar_one_or_none()
    if p is None:
        return [f"history {year}: no paid paycheck to reverse"]
    on = db.session.execute(sa.select(PayrollRun.pay_date).where(
        PayrollRun.kind == "regular", PayrollRun.state == "paid",
        PayrollRun.pay_date > p.pay_date, PayrollRun.pay_date <= p.pay_date + timedelta(days=14))
        .order_by((PayrollRun.total_employee_taxes + PayrollRun.total_employer_taxes).desc(), PayrollRun.pay_date)
        .limit(1)).scalar() or p.pay_date + timedelta(days=7)
    with clock_at(on):
        corrections.request_reversal(hr, "demo: direct deposit sent to a closed account", paycheck_id=p.id)
        corrections.reverse_paycheck(p.id, hr2, on=on)
        rerun = corrections.reissue_paycheck(p.id, hr)
    closed = holidays_between(on, on + timedelta(days=14))
    _approve_and_pay(rerun.id, next_banking_day(next_banking_day(on, closed), closed), hr2, finance, late=True)
    return [f"history {year}: paycheck #{p.id} (worker #{p.worker_id}, paid {p.pay_date}) reversed on {on} and "
            f"re-issued by run #{rerun.id}"]


def _deposits(rng: random.Random, year: int, finance) -> list[str]:
    """Every deposit of the year's tax liabilities planned, then paid on its due date (one with no published
    schedule: a month after its period). The lookback period's Form 941 total is the year's own 941 liability
    (the agency was the same size under its prior provider), so the agency is a semiweekly depositor when it
    exceeds $50,000."""
    with clock_at(date(year + 1, 1, 2)):
        made = plan_deposits(date(year, 1, 1), date(year, 12, 31), finance, lookback_total=_year_941(year))
    paid = 0
    for d in sorted(made, key=lambda d: (d.due_date or d.period_end + timedelta(days=30), d.id)):
        on = d.due_date or d.period_end + timedelta(days=30)
        with clock_at(on):
            pay_deposit(d.id, finance, paid_on=on, confirmation=f"EFT{rng.randint(10**8, 10**9 - 1)}")
        paid += 1
    total = sum((d.amount for d in made), ZERO)
    return [f"history {year}: {paid} tax deposits planned and paid on their due dates ({total})"]


def _year_941(year: int) -> D:
    """The year's Form 941 liability (income tax withheld, both halves of social security and Medicare) from its
    released paychecks of leased employees."""
    from payroll.models import PaycheckLine

    fica = ("social_security", "medicare", "additional_medicare")
    total = db.session.execute(sa.select(sa.func.sum(PaycheckLine.amount))
                               .join(Paycheck, Paycheck.id == PaycheckLine.paycheck_id)
                               .where(Paycheck.tax_year == year, Paycheck.worker_type == "employee",
                                      sa.or_(sa.and_(PaycheckLine.kind == "employee_tax",
                                                     PaycheckLine.code.in_(("federal_income_tax",) + fica)),
                                             sa.and_(PaycheckLine.kind == "employer_tax",
                                                     PaycheckLine.code.in_(fica))))).scalar()
    return D(total or 0)
