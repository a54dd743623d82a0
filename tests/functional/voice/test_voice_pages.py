"""Worker voice pages: the portal (vote and change it, propose and co-sign, report and rate, download my data)
and the admin (polls, board, feedback, exports, settings) — and that no page names who chose what."""
from __future__ import annotations

import io
import zipfile
from datetime import datetime, timezone

import pytest

from backoffice.voice import feedback_services, proposal_services, services
from tests.conftest import csrf_token_from

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=timezone.utc)
OPTIONS = ["Keep plan Zebra-7731", "Switch to plan Quokka-5519"]


def _signed_in(app, login, user):
    c = app.test_client()
    login(c, user)
    return c


def _open_poll(world, **kw):
    poll = services.create_poll(world.hr, title="Dental plan", options=OPTIONS, **kw)
    services.open_poll(world.hr, poll.id, NOW)
    return poll


def test_a_worker_votes_and_changes_the_vote_in_the_portal_without_the_page_showing_it(app, login, voice_world):
    poll = _open_poll(voice_world)
    c = _signed_in(app, login, voice_world.users[0])
    page = c.get(f"/portal/voice/polls/{poll.id}")
    assert page.status_code == 200 and b"Cast my vote" in page.data
    r = c.post(f"/portal/voice/polls/{poll.id}/vote", data={"choice": OPTIONS[0], "csrf_token": csrf_token_from(page.data)})
    assert r.status_code == 302
    page = c.get(f"/portal/voice/polls/{poll.id}")
    html = page.get_data(as_text=True)
    assert "Your vote was recorded" in html and "Change my vote" in html and 'checked' not in html
    r = c.post(f"/portal/voice/polls/{poll.id}/vote", data={"choice": OPTIONS[1], "csrf_token": csrf_token_from(page.data)})
    assert "Your vote was changed" in c.get(r.headers["Location"]).get_data(as_text=True)
    assert services.tally_poll(poll).totals == {OPTIONS[0]: 0, OPTIONS[1]: 1}


def test_a_vote_without_a_choice_is_shown_beside_the_ballot(app, login, voice_world):
    poll = _open_poll(voice_world)
    c = _signed_in(app, login, voice_world.users[0])
    token = csrf_token_from(c.get(f"/portal/voice/polls/{poll.id}").data)
    r = c.post(f"/portal/voice/polls/{poll.id}/vote", data={"csrf_token": token})
    assert r.status_code == 422 and b'id="choice-error"' in r.data


def test_a_worker_posts_a_proposal_and_a_colleague_cosigns_it(app, login, voice_world):
    a = _signed_in(app, login, voice_world.users[0])
    token = csrf_token_from(a.get("/portal/voice/proposals").data)
    r = a.post("/portal/voice/proposals", data={"title": "Mileage between sites", "body": "Pay the miles.",
                                                "csrf_token": token})
    assert r.status_code == 302
    b = _signed_in(app, login, voice_world.users[1])
    page = b.get("/portal/voice/proposals")
    pid = proposal_services.board(voice_world.hr, NOW.date())[0].proposal.id
    b.post(f"/portal/voice/proposals/{pid}/cosign", data={"csrf_token": csrf_token_from(page.data)})
    html = b.get("/portal/voice/proposals").get_data(as_text=True)
    assert "you co-signed" in html and "Voter0" not in html          # the board shows counts, never names


def test_a_worker_reports_and_rates_in_the_portal(app, login, voice_world):
    c = _signed_in(app, login, voice_world.users[0])
    page = c.get("/portal/voice/feedback")
    assert page.status_code == 200 and b"Acme Corp" in page.data
    token = csrf_token_from(page.data)
    r = c.post("/portal/voice/feedback", data={"subject": "client", "client_id": voice_world.acme.id, "topic": "safety",
                                               "body": "Exit blocked", "csrf_token": token})
    assert r.status_code == 302
    r = c.post("/portal/voice/ratings", data={"rate_client_id": voice_world.acme.id, "timely_approval": "4",
                                              "respect": "9", "clarity": "3", "csrf_token": token})
    assert r.status_code == 422 and b'id="respect-error"' in r.data
    assert feedback_services.feedback_aggregate(voice_world.hr).total == 1


