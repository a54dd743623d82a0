"""Direct-deposit payments: net pay split over the worker's accounts, NACHA files per run, returns and re-issues."""
from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from typing import Sequence
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
import sqlalchemy.orm  # noqa: F401  (aliased)
from sqlalchemy.orm.attributes import set_committed_value
from flask import current_app

from backoffice.batching import gc_paused
from backoffice.db import RUN_SORT_MEMORY, meanwhile, planner_settings, utcnow
from backoffice.errors import DomainError, Issue, NotFound, PermissionDenied, ValidationFailed
from backoffice.extensions import db
from backoffice.money import D, ZERO
from backoffice.security.access import can
from backoffice.states import check_move
from backoffice.audit import log_change
from backoffice.crypto import decrypt_all
from backoffice.uow import planned_for_fresh_rows, transaction, unique_or_refuse
from backoffice.workers.models import Agency, Worker
from backoffice.workers.profile import BankAccount
from payroll.calendar import holidays_between
from payroll.models import Paycheck, PayrollRun
from payroll.models_ledger import NachaFile, Payment
from payroll.payments.ach_dates import (Cutoff, EffectiveDatePlan, descriptive_date, effective_date_problem,
                                       plan_effective_date)
from payroll.payments.nacha import Entry, Originator, build_nacha_file, trace_number
from payroll.payments.returns import can_reissue, return_reason
from backoffice.banking.splits import DepositInstruction, split_net_pay

from .common import (cents, get_run, id_in, is_postgres, plain_rows, refuse_while_approving, stored, user_id,
                     within)
from .ledger import Posting, post_entry, raw_sum

MODIFIERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def _instructions(accounts) -> list[DepositInstruction]:
    return [DepositInstruction(account_key=str(a.id), kind=a.split_kind, priority=a.priority, amount=a.split_amount,
                               percent=a.split_percent) for a in accounts]


NO_ACCOUNT = "no active bank account"
# a payment's columns as create_payments writes them: those that vary by payment, then those the run sets
PART_COLUMNS = ("paycheck_id", "worker_id", "bank_account_id", "routing_number", "account_last4", "account_type",
                "amount", "status", "part", "hold_reason")
RUN_COLUMNS = ("run_id", "trace_number", "return_code", "created_at", "created_by_id")


def _sole_remainder_workers(whose):
    """The workers (`whose`: a condition on their accounts' worker_id) whose only active account takes the
    remainder: all of a paycheck's net pay goes to it, the common case, paid by the database. The others (no
    active account, several, a fixed amount or a percentage alone) are split, or held, by `split_net_pay` in
    create_payments. Grouped over the workers' accounts (a hash aggregate); as a correlated test per paycheck, or
    an anti-join the planner misjudged on the run's fresh rows, it cost more than reading every row into Python
    (11 s at 20,000 for the anti-join)."""
    return (sa.select(BankAccount.worker_id).where(BankAccount.status == "active", whose)
            .group_by(BankAccount.worker_id)
            .having(sa.func.count() == 1, sa.func.min(BankAccount.split_kind) == "remainder"))


def _parts_select(rows: list[tuple]):
    """`rows` (PART_COLUMNS, storage form) as a SELECT's columns and source, sent as one JSON parameter: a run may
    hold thousands of split paychecks, past any limit on bound parameters."""
    payload = json.dumps([dict(zip(PART_COLUMNS, r)) for r in rows])
    if is_postgres():
        types = {"paycheck_id": sa.BigInteger, "worker_id": sa.BigInteger, "bank_account_id": sa.BigInteger,
                 "amount": sa.BigInteger, "part": sa.Integer}
        src = sa.func.json_to_recordset(sa.cast(sa.literal(payload), sa.JSON)).table_valued(
            *(sa.column(c, types.get(c, sa.Text)) for c in PART_COLUMNS)).render_derived(with_types=True)
        return [src.c[c] for c in PART_COLUMNS], src
    src = sa.func.json_each(sa.literal(payload)).table_valued("value")
    return [sa.func.json_extract(src.c.value, f"$.{c}") for c in PART_COLUMNS], src


