"""The worker's view: every test, factor, finding and answer in plain language; review requests; isolation."""
from __future__ import annotations

import subprocess

from tests.conftest import csrf_token_from


def test_the_worker_sees_every_test_factor_finding_and_the_evidence_behind_it(client_for, two_workers):
    bill = two_workers["bill"]
    c = client_for(bill["user"])
    index = c.get("/portal/classification/")
    assert index.status_code == 200
    assert b"Independent contractor (1099)" in index.data
    page = c.get(f"/portal/classification/{bill['eng'].id}", follow_redirects=True)
    assert page.status_code == 200
    html = page.data.decode()
    result = bill["a"].result
    for test in result["tests"]:
        assert f'id="test-{test["id"]}"' in html
        for factor in test["factors"]:
            assert f'id="factor-{test["id"]}-{factor["id"]}"' in html
    # plain language: the question and the answer, not the field path
    assert "Who decides how the work is done?" in html and "the worker" in html
    assert "points toward independent contracting" in html
    assert "bill-contract.pdf" in html and "checked bill" in html
    download = c.get(f"/portal/classification/assessments/{bill['a'].id}/evidence/{bill['att'].id}")
    assert download.status_code == 200 and download.data == b"contract bill"


def test_the_worker_asks_for_a_review_and_reads_hrs_answer_in_the_same_thread(client_for, two_workers):
    bill, hr = two_workers["bill"], two_workers["hr"]
    worker = client_for(bill["user"])
    page = worker.get(f"/portal/classification/assessments/{bill['a'].id}")
    token = csrf_token_from(page.data)
    empty = worker.post(f"/portal/classification/assessments/{bill['a'].id}/review",
                        data={"comment": "  ", "csrf_token": token})
    assert empty.status_code == 422 and b"write what you would like HR to look at" in empty.data
    sent = worker.post(f"/portal/classification/assessments/{bill['a'].id}/review",
                       data={"comment": "The client now gives me a schedule.", "csrf_token": token})
    assert sent.status_code == 302
    review_url = f"/admin/classification/reviews/{bill['review'].id}"
    assert sent.headers["Location"].endswith(f"/portal/classification/reviews/{bill['review'].id}")
    admin = client_for(hr)
    thread = admin.get(review_url)
    assert b"The client now gives me a schedule." in thread.data
    reply = admin.post(review_url, data={"body": "We will re-assess on Monday.",
                                         "csrf_token": csrf_token_from(thread.data)})
    assert reply.status_code == 302
    home = worker.get("/portal/").data.decode()
    assert f"HR answered your classification review #{bill['review'].id}" in home
    seen = worker.get(f"/portal/classification/reviews/{bill['review'].id}").data.decode()
    assert "We will re-assess on Monday." in seen and "HR (Hanna HR)" in seen
    assert seen.index("The client now gives me a schedule.") < seen.index("We will re-assess on Monday.")


def test_every_portal_page_with_another_workers_ids_answers_404(client_for, two_workers):
    bill, ann = two_workers["bill"], two_workers["ann"]
    c = client_for(bill["user"])
    token = csrf_token_from(c.get(f"/portal/classification/assessments/{bill['a'].id}").data)
    gets = [
        f"/portal/classification/{ann['eng'].id}",
        f"/portal/classification/assessments/{ann['a'].id}",
        f"/portal/classification/assessments/{bill['draft'].id}",  # own draft: not shown until signed
        f"/portal/classification/reviews/{ann['review'].id}",
        f"/portal/classification/assessments/{ann['a'].id}/evidence/{ann['att'].id}",
        f"/portal/classification/assessments/{bill['a'].id}/evidence/{ann['att'].id}",
        f"/portal/classification/assessments/{ann['a'].id}/evidence/{bill['att'].id}",
        f"/portal/classification/assessments/{ann['a'].id}/evidence-pack.pdf",
        f"/portal/classification/assessments/{bill['draft'].id}/evidence-pack.pdf",
    ]
    for url in gets:
        assert c.get(url).status_code == 404, url
    posts = [(f"/portal/classification/assessments/{ann['a'].id}/review", {"comment": "hi"}),
             (f"/portal/classification/reviews/{ann['review'].id}", {"body": "hi"})]
    for url, data in posts:
        assert c.post(url, data={**data, "csrf_token": token}).status_code == 404, url
    assert len(ann["review"].messages) == 1  # nothing was added to Ann's thread
    # and Bill's own pages answer
    assert c.get(f"/portal/classification/assessments/{bill['a'].id}").status_code == 200


