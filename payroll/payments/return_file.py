"""The bank's ACH return and notification-of-change (NOC) file, read into entries (pure), and written for tests/demo.

Layout (Nacha Operating Rules, Appendix Three "ACH Record Format Specifications" and Appendix Four "Return
Entries" / Appendix Five "Notification of Change", as quoted in public docs: moov-io/ach `addenda99.go` and
`addenda98.go` field positions, the moov-io Addenda99/Addenda98 API pages, and the bank originator guides that
reprint the change-code table, e.g. Stockman Bank "Notice of Change Guide" and Banner Bank "ACH Originator Guide"
Exhibit D):

* A return is the original Entry Detail record (type 6) sent back with a return transaction code (21 for a
  credit to checking, 31 for savings; Appendix Three lists 21/26/31/36 as "automated return or NOC") and one
  addenda record of type **99**:

  ====== ==== ==========================================================
  pos    len  field
  ====== ==== ==========================================================
  01     1    record type "7"
  02-03  2    addenda type code "99"
  04-06  3    return reason code (R01 ... R85)
  07-21  15   original entry trace number
  22-27  6    date of death YYMMDD (R14/R15 only, else blank)
  28-35  8    original receiving DFI identification
  36-79  44   addenda information
  80-94  15   trace number (of the return entry)
  ====== ==== ==========================================================

* A notification of change comes in a batch whose Standard Entry Class code (batch header positions 51-53) is
  **COR**, with a zero-amount entry and one addenda record of type **98**:

  ====== ==== ==========================================================
  01     1    "7"
  02-03  2    "98"
  04-06  3    change code (C01 ... C13)
  07-21  15   original entry trace number
  22-27  6    reserved (blank)
  28-35  8    original receiving DFI identification
  36-64  29   corrected data
  65-79  15   reserved (blank)
  80-94  15   trace number
  ====== ==== ==========================================================

  Corrected data by change code (Appendix Five): C01 account number (1-17); C02 routing number (1-9); C03 routing
  (1-9) and account number from position 13; C05 transaction code (1-2); C06 account number (1-17) and
  transaction code (21-22); C07 routing (1-9), account (10-26) and transaction code (27-28). A field that is not
  where the table puts it but is separated by spaces is also read (some banks left-justify).

The Entry Detail record of a return keeps the original's individual identification (positions 40-54): this
product writes the paycheck id there, so a return is matched by original trace number *and* paycheck id (trace
numbers restart at 0000001 in every file)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Sequence

from backoffice.errors import Issue, ValidationFailed
from backoffice.money import CENT, D

RECORD_LENGTH = 94
# The transaction code of a return or NOC entry and the account type it names (Appendix Three).
RETURN_TRANSACTION_CODES = {"21": "checking", "26": "checking", "31": "savings", "36": "savings"}
ACCOUNT_TYPE_OF_CODE = {"21": "checking", "22": "checking", "23": "checking", "26": "checking", "27": "checking",
                        "31": "savings", "32": "savings", "33": "savings", "36": "savings", "37": "savings"}
# Codes whose corrections this product applies to a bank account; the others (C04 name, C08 foreign RDFI, C09
# individual id, C10-C12 company, C13 addenda format) are recorded but change nothing here.
APPLIED_CHANGE_CODES = ("C01", "C02", "C03", "C05", "C06", "C07")
CHANGE_TITLES = {
    "C01": "Incorrect DFI account number", "C02": "Incorrect routing number",
    "C03": "Incorrect routing number and DFI account number", "C04": "Incorrect individual name",
    "C05": "Incorrect transaction code (account type)", "C06": "Incorrect DFI account number and transaction code",
    "C07": "Incorrect routing number, DFI account number and transaction code",
    "C08": "Incorrect receiving DFI identification (IAT)", "C09": "Incorrect individual identification number",
    "C10": "Incorrect company name", "C11": "Incorrect company identification",
    "C12": "Incorrect company name and company identification", "C13": "Addenda format error",
}


@dataclass(frozen=True)
class Correction:
    """What a NOC says the receiver's account should be (None where it says nothing)."""

    routing_number: str | None = None
    account_number: str | None = None
    account_type: str | None = None

    def __repr__(self) -> str:      # never show an account number
        acct = None if self.account_number is None else "***" + self.account_number[-4:]
        return f"Correction(routing_number={self.routing_number!r}, account={acct!r}, " \
               f"account_type={self.account_type!r})"