def create_payments(run: PayrollRun, created_by_id: int | None, workers: Sequence[int] | None = None, *,
                    chunk_index: int | None = None) -> int:
    """One Payment per deposit part of every paycheck with net pay above zero of the run — or, for one chunk's
    share of the approval, of the chunk's `workers` (a worker's paychecks are all in one chunk) — in the caller's
    transaction, part 0, 1, ... in the order of the worker's accounts. A paycheck whose worker has no active
    account (closed after calculation) or whose deposit split cannot be applied gets one `held` payment of its
    whole net pay, with the reason: it is not filed or paid until it is released to an account
    (`reissue_payment`), and the rest of the run pays. The database keeps one live payment per paycheck part
    (uq_payments_live_part): a chunk's payments written twice are refused, not doubled.

    One INSERT … SELECT writes them in paycheck and part order: a paycheck whose worker has one active account
    taking the remainder — nearly every one — is paid whole to it by the database, no row passing through
    Python; the others (splits, holds) are made here and sent with it. Chunks write in parallel, so the ids of a
    run's payments interleave by chunk: nothing orders them by id across paychecks (the NACHA file orders by
    paycheck and part)."""
    s = db.session
    reversal = sa.orm.aliased(Paycheck)
    if workers is None:     # the run's every worker
        paid = Paycheck.run_id == run.id
        accounts = BankAccount.worker_id.in_(sa.select(Paycheck.worker_id).where(paid))
    else:                   # a chunk's: read by worker through the indexes, not the run's every paycheck and account
        # (by their range when the workers fill it, as a chunk's do: with the array in the index's condition each
        # read of the chunk's accounts took one descent per worker, and under a connection's generic plan the
        # array filter searched all 2,500 ids for each paycheck)
        paid = sa.and_(Paycheck.run_id == run.id, within(Paycheck.worker_id, workers))
        accounts = within(BankAccount.worker_id, workers)
    payable = sa.and_(paid, Paycheck.kind != "reversal", Paycheck.net > 0,
                      ~sa.select(reversal.id).where(reversal.reverses_id == Paycheck.id).exists())  # reversed: unpaid
    # NOT IN: PostgreSQL hashes the grouped workers once (a hashed subplan), one lookup per paycheck
    checks = s.execute(sa.select(Paycheck.id, Paycheck.worker_id, stored(Paycheck.net)).where(
        payable, Paycheck.worker_id.not_in(_sole_remainder_workers(accounts))).order_by(Paycheck.id)).all()
    rows, holds = _split_parts(checks)
    run_values = [sa.literal(run.id).label("run_id"), sa.literal("").label("trace_number"),
                  sa.literal("").label("return_code"),
                  sa.literal(utcnow(), Payment.created_at.type).label("created_at"),
                  sa.literal(created_by_id, sa.BigInteger).label("created_by_id")]
    # the other paychecks' workers have one active account, taking the remainder: joined on it, whole (by the
    # account's worker alone: the chunk's array in the join's condition was sorted again for each of its 2,500 loops)
    whole = sa.select(Paycheck.id.label("paycheck_id"), Paycheck.worker_id, BankAccount.id.label("bank_account_id"),
                      BankAccount.routing_number, BankAccount.account_last4, BankAccount.account_type,
                      stored(Paycheck.net).label("amount"), sa.literal("pending").label("status"),
                      sa.literal(0).label("part"), sa.literal("").label("hold_reason"), *run_values).join(
        BankAccount, sa.and_(BankAccount.worker_id == Paycheck.worker_id, BankAccount.status == "active",
                             BankAccount.split_kind == "remainder")).where(payable)
    if rows:
        cols, src = _parts_select(rows)
        whole = whole.where(Paycheck.id.not_in(sa.select(cols[0]).select_from(src)))
        every = sa.union_all(whole, sa.select(*(c.label(n) for c, n in zip(cols, PART_COLUMNS)), *run_values)
                             .select_from(src)).subquery()
        ordered = sa.select(*(every.c[c] for c in PART_COLUMNS + RUN_COLUMNS)).order_by(every.c.paycheck_id,
                                                                                       every.c.part)
    else:
        ordered = whole.order_by(Paycheck.id)
    # An account opened or closed between the read of the splits and the INSERT (two statements): a worker read
    # as having one account now has two taking the remainder (two part-0 payments, refused by
    # uq_payments_live_part), or none (no payment, refused by the count). Either way nothing is written.
    changed = (f"run #{run.id}: a worker's bank accounts changed while its payments were being made; " +
               ("approve the run again" if chunk_index is None else f"resume its approval (chunk {chunk_index})"))
    with unique_or_refuse("uq_payments_live_part", changed, "accounts_changed",
                          columns="payments.paycheck_id, payments.part"):
        count = s.execute(sa.insert(Payment.__table__).from_select(PART_COLUMNS + RUN_COLUMNS, ordered),
                          execution_options={"preserve_rowcount": True}).rowcount
    paychecks, total = s.execute(sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(stored(Paycheck.net)), 0))
                                 .where(payable)).one()
    if count != paychecks - len(checks) + len(rows):
        raise DomainError(changed, code="accounts_changed")
    # Written in bulk, past the flush hooks: one audit record for the lot, the run's or its chunk's (the parts of
    # a paycheck add up to its net pay, so the total is the paychecks').
    log_change("create", "payment", f"run {run.id}", {"count": count, "total_cents": int(total), "held": holds}
               | ({} if chunk_index is None else {"chunk": chunk_index}))
    return count


