"""The bank's return/NOC files imported: returns recorded on their payments, NOC corrections applied, once."""
from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from datetime import date

import sqlalchemy as sa

from backoffice.audit import record_event
from backoffice.banking.routing import validate_account_number, validate_routing_number
from backoffice.errors import NotFound, PermissionDenied
from backoffice.extensions import db
from backoffice.security.access import can
from backoffice.uow import transaction, unique_or_refuse, write_lock
from backoffice.workers.profile import BankAccount
from payroll.models_ledger import Payment
from payroll.models_money import BankFile, BankFileEntry
from payroll.payments.return_file import (APPLIED_CHANGE_CODES, CHANGE_TITLES, ReturnEntry, parse_return_file)
from payroll.payments.returns import RETURN_REASONS

from .common import user_id
from .payments import record_return


@dataclass
class ImportResult:
    """What an import did; printed by the CLI and shown by the admin page."""

    file_id: int | None
    returns: int = 0            # return entries in the file
    nocs: int = 0               # NOC entries in the file
    matched: int = 0            # entries matched to a payment and acted on now
    unmatched: int = 0          # no payment with that trace number and paycheck id
    already: int = 0            # the same return/NOC of that payment was imported before (from another file)
    refused: int = 0            # matched, but not applicable (payment not sent, invalid correction)
    already_imported: bool = False    # this very file (same bytes) was imported before: nothing changed
    lines: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)

    def summary(self) -> str:
        if self.already_imported:
            return f"file already imported (bank file #{self.file_id}): nothing changed"
        return (f"{self.returns} return(s), {self.nocs} NOC(s): {self.matched} matched, {self.unmatched} unmatched, "
                f"{self.already} already imported, {self.refused} refused")


def _require(user) -> None:
    if user is None or not can(user, "payment", "write"):
        raise PermissionDenied(f"{getattr(user, 'role', 'anonymous')} may not import bank return files")


def _match(e: ReturnEntry) -> Payment | None:
    """The payment a return/NOC is about: its original trace number and the paycheck id written as the entry's
    individual identification (trace numbers restart in every file). A sent payment first, then the newest."""
    if not e.individual_id.isdigit():
        return None
    stmt = (sa.select(Payment).where(Payment.trace_number == e.original_trace,
                                     Payment.paycheck_id == int(e.individual_id))
            .order_by(sa.case((Payment.status == "sent", 0), else_=1), Payment.id.desc()))
    return db.session.execute(stmt).scalars().first()


def _counted_before(payment_id: int, code: str) -> bool:
    return db.session.execute(sa.select(BankFileEntry.id).where(
        BankFileEntry.payment_id == payment_id, BankFileEntry.code == code, BankFileEntry.counted)).first() is not None


def _apply_correction(e: ReturnEntry, p: Payment) -> tuple[str, str, int | None]:
    """Correct the payment's bank account as the NOC says (C01-C07); (outcome, message, account id)."""
    if e.code not in APPLIED_CHANGE_CODES:
        return "noc_recorded", f"{e.code} {CHANGE_TITLES.get(e.code, 'change')}: recorded, not applied here", None
    acct = db.session.get(BankAccount, p.bank_account_id) if p.bank_account_id else None
    c = e.correction
    if acct is None or c is None:
        return "refused", f"{e.code}: no bank account or no readable corrected data", None
    issues = []
    if c.routing_number is not None:
        issues += validate_routing_number(c.routing_number)
    if c.account_number is not None:
        issues += validate_account_number(c.account_number)
    if e.code in ("C05", "C06", "C07") and c.account_type is None:
        issues.append("the corrected transaction code names no account type")
    if issues or (c.routing_number is None and c.account_number is None and c.account_type is None):
        why = "; ".join(str(i) for i in issues) or "nothing to correct"
        return "refused", f"{e.code}: corrected data refused ({why})", acct.id
    changed = []
    if c.routing_number is not None and c.routing_number != acct.routing_number:
        acct.routing_number = c.routing_number
        changed.append("routing_number")
    if c.account_number is not None and c.account_number != acct.account_number:
        acct.account_number = c.account_number
        acct.account_last4 = c.account_number[-4:]
        changed.append("account_number")
    if c.account_type is not None and c.account_type != acct.account_type:
        acct.account_type = c.account_type
        changed.append("account_type")
    record_event("noc_applied", "bank_account", acct.id, {
        "code": e.code, "payment_id": p.id, "fields": changed, "routing_number": acct.routing_number,
        "account": f"*****{acct.account_last4}", "account_type": acct.account_type})
    what = ", ".join(changed) or "already as the bank says"
    return "noc_applied", f"{e.code} {CHANGE_TITLES[e.code]}: {what}", acct.id


