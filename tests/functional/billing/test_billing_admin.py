"""Billing in the admin: finance invoices through a date by form, opens the invoice with its lines traced to the
timesheet, issues and voids drafts, exports the list; a client's approver sees their client's invoices only."""
from __future__ import annotations

from decimal import Decimal

import pytest

from tests.conftest import csrf_token_from
from tests.integration.billing.conftest import BillingWorld


@pytest.fixture
def setup(db, make_user, fixed_clock):
    """Acme: 45 h at bill rate $30.00 (40 regular, 5 overtime at $45.00) = $1,425.00. Beacon: 8 h at $50.00 =
    $400.00. Runs approved; nothing invoiced yet. The clock reads Nov 22, 2026."""
    from tests.factories import ClientFactory, EngagementFactory

    world = BillingWorld(db, make_user)
    a = world.worker(rate="20.00")
    a.bill_rate = Decimal("30.00")
    beacon = ClientFactory(name="Beacon Health", state="TX", billing_email="ap@beacon.example")
    b_worker = world.worker(rate="20.00")
    b = EngagementFactory(worker=b_worker.worker, client=beacon, type="leased_employee", work_state="TX",
                          pay_rate=Decimal("25.00"), bill_rate=Decimal("50.00"), pay_unit="hour",
                          pay_frequency="weekly", classification="leased_employee")
    ts_a = world.time(a, hours=(10, 10, 10, 10, 5, 0, 0))
    world.time(b, hours=(8, 0, 0, 0, 0, 0, 0))
    world.approved_run()
    return dict(world=world, beacon=beacon, ts_a=ts_a, finance=make_user("finance"),
                approver=make_user("client_approver", client_id=world.client.id))


def _invoices(db):
    import sqlalchemy as sa

    from backoffice.billing.models import Invoice

    return db.session.execute(sa.select(Invoice).order_by(Invoice.client_id)).scalars().all()


def test_finance_drafts_invoices_by_form_then_issues_one_and_voids_the_other(client, login, db, setup):
    login(client, setup["finance"])
    page = client.get("/admin/billing/")
    assert page.status_code == 200 and b'id="invoicing-form"' in page.data
    resp = client.post("/admin/billing/run", data={"csrf_token": csrf_token_from(page.data), "through": "2026-11-08",
                                                   "draft": "1"}, follow_redirects=True)
    assert b"2 invoices drafted" in resp.data
    acme, beacon = _invoices(db)
    assert (acme.status, acme.number, acme.total, beacon.total) == ("draft", None, Decimal("1425.00"),
                                                                    Decimal("400.00"))
    page = client.get(f"/admin/billing/invoice/{acme.id}")
    text = page.get_data(as_text=True)
    assert f'/admin/timesheet/details/?id={setup["ts_a"].id}' in text and "overtime hours" in text
    assert "$1,425.00" in text and 'id="invoice-issue"' in text
    token = csrf_token_from(page.data)
    client.post(f"/admin/billing/invoice/{acme.id}/issue", data={"csrf_token": token})
    client.post(f"/admin/billing/invoice/{beacon.id}/void", data={"csrf_token": token, "reason": "wrong week"})
    db.session.expire_all()
    acme, beacon = _invoices(db)
    assert (acme.number, acme.status, str(acme.due_date)) == ("INV-000001", "sent", "2026-12-22")
    assert (beacon.number, beacon.status, beacon.memo) == (None, "void", "wrong week")
    after = client.get(f"/admin/billing/invoice/{acme.id}").get_data(as_text=True)
    assert 'id="invoice-issue"' not in after and 'id="invoice-send"' in after


