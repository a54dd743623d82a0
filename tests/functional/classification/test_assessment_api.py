"""Classification over the API: answers stored and run in one request, HR's sign-off, and the refusals."""
from __future__ import annotations

from datetime import date

from tests.integration.classification.helpers import CONTRACTOR, LEASED, make_engagement


def test_answers_are_stored_and_run_and_hr_signs_off_once(client, db, make_user, token_for, fixed_clock):
    """Pub 15-A, section 1 "Leased employees": a staffing firm that hires, pays and may reassign the worker it
    places is the employer, so the engine finds a leased employee and signing it as a contractor is refused."""
    from backoffice.classification.models import Assessment
    from backoffice.workers.models import Engagement

    eng = make_engagement(type_="leased_employee", state="TX", name=("Lee", "Park"))
    hr = token_for(make_user("hr"))
    posted = client.post(f"/api/v1/engagements/{eng.id}/assessments", headers=hr,
                         json={"answers": LEASED, "as_of_date": "2026-03-02"})
    assert posted.status_code == 201, posted.get_json()
    a = posted.get_json()
    assert (a["status"], a["determination"], a["engagement_id"], a["as_of_date"]) == (
        "draft", "leased_employee", eng.id, "2026-03-02")
    assert a["answers"]["engagement"]["arrangement"] == "staffing_firm_placement"
    assert {t["id"] for t in a["result"]["tests"]} and all(t["factors"] for t in a["result"]["tests"])
    stored = db.session.get(Assessment, a["id"])
    assert stored.result == a["result"] and stored.run_at is not None

    url = f"/api/v1/assessments/{a['id']}/sign-off"
    wrong = client.post(url, headers=hr, json={"determination": "contractor", "note": "they asked"})
    assert wrong.status_code == 422 and wrong.get_json()["issues"][0]["field"] == "determination"
    assert client.post(url, headers=hr, json={"notes": "typo"}).get_json()["issues"][0]["code"] == "unknown"
    signed = client.post(url, headers=hr)           # no body: the engine's determination, no note
    assert signed.status_code == 200 and signed.get_json()["signed_determination"] == "leased_employee"
    db.session.expire_all()
    assert db.session.get(Engagement, eng.id).classification == "leased_employee"
    again = client.post(url, headers=hr, json={})
    assert again.status_code == 409 and again.get_json()["error"] == "not_draft"


def test_bad_answers_are_named_and_only_hr_may_assess(client, db, make_user, token_for, fixed_clock):
    eng = make_engagement(type_="contractor", state="TX")
    other = make_engagement(type_="contractor", state="TX", name=("Ida", "Moss"))
    hr = token_for(make_user("hr"))
    url = f"/api/v1/engagements/{eng.id}/assessments"
    bad = client.post(url, headers=hr, json={"answers": {"behavioral_control": {"supervision": "sometimes"},
                                                         "horoscope": {}}, "as_of": "2026-01-01"})
    assert bad.status_code == 422
    assert {i["field"] for i in bad.get_json()["issues"]} == {"as_of"}          # the body's shape first
    bad = client.post(url, headers=hr, json={"answers": {"behavioral_control": {"supervision": "sometimes"},
                                                         "horoscope": {}}})
    assert {i["field"] for i in bad.get_json()["issues"]} == {"answers.behavioral_control.supervision",
                                                             "answers.horoscope"}
    assert client.post(url, headers=hr, json={}).get_json()["issues"][0] == {
        "field": "answers", "message": "is required", "code": "required"}
    worker = token_for(make_user("worker", worker_id=eng.worker_id))
    assert client.post(url, headers=worker, json={"answers": CONTRACTOR}).status_code == 403
    assert client.post(url, headers=token_for(make_user("compliance")), json={"answers": CONTRACTOR}).status_code \
        == 403
    assert client.post("/api/v1/engagements/999999/assessments", headers=hr, json={"answers": {}}).status_code \
        == 404
    ok = client.post(f"/api/v1/engagements/{other.id}/assessments", headers=hr,
                     json={"answers": CONTRACTOR, "as_of_date": date(2026, 3, 2).isoformat()})
    assert ok.status_code == 201 and ok.get_json()["determination"] == "contractor"
    # Only HR signs off: a worker (even the assessed one) cannot.
    mine = token_for(make_user("worker", worker_id=other.worker_id))
    assert client.post(f"/api/v1/assessments/{ok.get_json()['id']}/sign-off", headers=mine).status_code == 403