def _split_parts(checks: list) -> tuple[list[tuple], list[dict]]:
    """The payments (PART_COLUMNS) of paychecks (id, worker id, net cents) whose worker has no sole remainder
    account: net pay split over the worker's active accounts, or held with the reason; and the holds."""
    accounts: dict[int, list] = defaultdict(list)
    if checks:      # columns only: the account number stays encrypted here
        for a in plain_rows(db.session.execute(sa.select(
                BankAccount.id, BankAccount.worker_id, BankAccount.routing_number, BankAccount.account_last4,
                BankAccount.account_type, BankAccount.split_kind, BankAccount.priority,
                stored(BankAccount.split_amount), stored(BankAccount.split_percent))
                .where(id_in(BankAccount.worker_id, sorted({wid for _p, wid, _n in checks})),
                       BankAccount.status == "active")
                .order_by(BankAccount.priority, BankAccount.id)), (BankAccount.split_amount, BankAccount.split_percent)):
            accounts[a.worker_id].append(a)
    dollars = Paycheck.net.type.process_result_value
    rows, holds = [], []
    for pid, wid, net in checks:
        accts, reason = accounts.get(wid), NO_ACCOUNT
        if accts:
            try:
                parts = split_net_pay(dollars(net, None), _instructions(accts))
            except ValidationFailed as exc:
                reason = f"deposit split cannot be applied: {exc}"
            else:
                by_id = {str(a.id): a for a in accts}
                for n, part in enumerate(parts):
                    a = by_id[part.account_key]
                    rows.append((pid, wid, a.id, a.routing_number, a.account_last4, a.account_type,
                                 cents(part.amount), "pending", n, ""))
                continue
        holds.append({"paycheck_id": pid, "reason": reason[:200]})
        rows.append((pid, wid, None, "", "", "", net, "held", 0, reason[:200]))
    return rows, holds


def held_payments(run_id: int) -> list[Payment]:
    """The run's payments waiting for an account (shown on the run page, released with reissue_payment)."""
    return list(db.session.execute(sa.select(Payment).where(Payment.run_id == run_id, Payment.status == "held")
                                   .order_by(Payment.paycheck_id, Payment.part)).scalars())


def payment_postings(run_id: int, paycheck_ids: list[int] | None = None, statuses=("pending", "sent")
                     ) -> list[Posting]:
    """Cash out for a run's payments: Dr net pay payable, Cr cash (per agency)."""
    return cash_out(run_id, paycheck_ids, statuses)[0]


