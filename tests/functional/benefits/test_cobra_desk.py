"""The COBRA desk and the portal's COBRA page: HR records the event, sends the notice and records the election;
finance records payments but sends no notice; the list filters what is due within N days and exports CSV; a worker
sees their own cases and notices only (another's is a 404)."""
from __future__ import annotations

from datetime import date

from benefits import cobra_services as cobra
from benefits.cobra_models import CobraCase, CobraPremium
from tests.conftest import csrf_token_from
from tests.integration.benefits.cobra_support import covered_couple


def _case_page(client, case_id):
    page = client.get(f"/admin/cobra_case/case/{case_id}")
    assert page.status_code == 200
    return page, csrf_token_from(page.data)


def test_hr_records_the_event_sends_the_notice_and_records_the_election(client, db, fixed_clock, make_user, login):
    """Termination Oct 20, 2026: the notice sent Nov 2 makes the election deadline Jan 1, 2027; elected the same
    day, the first premium is due Nov 2 + 45 = Dec 17 (28 to Nov 30, 17)."""
    fixed_clock.set(date(2026, 11, 2))
    w, spouse, _, _ = covered_couple()
    login(client, make_user("hr"))
    page = client.get("/admin/cobra_case/event/")
    token = csrf_token_from(page.data)
    bad = client.post("/admin/cobra_case/event/", data={"csrf_token": token, "worker_id": str(w.id),
                                                         "event_kind": "termination", "event_date": "2026-13-01",
                                                         "loss_rule": "end_of_month"})
    assert bad.status_code == 422 and b"event_date" in bad.data
    client.post("/admin/cobra_case/event/", data={"csrf_token": token, "worker_id": str(w.id),
                                                   "event_kind": "termination", "event_date": "2026-10-20",
                                                   "loss_rule": "end_of_month"})
    me = db.session.query(CobraCase).filter_by(dependent_id=None).one()
    page, token = _case_page(client, me.id)
    assert b"send the election notice" in page.data and b"2026-12-03" in page.data
    client.post(f"/admin/cobra_case/case/{me.id}/notice", data={"csrf_token": token})
    db.session.refresh(me)
    assert (me.status, me.election_deadline) == ("notified", date(2027, 1, 1))
    assert client.get(f"/admin/cobra_case/case/{me.id}/notice.pdf").data.startswith(b"%PDF")
    page, token = _case_page(client, me.id)
    client.post(f"/admin/cobra_case/case/{me.id}/elect", data={"csrf_token": token, "on": "2026-11-02",
                                                                 "choice": "elect"})
    db.session.refresh(me)
    assert (me.status, me.first_premium_due) == ("elected", date(2026, 12, 17))
    # without the CSRF token nothing happens
    assert client.post(f"/admin/cobra_case/case/{me.id}/notice", data={}).status_code in (400, 302)
    # the Social Security disability determination: disabled from Nov 15 (day 15 of COBRA from Nov 1), determined
    # Nov 20, told the same day: 29 months from Nov 1, 2026, to Mar 31, 2029, for the worker and the spouse
    page, token = _case_page(client, me.id)
    assert b"Record a Social Security disability determination" in page.data
    client.post(f"/admin/cobra_case/case/{me.id}/disability", data={
        "csrf_token": token, "onset": "2026-11-15", "determined_on": "2026-11-20", "notified_on": "2026-11-02"})
    db.session.refresh(me)
    assert me.max_months == 18                      # told before the determination: refused, nothing changed
    client.post(f"/admin/cobra_case/case/{me.id}/disability", data={
        "csrf_token": token, "onset": "2026-10-25", "determined_on": "2026-10-30", "notified_on": "2026-11-02"})
    db.session.refresh(me)
    assert (me.max_months, me.coverage_max_end) == (29, date(2029, 3, 31))
    assert b"extended to 29 months" in _case_page(client, me.id)[0].data


