"""The field policy (backoffice/security/field_policy.csv): what it grants, and the doc that says so in words."""
from __future__ import annotations

from pathlib import Path

import pytest

from backoffice.security.field_policy import (ALL, DOC_BEGIN, DOC_END, SURFACES, load_field_policy,
                                              policy_markdown, readable_fields, with_policy_markdown,
                                              writable_fields)

DOC = Path(__file__).resolve().parents[3] / "docs" / "security.md"
# Written out by hand: what the portal's profile page let a worker change before the policy was data.
SELF_SERVICE = {"phone", "address_line1", "address_line2", "city", "state", "postal_code"}


def test_a_worker_writes_the_same_fields_through_the_api_and_the_portal():
    assert writable_fields("worker", "api", "worker") == writable_fields("worker", "portal", "worker") == SELF_SERVICE


@pytest.mark.parametrize("surface", SURFACES)
@pytest.mark.parametrize("model,field", [
    ("worker", "birth_date"), ("worker", "tin_masked"), ("worker", "tin_last4"), ("worker", "tin"),
    ("worker", "phone"), ("worker", "email"), ("worker", "address_line1"), ("worker", "city"),
    ("worker", "postal_code"), ("worker", "state"), ("engagement", "pay_rate"), ("client", "markup_rate"),
    ("bank_account", "account_number")])
def test_a_client_approver_never_reads_personal_data_or_the_pay_rate(surface, model, field):
    fields = readable_fields("client_approver", surface, model)
    assert ALL not in fields and field not in fields


def test_a_client_approver_reads_the_name_the_engagement_and_the_bill_rate():
    assert {"first_name", "last_name"} <= readable_fields("client_approver", "api", "worker")
    assert {"title", "bill_rate", "start_date", "status"} <= readable_fields("client_approver", "api", "engagement")
    assert writable_fields("client_approver", "api", "worker") == frozenset()


@pytest.mark.parametrize("role", ["admin", "hr", "finance", "compliance"])
def test_staff_roles_are_left_to_the_permission_matrix(role):
    assert all(ALL in writable_fields(role, s, m) for s in SURFACES for m in ("worker", "engagement", "client"))


def test_a_bad_row_is_refused_with_its_line(tmp_path):
    bad = tmp_path / "policy.csv"
    bad.write_text("role,surface,model,field,access\nworker,email,worker,phone,write\n")
    with pytest.raises(ValueError, match="line 2"):
        load_field_policy(bad)


def test_the_security_doc_carries_the_tables_of_the_policy_as_it_is():
    """If this fails, run `.venv/bin/python scripts/field-policy-doc` and commit the doc with the CSV."""
    doc = DOC.read_text(encoding="utf-8")
    assert doc.count(DOC_BEGIN) == 1 and doc.count(DOC_END) == 1
    assert doc == with_policy_markdown(doc)
    assert policy_markdown() in doc