def cash_out(run_id: int, paycheck_ids: list[int] | None = None, statuses=("pending", "sent")
             ) -> tuple[list[Posting], int]:
    """payment_postings, and how many of the payments are pending without a NACHA file (marking paid refuses
    those), in one pass over the run's payments (100,000 of them: a count apart was a second scan)."""
    # a payment pays a paycheck of its own run (create_payments, the re-issue and the manual check copy it): both
    # sides read by the run, so the hash join below reads the run's paychecks, not the whole table. An outer join,
    # so a payment is counted whatever its paycheck; its amount is cash out only with its run's paycheck.
    stmt = (sa.select(Paycheck.agency_id, raw_sum(Payment.amount, Payment.status.in_(statuses),
                                                  Paycheck.id.is_not(None)),
                      sa.func.count().filter(Payment.nacha_file_id.is_(None), Payment.status == "pending"))
            .outerjoin(Paycheck, sa.and_(Paycheck.id == Payment.paycheck_id, Paycheck.run_id == run_id))
            .where(Payment.run_id == run_id).group_by(Paycheck.agency_id))
    if paycheck_ids is not None:
        stmt = stmt.where(Payment.paycheck_id.in_(paycheck_ids))
    with planned_for_fresh_rows():      # a run's payments are new: hash-joined, not a paycheck probe per payment
        rows = db.session.execute(stmt).all()                                                 # summed in SQL
    totals = {agency_id: D(int(raw)) / 100 for agency_id, raw, _unfiled in rows}
    out = []
    for agency_id, total in sorted(totals.items(), key=lambda kv: kv[0] or 0):
        if total:
            out += [Posting("2400", "", "", agency_id, total, ZERO), Posting("1000", "", "", agency_id, ZERO, total)]
    return out, sum(unfiled for _agency, _raw, unfiled in rows)


def originator() -> Originator:
    """The agency as ACH originator; the bank details come from configuration (PAYROLL_ODFI_* keys)."""
    agency = db.session.execute(sa.select(Agency).order_by(Agency.id)).scalars().first()
    if agency is None:
        raise DomainError("no agency is set up: a NACHA file needs the originator", code="no_agency")
    cfg = current_app.config
    routing = cfg.get("PAYROLL_ODFI_ROUTING", "011000015")
    return Originator(company_name=agency.legal_name, immediate_destination=routing,
                      immediate_origin=cfg.get("PAYROLL_IMMEDIATE_ORIGIN") or routing, odfi_id=routing,
                      destination_name=cfg.get("PAYROLL_ODFI_NAME", "FEDERAL RESERVE BANK"),
                      origin_name=agency.legal_name, ein=agency.ein)


def _require(user, action: str) -> None:
    if user is None or not can(user, "payment", action):
        raise PermissionDenied(f"{getattr(user, 'role', 'anonymous')} may not {action} payments")


def nacha_cutoff() -> tuple[Cutoff, ZoneInfo]:
    """The ODFI's cut-off from configuration (NACHA_CUTOFF_DAYS, NACHA_CUTOFF_TIME, NACHA_CUTOFF_TIMEZONE)."""
    cfg = current_app.config
    try:
        hours, minutes = str(cfg.get("NACHA_CUTOFF_TIME", "17:00")).split(":")
        cutoff = Cutoff(days=int(cfg.get("NACHA_CUTOFF_DAYS", 1)), time=time(int(hours), int(minutes)))
        zone = ZoneInfo(str(cfg.get("NACHA_CUTOFF_TIMEZONE", "America/New_York")))
    except (ValueError, TypeError, ZoneInfoNotFoundError) as exc:
        raise DomainError(f"the NACHA cut-off settings are not usable ({exc}): NACHA_CUTOFF_DAYS is a number of "
                          "banking days, NACHA_CUTOFF_TIME HH:MM, NACHA_CUTOFF_TIMEZONE a zone such as "
                          "America/New_York", code="bad_nacha_cutoff") from None
    return cutoff, zone


def _bank_time(now: datetime, zone: ZoneInfo) -> datetime:
    """`now` as a naive time at the bank (a naive `now` is taken as UTC)."""
    aware = now if now.tzinfo is not None else now.replace(tzinfo=timezone.utc)
    return aware.astimezone(zone).replace(tzinfo=None)


def _holidays_around(*days: date) -> frozenset[date]:
    return holidays_between(min(days) - timedelta(days=14), max(days) + timedelta(days=21))


def nacha_plan(run: PayrollRun, now: datetime) -> EffectiveDatePlan:
    """Whether a NACHA file made `now` can settle on the run's pay date, and the earliest date it can settle."""
    cutoff, zone = nacha_cutoff()
    local = _bank_time(now, zone)
    return plan_effective_date(run.pay_date, local, cutoff, _holidays_around(run.pay_date, local.date()))