@dataclass(frozen=True)
class ReturnEntry:
    """One returned entry or NOC from the bank's file."""

    kind: str                 # "return" | "noc"
    code: str                 # R01 ... / C01 ...
    original_trace: str
    trace: str
    transaction_code: str
    amount: Decimal
    individual_id: str
    name: str
    original_rdfi: str
    line: int                 # 1-based line of the entry detail record
    date_of_death: date | None = None
    addenda_information: str = ""
    corrected_data: str = ""
    correction: Correction | None = None


@dataclass(frozen=True)
class ReturnFile:
    created: str              # YYMMDD HHMM from the file header
    entries: tuple[ReturnEntry, ...]

    @property
    def returns(self) -> list[ReturnEntry]:
        return [e for e in self.entries if e.kind == "return"]

    @property
    def nocs(self) -> list[ReturnEntry]:
        return [e for e in self.entries if e.kind == "noc"]


def _yymmdd(s: str) -> date | None:
    s = s.strip()
    if not s:
        return None
    try:
        return datetime.strptime(s, "%y%m%d").date()
    except ValueError:
        return None


def parse_correction(code: str, data: str) -> Correction | None:
    """The corrected fields of a C01-C07 NOC (None for other codes or data that cannot be read)."""
    raw = data.ljust(29)
    parts = data.split()

    def acct_type(tc: str) -> str | None:
        return ACCOUNT_TYPE_OF_CODE.get(tc.strip())

    if code == "C01":
        return Correction(account_number=raw[:17].strip() or None)
    if code == "C02":
        return Correction(routing_number=raw[:9].strip() or None)
    if code == "C03":
        routing, account = raw[:9].strip(), raw[12:29].strip()
        if raw[9:12].strip() and len(parts) == 2:      # positions 10-12 are blank in the Appendix Five layout
            routing, account = parts
        return Correction(routing_number=routing or None, account_number=account or None)
    if code == "C05":
        return Correction(account_type=acct_type(raw[:2]))
    if code == "C06":
        account, tc = raw[:17].strip(), raw[20:22]
        if acct_type(tc) is None and len(parts) == 2:
            account, tc = parts
        return Correction(account_number=account or None, account_type=acct_type(tc))
    if code == "C07":
        routing, account, tc = raw[:9].strip(), raw[9:26].strip(), raw[26:28]
        if acct_type(tc) is None and len(parts) >= 2:
            account, tc = parts[-2], parts[-1]
            account = account[9:] if account.startswith(routing) and len(parts) == 2 else account
        return Correction(routing_number=routing or None, account_number=account or None,
                          account_type=acct_type(tc))
    return None


