"""NACHA ACH files for payroll: PPD credit batches with control totals, entry hash and block padding (pure)."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from functools import lru_cache
from typing import NamedTuple, Sequence

from backoffice.errors import DomainError, Issue, raise_if
from backoffice.money import CENT, D
from backoffice.banking.routing import (
    ACCOUNT_MAX_LENGTH,
    ACCOUNT_MIN_LENGTH,
    compact_account_number,
    compact_routing_number,
    is_valid_routing_number,
    validate_account_number,
    validate_routing_number,
)

RECORD_LENGTH = 94
BLOCKING_FACTOR = 10
PADDING_RECORD = "9" * RECORD_LENGTH
MAX_ENTRY_CENTS = 9_999_999_999  # the Entry Detail amount field is 10 digits of cents
LINE_ENDINGS = ("\n", "\r\n")

SERVICE_CLASS_CREDITS_ONLY = "220"
SERVICE_CLASS_MIXED = "200"


class AccountType(str, Enum):
    """Receiving account type; with the direction it gives the transaction code."""

    CHECKING = "checking"
    SAVINGS = "savings"


ACCOUNT_TYPES = frozenset(t.value for t in AccountType)

# Transaction codes (NACHA Operating Rules, Appendix Three): live credits and debits.
CREDIT_CODES = {AccountType.CHECKING: "22", AccountType.SAVINGS: "32"}
DEBIT_CODES = {AccountType.CHECKING: "27", AccountType.SAVINGS: "37"}
_CREDIT_BY_TYPE = {t.value: code for t, code in CREDIT_CODES.items()}     # by the type's text, as entries hold it


@dataclass(frozen=True)
class Originator:
    """The paying company and its bank (the ODFI), as the bank's ACH set-up sheet gives them.

    immediate_destination: the 9-digit routing number the file is sent to (usually the ODFI's).
    immediate_origin: a 9-digit routing number or a 10-character bank-assigned id ("1" + EIN).
    odfi_id: the ODFI's 8-digit identification (a 9-digit routing number is accepted; its first 8 are used).
    company_id: the 10-character company identification; when empty it is "1" + the EIN's 9 digits.
    offset_routing/offset_account/offset_account_type: the company's own account, needed only for a
    balanced file (the offsetting debit).
    """

    company_name: str
    immediate_destination: str
    immediate_origin: str
    odfi_id: str
    destination_name: str
    origin_name: str
    company_id: str = ""
    ein: str = ""
    company_discretionary_data: str = ""
    reference_code: str = ""
    offset_routing: str = ""
    offset_account: str = ""
    offset_account_type: AccountType | str = AccountType.CHECKING

    @property
    def effective_company_id(self) -> str:
        """The company identification written to positions 41-50 of the batch header."""
        if self.company_id.strip():
            return self.company_id.strip()
        return company_id_from_ein(self.ein)


class Entry(NamedTuple):
    """One credit to one receiving account (an employee's or a contractor's deposit, or one part of a split).

    individual_id: up to 15 characters identifying the payee to the agency (worker or paycheck id).
    addenda: optional payment-related text (up to 80 characters) sent as one PPD addenda record.
    A named tuple, as the workweek engine's entries: immutable, and made in one C call (a run's file makes 100,000).
    """

    name: str
    individual_id: str
    routing: str
    account: str
    account_type: AccountType | str
    amount: Decimal
    addenda: str | None = None

    def __repr__(self) -> str:  # never show the account number
        return (f"Entry(name={self.name!r}, individual_id={self.individual_id!r}, routing={self.routing!r}, "
                f"account='***', account_type={_account_type_value(self.account_type)!r}, "
                f"amount={self.amount!r})")


def company_id_from_ein(ein: str) -> str:
    """The usual company identification: '1' followed by the EIN's 9 digits."""
    digits = "".join(c for c in str(ein or "") if c.isdigit())
    if len(digits) != 9:
        raise DomainError("an EIN has 9 digits; cannot make a company identification from it",
                          code="invalid_ein")
    return "1" + digits