def test_the_desk_filters_due_within_days_searches_and_exports(client, db, fixed_clock, make_user, login):
    """Pending cases: the election notice is due Dec 3, 2026, 12 days after Nov 21: in the 14-day filter, not in
    the 7-day one."""
    fixed_clock.set(date(2026, 11, 21))
    w, _, _, _ = covered_couple()
    cobra.record_qualifying_event({"worker_id": w.id, "event_kind": "termination", "event_date": "2026-10-20"})
    login(client, make_user("compliance"))
    view = client.application.extensions["tandem_admin"]
    desk = next(v for v in view._views if v.endpoint == "cobra_case")
    with client.application.test_request_context():
        within14, within7 = desk.due_url(14), desk.due_url(7)
    assert b"Ana " in client.get(within14).data
    assert b"Ana " not in client.get(within7).data
    assert w.last_name.encode() in client.get(f"/admin/cobra_case/?search={w.last_name}").data
    csv = client.get("/admin/cobra_case/export/csv/")
    assert csv.status_code == 200 and b"send the election notice" in csv.data and b"2026-12-03" in csv.data
    # compliance reads but records nothing
    case_id = db.session.query(CobraCase.id).first()[0]
    page, token = _case_page(client, case_id)
    assert b"Send the election notice" not in page.data
    assert client.post(f"/admin/cobra_case/case/{case_id}/notice", data={"csrf_token": token}).status_code == 403
    assert client.get("/admin/cobra_case/event/").status_code == 403


def test_finance_records_a_payment_but_sends_no_notice_and_a_worker_is_kept_out(client, db, fixed_clock, make_user,
                                                                               login):
    fixed_clock.set(date(2026, 11, 2))
    w, _, _, _ = covered_couple()
    cases = cobra.record_qualifying_event({"worker_id": w.id, "event_kind": "termination", "event_date": "2026-10-20"})
    me = next(c for c in cases if c.dependent_id is None)
    cobra.send_election_notice(me.id)
    fixed_clock.set(date(2026, 12, 10))
    cobra.record_election(me.id, "2026-12-10")
    cobra.bill_premiums(date(2026, 12, 10))
    nov = db.session.query(CobraPremium).filter_by(case_id=me.id).order_by(CobraPremium.coverage_month).first()
    login(client, make_user("finance"))
    page, token = _case_page(client, me.id)
    assert b"Record payment" in page.data
    bad = client.post(f"/admin/cobra_case/case/{me.id}/pay", data={"csrf_token": token, "premium_id": nov.id,
                                                                    "amount": "12", "paid_on": "2026-12-10"})
    assert bad.status_code == 302
    db.session.refresh(nov)
    assert nov.paid_on is None
    client.post(f"/admin/cobra_case/case/{me.id}/pay", data={"csrf_token": token, "premium_id": nov.id,
                                                              "amount": "1275.00", "paid_on": "2026-12-10"})
    db.session.refresh(nov)
    assert (str(nov.paid_amount), nov.paid_on) == ("1275.00", date(2026, 12, 10))
    assert client.post(f"/admin/cobra_case/case/{me.id}/elect", data={"csrf_token": token, "on": "2026-12-10"}
                       ).status_code == 403
    client.get("/logout")
    worker_client = client.application.test_client()
    login(worker_client, make_user("worker", worker_id=w.id))
    assert worker_client.get("/admin/cobra_case/").status_code == 403


def test_a_worker_sees_their_own_cobra_cases_and_notices_and_another_workers_is_a_404(app, db, fixed_clock,
                                                                                    make_user, login):
    fixed_clock.set(date(2026, 11, 2))
    w, _, _, plans = covered_couple()
    other, _, _, _ = covered_couple(plans=plans)
    mine = cobra.record_qualifying_event({"worker_id": w.id, "event_kind": "termination", "event_date": "2026-10-20"})
    theirs = cobra.record_qualifying_event({"worker_id": other.id, "event_kind": "termination",
                                            "event_date": "2026-10-20"})
    for c in mine + theirs:
        cobra.send_election_notice(c.id)
    client = app.test_client()
    login(client, make_user("worker", worker_id=w.id))
    page = client.get("/portal/benefits/cobra")
    assert page.status_code == 200
    assert b"Elect by <strong>Jan 1, 2027</strong>" in page.data and b"Apr 30, 2028" in page.data
    assert client.get(f"/portal/benefits/cobra/{mine[0].id}/notice.pdf").data.startswith(b"%PDF")
    assert client.get(f"/portal/benefits/cobra/{theirs[0].id}/notice.pdf").status_code == 404
    assert client.get("/portal/benefits/cobra/general-notice.pdf").data.startswith(b"%PDF")