def test_download_my_data_in_the_portal(app, login, voice_world):
    c = _signed_in(app, login, voice_world.users[0])
    page = c.get("/portal/my-data")
    r = c.post("/portal/my-data", data={"csrf_token": csrf_token_from(page.data)})
    assert r.status_code == 302
    html = c.get("/portal/my-data").get_data(as_text=True)
    assert "Download ZIP" in html
    from backoffice.voice.export_services import exports_of

    job = exports_of(voice_world.workers[0].id)[0]
    assert c.get(f"/portal/my-data/{job.id}.json").get_json()["state"] == "done"
    resp = c.get(f"/portal/my-data/{job.id}.zip")
    try:
        assert "profile.json" in zipfile.ZipFile(io.BytesIO(resp.data)).namelist()
    finally:
        resp.close()
    other = _signed_in(app, login, voice_world.users[1])
    assert other.get(f"/portal/my-data/{job.id}.zip").status_code == 404


@pytest.mark.parametrize("path", ["/admin/voice_polls/", "/admin/voice_proposals/", "/admin/voice_feedback/",
                                  "/admin/voice_exports/", "/admin/voice_settings/"])
def test_hr_opens_every_voice_page_and_a_worker_none(app, login, voice_world, path):
    assert _signed_in(app, login, voice_world.hr).get(path).status_code == 200
    assert _signed_in(app, login, voice_world.users[0]).get(path).status_code == 403


def test_no_admin_page_or_export_names_who_chose_what(app, login, voice_world):
    """After votes and a change, HR's poll list, its CSV, the poll's page and the audit log (page and CSV) hold no
    voter's name or e-mail beside an option, and no admin view lists ballots, voters, feedback or ratings."""
    poll = _open_poll(voice_world)
    for user, option in zip(voice_world.users[:3], [OPTIONS[0], OPTIONS[1], OPTIONS[0]]):
        services.cast_vote(user, poll.id, option)
    services.cast_vote(voice_world.users[0], poll.id, OPTIONS[1])
    services.close_poll(voice_world.hr, poll.id, NOW)
    admin = _signed_in(app, login, voice_world.hr)
    pages = {p: admin.get(p).get_data(as_text=True) for p in (
        "/admin/voice_polls/", "/admin/voice_polls/export/csv/", f"/admin/voice_polls/results/{poll.id}",
        f"/admin/voice_polls/details/?id={poll.id}", "/admin/audit_log/", "/admin/audit_log/export/csv/",
        "/admin/audit_log/?search=poll")}
    voters = {w.first_name for w in voice_world.workers} | {u.email for u in voice_world.users}
    for path, html in pages.items():
        # row by row (a table row of the page, a line of the CSV): never a voter beside an option
        for row in html.split("<tr") if not path.endswith("/csv/") else html.splitlines():
            assert not (any(o in row for o in OPTIONS) and any(v in row for v in voters)), (path, row[:300])
    for path in ("/admin/voice_polls/", "/admin/voice_polls/export/csv/", f"/admin/voice_polls/results/{poll.id}",
                 f"/admin/voice_polls/details/?id={poll.id}", "/admin/audit_log/?search=poll"):
        assert not any(v in pages[path] for v in voters), path
    results = pages[f"/admin/voice_polls/results/{poll.id}"]
    assert "3 of 7 eligible workers have voted" in results
    for model in ("poll_ballots", "poll_voters", "voice_feedback", "voice_client_ratings"):
        assert not any(getattr(getattr(v, "model", None), "__tablename__", "") == model
                       for v in app.extensions["tandem_admin"]._views), model