def trace_number(odfi_id: str, sequence: int) -> str:
    """The 15-digit trace number of the entry with the given 1-based sequence in a file."""
    return _numeric(_odfi8(odfi_id), 8) + _numeric(sequence, 7)


def build_nacha_file(header_info: Originator, entries: Sequence[Entry], *, effective_date: date,
                     created_at: datetime, file_id_modifier: str = "A",
                     company_entry_description: str = "PAYROLL", balanced: bool = False,
                     company_descriptive_date: str = "", line_ending: str = "\n") -> str:
    """A NACHA file with one PPD batch of credits, one per entry, in the order given.

    Entry i (0-based) gets trace number odfi_id + (i + 1) as 7 digits; with balanced=True the offsetting
    debit to the originator's own account comes last, and the batch is service class 200 instead of 220.
    Every record is 94 characters and ends with `line_ending`; the file is padded with all-9 records to a
    multiple of 10. Bad input raises ValidationFailed naming every bad field; names longer than 22
    characters are truncated, not refused.
    """
    issues = _originator_issues(header_info, balanced)
    issues += _option_issues(effective_date, created_at, file_id_modifier, company_entry_description,
                             company_descriptive_date, line_ending)
    if not entries:
        issues.append(Issue("entries", "there are no payments to put in the file", "required"))
    cents = []          # per entry: its amount in cents
    plain = []          # per entry: whether `_plain_cents` passed it (its record is then one format)
    for index, entry in enumerate(entries):
        entry_cents = _plain_cents(entry)
        plain.append(entry_cents is not None)
        if entry_cents is None:
            entry_issues, entry_cents = _entry_problems(index, entry)
            issues += entry_issues
        cents.append(entry_cents)
    raise_if(issues)
    if len(entries) > 9_999_999:    # what the 7-digit trace sequence of entry 10,000,000 would raise
        _numeric(len(entries), 7)

    odfi = _odfi8(header_info.odfi_id)
    company_id = header_info.effective_company_id
    service_class = SERVICE_CLASS_MIXED if balanced else SERVICE_CLASS_CREDITS_ONLY
    batch_number = 1

    records = [_file_header(header_info, created_at, file_id_modifier)]
    records.append(
        "5" + service_class + _alpha(header_info.company_name, 16)
        + _alpha(header_info.company_discretionary_data, 20) + _alpha(company_id, 10) + "PPD"
        + _alpha(company_entry_description, 10) + _alpha(company_descriptive_date, 6)
        + effective_date.strftime("%y%m%d") + "   " + "1" + odfi + _numeric(batch_number, 7)
    )

    rdfi = {}           # per distinct routing number as the entries give it: (compacted, its first 8 digits' value)
    entry_hash = 0
    total_credit = 0
    total_debit = 0
    entry_addenda_count = 0
    sequence = 0
    for entry, amount_cents, is_plain in zip(entries, cents, plain):
        sequence += 1
        bank = rdfi.get(entry.routing)
        if bank is None:
            routing = compact_routing_number(entry.routing)
            bank = rdfi[entry.routing] = (routing, int(routing[:8]))
        routing, bank_hash = bank
        entry_hash += bank_hash
        if is_plain:    # every other field is already as the record carries it (`_plain_cents`): one format, one
            # upper-casing of the plain ASCII record (its other fields are digits and blanks); %-formatting, as
            # f-string width specifications cost a format() call each
            records.append(("6%s%s%-17s%010d%-15s%-22.22s  0%s%07d" % (
                _CREDIT_BY_TYPE[entry.account_type], routing, entry.account, amount_cents, entry.individual_id,
                entry.name, odfi, sequence)).upper())
            total_credit += amount_cents
            entry_addenda_count += 1
            continue
        trace = odfi + _numeric(sequence, 7)
        code = _CREDIT_BY_TYPE[_account_type_value(entry.account_type)]
        records.append(_entry_detail(code, routing, entry.account, amount_cents, entry.individual_id, entry.name,
                                     bool(entry.addenda), trace))
        total_credit += amount_cents
        entry_addenda_count += 1
        if entry.addenda:
            records.append("705" + _alpha(entry.addenda, 80) + _numeric(1, 4) + trace[-7:])
            entry_addenda_count += 1

    if balanced:
        sequence += 1
        account_type = AccountType(_account_type_value(header_info.offset_account_type))
        routing = compact_routing_number(header_info.offset_routing)
        trace = odfi + _numeric(sequence, 7)
        records.append(_entry_detail(DEBIT_CODES[account_type], routing, header_info.offset_account,
                                     total_credit, company_id, header_info.company_name, False, trace))
        entry_hash += int(routing[:8])
        total_debit += total_credit
        entry_addenda_count += 1

    _check_capacity(total_credit, entry_addenda_count)
    batch_hash = _hash10(entry_hash)
    records.append(
        "8" + service_class + _numeric(entry_addenda_count, 6) + batch_hash + _numeric(total_debit, 12)
        + _numeric(total_credit, 12) + _alpha(company_id, 10) + " " * 19 + " " * 6 + odfi
        + _numeric(batch_number, 7)
    )
    record_count = len(records) + 1  # with the file control record still to come
    block_count = -(-record_count // BLOCKING_FACTOR)
    records.append(
        "9" + _numeric(1, 6) + _numeric(block_count, 6) + _numeric(entry_addenda_count, 8)
        + _hash10(entry_hash) + _numeric(total_debit, 12) + _numeric(total_credit, 12) + " " * 39
    )
    records += [PADDING_RECORD] * (block_count * BLOCKING_FACTOR - len(records))

    for record in records:  # a wrong width here is a bug in this module, not bad input
        if len(record) != RECORD_LENGTH:
            raise RuntimeError(f"NACHA record type {record[:1]} is {len(record)} characters, not 94")
    return line_ending.join(records) + line_ending


def _file_header(info: Originator, created_at: datetime, file_id_modifier: str) -> str:
    destination = " " + compact_routing_number(info.immediate_destination)
    origin = _immediate_origin(info.immediate_origin)
    return ("1" + "01" + destination + origin + created_at.strftime("%y%m%d") + created_at.strftime("%H%M")
            + file_id_modifier.upper() + "094" + "10" + "1" + _alpha(info.destination_name, 23)
            + _alpha(info.origin_name, 23) + _alpha(info.reference_code, 8))


def _entry_detail(code: str, routing: str, account: str, amount_cents: int, individual_id: str, name: str,
                  has_addenda: bool, trace: str) -> str:
    return ("6" + code + routing[:8] + routing[8] + _alpha(compact_account_number(account), 17)
            + _numeric(amount_cents, 10) + _alpha(individual_id, 15) + _alpha(name, 22) + "  "
            + ("1" if has_addenda else "0") + trace)


def _immediate_origin(value: str) -> str:
    compact = compact_routing_number(value)
    return " " + compact if len(compact) == 9 else compact


def _odfi8(value: str) -> str:
    return compact_routing_number(value)[:8]


def _account_type_value(value: AccountType | str) -> str:
    return value.value if isinstance(value, AccountType) else str(value).strip().lower()


def _to_ascii(text: str) -> str:
    """Upper-case printable ASCII: accents dropped (JOSÉ -> JOSE), anything else becomes a space."""
    if type(text) is str and text.isascii() and text.isprintable():    # most names: nothing to drop
        return text.upper()
    decomposed = unicodedata.normalize("NFKD", str(text or ""))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return "".join(c if " " <= c <= "~" else " " for c in stripped).upper()


def _alpha(text: str, width: int) -> str:
    """Alphanumeric field: left-justified, blank-filled, truncated to the width."""
    return _to_ascii(text)[:width].ljust(width)


def _numeric(value: int | str, width: int) -> str:
    """Numeric field: right-justified, zero-filled; never truncated silently."""
    digits = str(value)
    if not digits.isdigit() or len(digits) > width:
        raise DomainError(f"{digits!r} does not fit a {width}-digit NACHA field", code="nacha_overflow")
    return digits.rjust(width, "0")


def _hash10(total: int) -> str:
    """Entry hash: the sum of the 8-digit RDFI identifications, rightmost 10 digits."""
    return str(total)[-10:].rjust(10, "0")


def _check_capacity(total_credit_cents: int, entry_addenda_count: int) -> None:
    if total_credit_cents > 999_999_999_999:
        raise DomainError("the batch total exceeds the 12-digit NACHA total field; split the run",
                          code="nacha_overflow")
    if entry_addenda_count > 999_999:
        raise DomainError("more than 999,999 entries and addenda in one batch; split the run",
                          code="nacha_overflow")


def _originator_issues(info: Originator, balanced: bool) -> list[Issue]:
    issues: list[Issue] = []
    if not str(info.company_name or "").strip():
        issues.append(Issue("originator.company_name", "company name is required", "required"))
    issues += validate_routing_number(info.immediate_destination, field="originator.immediate_destination")
    origin = compact_routing_number(info.immediate_origin)
    if len(origin) == 9:
        issues += validate_routing_number(origin, field="originator.immediate_origin")
    elif len(origin) != 10 or not origin.isalnum():
        issues.append(Issue("originator.immediate_origin",
                            "immediate origin must be a 9-digit routing number or a 10-character bank-assigned "
                            "id such as 1 followed by the EIN"))
    odfi = compact_routing_number(info.odfi_id)
    if len(odfi) == 9:
        issues += validate_routing_number(odfi, field="originator.odfi_id")
    elif len(odfi) != 8 or not odfi.isdigit():
        issues.append(Issue("originator.odfi_id", "ODFI identification must be 8 digits (the first 8 of the "
                                                  "bank's routing number)"))
    if str(info.company_id or "").strip():
        company_id = str(info.company_id).strip()
        if len(company_id) > 10 or not company_id.isalnum():
            issues.append(Issue("originator.company_id",
                                "company identification must be at most 10 letters or digits"))
    else:
        digits = "".join(c for c in str(info.ein or "") if c.isdigit())
        if len(digits) != 9:
            issues.append(Issue("originator.ein", "an EIN of 9 digits (or a company identification) is required",
                                "required" if not digits else "invalid"))
    if len(str(info.reference_code or "")) > 8:
        issues.append(Issue("originator.reference_code", "reference code is at most 8 characters"))
    if balanced:
        issues += validate_routing_number(info.offset_routing, field="originator.offset_routing")
        issues += validate_account_number(info.offset_account, field="originator.offset_account")
        if _account_type_value(info.offset_account_type) not in ACCOUNT_TYPES:
            issues.append(Issue("originator.offset_account_type", "account type must be checking or savings"))
    return issues


def _option_issues(effective_date: date, created_at: datetime, file_id_modifier: str, description: str,
                   descriptive_date: str, line_ending: str) -> list[Issue]:
    issues: list[Issue] = []
    if not isinstance(effective_date, date) or isinstance(effective_date, datetime):
        issues.append(Issue("effective_date", "effective entry date must be a date"))
    if not isinstance(created_at, datetime):
        issues.append(Issue("created_at", "file creation time must be a datetime"))
    if (isinstance(effective_date, date) and not isinstance(effective_date, datetime)
            and isinstance(created_at, datetime) and effective_date < created_at.date()):
        issues.append(Issue("effective_date", "effective entry date is before the file's creation date"))
    modifier = str(file_id_modifier or "")
    if len(modifier) != 1 or not (modifier.isdigit() or "A" <= modifier.upper() <= "Z"):
        issues.append(Issue("file_id_modifier", "file ID modifier must be one letter A-Z or digit 0-9"))
    if not str(description or "").strip():
        issues.append(Issue("company_entry_description", "company entry description is required", "required"))
    elif len(description) > 10:
        issues.append(Issue("company_entry_description", "company entry description is at most 10 characters"))
    if len(str(descriptive_date or "")) > 6:
        issues.append(Issue("company_descriptive_date", "company descriptive date is at most 6 characters"))
    if line_ending not in LINE_ENDINGS:
        issues.append(Issue("line_ending", "line ending must be LF or CRLF"))
    return issues


# is_valid_routing_number once per distinct routing number: a run's 100,000 payments go to a few thousand banks
_valid_routing = lru_cache(maxsize=4096)(is_valid_routing_number)


def _plain_cents(entry: Entry) -> int | None:
    """The entry's amount in cents when every check of `_entry_problems` certainly passes and every field is
    already as its record carries it, else None: the same rules, asked of the common entry (a plain ASCII name and
    individual id, a valid routing number, 4-17 ASCII letters and digits, "checking" or "savings", no addenda, a
    Decimal of whole cents) without building the issue labels. None sends the entry through `_entry_problems`,
    which names what is wrong, and its record through the field-by-field formatting."""
    name, individual_id, account, amount, routing = (entry.name, entry.individual_id, entry.account, entry.amount,
                                                     entry.routing)
    if not (type(name) is str and name.isascii() and name.isprintable() and name.strip()
            and type(individual_id) is str and len(individual_id) <= 15
            and individual_id.isascii() and individual_id.isprintable()
            and type(account) is str and account.isascii() and account.isalnum()
            and ACCOUNT_MIN_LENGTH <= len(account) <= ACCOUNT_MAX_LENGTH
            and type(entry.account_type) is str and entry.account_type in ACCOUNT_TYPES and entry.addenda is None
            and type(amount) is Decimal and amount.is_finite() and amount > 0 and amount == amount.quantize(CENT)
            and type(routing) is str and _valid_routing(routing)):
        return None
    cents = int(amount * 100)
    return cents if cents <= MAX_ENTRY_CENTS else None


def _entry_issues(index: int, entry: Entry) -> tuple[list[Issue], int]:
    cents = _plain_cents(entry)
    return ([], cents) if cents is not None else _entry_problems(index, entry)


def _entry_problems(index: int, entry: Entry) -> tuple[list[Issue], int]:
    """Every issue of the entry, each labelled with the entry's number (and payee id), and its amount in cents."""
    prefix = f"entries[{index}]"
    issues: list[Issue] = []

    def who() -> str:       # named only in a problem: a 100,000-entry file has none, and builds no names
        return f"entry {index + 1}" + (f" ({entry.individual_id})" if str(entry.individual_id or "").strip() else "")

    def add(field: str, message: str, code: str = "invalid") -> None:
        issues.append(Issue(f"{prefix}.{field}", f"{who()}: {message}", code))

    if not str(entry.name or "").strip():
        add("name", "payee name is required", "required")
    elif not _to_ascii(entry.name).strip():
        add("name", "payee name has no letters a NACHA file can carry (A-Z, digits, punctuation)")
    if len(str(entry.individual_id or "")) > 15:
        add("individual_id", "individual identification is at most 15 characters")
    for issue in validate_routing_number(entry.routing, field=f"{prefix}.routing"):
        issues.append(Issue(issue.field, f"{who()}: {issue.message}", issue.code))
    for issue in validate_account_number(entry.account, field=f"{prefix}.account"):
        issues.append(Issue(issue.field, f"{who()}: {issue.message}", issue.code))
    if _account_type_value(entry.account_type) not in ACCOUNT_TYPES:
        add("account_type", "account type must be checking or savings")
    if entry.addenda is not None and len(entry.addenda) > 80:
        add("addenda", "payment-related information is at most 80 characters")

    cents = 0
    try:
        amount = D(entry.amount)
    except (TypeError, ValueError):
        add("amount", "amount must be a Decimal number of dollars")
        return issues, cents
    if not amount.is_finite():
        add("amount", "amount must be a finite number")
    elif amount != amount.quantize(CENT):
        add("amount", f"amount {amount} has fractions of a cent")
    elif amount <= 0:
        add("amount", f"amount must be more than zero, not {amount}")
    else:
        cents = int(amount * 100)
        if cents > MAX_ENTRY_CENTS:
            add("amount", f"amount {amount} is over the 10-digit NACHA limit of $99,999,999.99")
    return issues, cents