def test_staff_and_anonymous_users_do_not_get_the_worker_pages(app, client_for, two_workers):
    url = f"/portal/classification/assessments/{two_workers['bill']['a'].id}"
    assert client_for(two_workers["hr"]).get(url).status_code == 403
    assert app.test_client().get(url).status_code == 302


def test_the_evidence_pack_pdf_holds_answers_findings_sign_off_history_and_messages(client_for, two_workers,
                                                                                    pdftotext, tmp_path):
    bill, hr = two_workers["bill"], two_workers["hr"]
    resp = client_for(bill["user"]).get(f"/portal/classification/assessments/{bill['a'].id}/evidence-pack.pdf")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    pdf = tmp_path / "pack.pdf"
    pdf.write_bytes(resp.data)
    text = " ".join(subprocess.run([pdftotext, "-layout", str(pdf), "-"], check=True, capture_output=True,
                                   text=True).stdout.split())
    a = bill["a"]
    assert f"Assessment #{a.id}" in text and "Bill Plum" in text
    assert "Who decides how the work is done? the worker" in text  # question, then answer (path wraps below)
    assert "How closely is the work supervised? results only" in text
    assert f"Signed off as independent contractor (1099) by {hr.email}" in text and "checked bill" in text
    assert "bill-contract.pdf" in text and f"SHA-256 {bill['att'].sha256}" in text
    irs = next(t for t in a.result["tests"] if t["id"] == "irs_common_law")
    assert f"(irs_common_law {irs['version']})" in text
    assert "bill: please look at my hours" in text  # the review thread
    assert "Ann Elm" not in text and "ann-contract.pdf" not in text  # nothing about the other worker
    staff = client_for(hr).get(f"/admin/classification/{a.id}/evidence-pack.pdf")
    assert staff.status_code == 200 and staff.data[:4] == b"%PDF"


def test_my_engagements_links_to_the_classification_page(client_for, two_workers):
    bill = two_workers["bill"]
    page = client_for(bill["user"]).get("/portal/engagements")
    assert page.status_code == 200
    assert f'href="/portal/classification/{bill["eng"].id}"'.encode() in page.data


def test_after_reclassification_to_leased_employee_the_worker_is_asked_for_the_w4(db, client_for, two_workers):
    """The converted engagement's onboarding case (W-4, I-9) shows on the worker's home page."""
    from backoffice.classification.services import questionnaire, reclassification
    from tests.integration.classification.helpers import LEASED

    bill, hr = two_workers["bill"], two_workers["hr"]
    questionnaire.save_answers(bill["draft"].id, LEASED, user=hr, as_of_date="2026-04-06")
    questionnaire.run_assessment(bill["draft"].id, user=hr)
    questionnaire.sign_off(bill["draft"].id, user=hr)
    rec = reclassification.reclassify(bill["eng"].id, user=hr, to_type="leased_employee", effective_date="2026-04-13")
    c = client_for(bill["user"])
    home = c.get("/portal/").data.decode()
    assert "W-4" in home
    case_id = next(f["case_id"] for f in rec.follow_ups if f.get("step") == "w4")
    assert c.get(f"/portal/onboarding/{case_id}/w4").status_code == 200
    # the worker's classification history follows the conversion
    index = c.get("/portal/classification/").data.decode()
    card = index.split(f'id="engagement-{rec.to_engagement_id}"', 1)[1].split("</div>", 1)[0]
    assert "Signed classification: <b>leased employee (W-2)</b>" in card
    assert f"/portal/classification/assessments/{bill['draft'].id}" in card
