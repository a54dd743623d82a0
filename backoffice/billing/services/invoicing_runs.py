"""Invoicing in the background: a run requested (checked, queued; the caller sends `billing.run_invoicing` after
the commit), then done client by client by the task, its progress recorded in the same unit of work as each
client's invoices. Safe to run twice and to resume after a crash: a client already invoiced has nothing unbilled
left (the unique source keys, the per-client lock), so a second pass bills only what the first did not reach."""
from __future__ import annotations

from datetime import date, datetime
from typing import Callable

import sqlalchemy as sa

from backoffice.billing.models import Invoice, InvoicingRun
from backoffice.errors import DomainError, NotFound
from backoffice.extensions import db
from backoffice.money import from_cents
from backoffice.security.access import require
from backoffice.uow import for_update, transaction
from payroll.services.ledger import raw_sum

from . import invoicing

SKIPPED_KEPT = 500          # reasons kept on the run (a run over thousands of clients says the rest in a count)


@transaction()
def request_invoicing(through: object, client_id: object = None, *, issue: bool, issue_date: date,
                      user) -> InvoicingRun:
    """Queue an invoicing run through a date (one client or every active one); refused field by field as the
    command line refuses it. `user` None is the command line (an operator on the server, as `billing invoice`);
    anyone else needs the right to create invoices."""
    if user is not None:
        require(user, "invoice", "create")
    day, cid = invoicing.parse_request(through, client_id)
    invoicing.agency_id()               # no agency: refused now, not in the background
    run = InvoicingRun(through=day, client_id=cid, issue=bool(issue), issue_date=issue_date, state="queued",
                       skipped=[], requested_by_id=getattr(user, "id", None))
    db.session.add(run)
    db.session.flush()
    return run


def get_run(run_id: int) -> InvoicingRun:
    """The run read afresh (the task updates it from another connection)."""
    run = db.session.get(InvoicingRun, run_id, populate_existing=True)
    if run is None:
        raise NotFound(f"invoicing run {run_id} not found")
    return run


def _locked(run_id: int) -> InvoicingRun:
    run = db.session.execute(for_update(sa.select(InvoicingRun).where(InvoicingRun.id == run_id))
                             .execution_options(populate_existing=True)).scalar_one_or_none()
    if run is None:
        raise NotFound(f"invoicing run {run_id} not found")
    return run


def _tally(run: InvoicingRun) -> None:
    """What the run has made so far, read from the invoices that name it (right however many passes made them)."""
    count, total = db.session.execute(sa.select(sa.func.count(Invoice.id), raw_sum(Invoice.total))
                                      .where(Invoice.invoicing_run_id == run.id)).one()
    run.invoice_count = int(count)
    run.invoiced_total = from_cents(total)


def _note(run: InvoicingRun, reasons: list[str]) -> None:
    if reasons:
        run.skipped = (list(run.skipped or []) + reasons)[:SKIPPED_KEPT]


def run_invoicing(run_id: int, *, now: Callable[[], datetime], user=None) -> InvoicingRun:
    """Do the run: every client in id order, each in its own unit of work that also advances the progress. A
    client refused in words (DomainError) is noted and the run goes on; any other error marks the run failed
    with the error, keeping what the clients before it committed, and running it again resumes. A run already
    done is left as it is. Two passes at once (a message delivered twice) wait for each other client by client
    (the client's lock) and bill each item once; progress only moves forward (`clients_done` is the furthest
    client any pass has finished)."""
    from backoffice.security.models import User

    with transaction():
        run = _locked(run_id)
        if run.state == "done":
            return run
        clients = invoicing.clients_to_invoice(run.client_id)
        if run.state != "running":          # queued, or failed and run again: start the count afresh
            run.clients_done, run.skipped = 0, []
        run.state, run.error = "running", ""
        run.clients_total = max(len(clients), run.clients_done)
        run.started_at = run.started_at or now()
        through, issue, issue_date = run.through, run.issue, run.issue_date
        user = user or (db.session.get(User, run.requested_by_id) if run.requested_by_id else None)
    for position, client_id in enumerate(clients, 1):
        try:
            with transaction():
                _, skipped = invoicing.invoice_client(client_id, through, issue_date=issue_date, issue=issue,
                                                      user=user, invoicing_run_id=run_id)
                run = _locked(run_id)
                _advance(run, position, skipped)
                _tally(run)
        except DomainError as exc:              # this client's work rolled back, in words: note it, go on
            with transaction():
                _advance(_locked(run_id), position, [f"client {client_id}: {exc}"])
        except Exception as exc:                # rolled back; the run says so and can be run again
            with transaction():
                run = _locked(run_id)
                if run.state != "done":         # another pass may have finished it meanwhile
                    run.state = "failed"
                    run.error = f"{type(exc).__name__}: {exc}"[:1000]
                    run.finished_at = now()
                _tally(run)
            return run
    with transaction():
        run = _locked(run_id)
        run.state = "done"
        run.clients_done = run.clients_total
        run.finished_at = now()
        _tally(run)
    return run


def _advance(run: InvoicingRun, position: int, reasons: list[str]) -> None:
    run.clients_done = min(max(run.clients_done, position), run.clients_total)
    _note(run, [r for r in reasons if r not in (run.skipped or [])])


def run_invoices(run_id: int) -> list[Invoice]:
    return list(db.session.execute(sa.select(Invoice).where(Invoice.invoicing_run_id == run_id)
                                   .order_by(Invoice.id)).scalars())


def summary(run: InvoicingRun) -> str:
    """Where the run stands, in words (its page and the flash after a run done in the request)."""
    made = f"{run.invoice_count} invoice{'s' if run.invoice_count != 1 else ''} " \
           f"{'issued' if run.issue else 'drafted'}, total ${run.invoiced_total:,.2f}"
    if run.state == "queued":
        return "Queued: waiting for a worker."
    if run.state == "running":
        return f"Running: {run.clients_done} of {run.clients_total} clients done; {made} so far."
    if run.state == "failed":
        return f"Failed after {run.clients_done} of {run.clients_total} clients ({made}): {run.error}. " \
               f"Run it again: what is invoiced stays, the rest is billed, nothing twice."
    if not run.invoice_count:
        return f"Done: nothing to invoice through {run.through.isoformat()}."
    return f"Done: {made}."
