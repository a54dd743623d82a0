"""The invoices API and command line: lists filtered by client and status (overdue included), one invoice with
its lines, its PDF; a client's approver reaches only their client's invoices (another's id is 404), a worker none."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tests.integration.billing.conftest import BillingWorld

THROUGH = "2026-11-08"


@pytest.fixture
def billed(db, make_user, token_for, fixed_clock):
    """Acme (bill rate $30.00): 45 h → 40 regular + 5 overtime = $1,425.00. Beacon (bill rate $50.00): 8 h =
    $400.00. Both invoiced through Nov 8, issued Nov 22 (the fixed clock), due Dec 22 (net 30)."""
    from backoffice.billing.services.invoicing import create_invoices
    from tests.factories import ClientFactory, EngagementFactory

    world = BillingWorld(db, make_user)
    a = world.worker(rate="20.00")
    a.bill_rate = Decimal("30.00")
    beacon = ClientFactory(name="Beacon Health", state="TX")
    b_worker = world.worker(rate="20.00")
    b = EngagementFactory(worker=b_worker.worker, client=beacon, type="leased_employee", work_state="TX",
                          pay_rate=Decimal("25.00"), bill_rate=Decimal("50.00"), pay_unit="hour",
                          pay_frequency="weekly", classification="leased_employee")
    world.time(a, hours=(10, 10, 10, 10, 5, 0, 0))
    world.time(b, hours=(8, 0, 0, 0, 0, 0, 0))
    world.approved_run()
    made = create_invoices(THROUGH, issue_date=date(2026, 11, 22)).invoices
    acme_inv, beacon_inv = sorted(made, key=lambda i: i.client_id)
    return dict(acme=acme_inv, beacon=beacon_inv, a=a, world=world,
                finance=token_for(make_user("finance")),
                approver=token_for(make_user("client_approver", client_id=world.client.id)),
                worker=token_for(make_user("worker", worker_id=a.worker_id)))


def _ok(resp, status=200):
    assert resp.status_code == status, (resp.status_code, resp.get_data(as_text=True)[:500])
    return resp.get_json()


def test_one_invoice_has_its_lines_total_balance_and_status(client, billed):
    inv, a = billed["acme"], billed["a"]
    got = _ok(client.get(f"/api/v1/invoices/{inv.id}", headers=billed["finance"]))
    assert (got["number"], got["client_id"], got["status"], got["total"], got["balance"], got["overdue"]) == (
        "INV-000001", inv.client_id, "sent", "1425.00", "1425.00", False)
    assert (got["issue_date"], got["due_date"], got["period"], got["kind"]) == (
        "2026-11-22", "2026-12-22", "2026-11-02/2026-11-08", "invoice")
    assert [(ln["worker_id"], ln["engagement_id"], ln["quantity"], ln["unit"], ln["rate"], ln["amount"])
            for ln in got["lines"]] == [
        (a.worker_id, a.id, "40.0000", "hour", "30.0000", "1200.00"),
        (a.worker_id, a.id, "5.0000", "overtime_hour", "45.0000", "225.00")]
    assert all(ln["description"] and ln["timesheet_id"] for ln in got["lines"])


def test_the_list_filters_by_client_and_status_and_overdue_once_the_due_date_passes(client, billed, fixed_clock):
    acme, beacon = billed["acme"], billed["beacon"]
    everything = _ok(client.get("/api/v1/invoices", headers=billed["finance"]))
    assert sorted(i["number"] for i in everything["items"]) == ["INV-000001", "INV-000002"]
    only = _ok(client.get(f"/api/v1/invoices?client_id={beacon.client_id}", headers=billed["finance"]))
    assert [(i["id"], i["total"]) for i in only["items"]] == [(beacon.id, "400.00")]
    assert _ok(client.get("/api/v1/invoices?status=sent", headers=billed["finance"]))["total"] == 2
    assert _ok(client.get("/api/v1/invoices?status=overdue", headers=billed["finance"]))["total"] == 0
    fixed_clock.set(date(2026, 12, 23))          # the day after both fall due (Dec 22)
    late = _ok(client.get("/api/v1/invoices?status=overdue", headers=billed["finance"]))
    assert sorted(i["id"] for i in late["items"]) == sorted([acme.id, beacon.id])
    assert all(i["overdue"] for i in late["items"])


def test_an_approver_sees_only_their_clients_invoices_and_another_clients_id_is_404(client, billed):
    acme, beacon = billed["acme"], billed["beacon"]
    mine = _ok(client.get("/api/v1/invoices", headers=billed["approver"]))
    assert ([i["id"] for i in mine["items"]], mine["total"]) == ([acme.id], 1)
    assert _ok(client.get(f"/api/v1/invoices/{acme.id}", headers=billed["approver"]))["total"] == "1425.00"
    for path in (f"/api/v1/invoices/{beacon.id}", f"/api/v1/invoices/{beacon.id}/pdf"):
        assert client.get(path, headers=billed["approver"]).status_code == 404
    for path in ("/api/v1/invoices", f"/api/v1/invoices/{acme.id}"):
        assert client.get(path, headers=billed["worker"]).status_code == 403


def test_the_pdf_is_served_to_whoever_may_read_the_invoice(client, billed):
    resp = client.get(f"/api/v1/invoices/{billed['acme'].id}/pdf", headers=billed["approver"])
    assert resp.status_code == 200 and resp.mimetype == "application/pdf" and resp.data.startswith(b"%PDF")
    assert 'filename="INV-000001.pdf"' in resp.headers["Content-Disposition"]


def test_a_bad_filter_is_a_422_naming_the_field(client, billed):
    resp = client.get("/api/v1/invoices?status=late&client_id=abc", headers=billed["finance"])
    assert resp.status_code == 422
    assert sorted(i["field"] for i in resp.get_json()["issues"]) == ["client_id", "status"]


def test_the_command_line_invoices_through_a_date_once_printing_number_client_and_total(db, make_user, runner,
                                                                                     fixed_clock):
    """45 h at bill rate $30.00 → $1,425.00 on INV-000001; the second run prints nothing to invoice; a bad date
    exits 2 naming `through`; an unknown client names `client_id`."""
    import json

    world = BillingWorld(db, make_user)
    a = world.worker(rate="20.00")
    a.bill_rate = Decimal("30.00")
    world.time(a, hours=(10, 10, 10, 10, 5, 0, 0))
    world.approved_run()
    first = runner.invoke(args=["billing", "invoice", "--through", THROUGH])
    assert first.exit_code == 0, first.output
    assert first.stdout.splitlines() == ["INV-000001\tAcme Logistics\t1425.00"]
    again = runner.invoke(args=["billing", "invoice", "--through", THROUGH])
    assert again.exit_code == 0 and again.stdout == "" and "nothing to invoice" in again.stderr
    bad = runner.invoke(args=["billing", "invoice", "--through", "2026-13-01", "--client", "99999"])
    assert bad.exit_code == 2
    issues = json.loads(bad.stderr)["issues"]
    assert [i["field"] for i in issues] == ["through", "client_id"]


def test_the_command_line_queues_a_background_run_when_asked_and_stays_synchronous_otherwise(db, make_user, runner,
                                                                                           fixed_clock):
    """--background queues an invoicing run (eager here: done at once) and prints where it stands: 45 h at bill
    rate $30.00 → 1 invoice, $1,425.00, which names the run; a second, synchronous pass finds nothing."""
    import sqlalchemy as sa

    from backoffice.billing.models import Invoice, InvoicingRun

    world = BillingWorld(db, make_user)
    a = world.worker(rate="20.00")
    a.bill_rate = Decimal("30.00")
    world.time(a, hours=(10, 10, 10, 10, 5, 0, 0))
    world.approved_run()
    queued = runner.invoke(args=["billing", "invoice", "--through", THROUGH, "--background"])
    assert queued.exit_code == 0, queued.output
    run = db.session.execute(sa.select(InvoicingRun)).scalar_one()
    assert queued.stdout == f"invoicing run #{run.id}: Done: 1 invoice issued, total $1,425.00.\n"
    assert db.session.execute(sa.select(Invoice.number, Invoice.invoicing_run_id)).all() == [("INV-000001", run.id)]
    again = runner.invoke(args=["billing", "invoice", "--through", THROUGH])
    assert again.exit_code == 0 and again.stdout == "" and "nothing to invoice" in again.stderr