def test_hr_creates_opens_and_closes_a_poll_in_the_admin(app, login, voice_world):
    c = _signed_in(app, login, voice_world.hr)
    page = c.get("/admin/voice_polls/new/")
    token = csrf_token_from(page.data)
    r = c.post("/admin/voice_polls/new/", data={"title": "Holiday pay", "question": "Which?", "options_text":
                                                "Double\nTime and a half", "eligible": ["leased_employee"],
                                                "csrf_token": token})
    assert r.status_code == 302, [l for l in r.get_data(as_text=True).splitlines() if "error" in l or "invalid" in l][:20]
    poll = services.polls_for(voice_world.hr)[0]
    assert (poll.options, poll.eligible_types, poll.status) == (["Double", "Time and a half"], ["leased_employee"],
                                                                "draft")
    page = c.get(f"/admin/voice_polls/results/{poll.id}")
    c.post(f"/admin/voice_polls/results/{poll.id}/open", data={"csrf_token": csrf_token_from(page.data)})
    c.post(f"/admin/voice_polls/results/{poll.id}/close", data={"csrf_token": csrf_token_from(page.data)})
    services.db.session.expire_all()
    assert services.polls_for(voice_world.hr)[0].status == "closed"


def test_a_poll_with_one_option_is_refused_beside_the_field(app, login, voice_world):
    c = _signed_in(app, login, voice_world.hr)
    token = csrf_token_from(c.get("/admin/voice_polls/new/").data)
    r = c.post("/admin/voice_polls/new/", data={"title": "X", "options_text": "Only", "eligible": ["contractor"],
                                                "csrf_token": token})
    assert r.status_code == 200 and b"give 2 to 12 options" in r.data


def test_hr_answers_a_proposal_on_the_board(app, login, voice_world):
    p = proposal_services.post_proposal(voice_world.users[0], title="Spanish stubs", body="Please.", today=NOW.date())
    c = _signed_in(app, login, voice_world.hr)
    page = c.get(f"/admin/voice_proposals/answer/{p.id}")
    assert page.status_code == 200
    r = c.post(f"/admin/voice_proposals/answer/{p.id}", data={"answer": "From January.",
                                                              "csrf_token": csrf_token_from(page.data)})
    assert r.status_code == 303
    worker = _signed_in(app, login, voice_world.users[2])
    assert "From January." in worker.get("/portal/voice/proposals").get_data(as_text=True)


def test_the_portal_home_asks_an_eligible_worker_to_vote_until_they_have(app, login, voice_world):
    poll = _open_poll(voice_world, eligible_types=["leased_employee"])
    c = _signed_in(app, login, voice_world.users[0])
    assert "Have your say: vote in “Dental plan”" in c.get("/portal/").get_data(as_text=True)
    contractor = _signed_in(app, login, voice_world.contractor_user)
    assert "Dental plan" not in contractor.get("/portal/").get_data(as_text=True)      # not eligible
    services.cast_vote(voice_world.users[0], poll.id, OPTIONS[0])
    assert "Dental plan" not in c.get("/portal/").get_data(as_text=True)


def test_hr_downloads_a_finished_export_from_the_log(app, login, voice_world, token_for):
    worker = voice_world.workers[2]
    job = app.test_client().post(f"/api/v1/workers/{worker.id}/export", headers=token_for(voice_world.users[2]))
    job_id = job.get_json()["id"]
    hr = _signed_in(app, login, voice_world.hr)
    assert f"/admin/voice_exports/download/{job_id}" in hr.get("/admin/voice_exports/").get_data(as_text=True)
    resp = hr.get(f"/admin/voice_exports/download/{job_id}")
    try:
        assert resp.mimetype == "application/zip"
        profile = zipfile.ZipFile(io.BytesIO(resp.data)).read("profile.json").decode()
        assert worker.email in profile
    finally:
        resp.close()
    assert hr.get("/admin/voice_exports/download/999999").status_code == 404
