"""COBRA from the qualifying event to the end of coverage: cases per qualified beneficiary, the notice PDFs read
back, billing once, payments, and non-payment ending coverage after the grace period and not before. Every date
counted by hand in the docstrings."""
from __future__ import annotations

import subprocess
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from backoffice.errors import DomainError, ValidationFailed
from backoffice.extensions import db as _db
from benefits import cobra_services as cobra
from benefits.cobra_models import CobraCase, CobraPremium
from benefits.models import BenefitPlan, LifeEvent
from tests.integration.benefits.cobra_support import covered_couple

D = Decimal


def _text(pdf: bytes, pdftotext, tmp_path) -> str:
    path = tmp_path / "n.pdf"
    path.write_bytes(pdf)
    return " ".join(subprocess.run([pdftotext, "-layout", str(path), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())


def _terminated(fixed_clock):
    """Termination Oct 20, 2026: coverage lost Oct 31, COBRA from Nov 1, 2026."""
    fixed_clock.set(date(2026, 10, 21))
    w, spouse, _, plans = covered_couple()
    cases = cobra.record_qualifying_event({"worker_id": w.id, "event_kind": "termination",
                                           "event_date": "2026-10-20"})
    return w, spouse, {c.beneficiary: c for c in cases}


def test_a_termination_opens_a_case_for_the_worker_and_the_spouse_with_the_deadlines(db, fixed_clock):
    """Oct 20, 2026: administrator Oct 20 + 30 = Nov 19; election notice (the agency administers) Oct 20 + 44 =
    Dec 3 (11 to Oct 31, 30 to Nov 30, 3). 18 months from Nov 1, 2026: to Apr 30, 2028. The worker's tier
    employee + spouse costs 1,250.00 in full; the spouse alone is priced at employee-only 600.00."""
    w, spouse, cases = _terminated(fixed_clock)
    me, sp = cases["employee"], cases["spouse"]
    assert (me.loss_of_coverage, me.coverage_start) == (date(2026, 10, 31), date(2026, 11, 1))
    assert (me.administrator_notice_due, me.election_notice_due) == (date(2026, 11, 19), date(2026, 12, 3))
    assert (me.max_months, me.coverage_max_end) == (18, date(2028, 4, 30))
    assert (me.coverage_tier, me.monthly_cost, sp.coverage_tier, sp.monthly_cost) == (
        "employee_spouse", D("1250.00"), "employee", D("600.00"))
    assert sp.dependent_id == spouse.id and me.status == sp.status == "pending_notice"
    assert (me.next_action, me.next_due_on) == ("send the election notice", date(2026, 12, 3))
    # the same event again opens nothing more; the database refuses a second case for the same beneficiary
    again = cobra.record_qualifying_event({"worker_id": w.id, "event_kind": "termination", "event_date": "2026-10-20"})
    assert again == []
    with pytest.raises(IntegrityError), _db.session.begin_nested():
        _db.session.add(CobraCase(**{k: getattr(me, k) for k in (
            "worker_id", "beneficiary", "event_kind", "event_date", "loss_rule", "plans", "coverage_tier",
            "monthly_cost", "loss_of_coverage", "coverage_start", "administrator_notice_due", "election_notice_due",
            "election_deadline", "max_months", "coverage_max_end", "status")}, employer_is_administrator=True,
            disability_extended=False, explanation=[], notes="", next_action=""))
        _db.session.flush()


def test_bad_events_are_refused_naming_the_field(db, fixed_clock):
    w, spouse, _, plans = covered_couple()
    with pytest.raises(ValidationFailed) as e:
        cobra.record_qualifying_event({"worker_id": w.id, "event_kind": "fired", "event_date": "2026-02-30"})
    assert {i.field for i in e.value.issues} == {"event_kind", "event_date"}
    with pytest.raises(ValidationFailed) as e:
        cobra.record_qualifying_event({"worker_id": w.id, "event_kind": "termination", "event_date": "2025-12-31"})
    assert [i.field for i in e.value.issues] == ["event_date"]          # no coverage that day


def test_the_election_notice_pdf_reads_back_with_the_dates_and_the_102_percent_premium(db, fixed_clock, pdftotext,
                                                                                        tmp_path):
    """Sent Nov 2, 2026: election by the later of Oct 31 and Nov 2, + 60 = Jan 1, 2027 (28 to Nov 30, 31 to
    Dec 31, 1). Premium 1,250.00 x 1.02 = 1,275.00 (months 19-29 of a disability: x 1.5 = 1,875.00); maximum to
    Apr 30, 2028."""
    w, spouse, cases = _terminated(fixed_clock)
    fixed_clock.set(date(2026, 11, 2))
    sent = cobra.send_election_notice(cases["employee"].id)
    assert not sent.emailed and "e-mail not sent" in sent.message       # no SMTP in tests: said, not fatal
    c = _db.session.get(CobraCase, cases["employee"].id)
    assert (c.status, c.election_notice_sent_on, c.election_deadline) == ("notified", date(2026, 11, 2),
                                                                           date(2027, 1, 1))
    text = _text(cobra.election_notice_pdf(c.id), pdftotext, tmp_path)
    assert "Elect by Jan 1, 2027" in text
    assert "Monthly premium: $1,275.00" in text
    assert "ends no later than Apr 30, 2028" in text
    assert "coverage under the plans ends on Oct 31, 2026" in text
    assert "$1,875.00 a month (150%)" in text
    with pytest.raises(DomainError):
        cobra.send_election_notice(c.id)


def test_the_general_notice_pdf_names_the_plan_and_the_rights(db, fixed_clock, pdftotext, tmp_path):
    w, _, _, _ = covered_couple()
    text = _text(cobra.general_notice_pdf(w.id), pdftotext, tmp_path)
    assert "General notice of COBRA continuation coverage rights" in text
    assert "Pooled PPO" in text and "Jan 1, 2026" in text and "within 60 days" in text


def _elected(fixed_clock):
    """Notice Nov 2, elected Dec 10, 2026 (the spouse too, billed on the worker's case): first premium due
    Dec 10 + 45 = Jan 24, 2027 (21 to Dec 31, 24)."""
    w, spouse, cases = _terminated(fixed_clock)
    fixed_clock.set(date(2026, 11, 2))
    for c in cases.values():
        cobra.send_election_notice(c.id)
    fixed_clock.set(date(2026, 12, 10))
    me = cobra.record_election(cases["employee"].id, "2026-12-10")
    sp = cobra.record_election(cases["spouse"].id, "2026-12-10")
    return me, sp


def test_billing_twice_bills_once_and_the_first_payment_covers_the_months_before_the_election(db, fixed_clock):
    """On Jan 2, 2027: November and December 2026 (begun by the election) due Jan 24 with the first payment; January
    due Jan 1, timely to max(Jan 31, Jan 24) = Jan 31. 1,275.00 each; the spouse is billed on the worker's case."""
    from backoffice.audit import AuditLog

    me, sp = _elected(fixed_clock)
    assert (me.first_premium_due, sp.billed_with_id) == (date(2027, 1, 24), me.id)
    changes = " ".join(a.changes for a in _db.session.execute(sa.select(AuditLog).where(
        AuditLog.model == "cobra_case", AuditLog.record_id == str(me.id))).scalars())
    assert '"elected"' in changes and "2026-12-10" in changes          # the election is in the audit log
    fixed_clock.set(date(2027, 1, 2))
    assert cobra.bill_premiums(date(2027, 1, 2)) == 3
    assert cobra.bill_premiums(date(2027, 1, 2)) == 0
    rows = _db.session.execute(sa.select(CobraPremium).order_by(CobraPremium.coverage_month)).scalars().all()
    assert [(p.case_id, p.coverage_month, p.amount_due, p.due_date, p.grace_end) for p in rows] == [
        (me.id, date(2026, 11, 1), D("1275.00"), date(2027, 1, 24), date(2027, 1, 24)),
        (me.id, date(2026, 12, 1), D("1275.00"), date(2027, 1, 24), date(2027, 1, 24)),
        (me.id, date(2027, 1, 1), D("1275.00"), date(2027, 1, 1), date(2027, 1, 31))]
    with pytest.raises(IntegrityError), _db.session.begin_nested():
        _db.session.add(CobraPremium(case_id=me.id, coverage_month=date(2027, 1, 1), month_number=3,
                                     amount_due=D("1275.00"), due_date=date(2027, 1, 1), grace_end=date(2027, 1, 31)))
        _db.session.flush()


def test_a_missed_premium_ends_coverage_the_day_after_the_grace_period_and_not_before(db, fixed_clock):
    """Nov-Jan paid on Jan 20. February billed Feb 1, due Feb 1, timely to Feb 1 + 30 = Mar 3, 2027 (27 to Feb 28,
    3). Mar 2 and Mar 3: still covered. Mar 4: coverage ends Jan 31, 2027 (the last month paid), the spouse's too."""
    me, sp = _elected(fixed_clock)
    fixed_clock.set(date(2027, 1, 20))
    cobra.bill_premiums(date(2027, 1, 20))
    for p in list(me.premiums):
        cobra.record_payment(p.id, "1275.00", "2027-01-20")
    fixed_clock.set(date(2027, 2, 1))
    assert cobra.bill_premiums(date(2027, 2, 1)) == 1
    feb = _db.session.execute(sa.select(CobraPremium).where(CobraPremium.coverage_month == date(2027, 2, 1))).scalar_one()
    assert (feb.due_date, feb.grace_end) == (date(2027, 2, 1), date(2027, 3, 3))
    for day in (date(2027, 3, 2), date(2027, 3, 3)):
        fixed_clock.set(day)
        assert cobra.enforce(day)["terminated_nonpayment"] == 0
        assert _db.session.get(CobraCase, me.id).status == "elected"
    fixed_clock.set(date(2027, 3, 4))
    assert cobra.enforce(date(2027, 3, 4))["terminated_nonpayment"] == 1
    me, sp = _db.session.get(CobraCase, me.id), _db.session.get(CobraCase, sp.id)
    assert (me.status, me.coverage_end) == ("terminated_nonpayment", date(2027, 1, 31))
    assert (sp.status, sp.coverage_end) == ("terminated_nonpayment", date(2027, 1, 31))
    # a payment after the grace period is refused, naming the field
    with pytest.raises(DomainError):
        cobra.record_payment(feb.id, "1275.00", "2027-03-04")


def test_payments_late_or_short_are_refused_and_an_insignificant_shortfall_counts(db, fixed_clock):
    """Due 1,275.00: the shortfall allowed is the lesser of 50.00 and 127.50 = 50.00, so 1,225.00 counts as paid and
    1,224.99 is refused (26 CFR 54.4980B-8 Q&A-5(d)). January's grace ends Jan 31: a payment dated Feb 1 is late."""
    me, _ = _elected(fixed_clock)
    fixed_clock.set(date(2027, 2, 5))
    cobra.bill_premiums(date(2027, 1, 5))
    nov, dec, jan = me.premiums
    with pytest.raises(ValidationFailed) as e:
        cobra.record_payment(nov.id, "1224.99", "2027-01-10")
    assert [i.field for i in e.value.issues] == ["amount"]
    assert cobra.record_payment(nov.id, "1225.00", "2027-01-10").paid_amount == D("1225.00")
    with pytest.raises(ValidationFailed) as e:
        cobra.record_payment(jan.id, "1275.00", "2027-02-01")
    assert [i.field for i in e.value.issues] == ["paid_on"]
    with pytest.raises(ValidationFailed) as e:
        cobra.record_payment(dec.id, "abc", "")
    assert {i.field for i in e.value.issues} == {"amount", "paid_on"}


def test_an_unelected_case_expires_after_the_election_deadline_and_a_late_election_is_refused(db, fixed_clock):
    """Notice Nov 2: election by Jan 1, 2027. On Jan 1 nothing expires; on Jan 2 both cases do (coverage ended
    Oct 31). An election dated Jan 2 is refused naming elected_on."""
    w, spouse, cases = _terminated(fixed_clock)
    fixed_clock.set(date(2026, 11, 2))
    for c in cases.values():
        cobra.send_election_notice(c.id)
    with pytest.raises(ValidationFailed) as e:
        cobra.record_election(cases["employee"].id, "2027-01-02")
    assert [i.field for i in e.value.issues] == ["elected_on"]
    assert cobra.enforce(date(2027, 1, 1))["expired"] == 0
    assert cobra.enforce(date(2027, 1, 2))["expired"] == 2
    assert _db.session.get(CobraCase, cases["spouse"].id).coverage_end == date(2026, 10, 31)


def test_coverage_ends_at_the_maximum_of_18_months(db, fixed_clock):
    """Elected Dec 10, 2026, every month paid: the case ends the day after Apr 30, 2028 (18 months from Nov 1,
    2026) with coverage to Apr 30, 2028; 18 months billed, never a 19th."""
    me, _ = _elected(fixed_clock)
    fixed_clock.set(date(2028, 5, 1))
    assert cobra.bill_premiums(date(2028, 5, 1)) == 18
    _db.session.execute(sa.update(CobraPremium).values(paid_amount=CobraPremium.amount_due,
                                                        paid_on=CobraPremium.due_date))
    assert cobra.enforce(date(2028, 4, 30))["ended"] == 0
    assert cobra.enforce(date(2028, 5, 1))["ended"] == 1
    me = _db.session.get(CobraCase, me.id)
    assert (me.status, me.coverage_end) == ("ended", date(2028, 4, 30))


def test_a_disability_recorded_in_time_extends_the_family_to_29_months_at_150_percent(db, fixed_clock):
    """COBRA from Nov 1, 2026 (elected Dec 10). The worker disabled from Nov 20, 2026 (day 20 of the first 60),
    determined Jan 5, 2027, the administrator told Feb 1, 2027 (27 days later, within 60): both the worker's and
    the spouse's cases run 29 months from Nov 1, 2026, to Mar 31, 2029; month 19 (May 2028) costs 150% of the
    1,250.00: 1,875.00, month 18 still 102%: 1,275.00. A notice 61 days after the determination extends nothing and
    the case says why; a determination before the onset is refused naming the field."""
    from benefits.engine import cobra as engine

    me, sp = _elected(fixed_clock)
    fixed_clock.set(date(2027, 2, 1))
    with pytest.raises(ValidationFailed) as exc:
        cobra.record_disability(me.id, {"onset": "2026-11-20", "determined_on": "2026-11-01",
                                        "notified_on": "2027-02-01"})
    assert [i.field for i in exc.value.issues] == ["determined_on"]
    cases = cobra.record_disability(me.id, {"onset": "2026-11-20", "determined_on": "2027-01-05",
                                            "notified_on": "2027-02-01"})
    assert {(c.beneficiary, c.max_months, c.coverage_max_end, c.disability_extended) for c in cases} == {
        ("employee", 29, date(2029, 3, 31), True), ("spouse", 29, date(2029, 3, 31), True)}
    assert engine.monthly_premium(me.monthly_cost, 19, True) == D("1875.00")
    assert engine.monthly_premium(me.monthly_cost, 18, True) == D("1275.00")
    late = cobra.record_disability(me.id, {"onset": "2026-11-20", "determined_on": "2026-11-25",
                                           "notified_on": "2027-01-25"})
    assert (late[0].max_months, late[0].coverage_max_end, late[0].disability_extended) == (18, date(2028, 4, 30),
                                                                                          False)
    assert any("No disability extension" in line for line in late[0].explanation)


def test_reclassification_events_and_terminated_engagements_open_cases_once(db, fixed_clock):
    """The reclassification hook: an open `cobra_qualifying_event` life event (a contractor from Sep 1, 2026)
    becomes cases dated Aug 31, the last day as an employee (coverage lost that day: the end of August; 18 months)
    and is processed. The termination sweep: an engagement ended Nov 13, 2026 with coverage that day
    opens a termination case; a second sweep opens nothing."""
    w, spouse, _, plans = covered_couple()
    _db.session.add(LifeEvent(worker_id=w.id, kind="cobra_qualifying_event", event_date=date(2026, 9, 1),
                              status="open", source="reclassification"))
    _db.session.flush()
    made = cobra.process_open_events()
    assert sorted((c.beneficiary, c.event_kind, c.event_date, c.loss_of_coverage, c.max_months) for c in made) == [
        ("employee", "reclassification", date(2026, 8, 31), date(2026, 8, 31), 18),
        ("spouse", "reclassification", date(2026, 8, 31), date(2026, 8, 31), 18)]
    assert _db.session.execute(sa.select(LifeEvent.status)).scalar_one() == "processed"
    assert cobra.process_open_events() == []
    w2, _, _, _ = covered_couple(end=date(2026, 11, 13), status="terminated", plans=plans)
    made = cobra.sweep_terminations(date(2026, 11, 22))
    assert {(c.worker_id, c.event_kind, c.event_date) for c in made} == {(w2.id, "termination", date(2026, 11, 13))}
    assert cobra.sweep_terminations(date(2026, 11, 22)) == []


def test_the_due_list_shows_what_is_next_soonest_first(db, fixed_clock):
    """Both cases pending: the election notice is due Dec 3, 2026: 12 days after Nov 21."""
    w, spouse, cases = _terminated(fixed_clock)
    rows = cobra.due_list(date(2026, 11, 21), within_days=30)
    assert [(r["next"], r["due_on"], r["days_left"]) for r in rows] == [
        ("send the election notice", "2026-12-03", 12)] * 2
    assert cobra.due_list(date(2026, 11, 21), within_days=5) == []


def test_the_election_notice_is_e_mailed_to_the_worker_after_the_commit(app, db, fixed_clock):
    """With a mail server: the worker gets the election deadline (Jan 1, 2027: notice Nov 2 + 60) by e-mail."""
    from tests.integration.onboarding.support import running_smtp

    w, spouse, cases = _terminated(fixed_clock)
    fixed_clock.set(date(2026, 11, 2))
    saved = {k: app.config.get(k) for k in ("SMTP_HOST", "SMTP_PORT")}
    try:
        with running_smtp() as box:
            app.config.update(SMTP_HOST=box.host, SMTP_PORT=box.port)
            sent = cobra.send_election_notice(cases["employee"].id)
            assert sent.emailed, sent.message
            assert box.arrived.wait(5)
    finally:
        app.config.update(saved)
    [msg] = box.messages
    body = msg.get_payload(decode=True).decode()
    assert msg["To"] == w.email and "until Jan 1, 2027" in body and "ended on Oct 31, 2026" in body


def test_cobra_due_lists_what_is_next_and_cobra_run_bills_once(runner, db, fixed_clock):
    """On Nov 21, 2026 both cases wait for the election notice due Dec 3 (+12 days). After the election (Dec 10)
    the run on Dec 10 bills November and December (2 months) once; the second run bills nothing."""
    import json

    w, spouse, cases = _terminated(fixed_clock)
    out = runner.invoke(args=["benefits", "cobra-due", "--on", "2026-11-21", "--within", "30"])
    assert out.exit_code == 0, out.output
    lines = [x for x in out.output.splitlines() if x.startswith("2026-")]
    assert lines == [f"2026-12-03 (+12 d) case #{c.id} {c.beneficiary_name} [pending_notice]: send the election "
                     "notice" for c in sorted(cases.values(), key=lambda c: c.id)]
    fixed_clock.set(date(2026, 11, 2))
    for c in cases.values():
        cobra.send_election_notice(c.id)
    fixed_clock.set(date(2026, 12, 10))
    cobra.record_election(cases["employee"].id, "2026-12-10")
    first = json.loads(runner.invoke(args=["benefits", "cobra-run", "--on", "2026-12-10"]).output)
    second = json.loads(runner.invoke(args=["benefits", "cobra-run", "--on", "2026-12-10"]).output)
    assert (first["billed"], second["billed"]) == (2, 0)
    bad = runner.invoke(args=["benefits", "cobra-due", "--within", "-3"])
    assert bad.exit_code != 0 and "within" in bad.output.lower()


def test_the_demo_terminates_a_family_and_leaves_an_elected_case_with_a_premium_paid_and_one_due(db, fixed_clock):
    """Demo day Nov 22, 2026: termination Sep 1 + 14 = Sep 15; lost Sep 30, COBRA from Oct 1; notice Sep 20,
    elected Sep 30, first premium due Sep 30 + 45 = Nov 14. Billed to Nov 22: October (begins after the election:
    due Oct 1, timely to max(Oct 31, Nov 14) = Nov 14) and November (due Nov 1, timely to max(Dec 1, Nov 14) =
    Dec 1), 1,275.00 each: October paid on Oct 1, November due."""
    import random

    from benefits import cobra_demo
    from benefits.models import Enrollment

    w, spouse, e, _ = covered_couple()
    [line] = cobra_demo.seed(random.Random(1), date(2026, 11, 22))
    assert "premium(s) paid" in line
    cases = _db.session.execute(sa.select(CobraCase).order_by(CobraCase.id)).scalars().all()
    assert [(c.beneficiary, c.status, c.event_date, c.elected_on) for c in cases] == [
        ("employee", "elected", date(2026, 9, 15), date(2026, 9, 30)),
        ("spouse", "elected", date(2026, 9, 15), date(2026, 9, 30))]
    assert cases[1].billed_with_id == cases[0].id
    assert [(p.coverage_month, p.amount_due, p.grace_end, p.paid_on) for p in cases[0].premiums] == [
        (date(2026, 10, 1), D("1275.00"), date(2026, 11, 14), date(2026, 10, 1)),
        (date(2026, 11, 1), D("1275.00"), date(2026, 12, 1), None)]
    assert (cases[0].next_due_on, _db.session.get(Enrollment, e.id).end_date) == (date(2026, 12, 1),
                                                                                  date(2026, 9, 30))
    assert cobra_demo.seed(random.Random(1), date(2026, 11, 22)) == ["COBRA demo already present"]


def test_elected_continuation_is_covered_by_the_carrier_and_billed_on_the_worker(db, fixed_clock):
    """The couple elected on Dec 10, 2026 (coverage from Nov 1, the day after the loss): in December the PPO's
    carrier covers the worker (COBRA, the employee + spouse tier's full 1,250.00 a month, no client to charge) and
    the spouse under the worker's tier (billed on the worker's case: 0); in October they were covered as active
    employees, not on COBRA."""
    from benefits import carriers, plan_services

    me, sp = _elected(fixed_clock)
    plan_id = me.plans[0]["plan_id"]
    carrier = plan_services.save_carrier({"code": "EXH", "name": "Example Health", "receiver_id": "EXH"})
    _db.session.get(BenefitPlan, plan_id).carrier_id = carrier.id
    _db.session.flush()
    december = carriers.covered_members(carrier.id, date(2026, 12, 1), date(2026, 12, 31))
    assert [(m.member_id, m.relationship, m.cobra, m.coverage_tier, m.monthly_premium, m.client_id, m.start)
            for m in december] == [
        (f"W{me.worker_id}", "self", True, "employee_spouse", D("1250.00"), None, date(2026, 11, 1)),
        (f"W{me.worker_id}D{sp.dependent_id}", "spouse", True, "employee_spouse", D("0.00"), None,
         date(2026, 11, 1))]
    assert {m.subscriber_id for m in december} == {f"W{me.worker_id}"}
    october = carriers.covered_members(carrier.id, date(2026, 10, 1), date(2026, 10, 31))
    assert [(m.relationship, m.cobra) for m in october] == [("self", False), ("spouse", False)]
