"""Demo payroll: pay schedules, W-4/W-9 and deposit accounts for weekly workers, approved time, one paid run and
one calculated run awaiting approval (called at the end of `backoffice seed-demo`)."""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta, timezone

import sqlalchemy as sa

from backoffice.extensions import db
from backoffice.money import D
from backoffice.security.models import User
from backoffice.uow import transaction
from backoffice.workers.models import Agency, Client, Engagement, StateRegistration, Worker
from backoffice.workers.demo import DEMO_COUNTY, DEMO_PSD, STATE_MIX, demo_work_site
from backoffice.workers.profile import BankAccount, TaxProfile, W9Form
from payroll.calendar import holidays_between
from payroll.models import PaySchedule, Timesheet
from payroll.payments.ach_dates import previous_banking_day
from payroll.services import holds, payments, runs
from payroll.services.calc import calculate_chunk
from payroll.services.schedules import create_schedule

DEMO_ROUTINGS = ("011000015", "021000021", "121000358", "322271627")   # check digits valid


def _user(email: str) -> User | None:
    return db.session.execute(sa.select(User).where(User.email == email)).scalar_one_or_none()


def _monday(d: date) -> date:
    return d - timedelta(days=d.weekday())


def seed(rng: random.Random, today: date) -> list[str]:

    if db.session.execute(sa.select(PaySchedule.id).limit(1)).first():
        return ["payroll demo already present"]
    anchor = date(2026, 1, 5)      # a Monday
    weekly = create_schedule({"name": "Weekly", "frequency": "weekly", "anchor_start": anchor, "pay_lag_days": 5})
    create_schedule({"name": "Biweekly", "frequency": "biweekly", "anchor_start": anchor, "pay_lag_days": 5})
    create_schedule({"name": "Semimonthly", "frequency": "semimonthly", "anchor_start": date(2026, 1, 1),
                     "pay_lag_days": 5})
    hr, hr2, finance = _user("hr@tandem.example"), _user("hr2@tandem.example"), _user("finance@tandem.example")
    if not (hr and hr2 and finance):
        return ["payroll demo: demo users missing; schedules only"]

    week2 = _monday(today) - timedelta(days=7)       # last full week: the calculated run
    week1 = week2 - timedelta(days=7)                # the week before: the paid run
    engagements = db.session.execute(sa.select(Engagement).where(
        Engagement.pay_schedule_id == weekly.id, Engagement.status == "active",
        Engagement.start_date <= week1).order_by(Engagement.id)).scalars().all()
    workers = {w.id: w for w in db.session.execute(sa.select(Worker).where(
        Worker.id.in_({e.worker_id for e in engagements}))).scalars()}
    has_w4 = set(db.session.execute(sa.select(TaxProfile.worker_id)).scalars())
    has_w9 = set(db.session.execute(sa.select(W9Form.worker_id)).scalars())
    has_bank = set(db.session.execute(sa.select(BankAccount.worker_id).where(BankAccount.status == "active"))
                   .scalars())
    second = _second_client_engagement(engagements, weekly.id)
    if second is not None:
        engagements = list(engagements) + [second]
    commuter = _pa_commuter(engagements, workers, has_w4, second)
    columbus = _columbus_school_district(engagements, workers, has_w4,
                                         {x.worker_id for x in (second, commuter) if x is not None}, rng)
    # Denver's occupational privilege tax; Portland: Paid Leave Oregon, the statewide transit tax and TriMet's
    denver = _placed_at(engagements, workers, {x.worker_id for x in (second, commuter, columbus) if x is not None},
                        "CO", "Denver", "80202")
    portland = _placed_at(engagements, workers,
                          {x.worker_id for x in (second, commuter, columbus, denver) if x is not None},
                          "OR", "Portland", "97204")
    # two work sites in one week: lives and works in Cleveland, weekend shifts at a client's Columbus site
    # (after the Columbus showcase, which registers the agency in Ohio)
    two_sites = _two_ohio_sites(engagements, workers, {x.worker_id for x in (second, commuter, columbus, denver,
                                                                              portland) if x is not None},
                                weekly.id) if columbus is not None else None
    with transaction():
        for e in engagements:
            w = workers[e.worker_id]
            if e.type == "leased_employee" and w.id not in has_w4:
                # the PA commuter's NJ certificate claims the NJ-PA reciprocal exemption (NJ-165 on file)
                cert = {"NJ": {"reciprocity": True}} if commuter is not None and e.id == commuter.id else {}
                db.session.add(TaxProfile(worker_id=w.id, effective_date=date(2026, 1, 1),
                                          filing_status=rng.choice(("single", "married_jointly", "head_of_household")),
                                          signed_name=w.full_name, state_certificate=cert))
                has_w4.add(w.id)
            if e.type == "contractor" and w.id not in has_w9:
                db.session.add(W9Form(worker_id=w.id, legal_name=w.full_name, entity_type="individual", tin_type="ssn",
                                      tin_last4=w.tin_last4, certified=True, signed_name=w.full_name))
                has_w9.add(w.id)
            if w.id not in has_bank:
                account = f"{rng.randint(10**7, 10**9)}"
                db.session.add(BankAccount(worker_id=w.id, bank_name="Demo Bank",
                                           routing_number=rng.choice(DEMO_ROUTINGS), account_number=account,
                                           account_last4=account[-4:], account_type="checking",
                                           split_kind="remainder", priority=0))
                has_bank.add(w.id)
            for week in (week1, week2):
                days = [D(rng.choice((7, 8, 8, 8, 9, 10))) for _ in range(5)] + [D(0), D(0)]
                # HR enters and approves the time and prepares the runs; hr2, who changed none of it, approves
                # the runs (four eyes: whoever approved the time may not approve the run that pays it)
                db.session.add(Timesheet(engagement_id=e.id, week_start=week, status="approved", source="hr",
                                         entered_by_id=hr.id, approved_by_id=hr.id,
                                         **{f"hours_{d}": h for d, h in zip(("mon", "tue", "wed", "thu", "fri", "sat",
                                                                              "sun"), days)}))

        if two_sites is not None:       # fixed weekend hours (the demo's random draws stay those of the others)
            for week in (week1, week2):
                db.session.add(Timesheet(engagement_id=two_sites.id, week_start=week, status="approved", source="hr",
                                         entered_by_id=hr.id, approved_by_id=hr.id, hours_sat=D(6), hours_sun=D(6)))

    def calculated(day: date, hold=None):
        run = runs.create_regular_run(weekly.id, day, hr)
        if hold is not None:     # an HR hold the newcomer sees on the run page (paid later by an off-cycle run)
            holds.hold_paycheck(run.id, hold, "Demo: the worker reported a wrong home address; HR is checking",
                                hr)
        runs.start_calculation(run.id, hr, enqueue=False)
        for index in runs.pending_chunks(run.id):      # in-process, whatever broker is configured
            calculate_chunk(run.id, index)
        runs.finalize_run(run.id)
        db.session.refresh(run)
        return run

    paid = calculated(week1)
    runs.approve_run(paid.id, hr2)
    # the file went to the bank two banking days before the pay date, at 10:00 New York time (15:00 UTC): it
    # settles on the pay date, as a run's file should
    closed = holidays_between(paid.pay_date - timedelta(days=14), paid.pay_date)
    made = previous_banking_day(previous_banking_day(paid.pay_date, closed), closed)
    payments.generate_nacha(paid.id, finance, now=datetime.combine(made, time(15, 0), tzinfo=timezone.utc))
    runs.mark_paid(paid.id, finance)
    held = next((e.worker_id for e in engagements if e.type == "leased_employee"
                 and (second is None or e.worker_id != second.worker_id)), None)
    waiting = calculated(week2, hold=held)
    out = [f"payroll: run #{paid.id} paid ({paid.paycheck_count} paychecks, net {paid.total_net}), "
           f"run #{waiting.id} calculated and waiting for approval ({waiting.paycheck_count} paychecks"
           f"{', 1 held by HR' if held else ''})"]
    if second is not None:
        out.append(f"payroll: worker #{second.worker_id} works for two clients; each run pays them one paycheck")
    if commuter is not None:
        out.append(f"payroll: worker #{commuter.worker_id} lives in PA and works in NJ with NJ-165 on file: PA tax "
                   f"is withheld, no NJ income tax, NJ's worker contributions still apply")
    if columbus is not None:
        out.append(f"payroll: worker #{columbus.worker_id} works in Columbus, OH and lives in Canal Winchester LSD "
                   f"(school district 2502): Ohio, Columbus and school district income taxes are withheld")
    if denver is not None:
        out.append(f"payroll: worker #{denver.worker_id} works in Denver, CO: the occupational privilege tax ($5.75 "
                   f"a month, and the employer's $4.00) is taken once in the month, on the first paycheck that "
                   f"brings the month's pay to $500")
    if portland is not None:
        out.append(f"payroll: worker #{portland.worker_id} lives and works in Portland, OR: Paid Leave Oregon (the "
                   f"worker's 0.6% and the employer's 0.4%), the statewide transit tax (0.1%) and the employer's "
                   f"TriMet tax (0.8237%) show on the paystub")
    if two_sites is not None:
        out.append(f"payroll: worker #{two_sites.worker_id} lives and works in Cleveland, OH and works weekend shifts "
                   f"at a client's Columbus site: Columbus's tax falls on the Columbus hours' share of the week's "
                   f"pay, Cleveland's on the rest (the paystub names both sites)")
    return out + _corrections(paid, week1, hr, finance, today)


