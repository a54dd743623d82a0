"""The classification lists: search, filter, export; closed to client approvers."""
from __future__ import annotations


def test_lists_search_filter_and_export_within_the_users_scope(client_for, two_workers, make_user):
    hr = client_for(two_workers["hr"])
    found = hr.get("/admin/classification_assessments/?search=Plum")
    assert found.status_code == 200
    body = found.data.decode()
    assert "Bill Plum" in body and "Ann Elm" not in body
    export = hr.get("/admin/classification_assessments/export/csv/")
    assert export.status_code == 200 and export.data.count(b"\n") == 5  # header + 2 signed + 2 drafts
    reviews = hr.get("/admin/classification_reviews/?flt0_0=open")
    assert reviews.status_code == 200 and "Ann Elm" in reviews.data.decode()
    assert hr.get("/admin/classification_rechecks/").status_code == 200
    approver = client_for(make_user("client_approver", client_id=two_workers["ann"]["eng"].client_id))
    # A client approver sees what they need to approve time (issue 9): no assessments, reviews or re-checks.
    for page in ("classification_assessments", "classification_reviews", "classification_rechecks"):
        assert approver.get(f"/admin/{page}/").status_code == 403, page
