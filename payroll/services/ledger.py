"""Double-entry payroll journal: entries built from paycheck lines, posted append-only, reversed by mirrors."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Iterable

import sqlalchemy as sa

from backoffice.errors import DomainError
from backoffice.extensions import db
from backoffice.money import D, ZERO
from payroll.models_ledger import JournalEntry, JournalLine

from .common import bulk_insert, cents

EXPENSE_ACCOUNT = {"employee": "6100", "contractor": "6150"}
LIABILITY_FOR_KIND = {"employee_tax": "2100", "employer_tax": "2200", "pretax_deduction": "2300",
                      "posttax_deduction": "2300", "employer_contribution": "2500", "workers_comp": "2600"}
# Lines the employer pays on top of wages: an expense debit against their liability credit. `workers_comp` is no
# paycheck line: the premium a paycheck accrues (workers_comp_premiums), detail = class code, by state.
EXPENSE_FOR_KIND = {"employer_tax": "6200", "employer_contribution": "6300", "workers_comp": "6400"}


@dataclass(frozen=True)
class Posting:
    """One aggregated journal line before it is stored (debit or credit, never both)."""

    account: str
    detail: str
    state: str
    agency_id: int | None
    debit: Decimal
    credit: Decimal


def postings_for_paychecks(paychecks: Iterable[tuple], summed: Iterable[tuple] = ()) -> list[Posting]:
    """Journal lines for paychecks given as (worker_type, agency_id, gross, net, lines) with lines as
    (kind, code, state, amount). Wages/contractor expense and employer-tax expense are debits; withheld taxes,
    employer taxes, deductions and net pay are credits to payables. Negative paychecks (reversals) flip sides.
    `summed`: more of the paychecks' lines already added up, as (kind, code, state, agency_id, amount) — booked as
    if each paycheck had carried its share (a run's chunk sums its lines in cents as it builds their rows)."""
    signed: dict[tuple, Decimal] = defaultdict(Decimal)     # + debit, - credit
    # the lines summed by (kind, code, state, agency) first, then booked once per sum: a run's chunk has ~20,000
    # lines and a few dozen such sums (the sums of cents are exact, so the order of the additions changes nothing)
    by_line: dict[tuple, Decimal] = defaultdict(Decimal)
    for kind, code, state, agency_id, amount in summed:
        by_line[(kind, code, state, agency_id)] += amount
    for worker_type, agency_id, gross, net, lines in paychecks:
        signed[(EXPENSE_ACCOUNT[worker_type], "", "", agency_id)] += gross
        signed[("2400", "", "", agency_id)] -= net
        for kind, code, state, amount in lines:
            by_line[(kind, code, state, agency_id)] += amount
    for (kind, code, state, agency_id), amount in by_line.items():
        if kind == "earning":
            continue
        if kind in EXPENSE_FOR_KIND:
            signed[(EXPENSE_FOR_KIND[kind], code, state, agency_id)] += amount
        signed[(LIABILITY_FOR_KIND[kind], code, state, agency_id)] -= amount
    out = []
    for (account, detail, state, agency_id), amount in sorted(signed.items(), key=lambda kv: kv[0][:3]):
        if amount == 0:
            continue
        out.append(Posting(account, detail, state, agency_id, amount if amount > 0 else ZERO,
                           -amount if amount < 0 else ZERO))
    return out


def check_balanced(postings: list[Posting]) -> None:
    debit = sum((p.debit for p in postings), ZERO)
    credit = sum((p.credit for p in postings), ZERO)
    if debit != credit:
        raise DomainError(f"journal entry does not balance: debits {debit} ≠ credits {credit}",
                          code="unbalanced_journal")


def post_entry(kind: str, entry_date: date, memo: str, postings: list[Posting], *, run_id: int | None = None,
               paycheck_id: int | None = None, chunk_index: int | None = None,
               reverses_id: int | None = None) -> JournalEntry | None:
    """Write one balanced entry (in the caller's transaction). An entry with no postings is not written."""
    check_balanced(postings)
    if not postings:
        return None
    entry = JournalEntry(kind=kind, entry_date=entry_date, memo=memo[:300], run_id=run_id, paycheck_id=paycheck_id,
                         chunk_index=chunk_index, reverses_id=reverses_id)
    db.session.add(entry)
    db.session.flush()
    bulk_insert("journal_lines", ("entry_id", "account", "detail", "state", "agency_id", "debit", "credit"),
                ((entry.id, p.account, p.detail, p.state, p.agency_id, cents(p.debit), cents(p.credit))
                 for p in postings))
    return entry


def entry_postings(entry_id: int) -> list[Posting]:
    rows = db.session.execute(sa.select(JournalLine).where(JournalLine.entry_id == entry_id)
                              .order_by(JournalLine.id)).scalars()
    return [Posting(r.account, r.detail, r.state, r.agency_id, r.debit, r.credit) for r in rows]


def mirror(postings: list[Posting]) -> list[Posting]:
    """The same lines with debits and credits swapped."""
    return [Posting(p.account, p.detail, p.state, p.agency_id, p.credit, p.debit) for p in postings]


def post_mirror(entry: JournalEntry, kind: str, entry_date: date, memo: str, run_id: int | None) -> JournalEntry:
    return post_entry(kind, entry_date, memo, mirror(entry_postings(entry.id)), run_id=run_id,
                      paycheck_id=entry.paycheck_id, reverses_id=entry.id)


def raw_sum(column, *where):
    """SUM of a Scaled column as raw integer units (0 when no rows), of the rows that meet `where` if given."""
    total = sa.func.sum(sa.cast(column, sa.BigInteger))
    return sa.func.coalesce(total.filter(*where) if where else total, 0, type_=sa.BigInteger)


def trial_balance(run_id: int | None = None) -> dict:
    """Debits and credits in total (and for one run's entries when run_id is given), by account.

    {"debit": Decimal, "credit": Decimal, "balanced": bool, "accounts": {account: Decimal (debit - credit)}}"""
    stmt = (sa.select(JournalLine.account, raw_sum(JournalLine.debit), raw_sum(JournalLine.credit))
            .join(JournalEntry, JournalEntry.id == JournalLine.entry_id).group_by(JournalLine.account))
    if run_id is not None:
        stmt = stmt.where(JournalEntry.run_id == run_id)
    accounts = {}
    debit = credit = ZERO
    for account, d, c in db.session.execute(stmt):
        d, c = D(int(d)) / 100, D(int(c)) / 100     # raw cents: sums bypass the column type
        accounts[account] = d - c
        debit += d
        credit += c
    return {"debit": debit, "credit": credit, "balanced": debit == credit, "accounts": accounts}


def unbalanced_entries() -> list[int]:
    """Ids of entries whose debits and credits differ (should always be empty)."""
    stmt = (sa.select(JournalLine.entry_id).group_by(JournalLine.entry_id)
            .having(sa.func.sum(JournalLine.debit) != sa.func.sum(JournalLine.credit)))
    return list(db.session.execute(stmt).scalars())