def _effective_date(run: PayrollRun, now: datetime, chosen: date | None, reissue: bool) -> date:
    """The effective entry date of the next file of `run`: the pay date when the cut-off still allows it; a chosen
    later banking day; for re-issues of a paid run (the pay date is behind them) the earliest possible day. A
    run's first file whose pay date can no longer be met needs the date chosen: refused otherwise."""
    plan = nacha_plan(run, now)
    if chosen is not None:
        if not isinstance(chosen, date) or isinstance(chosen, datetime):
            raise ValidationFailed([Issue("effective_date", "the effective entry date must be a date (YYYY-MM-DD)")])
        problem = effective_date_problem(chosen, plan, _holidays_around(chosen, plan.earliest))
        if problem:
            raise ValidationFailed([Issue("effective_date", problem, "invalid")])
        return chosen
    if plan.on_time or reissue:
        return plan.proposed
    raise ValidationFailed([Issue(
        "effective_date", f"{plan.problem}. Give effective_date {plan.earliest.isoformat()} (or a later banking day) "
        "to send the file late, knowing the workers are paid late; or do not send it", "pay_date_too_close")])


@gc_paused()
@transaction()
def generate_nacha(run_id: int, user=None, *, now: datetime, effective_date: date | None = None) -> NachaFile:
    """The NACHA file of an approved run whose chunks have all written their payments (refused while any is
    pending: approval_in_progress), created `now`, settling on the run's pay date (effective entry date, and
    the pay date as the descriptive date "NOV 13"). When the pay date is past or too close for the ODFI's cut-off
    (NACHA_CUTOFF_*), the file is refused unless `effective_date` (a banking day the cut-off allows, not before
    the pay date) is given. The first call writes the file with every pending payment and keeps it (later calls
    return the same bytes); payments re-issued after a return go into a new file (next file id modifier), settling
    the earliest day possible — on a paid run those are sent, and posted to cash, at once."""
    if user is not None:
        _require(user, "create")
    run = get_run(run_id, lock=True)
    check_move(run, "nacha")
    refuse_while_approving(run, "filed")
    s = db.session
    # the account numbers come encrypted and are decrypted below all at once (crypto.decrypt_all); a run's
    # rows sorted in memory (RUN_SORT_MEMORY: 100,000 of them went through an external merge on disk)
    with planner_settings(s.connection(), work_mem=RUN_SORT_MEMORY):
        todo = s.execute(sa.select(Payment.id, Payment.paycheck_id, Payment.routing_number, Payment.account_type,
                                   Payment.amount, (Worker.first_name + " " + Worker.last_name).label("name"),
                                   sa.type_coerce(BankAccount.account_number, sa.Text).label("sealed"))
                         .join(Worker, Worker.id == Payment.worker_id)
                         .join(BankAccount, BankAccount.id == Payment.bank_account_id)
                         .where(Payment.run_id == run.id, Payment.nacha_file_id.is_(None),
                                Payment.status == "pending").order_by(Payment.paycheck_id, Payment.part)).all()
    files = list(s.execute(sa.select(NachaFile).where(NachaFile.run_id == run.id).order_by(NachaFile.id)).scalars())
    if not todo:
        if files:
            return files[0] if len(files) == 1 else files[-1]
        raise DomainError(f"run #{run.id} has no payments to file", code="no_payments")
    if len(files) >= len(MODIFIERS):
        raise DomainError("no NACHA file id modifier left for this run", code="too_many_files")
    effective = _effective_date(run, now, effective_date, reissue=bool(files) or run.state == "paid")
    info = originator()
    modifier = MODIFIERS[len(files)]
    # The file's row is written first, all but its content, so that the server numbers the payments into it while
    # the content is formatted here (`meanwhile`; on SQLite one after the other). The content goes in by a
    # statement of its own: the audit log's record of the file's creation is the flush's, once.
    f = NachaFile(run_id=run.id, file_id_modifier=modifier, purpose="run" if not files else "reissue",
                  entry_count=len(todo), total_credit=sum((r.amount for r in todo), ZERO), content="",
                  effective_date=effective, created_by_id=user_id(user))
    s.add(f)
    s.flush()
    # The file's entries are the pending, unfiled payments in paycheck and part order (one live payment per part:
    # uq_payments_live_part; not id order, which interleaves the chunks that wrote them), so entry i has trace
    # ODFI + i: one set-based UPDATE numbers them the same way (no row-by-row round trips for 100,000 payments).
    odfi8, file_id = trace_number(info.odfi_id, 1)[:8], f.id      # (read here: the thread below leaves f alone)
    seq7 = "lpad(n.rn::text, 7, '0')" if is_postgres() else "substr('0000000' || n.rn, -7)"

    def number(conn) -> None:
        with planner_settings(conn, work_mem=RUN_SORT_MEMORY):     # the numbering's sort too, in memory
            conn.execute(sa.text(
                # seq7 is one of two literal SQL expressions; values are bound
                f"UPDATE payments SET nacha_file_id = :file_id, trace_number = :odfi || {seq7} "  # nosec B608
                "FROM (SELECT id, row_number() OVER (ORDER BY paycheck_id, part) AS rn FROM payments "
                "WHERE run_id = :run_id AND nacha_file_id IS NULL AND status = 'pending') AS n "
                "WHERE payments.id = n.id"),
                {"file_id": file_id, "odfi": odfi8, "run_id": run_id})

    with meanwhile(s.connection(), number):
        accounts = decrypt_all([r.sealed for r in todo])
        entries = [Entry(name, str(paycheck_id), routing, account, account_type, amount)
                   for (_id, paycheck_id, routing, account_type, amount, name, _sealed), account
                   in zip(todo, accounts)]
        content = build_nacha_file(info, entries, effective_date=effective, created_at=now,
                                   file_id_modifier=modifier, company_entry_description="PAYROLL",
                                   company_descriptive_date=descriptive_date(run.pay_date))
    s.execute(sa.update(NachaFile).where(NachaFile.id == f.id).values(content=content),
              execution_options={"synchronize_session": False})
    set_committed_value(f, "content", content)
    log_change("update", "payment", f"run {run.id}", {"nacha_file_id": {"before": None, "after": f.id},
                                                       "count": len(todo), "effective_date": effective.isoformat(),
                                                       "pay_date": run.pay_date.isoformat()})
    if run.state == "paid":       # re-issues on a paid run go out with this file
        ids = [p.id for p in todo]
        post_entry("payment", now.date(), f"Re-issued direct deposits for run {run.id}",
                   _postings_for_payments(ids), run_id=run.id)
        s.execute(sa.update(Payment).where(Payment.id.in_(ids)).values(status="sent"),
                  execution_options={"synchronize_session": False})
    return f


