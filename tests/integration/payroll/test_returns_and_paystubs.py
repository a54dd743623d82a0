"""ACH returns recorded and re-issued (by the return code's rules); worker-entered time; paystubs cached."""
from __future__ import annotations

from decimal import Decimal

import achkit
import pytest
import sqlalchemy as sa

from backoffice.errors import DomainError
from tests.integration.payroll.conftest import NOW, SETTLES, WEEK1, assert_ledger_balanced


def _paid_run(world, engagement):
    from payroll.services import payments, runs

    run = world.regular_run()
    runs.start_calculation(run.id, world.hr)
    runs.approve_run(run.id, world.hr2)
    payments.generate_nacha(run.id, world.finance, now=NOW, effective_date=SETTLES)
    runs.mark_paid(run.id, world.finance)
    return run


def test_returned_payment_is_recorded_and_reissued_by_the_return_code_rules(db, world):
    from backoffice.workers.profile_services import add_bank_account
    from payroll.models_ledger import NachaFile, Payment
    from payroll.services import payments

    e = world.worker()
    world.time(e)
    run = _paid_run(world, e)
    pay = db.session.execute(sa.select(Payment).where(Payment.run_id == run.id)).scalar_one()
    (first,) = achkit.parse(payments.generate_nacha(run.id, world.finance, now=NOW, effective_date=SETTLES).content)["batches"]
    assert pay.status == "sent" and pay.trace_number == first["entries"][0]["trace_number"] == "011000010000001"
    with pytest.raises(DomainError, match="unknown ACH return reason code R99"):
        payments.record_return(pay.id, "R99", world.finance, on=NOW.date())
    payments.record_return(pay.id, "R03", world.finance, on=NOW.date())            # no account / unable to locate
    tb = assert_ledger_balanced()
    assert tb["accounts"]["2400"] == -pay.amount                     # owed to the worker again
    with pytest.raises(DomainError, match="R03"):
        payments.reissue_payment(pay.id, world.finance)              # not to the same account
    new_acct = add_bank_account(e.worker_id, {"routing_number": "021000021", "account_number": "4455667788",
                                              "account_type": "savings"})
    again = payments.reissue_payment(pay.id, world.finance, bank_account_id=new_acct.id)
    assert (again.status, again.amount, again.reissue_of_id) == ("pending", pay.amount, pay.id)
    f = payments.generate_nacha(run.id, world.finance, now=NOW, effective_date=SETTLES)
    assert (f.file_id_modifier, f.purpose, f.entry_count) == ("B", "reissue", 1)
    (batch,) = achkit.parse(f.content)["batches"]
    assert [(x["routing"], x["amount_cents"]) for x in batch["entries"]] == [("021000021", int(pay.amount * 100))]
    tb = assert_ledger_balanced()
    assert tb["accounts"]["2400"] == 0
    assert db.session.execute(sa.select(sa.func.count()).select_from(NachaFile)).scalar() == 2


def test_worker_enters_and_submits_own_time_and_cannot_touch_anothers(db, world, make_user):
    from backoffice.errors import NotFound, PermissionDenied
    from payroll.timesheets.services import approve_timesheet, save_timesheet, submit_timesheet

    mine, theirs = world.worker(), world.worker()
    me = make_user("worker", worker_id=mine.worker_id)
    ts = save_timesheet({"engagement_id": mine.id, "week_start": WEEK1.isoformat(), "mon": "8", "tue": "7.5"}, me)
    assert (ts.source, ts.status, ts.total_hours) == ("worker", "draft", Decimal("15.50"))
    submit_timesheet(ts.id, me)
    with pytest.raises(PermissionDenied):
        approve_timesheet(ts.id, me)
    with pytest.raises(NotFound):
        save_timesheet({"engagement_id": theirs.id, "week_start": WEEK1.isoformat(), "mon": "8"}, me)