def _pa_commuter(engagements, workers, has_w4: set, second):
    """One weekly leased worker made a Pennsylvania resident working in New Jersey, with NJ-165 on file (the NJ-PA
    reciprocal agreement, docs/multistate.md): the demo shows a run withholding PA tax and NJ's programs."""
    for e in engagements:
        w = workers[e.worker_id]
        if e.type != "leased_employee" or w.id in has_w4 or (second is not None and w.id == second.worker_id):
            continue
        if sum(1 for x in engagements if x.worker_id == w.id) > 1:
            continue
        with transaction():
            # the client's NJ address stands for the work site (no PA, IN or OR site fields of the draw stay)
            e.work_state, e.work_city, e.work_county, e.work_psd_code, e.work_transit_district = "NJ", "", "", "", ""
            # Pittsburgh (PSD 700102): its earned income tax is in the local data for every demo pay date
            w.state, w.city, w.postal_code, w.psd_code, w.county = "PA", "Pittsburgh", "15222", "700102", ""
            agency = db.session.execute(sa.select(Agency).order_by(Agency.id).limit(1)).scalar_one_or_none()
            if agency is not None and not any(r.state == "NJ" for r in agency.registrations):
                # the demo agency's NJ accounts; its SUTA rate is a demo assigned rate like the other states'
                agency.registrations.append(StateRegistration(state="NJ", withholding_account="NJ-WH-1000001",
                                                              suta_account="NJ-UI-1000001", suta_rate=D("0.028")))
        return e
    return None