def _postings_for_payments(payment_ids: list[int]) -> list[Posting]:
    totals: dict = defaultdict(Decimal)
    for agency_id, amount in db.session.execute(
            sa.select(Paycheck.agency_id, Payment.amount).join(Paycheck, Paycheck.id == Payment.paycheck_id)
            .where(Payment.id.in_(payment_ids))):
        totals[agency_id] += amount
    out = []
    for agency_id, total in totals.items():
        out += [Posting("2400", "", "", agency_id, total, ZERO), Posting("1000", "", "", agency_id, ZERO, total)]
    return out


def _claim(p: Payment, expected: tuple[str, ...], new: str) -> None:
    """Move payment `p` from one of the `expected` statuses to `new` as a compare-and-set in the database (UPDATE
    ... WHERE status IN expected): of two simultaneous calls exactly one matches the row; the other is refused
    with the status it finds ("already returned"). The ORM change follows, so the audit log records it."""
    if p.status in expected:
        res = db.session.execute(sa.update(Payment).where(Payment.id == p.id, Payment.status.in_(expected))
                                 .values(status=new), execution_options={"synchronize_session": False})
        if res.rowcount == 1:
            p.status = new
            return
        db.session.refresh(p)
    if p.status == new:
        raise DomainError(f"payment {p.id} is already {new}", code=f"already_{new}")
    verb = "returned" if new == "returned" else "re-issued"
    raise DomainError(f"payment {p.id} is {p.status}; only a {' or '.join(expected)} payment can be {verb}",
                      code="bad_state")