def test_the_invoice_list_searches_filters_and_exports(client, login, db, setup, fixed_clock):
    """Issued Nov 9, net 30: due Dec 9 — not overdue on Nov 22, both overdue on Dec 10."""
    from backoffice.billing.services.invoicing import create_invoices
    from datetime import date

    create_invoices("2026-11-08", issue_date=date(2026, 11, 9))
    login(client, setup["finance"])
    listing = client.get("/admin/invoice/?search=Beacon").get_data(as_text=True)
    assert "INV-000002" in listing and "INV-000001" not in listing
    overdue = client.get("/admin/invoice/?flt0_15=1").get_data(as_text=True)      # filter 15: Overdue is yes
    assert "INV-000001" not in overdue
    fixed_clock.set(date(2026, 12, 10))
    login(client, setup["finance"])            # the session from Nov 22 has expired by then
    overdue = client.get("/admin/invoice/?flt0_15=1").get_data(as_text=True)
    assert "INV-000001" in overdue and "INV-000002" in overdue
    csv = client.get("/admin/invoice/export/csv/").get_data(as_text=True)
    header, *rows = csv.strip().splitlines()
    assert header.startswith("Id,Number,Client,Kind,Status,Overdue")
    assert sorted(r.split(",")[1] for r in rows) == ["INV-000001", "INV-000002"]


def test_an_approver_sees_their_clients_invoices_only(client, login, db, setup):
    from backoffice.billing.services.invoicing import create_invoices
    from datetime import date

    create_invoices("2026-11-08", issue_date=date(2026, 11, 9))
    acme, beacon = _invoices(db)
    login(client, setup["approver"])
    listing = client.get("/admin/invoice/").get_data(as_text=True)
    assert "INV-000001" in listing and "INV-000002" not in listing
    assert client.get(f"/admin/billing/invoice/{acme.id}").status_code == 200
    assert client.get(f"/admin/billing/invoice/{beacon.id}").status_code == 404
    assert client.get(f"/admin/billing/invoice/{acme.id}/pdf").status_code == 200
    page = client.get(f"/admin/billing/invoice/{acme.id}")
    assert b'id="actions"' not in page.data                   # read only: no issue, send or void
    token = csrf_token_from(client.get("/admin/billing/").data)
    assert client.post(f"/admin/billing/invoice/{acme.id}/send", data={"csrf_token": token}).status_code == 403
    assert client.post("/admin/billing/run", data={"csrf_token": token, "through": "2026-11-08"}).status_code == 403
    # an invoicing run's figures are every client's: not the approver's to see
    from backoffice.billing.services.invoicing_runs import request_invoicing

    job = request_invoicing("2026-11-08", None, issue=True, issue_date=date(2026, 11, 9), user=setup["finance"])
    assert [client.get(f"/admin/billing/runs/{job.id}{tail}").status_code for tail in ("", "/progress.json")] == [
        404, 404]
    assert client.post(f"/admin/billing/runs/{job.id}/again", data={"csrf_token": token}).status_code == 404


def test_a_draft_whose_pay_was_reversed_warns_and_is_refreshed_from_its_page(client, login, db, setup):
    """Acme's $1,425.00 draft (40 h × $30.00 + 5 OT h × $45.00) and Beacon's $400.00 draft; then the run is
    reversed. Acme's page warns that 2 lines bill a reversed paycheck; Issue is refused in words (no number);
    Refresh voids it and drafts nothing (the pay is gone until re-issued)."""
    from datetime import date

    import sqlalchemy as sa

    from backoffice.billing.services.invoicing import create_invoices
    from payroll.models import PayrollRun
    from payroll.services.corrections import reverse_run

    create_invoices("2026-11-08", issue_date=date(2026, 11, 9), issue=False)
    run = db.session.execute(sa.select(PayrollRun).where(PayrollRun.kind == "regular")).scalar_one()
    reverse_run(run.id, setup["world"].hr, "wrong week", on=date(2026, 11, 20))
    acme, _ = _invoices(db)
    login(client, setup["finance"])
    page = client.get(f"/admin/billing/invoice/{acme.id}")
    text = page.get_data(as_text=True)
    assert 'id="invoice-stale"' in text and "2 lines bill" in text and 'id="invoice-refresh"' in text
    token = csrf_token_from(page.data)
    refused = client.post(f"/admin/billing/invoice/{acme.id}/issue", data={"csrf_token": token},
                          follow_redirects=True).get_data(as_text=True)
    assert "bills pay reversed since it was drafted" in refused
    db.session.expire_all()
    assert _invoices(db)[0].number is None
    done = client.post(f"/admin/billing/invoice/{acme.id}/refresh", data={"csrf_token": token},
                       follow_redirects=True).get_data(as_text=True)
    assert "drafted again from the time and pay that stand now: 0 drafts" in done
    db.session.expire_all()
    assert [(i.status, i.total) for i in _invoices(db)] == [("void", Decimal("1425.00")), ("draft", Decimal("400.00"))]


