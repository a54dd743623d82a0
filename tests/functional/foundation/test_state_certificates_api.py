"""A worker's state certificates over the API: the worker reads their own (anyone else's is 404), HR corrects one
(a new, audited tax-profile row), the state's own form fields (MI-W4) checked by name."""
from __future__ import annotations

import json

import sqlalchemy as sa

from tests.functional.foundation.test_worker_forms_api import _issues, _people


def test_the_worker_reads_their_certificates_and_hr_corrects_one_with_an_audit_entry(client, db, make_user,
                                                                                   token_for, fixed_clock):
    from backoffice.audit import AuditLog

    own, other, t = _people(db, make_user, token_for)
    url = f"/api/v1/workers/{own.id}/state-certificates"
    assert client.put(f"/api/v1/workers/{own.id}/w4", headers=t["hr"], json={}).status_code == 200
    assert client.get(url, headers=t["worker"]).get_json() == []
    # The MI-W4's own fields: a bad line named, an unknown field named.
    bad = client.put(f"{url}/MI", headers=t["worker"], json={"allowances": "two", "county": "WAYNE"})
    assert _issues(bad) == {"allowances": "invalid_number", "county": "unknown"}
    mine = client.put(f"{url}/MI", headers=t["worker"], json={"allowances": 1, "signed_name": "Own Worker"})
    assert mine.status_code == 200, mine.get_json()
    rows = client.get(url, headers=t["worker"]).get_json()
    assert [(r["state"], r["form"], r["certificate"]) for r in rows] == [
        ("MI", "MI-W4", {"allowances": 1, "additional": "0.00", "exempt": False, "reciprocity": False})]
    # Another worker's certificates: 404 to the worker (as GET /workers/<id>), readable by HR.
    assert client.get(f"/api/v1/workers/{other.id}/state-certificates", headers=t["worker"]).status_code == 404
    assert client.get(f"/api/v1/workers/{other.id}/state-certificates", headers=t["hr"]).status_code == 200
    # HR corrects the MI-W4 (a paper form received: 3 exemptions), recorded in the audit log under HR's name.
    fixed = client.put(f"{url}/MI", headers=t["hr"], json={"allowances": 3, "signed_name": "Own Worker"})
    assert fixed.status_code == 200, fixed.get_json()
    assert client.get(url, headers=t["worker"]).get_json()[0]["certificate"]["allowances"] == 3
    entry = db.session.execute(sa.select(AuditLog).where(AuditLog.model == "worker",
                                                         AuditLog.record_id == str(fixed.get_json()
                                                                                   ["tax_profile_id"]))).scalar_one()
    assert entry.action == "create" and entry.user_id is not None
    after = json.loads(entry.changes)["state_certificate"]["after"]
    assert "'MI': {'allowances': 3" in str(after)        # the audit log keeps a JSON column as its text