def _columbus_school_district(engagements, workers, has_w4: set, taken: set, rng):
    """One weekly leased worker placed in Columbus, Ohio, living in the part of the city served by Canal Winchester
    Local Schools (school district 2502, 0.75%, traditional base) with an IT 4 of one exemption: the demo's run
    shows the state, city and school district lines (docs/local-taxes.md)."""
    for e in engagements:
        w = workers[e.worker_id]
        if e.type != "leased_employee" or w.id in has_w4 or w.id in taken:
            continue
        if sum(1 for x in engagements if x.worker_id == w.id) > 1:
            continue
        with transaction():
            e.work_state, e.work_city, e.work_psd_code = "OH", "Columbus", ""
            e.work_county, e.work_transit_district = "", ""
            w.state, w.city, w.postal_code, w.psd_code, w.school_district = "OH", "Columbus", "43232", "", "2502"
            w.county = ""
            db.session.add(TaxProfile(worker_id=w.id, effective_date=date(2026, 1, 1),
                                      filing_status=rng.choice(("single", "married_jointly")), signed_name=w.full_name,
                                      state_certificate={"OH": {"allowances": 1}}))
            has_w4.add(w.id)
            agency = db.session.execute(sa.select(Agency).order_by(Agency.id).limit(1)).scalar_one_or_none()
            if agency is not None and not any(r.state == "OH" for r in agency.registrations):
                # the demo agency's Ohio accounts; its SUTA rate is a demo assigned rate like the other states'
                agency.registrations.append(StateRegistration(state="OH", withholding_account="OH-WH-51000001",
                                                              suta_account="OH-UI-51000001", suta_rate=D("0.027")))
        return e
    return None


def _placed_at(engagements, workers, taken: set, state: str, city: str, postal_code: str):
    """One weekly leased worker (not one of the other showcases) made to live and work in a city whose local taxes
    the demo's paid run should show (docs/local-taxes.md); the home and work-site fields are the demo's own rules
    (backoffice/workers/demo.py: DEMO_PSD, DEMO_COUNTY, demo_work_site)."""
    for e in engagements:
        w = workers[e.worker_id]
        if e.type != "leased_employee" or w.id in taken or e.pay_unit != "hour":
            continue
        if sum(1 for x in engagements if x.worker_id == w.id) > 1:
            continue
        with transaction():
            w.state, w.city, w.postal_code, w.school_district = state, city, postal_code, ""
            w.psd_code, w.county = DEMO_PSD.get((state, city), ""), DEMO_COUNTY.get((state, city), "")
            e.work_state = state
            for key, value in demo_work_site(state, {"state": state, "city": city, "county": w.county,
                                                      "psd_code": w.psd_code}).items():
                setattr(e, key, value)
            agency = db.session.execute(sa.select(Agency).order_by(Agency.id).limit(1)).scalar_one_or_none()
            if agency is not None and not any(r.state == state for r in agency.registrations):
                # the demo agency's accounts; its SUTA rate is the demo's rate for the state (STATE_MIX)
                agency.registrations.append(StateRegistration(
                    state=state, withholding_account=f"{state}-WH-1000001", suta_account=f"{state}-UI-1000001",
                    suta_rate=D(next(r for s, _w, r, _c in STATE_MIX if s == state))))
        return e
    return None


