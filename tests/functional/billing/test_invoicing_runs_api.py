"""The invoicing-runs API: finance starts invoicing through a date in the background and follows its progress;
bad fields are 422s naming them; anyone who may not invoice gets 404 (the run's figures are every client's)."""
from __future__ import annotations

from decimal import Decimal

import pytest

from tests.integration.billing.conftest import BillingWorld


@pytest.fixture
def week(db, make_user, token_for, fixed_clock):
    """Acme: 45 h at bill rate $30.00 = 40 × 30.00 + 5 × 45.00 = $1,425.00, approved and paid by a run; not
    invoiced yet. The clock reads Nov 22, 2026."""
    world = BillingWorld(db, make_user)
    a = world.worker(rate="20.00")
    a.bill_rate = Decimal("30.00")
    world.time(a, hours=(10, 10, 10, 10, 5, 0, 0))
    world.approved_run()
    return dict(world=world, finance=token_for(make_user("finance")),
                approver=token_for(make_user("client_approver", client_id=world.client.id)),
                hr=token_for(make_user("hr")))


def test_finance_starts_a_run_and_follows_it_to_its_invoices(client, db, week):
    """POST answers 202 with the run (eager here: already done, 1 of 1 client, 1 invoice, $1,425.00); GET says the
    same; the invoice it names is INV-000001. A second run for the same date bills nothing."""
    from backoffice.billing.models import Invoice

    resp = client.post("/api/v1/invoicing-runs", json={"through": "2026-11-08"}, headers=week["finance"])
    assert resp.status_code == 202, resp.get_data(as_text=True)
    run = resp.get_json()
    assert (run["state"], run["clients_done"], run["clients_total"], run["percent"], run["invoice_count"],
            run["invoiced_total"], run["issue"], run["issue_date"]) == ("done", 1, 1, 100, 1, "1425.00", True,
                                                                        "2026-11-22")
    [ident] = run["invoice_ids"]
    assert db.session.get(Invoice, ident).number == "INV-000001"
    again = client.get(f"/api/v1/invoicing-runs/{run['id']}", headers=week["finance"]).get_json()
    assert (again["status"], again["invoice_ids"]) == ("Done: 1 invoice issued, total $1,425.00.", [ident])
    second = client.post("/api/v1/invoicing-runs", json={"through": "2026-11-08", "draft": True},
                         headers=week["finance"]).get_json()
    assert (second["invoice_count"], second["status"]) == (0, "Done: nothing to invoice through 2026-11-08.")


def test_bad_fields_are_422s_naming_each(client, week):
    resp = client.post("/api/v1/invoicing-runs", json={"through": "2026-02-30", "client_id": 987654},
                       headers=week["finance"])
    assert resp.status_code == 422
    assert [i["field"] for i in resp.get_json()["issues"]] == ["through", "client_id"]
    resp = client.post("/api/v1/invoicing-runs", json={"through": "2026-11-08", "draft": "yes"},
                       headers=week["finance"])
    assert resp.status_code == 422 and [i["field"] for i in resp.get_json()["issues"]] == ["draft"]


def test_who_may_not_invoice_gets_404_for_runs(client, week):
    from backoffice.billing.services.invoicing_runs import request_invoicing
    from datetime import date

    run = request_invoicing("2026-11-08", None, issue=True, issue_date=date(2026, 11, 22), user=None)
    for who in ("approver", "hr"):
        assert client.get(f"/api/v1/invoicing-runs/{run.id}", headers=week[who]).status_code == 404, who
        assert client.post("/api/v1/invoicing-runs", json={"through": "2026-11-08"},
                           headers=week[who]).status_code == 404, who