@transaction()
def import_return_file(content: str | bytes, user, *, on: date, filename: str = "") -> ImportResult:
    """Read the bank's return/NOC file and act on every entry in one unit of work: a return (R..) is recorded on
    its sent payment through the usual path (`record_return`: status returned, cash back, owed to the worker,
    re-issuable by the return code's rules); a NOC (C01-C07) corrects the worker's bank account, audited; other
    change codes are recorded only. Importing the same bytes again changes nothing (bank_files.sha256 is unique);
    the same return of the same payment in another file is counted once (uq_bank_file_entries_counted).
    A file that cannot be read is refused whole (ValidationFailed naming the lines)."""
    _require(user)
    raw = content.encode("ascii", errors="replace") if isinstance(content, str) else bytes(content)
    digest = hashlib.sha256(raw).hexdigest()
    write_lock()        # one import at a time on SQLite; PostgreSQL relies on the unique hash below
    seen = db.session.execute(sa.select(BankFile).where(BankFile.sha256 == digest)).scalar_one_or_none()
    if seen is not None:
        return ImportResult(file_id=seen.id, returns=seen.returns, nocs=seen.nocs, matched=0, unmatched=0,
                            already=seen.returns + seen.nocs, already_imported=True)
    text = raw.decode("ascii", errors="replace")
    parsed = parse_return_file(text)
    f = BankFile(kind="returns", filename=(filename or "")[:200], sha256=digest, content=text,
                 returns=len(parsed.returns), nocs=len(parsed.nocs), matched=0, unmatched=0, already=0,
                 imported_by_id=user_id(user))
    with unique_or_refuse("bank_files_sha256_key", "this bank file is already imported", "already_imported",
                          columns="bank_files.sha256"):
        db.session.add(f)
    result = ImportResult(file_id=f.id, returns=f.returns, nocs=f.nocs)
    for e in parsed.entries:
        p = _match(e)
        outcome, message, acct_id, counted = "unmatched", "no payment with this trace number and paycheck id", None, False
        if p is not None and _counted_before(p.id, e.code):
            outcome, message = "already", f"{e.code} of payment {p.id} was imported before"
        elif p is not None and e.kind == "return":
            if e.code not in RETURN_REASONS:
                outcome, message = "refused", f"unknown return reason code {e.code}"
            elif p.status != "sent":
                outcome, message = "refused", f"payment {p.id} is {p.status}; only a sent payment can come back"
            else:
                record_return(p.id, e.code, user, on=on)
                outcome, message, counted = "returned", f"{e.code} {RETURN_REASONS[e.code].title}", True
        elif p is not None:
            outcome, message, acct_id = _apply_correction(e, p)
            counted = outcome != "refused"
        db.session.add(BankFileEntry(
            file_id=f.id, line=e.line, kind=e.kind, code=e.code, original_trace=e.original_trace[:15],
            individual_id=e.individual_id[:15], amount=e.amount, payment_id=p.id if p else None,
            bank_account_id=acct_id, counted=counted, outcome=outcome, message=message[:300]))
        if outcome in ("returned", "noc_applied", "noc_recorded"):
            result.matched += 1
        elif outcome == "unmatched":
            result.unmatched += 1
        elif outcome == "already":
            result.already += 1
        else:
            result.refused += 1
        result.lines.append({"line": e.line, "kind": e.kind, "code": e.code, "payment_id": p.id if p else None,
                             "outcome": outcome, "message": message})
    with unique_or_refuse("uq_bank_file_entries_counted", "a return or NOC in this file is already counted",
                          "already_imported", columns="bank_file_entries.payment_id, bank_file_entries.code"):
        f.matched, f.unmatched, f.already = result.matched, result.unmatched, result.already
    return result


def bank_files(limit: int = 200) -> list[BankFile]:
    return list(db.session.execute(sa.select(BankFile).order_by(BankFile.id.desc()).limit(limit)).scalars())


def file_entries(file_id: int) -> list[BankFileEntry]:
    f = db.session.get(BankFile, file_id)
    if f is None:
        raise NotFound(f"bank file {file_id} not found")
    return list(db.session.execute(sa.select(BankFileEntry).where(BankFileEntry.file_id == file_id)
                                   .order_by(BankFileEntry.line)).scalars())


__all__ = ["ImportResult", "import_return_file", "bank_files", "file_entries"]