def parse_return_file(text: str) -> ReturnFile:
    """Every return and NOC entry of a bank's return file. A file that is not one (wrong record lengths, an entry
    without its 98/99 addenda, an unknown code) raises ValidationFailed naming each line and what is wrong."""
    if isinstance(text, bytes):
        text = text.decode("ascii", errors="replace")
    issues: list[Issue] = []
    lines = text.splitlines()
    created = ""
    sec = ""
    pending: dict | None = None
    entries: list[ReturnEntry] = []
    saw_header = False

    def bad(n: int, message: str, field: str = "file") -> None:
        issues.append(Issue(field, message, code="bad_return_file", row=n))

    def close_entry(n: int) -> None:
        nonlocal pending
        if pending is not None:
            bad(pending["line"], "entry detail record has no 98/99 addenda record after it", "addenda")
            pending = None

    for n, row in enumerate(lines, start=1):
        if not row.strip():
            continue
        if re.fullmatch(r"9{94}", row):
            continue                        # block padding
        if len(row) != RECORD_LENGTH:
            bad(n, f"record is {len(row)} characters; NACHA records are {RECORD_LENGTH}", "record")
            continue
        kind = row[0]
        if kind == "1":
            saw_header = True
            created = f"{row[23:29]} {row[29:33]}"
        elif kind == "5":
            close_entry(n)
            sec = row[50:53]
        elif kind == "6":
            close_entry(n)
            tc = row[1:3]
            if tc not in RETURN_TRANSACTION_CODES:
                bad(n, f"transaction code {tc} is not a return or NOC code (21, 26, 31, 36)", "transaction_code")
                continue
            if row[78] != "1":
                bad(n, "a return or NOC entry must have an addenda record (addenda indicator 1)", "addenda")
                continue
            amount_raw = row[29:39]
            if not amount_raw.isdigit():
                bad(n, f"amount {amount_raw!r} is not 10 digits of cents", "amount")
                continue
            pending = {"line": n, "tc": tc, "amount": (D(int(amount_raw)) * CENT).quantize(CENT),
                       "individual_id": row[39:54].strip(), "name": row[54:76].strip(), "trace": row[79:94],
                       "sec": sec}
        elif kind == "7":
            if pending is None:
                bad(n, "addenda record without an entry detail record before it", "addenda")
                continue
            e, pending = pending, None
            typ, code = row[1:3], row[3:6].upper()
            original_trace, original_rdfi = row[6:21].strip(), row[27:35].strip()
            if typ == "99":
                if not re.fullmatch(r"R\d\d", code):
                    bad(n, f"return reason code {code!r} is not R01-R99", "return_code")
                    continue
                entries.append(ReturnEntry(
                    kind="return", code=code, original_trace=original_trace, trace=row[79:94].strip(),
                    transaction_code=e["tc"], amount=e["amount"], individual_id=e["individual_id"],
                    name=e["name"], original_rdfi=original_rdfi, line=e["line"], date_of_death=_yymmdd(row[21:27]),
                    addenda_information=row[35:79].strip()))
            elif typ == "98":
                if not re.fullmatch(r"C\d\d", code):
                    bad(n, f"change code {code!r} is not C01-C99", "change_code")
                    continue
                if e["sec"] != "COR":
                    bad(n, f"a notification of change belongs in a COR batch, not {e['sec'] or '(none)'}", "sec")
                    continue
                data = row[35:64].rstrip()
                entries.append(ReturnEntry(
                    kind="noc", code=code, original_trace=original_trace, trace=row[79:94].strip(),
                    transaction_code=e["tc"], amount=e["amount"], individual_id=e["individual_id"],
                    name=e["name"], original_rdfi=original_rdfi, line=e["line"], corrected_data=data.strip(),
                    correction=parse_correction(code, data)))
            else:
                bad(n, f"addenda type {typ} is neither 99 (return) nor 98 (notification of change)", "addenda")
        elif kind in "89":
            close_entry(n)
        else:
            bad(n, f"unknown record type {kind!r}", "record")
    close_entry(len(lines))
    if not saw_header:
        issues.insert(0, Issue("file", "no file header record (type 1): not a NACHA file", code="bad_return_file"))
    if issues:
        raise ValidationFailed(issues)
    return ReturnFile(created=created, entries=tuple(entries))


# ------------------------------------------------------------------------------------ writing (tests, demo)
@dataclass(frozen=True)
class ReturnItem:
    """One entry to put in a return file: a return (code R..) or a NOC (code C.. with corrected data)."""

    code: str
    original_trace: str
    individual_id: str
    name: str
    receiver_routing: str      # the receiver's bank (the RDFI of the original entry), 9 digits
    account: str
    account_type: str
    amount: Decimal
    corrected_data: str = ""
    addenda_information: str = ""


def _alpha(v: str, n: int) -> str:
    return str(v)[:n].ljust(n)


def _num(v, n: int) -> str:
    return str(v).rjust(n, "0")[-n:]


