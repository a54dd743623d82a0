"""Bank statement lines (pure): read a CSV of receipts, and match each to an open invoice.

The file: a header row, then one row per bank transaction. Columns (names case-insensitive; the first of each
group of aliases found is used):

| column | aliases | meaning |
|---|---|---|
| `date` | posted_date, posting_date, value_date | the day the money arrived (ISO YYYY-MM-DD) |
| `amount` | credit | the amount received; rows with a negative amount (debits: fees, transfers out) are skipped |
| `reference` | description, details | the bank's reference / remittance text |
| `memo` | remittance, note | more free text (optional) |
| `payer` | name, originator, counterparty | who paid (optional; used to find the client) |

Matching, in order:
1. an invoice number (INV-000123, also written INV000123 or "inv 123") in the reference or memo names the invoice;
   it matches when that invoice is open and the amount is at most what is still owed on it (earlier rows of the
   same file count);
2. otherwise the payer names a client (its name or legal name, case and punctuation ignored) and exactly the
   amount is owed on one of that client's open invoices: the earliest due of those (then the lowest number);
3. otherwise the row is unmatched, with the reason, for staff to apply by hand.
A row naming an invoice that is not open, or paying more than is owed on it, is unmatched (never applied in part).
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Iterable

from backoffice.dates import parse_date
from backoffice.errors import Issue
from backoffice.money import MONEY, D, ZERO, number_problem

FIRST_DATA_LINE = 2
COLUMNS = {
    "date": ("date", "posted_date", "posting_date", "value_date"),
    "amount": ("amount", "credit"),
    "reference": ("reference", "description", "details"),
    "memo": ("memo", "remittance", "note"),
    "payer": ("payer", "name", "originator", "counterparty"),
}
REQUIRED = ("date", "amount")
_INVOICE_NUMBER = re.compile(r"\bINV[\s\-#:]*0*(\d{1,9})\b", re.IGNORECASE)


@dataclass(frozen=True)
class StatementLine:
    line: int                   # the file's line number (header = 1)
    received_on: date
    amount: Decimal
    reference: str = ""
    memo: str = ""
    payer: str = ""


@dataclass(frozen=True)
class OpenInvoice:
    invoice_id: int
    number: str
    client_id: int
    balance: Decimal
    due_date: date


@dataclass(frozen=True)
class ClientName:
    client_id: int
    names: tuple[str, ...]      # name, legal name


@dataclass(frozen=True)
class Match:
    """What one statement line pays: an invoice (`invoice_id`, `how` = "invoice_number" or "amount_and_client"),
    or nothing (`invoice_id` None, `reason` says why; `client_id` when the payer named one)."""

    line: StatementLine
    invoice_id: int | None
    client_id: int | None
    how: str
    reason: str = ""


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(name).strip().lower()).strip("_")


def invoice_number_in(text: str) -> str | None:
    """The first invoice number written in `text`, in its stored form (INV-000123), or None."""
    m = _INVOICE_NUMBER.search(text or "")
    return f"INV-{int(m.group(1)):06d}" if m else None


def normal_name(name: str) -> str:
    """A company name compared without case, punctuation or a trailing Inc/LLC/Co."""
    words = re.sub(r"[^a-z0-9 ]+", " ", (name or "").lower()).split()
    while words and words[-1] in ("inc", "llc", "co", "corp", "corporation", "ltd", "company", "lp", "llp"):
        words.pop()
    return " ".join(words)


def read_statement(content: bytes) -> tuple[list[StatementLine], int, list[Issue]]:
    """(receipts, debits skipped, issues) from a CSV statement. Every bad row is named by its line; a file with
    any issue yields no lines to import (the caller imports all or nothing)."""
    if not content or not content.strip():
        return [], 0, [Issue("file", "is empty", "required")]
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], 0, [Issue("file", "is not UTF-8 text (save the CSV as UTF-8)", "unreadable")]
    reader = csv.reader(io.StringIO(text))
    header = next(reader, [])
    keys = [_key(h) for h in header]
    where: dict[str, int] = {}
    for field, aliases in COLUMNS.items():
        for alias in aliases:
            if alias in keys:
                where[field] = keys.index(alias)
                break
    issues = [Issue(f, "column is missing (" + ", ".join(COLUMNS[f]) + ")", "missing_column", 1)
              for f in REQUIRED if f not in where]
    if issues:
        return [], 0, issues
    lines: list[StatementLine] = []
    skipped = 0
    for number, row in enumerate(reader, start=FIRST_DATA_LINE):
        if not any(c.strip() for c in row):
            continue
        cell = {f: (row[i].strip() if i < len(row) else "") for f, i in where.items()}
        row_issues = []
        try:
            received_on = parse_date(cell["date"])
        except ValueError as exc:
            row_issues.append(Issue("date", str(exc), "invalid", number))
        try:
            amount = D(cell["amount"])
            problem = number_problem(amount, MONEY)
            if problem:
                row_issues.append(Issue("amount", problem[1], problem[0], number))
            elif amount == 0:
                row_issues.append(Issue("amount", "is zero (a receipt is more than 0)", "invalid", number))
        except (ValueError, TypeError):
            row_issues.append(Issue("amount", f"{cell['amount']!r} is not an amount", "invalid", number))
        if row_issues:
            issues += row_issues
            continue
        if amount < 0:
            skipped += 1
            continue
        lines.append(StatementLine(number, received_on, amount, cell.get("reference", "")[:200],
                                   cell.get("memo", "")[:200], cell.get("payer", "")[:200]))
    if not lines and not issues:
        issues.append(Issue("file", "has no receipts (rows with an amount above 0)", "required"))
    return lines, skipped, issues


def match_lines(lines: Iterable[StatementLine], invoices: Iterable[OpenInvoice],
                clients: Iterable[ClientName]) -> list[Match]:
    """Match statement lines to open invoices (see the module's rules), in file order; each match lowers what is
    still owed on its invoice for the rows after it."""
    owed = {}
    by_number = {}
    by_client: dict[int, list[OpenInvoice]] = {}
    for inv in invoices:
        owed[inv.invoice_id] = inv.balance
        by_number[inv.number.upper()] = inv
        by_client.setdefault(inv.client_id, []).append(inv)
    for invs in by_client.values():
        invs.sort(key=lambda i: (i.due_date, i.number))
    names: dict[str, set[int]] = {}
    for c in clients:
        for n in c.names:
            if normal_name(n):
                names.setdefault(normal_name(n), set()).add(c.client_id)
    out = []
    for line in lines:
        number = invoice_number_in(line.reference) or invoice_number_in(line.memo)
        payer_ids = names.get(normal_name(line.payer), set()) if line.payer else set()
        payer_id = next(iter(payer_ids)) if len(payer_ids) == 1 else None
        if number is not None:
            inv = by_number.get(number)
            if inv is None:
                out.append(Match(line, None, payer_id, "", f"{number} is not an open invoice"))
            elif line.amount > owed[inv.invoice_id]:
                out.append(Match(line, None, inv.client_id, "",
                                 f"{line.amount} is more than the {owed[inv.invoice_id]} still owed on {number}"))
            else:
                owed[inv.invoice_id] -= line.amount
                out.append(Match(line, inv.invoice_id, inv.client_id, "invoice_number"))
            continue
        if payer_id is None:
            reason = ("the payer names more than one client" if len(payer_ids) > 1 else
                      "no invoice number in the reference, and the payer is not a client" if line.payer else
                      "no invoice number in the reference and no payer")
            out.append(Match(line, None, None, "", reason))
            continue
        same = [i for i in by_client.get(payer_id, ()) if owed[i.invoice_id] == line.amount and line.amount > ZERO]
        if not same:
            out.append(Match(line, None, payer_id, "", f"no open invoice of this client for exactly {line.amount}"))
            continue
        inv = same[0]
        owed[inv.invoice_id] -= line.amount
        out.append(Match(line, inv.invoice_id, payer_id, "amount_and_client"))
    return out