def test_paystubs_render_in_bulk_into_the_cache_and_on_demand_reads_it(db, world):
    from payroll.models import Paycheck
    from reports.paystubs import _cache_path, paystub_pdf, render_run

    for _ in range(3):
        world.time(world.worker())
    run = _paid_run(world, None)
    assert render_run(run.id, processes=1) == 3
    assert render_run(run.id, processes=1) == 0                     # all cached
    p = db.session.execute(sa.select(Paycheck).where(Paycheck.run_id == run.id)).scalars().first()
    path = _cache_path(p)
    assert path.exists() and paystub_pdf(p.id) == path.read_bytes()
    assert path.read_bytes()[:5] == b"%PDF-"


def test_a_paycheck_reversed_before_approval_is_not_paid_and_its_stub_renders(db, world):
    """Two workers calculated; one paycheck reversed while the run is only calculated: approval creates a deposit
    for the other worker only, the NACHA file has one entry, and the reversal's paystub shows negative figures."""
    from payroll.models import Paycheck
    from payroll.models_ledger import Payment
    from payroll.services import corrections, payments, runs
    from reports.paystubs import paystub_view

    a, b = world.worker(), world.worker()
    world.time(a)
    world.time(b)
    run = world.regular_run()
    runs.start_calculation(run.id, world.hr)
    pa = db.session.execute(sa.select(Paycheck).where(Paycheck.run_id == run.id, Paycheck.engagement_id == a.id)
                            ).scalar_one()
    rev = corrections.reverse_paycheck(pa.id, world.hr, "left before payday", on=NOW.date())
    runs.approve_run(run.id, world.hr2)
    paid_to = db.session.execute(sa.select(Payment.paycheck_id).where(Payment.run_id == run.id)).scalars().all()
    assert pa.id not in paid_to and len(paid_to) == 1
    assert payments.generate_nacha(run.id, world.finance, now=NOW, effective_date=SETTLES).entry_count == 1
    with pytest.raises(DomainError, match="reverse the whole run"):
        corrections.reverse_paycheck(paid_to[0], world.hr, on=NOW.date())
    view = paystub_view(rev.id)
    assert view.gross_current == -pa.gross and view.net_current == -pa.net and view.gross_ytd == Decimal("0.00")
    assert_ledger_balanced()


def test_a_stored_paystub_is_served_until_its_paycheck_is_reversed_then_rendered_afresh(db, world):
    """The on-demand paystub of an approved run comes from storage (a marker written into the stored file is what
    comes back); once the run is reversed the stored copy is never served again: a real PDF is rendered."""
    from payroll.models import Paycheck
    from payroll.services import corrections, runs
    from reports.paystubs import _stored_copy, paystub_pdf

    world.time(world.worker())
    run = world.regular_run()
    runs.start_calculation(run.id, world.hr)
    runs.approve_run(run.id, world.hr2)
    p = db.session.execute(sa.select(Paycheck).where(Paycheck.run_id == run.id)).scalar_one()
    first = paystub_pdf(p.id)
    path, storable = _stored_copy(p)
    assert storable and path.read_bytes() == first
    path.write_bytes(b"%PDF-marker")
    assert paystub_pdf(p.id) == b"%PDF-marker"                      # served from storage, not rendered
    corrections.reverse_run(run.id, world.hr, "wrong week", on=NOW.date())
    assert _stored_copy(p)[1] is False
    again = paystub_pdf(p.id)
    assert again != b"%PDF-marker" and again[:5] == b"%PDF-" and len(again) > 5000


def test_a_calculated_runs_paystub_is_rendered_on_every_request_and_never_stored(db, world):
    """Before approval the run can still change, so nothing is written to the paystub store."""
    from payroll.models import Paycheck
    from payroll.services import runs
    from reports.paystubs import _stored_copy, paystub_pdf, render_run

    world.time(world.worker())
    run = world.regular_run()
    runs.start_calculation(run.id, world.hr)
    p = db.session.execute(sa.select(Paycheck).where(Paycheck.run_id == run.id)).scalar_one()
    assert paystub_pdf(p.id)[:5] == b"%PDF-"
    assert render_run(run.id, processes=1) == 0
    path, storable = _stored_copy(p)
    assert storable is False and not path.exists()