def corrected_data_field(code: str, *, routing: str = "", account: str = "", account_type: str = "") -> str:
    """The 29-character corrected data for C01-C07 laid out as Appendix Five puts it."""
    tc = {"checking": "22", "savings": "32"}.get(account_type, "")
    if code == "C01":
        return _alpha(account, 29)
    if code == "C02":
        return _alpha(routing, 29)
    if code == "C03":
        return _alpha(routing, 12) + _alpha(account, 17)
    if code == "C05":
        return _alpha(tc, 29)
    if code == "C06":
        return _alpha(account, 20) + _alpha(tc, 9)
    if code == "C07":
        return _alpha(routing, 9) + _alpha(account, 17) + _alpha(tc, 3)
    return _alpha("", 29)


def write_return_file(items: Sequence[ReturnItem], *, odfi_routing: str, company_name: str, company_id: str,
                      created_at: datetime, settlement: date) -> str:
    """A return file as the bank sends it back to the originator: returns in a PPD batch, NOCs in a COR batch,
    each entry with its 99/98 addenda, batch and file controls (entry hash, counts, totals) and block padding.
    Return transaction codes 21/31 are credits in Appendix Three, so their amounts count in the credit totals."""
    returns = [i for i in items if i.code.startswith("R")]
    nocs = [i for i in items if i.code.startswith("C")]
    recs: list[str] = []
    recs.append("1" + "01" + " " + _num(odfi_routing, 9) + " " + _num(odfi_routing, 9)
                + created_at.strftime("%y%m%d%H%M") + "A" + "094" + "10" + "1"
                + _alpha("RETURNS BANK", 23) + _alpha(company_name.upper(), 23) + _alpha("", 8))
    batches = 0
    file_hash = file_count = file_credit = 0
    seq = 0
    for sec, group in (("PPD", returns), ("COR", nocs)):
        if not group:
            continue
        batches += 1
        recs.append("5" + "220" + _alpha(company_name.upper(), 16) + _alpha("", 20) + _alpha(company_id, 10)
                    + sec + _alpha("PAYROLL" if sec == "PPD" else "NOC", 10) + _alpha("", 6)
                    + settlement.strftime("%y%m%d") + "   " + "1" + _num(odfi_routing[:8], 8) + _num(batches, 7))
        h = count = credit = 0
        for it in group:
            seq += 1
            tc = "21" if it.account_type == "checking" else "31"
            cents = 0 if sec == "COR" else int((it.amount / CENT).to_integral_value())
            trace = _num(it.receiver_routing[:8], 8) + _num(seq, 7)
            recs.append("6" + tc + _num(it.receiver_routing, 9) + _alpha(it.account, 17) + _num(cents, 10)
                        + _alpha(it.individual_id, 15) + _alpha(it.name.upper(), 22) + "  " + "1" + trace)
            if sec == "PPD":
                add = ("7" + "99" + it.code + _num(it.original_trace, 15) + _alpha("", 6)
                       + _num(it.receiver_routing[:8], 8) + _alpha(it.addenda_information, 44) + trace)
            else:
                add = ("7" + "98" + it.code + _num(it.original_trace, 15) + _alpha("", 6)
                       + _num(it.receiver_routing[:8], 8) + _alpha(it.corrected_data, 29) + _alpha("", 15) + trace)
            recs.append(add)
            h += int(it.receiver_routing[:8])
            count += 2
            credit += cents
        recs.append("8" + "220" + _num(count, 6) + _num(h, 10) + _num(0, 12) + _num(credit, 12)
                    + _alpha(company_id, 10) + _alpha("", 19) + _alpha("", 6) + _num(odfi_routing[:8], 8)
                    + _num(batches, 7))
        file_hash += h
        file_count += count
        file_credit += credit
    blocks = (len(recs) + 1 + 9) // 10
    recs.append("9" + _num(batches, 6) + _num(blocks, 6) + _num(file_count, 8) + _num(file_hash, 10)
                + _num(0, 12) + _num(file_credit, 12) + _alpha("", 39))
    while len(recs) % 10:
        recs.append("9" * RECORD_LENGTH)
    # every record 94 characters, or this writer has a bug (not an input error)
    assert all(len(r) == RECORD_LENGTH for r in recs), [len(r) for r in recs]   # nosec B101
    return "\n".join(recs) + "\n"