def test_invoice_through_a_date_runs_in_the_background_with_a_progress_page(client, login, db, setup):
    """The form starts an invoicing run (eager here: done within the request) and lands on its page: done, 2 of 2
    clients, 2 invoices issued totalling 1,425.00 + 400.00 = $1,825.00, both listed; its progress JSON says the
    same. A done run is not run again (only a failed one offers it)."""
    import sqlalchemy as sa

    from backoffice.billing.models import InvoicingRun

    login(client, setup["finance"])
    page = client.get("/admin/billing/")
    resp = client.post("/admin/billing/run", data={"csrf_token": csrf_token_from(page.data), "through": "2026-11-08"})
    job = db.session.execute(sa.select(InvoicingRun)).scalar_one()
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/admin/billing/runs/{job.id}")
    text = client.get(f"/admin/billing/runs/{job.id}").get_data(as_text=True)
    assert "Done: 2 invoices issued, total $1,825.00." in text and 'id="run-again"' not in text
    assert "INV-000001" in text and "INV-000002" in text and "2 / 2 · 100%" in text
    progress = client.get(f"/admin/billing/runs/{job.id}/progress.json").get_json()
    assert (progress["state"], progress["clients_done"], progress["clients_total"], progress["invoice_count"],
            progress["invoiced_total"]) == ("done", 2, 2, 2, "1825.00")
    again = client.post(f"/admin/billing/runs/{job.id}/again", data={"csrf_token": csrf_token_from(page.data)},
                        follow_redirects=True).get_data(as_text=True)
    assert "is done: only a failed run is run again" in again
    index = client.get("/admin/billing/").get_data(as_text=True)
    assert f'/admin/billing/runs/{job.id}"' in index and 'id="invoicing-runs"' in index


def test_a_bad_date_is_refused_in_words_and_no_run_is_queued(client, login, db, setup):
    import sqlalchemy as sa

    from backoffice.billing.models import InvoicingRun

    login(client, setup["finance"])
    page = client.get("/admin/billing/")
    resp = client.post("/admin/billing/run", data={"csrf_token": csrf_token_from(page.data), "through": "2026-02-30"},
                       follow_redirects=True)
    assert "&#39;2026-02-30&#39; is not a date (YYYY-MM-DD)" in resp.get_data(as_text=True)
    assert db.session.execute(sa.select(sa.func.count()).select_from(InvoicingRun)).scalar() == 0


def test_the_invoicing_runs_list_searches_filters_exports_and_is_not_the_approvers(client, login, db, setup):
    """One run through Nov 8 (2 invoices, $1,825.00): finance finds it by client-wide search and the done filter
    and exports it as CSV; the approver (who reads their client's invoices) is refused the list."""
    from datetime import date, datetime, timezone

    from backoffice.billing.services.invoicing_runs import request_invoicing, run_invoicing

    job = request_invoicing("2026-11-08", None, issue=True, issue_date=date(2026, 11, 9), user=setup["finance"])
    run_invoicing(job.id, now=lambda: datetime(2026, 11, 9, 9, tzinfo=timezone.utc))
    login(client, setup["finance"])
    listing = client.get("/admin/invoicing_run/").get_data(as_text=True)
    assert f'/admin/billing/runs/{job.id}"' in listing and "1,825.00" in listing
    done = client.get("/admin/invoicing_run/?flt0_0=done").get_data(as_text=True)
    assert f'/admin/billing/runs/{job.id}"' in done
    failed = client.get("/admin/invoicing_run/?flt0_0=failed").get_data(as_text=True)
    assert f'/admin/billing/runs/{job.id}"' not in failed
    csv_text = client.get("/admin/invoicing_run/export/csv/").get_data(as_text=True)
    header, row = csv_text.splitlines()[:2]
    assert header.startswith("Run,Through,Client,Issued (not drafts),State") and ",done," in row
    login(client, setup["approver"])
    assert client.get("/admin/invoicing_run/").status_code == 403
