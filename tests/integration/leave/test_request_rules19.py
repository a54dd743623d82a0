"""Issue 19's rules on requests: documentation a longer absence needs (the policy's rule within the law's), and the
laws' days/hours-worked thresholds counted from the worker's approved timesheets."""
from __future__ import annotations

from datetime import date

import pytest

from backoffice.errors import ValidationFailed
from tests.integration.payroll.conftest import WEEK1


def _ask(user, policy, start, end, hours, **extra):
    from backoffice.leave import services

    return services.request_leave(user, {"policy_id": str(policy.id), "start_date": start.isoformat(),
                                         "end_date": end.isoformat(), "hours": hours, "reason": "own_illness",
                                         **extra})


@pytest.fixture
def ca_worker(db, world, make_user):
    """A CA employee hired Jan 1, 2026 with 40 h carried in; the CA policy asks for a note after 3 workdays."""
    from backoffice.leave import services

    eng = world.worker(state="CA")
    policy = services.law_policy("CA")
    services.save_policy(world.hr, {"documentation_after_days": 3}, policy.id)
    services.adjust_balance(world.hr, eng.worker_id, policy.id, "40", date(2026, 10, 1), "opening balance")
    return policy, make_user("worker", worker_id=eng.worker_id)


def test_four_workdays_of_sick_leave_need_a_statement_or_an_uploaded_note(db, world, ca_worker):
    """The policy asks for documentation for more than 3 workdays (California's law sets no limit of its own).
    Monday 16 – Thursday 19 November 2026 = 4 workdays, 32 h: refused on `documentation` without it; accepted with
    the worker's statement, or with an uploaded note (kept with its file name). Monday–Wednesday (3) needs none."""
    policy, user = ca_worker
    with pytest.raises(ValidationFailed) as refused:
        _ask(user, policy, date(2026, 11, 16), date(2026, 11, 19), "32")
    assert [(i.field, i.code) for i in refused.value.issues] == [("documentation", "documentation_required")]
    assert "4 workdays" in refused.value.issues[0].message
    stated = _ask(user, policy, date(2026, 11, 16), date(2026, 11, 19), "32",
                  documentation="Flu; my doctor told me to stay home until Friday.")
    assert stated.status == "submitted" and stated.documentation.startswith("Flu")
    from backoffice.leave import services
    services.cancel_request(user, stated.id)
    noted = _ask(user, policy, date(2026, 11, 16), date(2026, 11, 19), "32", document=b"%PDF-1.4 note",
                 document_name="doctor-note.pdf")
    assert (noted.document_name, noted.document) == ("doctor-note.pdf", b"%PDF-1.4 note")
    services.cancel_request(user, noted.id)
    assert _ask(user, policy, date(2026, 11, 23), date(2026, 11, 25), "8").status == "submitted"


def test_chicago_leave_waits_for_eighty_hours_worked_within_120_days(db, world, make_user):
    """MCC 6-130: usable from the 30th day (hired Monday 2 November 2026 → 2 December) once 80 hours are worked
    within 120 days. Timesheets: 40 h the week of Nov 2, then 8 h on each Monday of Nov 9, 16, 23, 30 = 72 h:
    a request for Monday 7 December is refused (72 of 80). 8 h more on Monday 7 December (80 h, met that day): a
    request for Tuesday 8 December is accepted."""
    from backoffice.leave import services

    eng = world.worker(state="IL")
    eng.start_date, eng.work_city = WEEK1, "Chicago"
    db.session.flush()
    policy = services.law_policy("CHICAGO")
    services.adjust_balance(world.hr, eng.worker_id, policy.id, "20", date(2026, 11, 20), "front of the year")
    world.time(eng)
    for monday in (date(2026, 11, 9), date(2026, 11, 16), date(2026, 11, 23), date(2026, 11, 30)):
        world.time(eng, hours=(8, 0, 0, 0, 0, 0, 0), week=monday)
    user = make_user("worker", worker_id=eng.worker_id)
    with pytest.raises(ValidationFailed) as refused:
        _ask(user, policy, date(2026, 12, 7), date(2026, 12, 7), "8")
    assert [(i.field, i.code) for i in refused.value.issues] == [("date", "not_eligible")]
    assert "72 hours worked so far" in refused.value.issues[0].message
    world.time(eng, hours=(8, 0, 0, 0, 0, 0, 0), week=date(2026, 12, 7))
    assert _ask(user, policy, date(2026, 12, 8), date(2026, 12, 8), "8").status == "submitted"


def test_new_yorks_smallest_employer_pays_leave_once_its_net_income_is_set_above_a_million(db, world):
    """Labor Law §196-b(1)(a): an employer of 4 or fewer owes paid leave when its net income in the previous tax
    year was above $1 million. The agency has 1 leased employee: unpaid without the setting; with
    LEAVE_EMPLOYER_NET_INCOME = 1,250,000 the paid tier applies."""
    from flask import current_app

    from backoffice.leave import services

    eng = world.worker(state="NY")
    policy = services.law_policy("NY")
    on = date(2026, 11, 16)
    assert services.law_of(policy, on, eng.worker_id).paid is False
    current_app.config["LEAVE_EMPLOYER_NET_INCOME"] = "1250000"
    try:
        law = services.law_of(policy, on, eng.worker_id)
    finally:
        current_app.config["LEAVE_EMPLOYER_NET_INCOME"] = ""
    assert (law.paid, law.tier) == (True, "0-4 employees, net income over $1,000,000")