def _two_ohio_sites(engagements, workers, taken: set, schedule_id: int):
    """One weekly leased worker (not one of the other showcases) made to live and work in Cleveland, Ohio (no school
    district income tax: NONE), with a second engagement at another client's Columbus site: a paycheck earned at two
    work sites, each city's tax on its share (docs/local-taxes.md). Returns the Columbus engagement."""
    home = _placed_at(engagements, workers, taken, "OH", "Cleveland", "44114")
    other = db.session.execute(sa.select(Client.id).where(Client.id != home.client_id).order_by(Client.id)
                               .limit(1)).scalar() if home is not None else None
    if other is None:
        return None
    with transaction():
        workers[home.worker_id].school_district = "NONE"
        home.work_city = "Cleveland"
        eng = Engagement(worker_id=home.worker_id, client_id=other, type="leased_employee", title="Weekend shifts",
                         work_state="OH", work_city="Columbus", pay_rate=home.pay_rate, pay_unit="hour",
                         bill_rate=home.bill_rate, pay_frequency="weekly", pay_schedule_id=schedule_id,
                         start_date=home.start_date, status="active")
        db.session.add(eng)
    return eng


def _second_client_engagement(engagements, schedule_id: int):
    """A leased employee of the weekly schedule also placed at a second client (weekend shifts): the paychecks
    show one paycheck per person with earning lines per client. Someone with one weekly engagement: a third
    timesheet of up to ten hours a day would put more than 24 hours on a day."""
    first = next((e for e in engagements if e.type == "leased_employee" and e.pay_unit == "hour"
                  and not e.overtime_exempt and sum(x.worker_id == e.worker_id for x in engagements) == 1), None)
    other = db.session.execute(sa.select(Client.id).where(Client.id != (first.client_id if first else 0))
                               .order_by(Client.id).limit(1)).scalar() if first else None
    if other is None:
        return None
    with transaction():
        eng = Engagement(worker_id=first.worker_id, client_id=other, type="leased_employee", title="Weekend shifts",
                         work_state=first.work_state, pay_rate=D("22.50"), pay_unit="hour", bill_rate=D("33.75"),
                         pay_frequency="weekly", pay_schedule_id=schedule_id, start_date=first.start_date,
                         status="active", work_city=first.work_city, work_county=first.work_county,
                         work_psd_code=first.work_psd_code, work_transit_district=first.work_transit_district)
        db.session.add(eng)
    return eng


def _corrections(paid, week1: date, hr, finance, today: date) -> list[str]:
    """One of each correction waiting for someone: a reversal request for a second HR user to carry out, an ACH
    return paid by a paper check, and a back-dated raise whose retro pay HR has not confirmed yet."""
    from payroll.models import Paycheck
    from payroll.models_ledger import Payment
    from payroll.services import checks, corrections, retro

    pays = db.session.execute(sa.select(Paycheck).join(Engagement, Engagement.id == Paycheck.engagement_id).where(
        Paycheck.run_id == paid.id, Engagement.pay_unit == "hour").order_by(Paycheck.id).limit(3)).scalars().all()
    if len(pays) < 3:
        return ["payroll demo: too few hourly paychecks for the correction examples"]
    out = []
    req = corrections.request_reversal(hr, "demo: hours billed to the wrong client", paycheck_id=pays[0].id)
    out.append(f"payroll: reversal request #{req.id} for paycheck #{pays[0].id} waits for a second HR user")
    sent = db.session.execute(sa.select(Payment).where(Payment.paycheck_id == pays[1].id)
                              .order_by(Payment.id).limit(1)).scalar_one()
    payments.record_return(sent.id, "R03", finance, on=today)
    check = checks.record_manual_check(pays[1].id, {"check_number": "100001", "check_date": today.isoformat(),
                                                    "amount": str(sent.amount), "payment_id": sent.id}, finance)
    out.append(f"payroll: ACH payment #{sent.id} returned R03, paid by check no. {check.check_number}")
    eng = db.session.get(Engagement, pays[2].engagement_id)
    change = retro.change_rate(eng.id, {"rate": str(eng.pay_rate + D("1.00")), "effective_date": week1.isoformat(),
                                        "note": "demo: raise back-dated to the paid week"}, hr, today=today)
    out.append(f"payroll: rate change #{change.id} of engagement #{eng.id} has retro pay {change.retro_amount} "
               f"waiting for HR's confirmation ({change.retro_status})")
    return out