@transaction()
def record_return(payment_id: int, code: str, user, *, on: date) -> Payment:
    """A sent payment came back (R01 insufficient funds, R03 no account, ...) on `on`: status returned, and the
    money is back in cash and owed to the worker again (Dr cash, Cr net pay payable). Recorded once: a second
    call, even a simultaneous one, is refused as "already returned"."""
    _require(user, "write")
    reason = return_reason(code)
    p = db.session.get(Payment, payment_id)
    if p is None:
        raise NotFound(f"payment {payment_id} not found")
    _claim(p, ("sent",), "returned")
    p.return_code, p.returned_at = reason.code, utcnow()
    agency_id = db.session.get(Paycheck, p.paycheck_id).agency_id
    worker = db.session.get(Worker, p.worker_id)
    post_entry("return", on, f"ACH return {reason.code} ({reason.title}) of the {p.amount:,.2f} payment to {worker}",
               [Posting("1000", "", "", agency_id, p.amount, ZERO), Posting("2400", "", "", agency_id, ZERO, p.amount)],
               run_id=p.run_id, paycheck_id=p.paycheck_id)
    return p


@transaction()
def reissue_payment(payment_id: int, user, *, bank_account_id: int | None = None) -> Payment:
    """Pay a returned payment again, to the same account or another active account of the worker, when the
    return code allows it (e.g. R01 may go to the same account; R03 needs another one); or release a held
    payment to an active account of the worker (the one given, else the first by priority).

    Once only: the original moves to `reissued` by compare-and-set, and the database holds at most one re-issue
    per payment (unique reissue_of_id) and one live payment per paycheck part; a second call, simultaneous or
    not, is refused as "already re-issued"."""
    _require(user, "create")
    p = db.session.get(Payment, payment_id)
    if p is None:
        raise NotFound(f"payment {payment_id} not found")
    get_run(p.run_id, lock=True)        # no reversal or NACHA file of the run in between
    db.session.refresh(p)
    if p.status not in ("returned", "held"):
        _claim(p, ("returned", "held"), "reissued")          # refuses, in words
    if db.session.execute(sa.select(Paycheck.id).where(Paycheck.reverses_id == p.paycheck_id)).scalar():
        raise DomainError(f"paycheck {p.paycheck_id} is reversed: payment {p.id} is not owed any more",
                          code="paycheck_reversed")
    if p.status == "held":
        target_id = bank_account_id or db.session.execute(
            sa.select(BankAccount.id).where(BankAccount.worker_id == p.worker_id, BankAccount.status == "active")
            .order_by(BankAccount.priority, BankAccount.id).limit(1)).scalar()
        if target_id is None:
            raise DomainError(f"payment {p.id} is held: worker {p.worker_id} has {NO_ACCOUNT} yet",
                              code="no_bank_account")
    else:
        target_id = bank_account_id or p.bank_account_id
        same = target_id == p.bank_account_id
        if not can_reissue(p.return_code, same_account=same):
            reason = return_reason(p.return_code)
            raise DomainError(f"payment {p.id} was returned {reason.code} ({reason.title}): "
                              f"{'not to the same account' if same else 'cannot be re-issued'}. {reason.action}",
                              code="reissue_not_allowed")
    acct = db.session.get(BankAccount, target_id)
    if acct is None or acct.worker_id != p.worker_id or acct.status != "active":
        raise DomainError("the re-issue account must be an active account of the same worker", code="bad_account")
    _claim(p, ("returned", "held"), "reissued")
    new = Payment(run_id=p.run_id, paycheck_id=p.paycheck_id, worker_id=p.worker_id, bank_account_id=acct.id,
                  routing_number=acct.routing_number, account_last4=acct.account_last4,
                  account_type=acct.account_type, amount=p.amount, status="pending", reissue_of_id=p.id,
                  part=p.part, created_by_id=user_id(user))
    with unique_or_refuse("ix_payments_reissue_of_id", f"payment {p.id} is already re-issued", "already_reissued",
                          columns="payments.reissue_of_id"):
        db.session.add(new)
    return new


__all__ = ["create_payments", "held_payments", "payment_postings", "cash_out", "generate_nacha", "nacha_plan", "nacha_cutoff", "record_return", "reissue_payment", "originator"]
