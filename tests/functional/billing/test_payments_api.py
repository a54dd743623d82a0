"""POST /api/v1/invoices/{id}/payments and GET /api/v1/receivables/aging over HTTP: who may, the 201 body, the
field-by-field 422, and 404 for another client's invoice."""
from __future__ import annotations

from datetime import date

import pytest

from tests.factories import ClientFactory, WorkerFactory
from tests.integration.billing.receivables_support import issued_invoice


@pytest.fixture
def invoices(db, fixed_clock):
    fixed_clock.set(date(2026, 6, 30))
    acme, globex = ClientFactory(name="Acme"), ClientFactory(name="Globex")
    return acme, globex, issued_invoice(acme, "1000.00", date(2026, 6, 1)), issued_invoice(globex, "80.00",
                                                                                            date(2026, 5, 1))


def test_finance_posts_a_partial_then_the_final_payment(client, invoices, make_user, token_for):
    """1,000.00 owed: 250.00 → balance 750.00, partially_paid; 750.00 → 0.00, paid."""
    _, _, inv, _ = invoices
    h = token_for(make_user("finance"))
    r = client.post(f"/api/v1/invoices/{inv.id}/payments", json={"amount": "250.00", "received_on": "2026-06-15",
                                                                 "reference": "ACH 7781"}, headers=h)
    assert r.status_code == 201, r.json
    body = r.json
    assert (body["balance"], body["status"], body["payment"]["amount"], body["payment"]["source"],
            body["payment"]["reference"]) == ("750.00", "partially_paid", "250.00", "api", "ACH 7781")
    r = client.post(f"/api/v1/invoices/{inv.id}/payments", json={"amount": "750.00", "received_on": "2026-06-20"},
                    headers=h)
    assert (r.status_code, r.json["invoice"]["balance"], r.json["status"]) == (201, "0.00", "paid")
    r = client.post(f"/api/v1/invoices/{inv.id}/payments", json={"amount": "1.00", "received_on": "2026-06-20"},
                    headers=h)
    assert r.status_code == 409 and "nothing is owed" in r.json["message"]


def test_bad_input_is_a_422_naming_each_field(client, invoices, make_user, token_for):
    _, _, inv, _ = invoices
    h = token_for(make_user("finance"))
    r = client.post(f"/api/v1/invoices/{inv.id}/payments", json={"amount": "1000.01", "received_on": "June 1"},
                    headers=h)
    assert r.status_code == 422
    assert {i["field"] for i in r.json["issues"]} == {"amount", "received_on"}
    r = client.post(f"/api/v1/invoices/{inv.id}/payments", json={"amount": "-5", "received_on": "2026-06-02"},
                    headers=h)
    assert r.status_code == 422 and [i["field"] for i in r.json["issues"]] == ["amount"]
    r = client.post(f"/api/v1/invoices/{inv.id}/payments", json=["not", "an", "object"], headers=h)
    assert r.status_code == 422


def test_approvers_and_workers_may_not_post_and_another_clients_invoice_is_404(client, invoices, make_user,
                                                                                token_for):
    acme, globex, inv, other = invoices
    body = {"amount": "1.00", "received_on": "2026-06-02"}
    approver = token_for(make_user("client_approver", client_id=acme.id))
    assert client.post(f"/api/v1/invoices/{inv.id}/payments", json=body, headers=approver).status_code == 403
    assert client.post(f"/api/v1/invoices/{other.id}/payments", json=body, headers=approver).status_code == 404
    worker = token_for(make_user("worker", worker_id=WorkerFactory().id))
    assert client.post(f"/api/v1/invoices/{inv.id}/payments", json=body, headers=worker).status_code == 403
    assert client.post("/api/v1/invoices/999999/payments", json=body,
                       headers=token_for(make_user("finance"))).status_code == 404


def test_the_aging_endpoint_buckets_by_client(client, invoices, make_user, token_for):
    """As of 2026-06-30: Acme's 1,000.00 due 07-01 is current; Globex's 80.00 due 05-31 is 30 days late (1–30)."""
    r = client.get("/api/v1/receivables/aging?as_of=2026-06-30", headers=token_for(make_user("finance")))
    assert r.status_code == 200
    rows = {row["client_name"]: row for row in r.json["rows"]}
    assert (rows["Acme"]["current"], rows["Globex"]["days_1_30"], r.json["total"]["total"]) == (
        "1000.00", "80.00", "1080.00")
    assert client.get("/api/v1/receivables/aging", headers=token_for(make_user("hr"))).status_code == 403
