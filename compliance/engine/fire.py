"""IRS Publication 1220 (FIRE) writer for information returns: fixed 750-byte records T, A, B…, C, K…, F. Pure.

Layout: Publication 1220 "Specifications for Electronic Filing of Forms 1097, 1098, 1099, 3921, 3922, 5498 and
W-2G" for tax year 2025 (https://www.irs.gov/pub/irs-pdf/p1220.pdf), Part C "Record Format Specifications and
Record Layouts": Transmitter "T" Record, Payer "A" Record, Payee "B" Record (with its Form 1099-NEC layout of
positions 544–750), End of Payer "C" Record, State Totals "K" Record, End of Transmission "F" Record. Positions below are 1-based as in the publication; `FIELDS` names every field this
writer fills, so the tests read each one back by position. Cross-checked against the moov-io/irs layout
(pkg/config/specification.go, which has the 18 amount codes 1–9, A–H, J of current editions).

General rules followed (Part C, general): every record is exactly 750 positions; alpha characters upper case
(except the e-mail address); money amounts in cents, right-justified and zero-filled, no signs or decimal points;
positions 749–750 blank or CR/LF (this writer ends each record with CR/LF, so the file is 750 × records bytes);
record sequence numbers in 500–507, consecutive from 1 on the T record; one T, then per payer one A, its B
records, one C, its K records (Combined Federal/State Filing Program only), and one F last.

A one-transaction correction (Part A, "Corrected Returns", Error Type 1: wrong money amount, code or
checkbox, or a return filed that should not have been) is the B record again with "G" in position 6 and the
correct figures (all zeros to void it), in a file of its own."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from backoffice.errors import DomainError, Issue, ValidationFailed
from backoffice.money import round_cents

RECORD = 750
AMOUNT_CODES = "123456789ABCDEFGHJ"          # the 18 payment-amount slots, in the publication's order
NEC_TYPE = "NE"                             # Type of Return for Form 1099-NEC (Part C, Payer "A" Record, "Type of Return" table)

# Combined Federal/State Filing Program participating states and their codes (Pub 1220 Part A, "Combined Federal/State Filing Program", its table of participating states).
CFSF_CODES = {"AL": "01", "AZ": "04", "AR": "05", "CA": "06", "CO": "07", "CT": "08", "DE": "10", "GA": "13",
              "HI": "15", "ID": "16", "IN": "18", "KS": "20", "LA": "22", "ME": "23", "MD": "24", "MA": "25",
              "MI": "26", "MN": "27", "MS": "28", "MO": "29", "MT": "30", "NE": "31", "NJ": "34", "NM": "35",
              "NC": "37", "ND": "38", "OH": "39", "OK": "40", "SC": "45", "WI": "55"}

# (start, end) 1-based inclusive, per record type: the fields this writer fills (the rest are blank).
FIELDS: dict[str, dict[str, tuple[int, int]]] = {
    "T": {"record_type": (1, 1), "payment_year": (2, 5), "prior_year": (6, 6), "transmitter_tin": (7, 15),
          "tcc": (16, 20), "test_file": (28, 28), "foreign_entity": (29, 29), "transmitter_name": (30, 69),
          "transmitter_name_2": (70, 109), "company_name": (110, 149), "company_name_2": (150, 189),
          "company_address": (190, 229), "company_city": (230, 269), "company_state": (270, 271),
          "company_zip": (272, 280), "total_payees": (296, 303), "contact_name": (304, 343),
          "contact_phone": (344, 358), "contact_email": (359, 408), "sequence": (500, 507),
          "vendor_indicator": (518, 518)},
    "A": {"record_type": (1, 1), "payment_year": (2, 5), "cfsf": (6, 6), "payer_tin": (12, 20),
          "payer_name_control": (21, 24), "last_filing": (25, 25), "type_of_return": (26, 27),
          "amount_codes": (28, 45), "foreign_entity": (52, 52), "payer_name": (53, 92), "payer_name_2": (93, 132),
          "transfer_agent": (133, 133), "payer_address": (134, 173), "payer_city": (174, 213),
          "payer_state": (214, 215), "payer_zip": (216, 224), "payer_phone": (225, 239), "sequence": (500, 507)},
    "B": {"record_type": (1, 1), "payment_year": (2, 5), "corrected": (6, 6), "name_control": (7, 10),
          "tin_type": (11, 11), "payee_tin": (12, 20), "account_number": (21, 40), "office_code": (41, 44),
          **{f"amount_{c}": (55 + 12 * i, 66 + 12 * i) for i, c in enumerate(AMOUNT_CODES)},
          "foreign_country": (287, 287), "payee_name": (288, 327), "payee_name_2": (328, 367),
          "payee_address": (368, 407), "payee_city": (448, 487), "payee_state": (488, 489),
          "payee_zip": (490, 498), "sequence": (500, 507),
          # 1099-NEC positions 544–750 (Part C, Payee "B" Record, "Form 1099-NEC")
          "second_tin_notice": (544, 544), "direct_sales": (547, 547), "state_tax_withheld": (723, 734),
          "local_tax_withheld": (735, 746), "cfsf_code": (747, 748)},
    "C": {"record_type": (1, 1), "number_of_payees": (2, 9),
          **{f"total_{c}": (16 + 18 * i, 33 + 18 * i) for i, c in enumerate(AMOUNT_CODES)},
          "sequence": (500, 507)},
    "K": {"record_type": (1, 1), "number_of_payees": (2, 9),
          **{f"total_{c}": (16 + 18 * i, 33 + 18 * i) for i, c in enumerate(AMOUNT_CODES)},
          "sequence": (500, 507), "state_tax_withheld": (707, 724), "local_tax_withheld": (725, 742),
          "cfsf_code": (747, 748)},
    "F": {"record_type": (1, 1), "number_of_a_records": (2, 9), "zeros": (10, 30), "total_payees": (50, 57),
          "sequence": (500, 507)},
}


@dataclass(frozen=True)
class Transmitter:
    tin: str                    # nine digits
    tcc: str                    # the five-character Transmitter Control Code
    name: str
    address: str
    city: str
    state: str
    zip: str
    contact_name: str
    contact_phone: str
    contact_email: str = ""


@dataclass(frozen=True)
class Payer:
    tin: str
    name: str
    address: str
    city: str
    state: str
    zip: str
    phone: str = ""
    name_control: str = ""      # from the IRS's EIN notice when known; blank is allowed


@dataclass(frozen=True)
class Payee:
    tin_type: str               # "EIN" | "SSN" | "" (unknown)
    tin: str                    # nine digits, or "" when the payee gave none
    name: str
    address: str
    city: str
    state: str
    zip: str
    account: str                # the payer's unique number for the payee (Pub 1220 asks for one for corrections)
    amounts: dict[str, Decimal] = field(default_factory=dict)     # amount code → dollars
    corrected: str = ""         # "" original | "G" one-transaction correction
    state_tax_withheld: Decimal = Decimal("0")
    local_tax_withheld: Decimal = Decimal("0")
    cfsf_state: str = ""        # the state the IRS forwards this return to (CF/SF), '' for none
    second_tin_notice: bool = False
    name_2: str = ""            # second payee name line (W-9 line 2 business name), 328–367


def clean(text: object) -> str:
    """ASCII upper case: accents dropped (José → JOSE), anything else unprintable removed."""
    s = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode()
    return "".join(ch for ch in s if 32 <= ord(ch) < 127).upper()


def digits(text: object) -> str:
    return "".join(ch for ch in str(text or "") if ch.isdigit())


def name_control(name: str, tin_type: str) -> str:
    """First four characters of the surname (an individual: the last word of the name) or of the business name
    without a leading "THE" (Pub 1220 Part C, Payee "B" Record, "Name Control"); letters, digits, hyphen and ampersand."""
    words = clean(name).replace(",", " ").split()
    if not words:
        return ""
    if tin_type == "EIN":
        if words[0] == "THE" and len(words) > 1:
            words = words[1:]
        base = "".join(words)
    else:
        base = words[-1]
    return "".join(ch for ch in base if ch.isalnum() or ch in "-&")[:4]


def cents(amount: Decimal, width: int, what: str) -> str:
    c = int(round_cents(Decimal(amount)) * 100)
    if c < 0:
        raise DomainError(f"{what}: Publication 1220 takes no negative amount on this form ({amount})",
                          code="negative_amount")
    s = str(c).rjust(width, "0")
    if len(s) > width:
        raise DomainError(f"{what}: {amount} does not fit in {width} digits", code="amount_too_large")
    return s


class _Record:
    def __init__(self, kind: str):
        self.kind = kind
        self.buf = [" "] * RECORD
        self.put("record_type", kind)

    def put(self, name: str, value: str, *, right: bool = False, fill: str = " ") -> None:
        start, end = FIELDS[self.kind][name]
        width = end - start + 1
        text = str(value)[:width]
        text = text.rjust(width, fill) if right else text.ljust(width, fill)
        self.buf[start - 1:end] = list(text)

    def bytes(self) -> bytes:
        self.buf[748:750] = ["\r", "\n"]
        out = "".join(self.buf).encode("ascii")
        if len(out) != RECORD:          # clean() keeps ASCII only, so this is a writer bug, never the data's
            raise DomainError(f"{self.kind} record is {len(out)} bytes, not {RECORD}", code="bad_record")
        return out


def check(transmitter: Transmitter, payer: Payer) -> None:
    issues = []
    if len(digits(transmitter.tin)) != 9:
        issues.append(Issue("transmitter_tin", "the transmitter's TIN (the agency's EIN) must be nine digits",
                            code="invalid"))
    if len((transmitter.tcc or "").strip()) != 5:
        issues.append(Issue("BACKOFFICE_IRS_TCC", "set the IRS Transmitter Control Code (five characters, from "
                            "the IR Application for TCC) before writing a FIRE file", code="required"))
    if not transmitter.contact_name.strip() or not digits(transmitter.contact_phone):
        issues.append(Issue("BACKOFFICE_FILER_CONTACT_NAME", "the T record needs a contact name and telephone "
                            "(BACKOFFICE_FILER_CONTACT_NAME / _PHONE)", code="required"))
    if len(digits(payer.tin)) != 9:
        issues.append(Issue("payer_tin", "the payer's EIN must be nine digits", code="invalid"))
    if issues:
        raise ValidationFailed(issues)


def write(year: int, transmitter: Transmitter, payer: Payer, payees: list[Payee], *, test_file: bool = False,
          prior_year: bool = False, type_of_return: str = NEC_TYPE, cfsf: bool = False) -> bytes:
    """The whole transmission for one payer: T, A, B per payee, C, K per CF/SF state (when `cfsf`), F."""
    check(transmitter, payer)
    if not payees:
        raise DomainError("a FIRE file needs at least one payee (B record)", code="empty_file")
    used = sorted({c for p in payees for c, a in p.amounts.items() if a} | {"1"}, key=AMOUNT_CODES.index)
    seq = 0
    out: list[bytes] = []

    def emit(rec: _Record) -> None:
        nonlocal seq
        seq += 1
        rec.put("sequence", str(seq), right=True, fill="0")
        out.append(rec.bytes())

    t = _Record("T")
    t.put("payment_year", str(year))
    t.put("prior_year", "P" if prior_year else " ")
    t.put("transmitter_tin", digits(transmitter.tin))
    t.put("tcc", clean(transmitter.tcc.strip()))
    t.put("test_file", "T" if test_file else " ")
    t.put("transmitter_name", clean(transmitter.name))
    t.put("company_name", clean(transmitter.name))
    t.put("company_address", clean(transmitter.address))
    t.put("company_city", clean(transmitter.city))
    t.put("company_state", clean(transmitter.state))
    t.put("company_zip", digits(transmitter.zip))
    t.put("total_payees", str(len(payees)), right=True, fill="0")
    t.put("contact_name", clean(transmitter.contact_name))
    t.put("contact_phone", digits(transmitter.contact_phone))
    t.put("contact_email", (transmitter.contact_email or "").strip())     # the one field not upper-cased
    t.put("vendor_indicator", "I")                                        # in-house software: vendor block blank
    emit(t)

    a = _Record("A")
    a.put("payment_year", str(year))
    a.put("cfsf", "1" if cfsf else " ")
    a.put("payer_tin", digits(payer.tin))
    a.put("payer_name_control", clean(payer.name_control))
    a.put("type_of_return", type_of_return)
    a.put("amount_codes", "".join(used))
    a.put("payer_name", clean(payer.name))
    a.put("transfer_agent", "0")
    a.put("payer_address", clean(payer.address))
    a.put("payer_city", clean(payer.city))
    a.put("payer_state", clean(payer.state))
    a.put("payer_zip", digits(payer.zip))
    a.put("payer_phone", digits(payer.phone))
    emit(a)

    totals = {c: Decimal("0") for c in AMOUNT_CODES}
    by_state: dict[str, dict] = {}
    for p in payees:
        b = _Record("B")
        b.put("payment_year", str(year))
        b.put("corrected", p.corrected or " ")
        b.put("name_control", name_control(p.name, p.tin_type))
        tin = digits(p.tin)
        b.put("tin_type", {"EIN": "1", "SSN": "2"}.get(p.tin_type, " ") if tin else " ")
        b.put("payee_tin", tin if len(tin) == 9 else "")
        b.put("account_number", clean(p.account))
        for code in AMOUNT_CODES:
            amt = Decimal(p.amounts.get(code, 0))
            b.put(f"amount_{code}", cents(amt, 12, f"{p.name} amount {code}"), right=True, fill="0")
            totals[code] += round_cents(amt)
        b.put("payee_name", clean(p.name))
        b.put("payee_name_2", clean(p.name_2))
        b.put("payee_address", clean(p.address))
        b.put("payee_city", clean(p.city))
        b.put("payee_state", clean(p.state))
        b.put("payee_zip", digits(p.zip))
        b.put("second_tin_notice", "2" if p.second_tin_notice else " ")
        b.put("state_tax_withheld", cents(p.state_tax_withheld, 12, f"{p.name} state tax"), right=True, fill="0")
        b.put("local_tax_withheld", cents(p.local_tax_withheld, 12, f"{p.name} local tax"), right=True, fill="0")
        code = CFSF_CODES.get(p.cfsf_state, "") if cfsf else ""
        b.put("cfsf_code", code)
        if code:
            k = by_state.setdefault(code, {"count": 0, "state": Decimal("0"), "local": Decimal("0"),
                                           "totals": {c: Decimal("0") for c in AMOUNT_CODES}})
            k["count"] += 1
            k["state"] += round_cents(p.state_tax_withheld)
            k["local"] += round_cents(p.local_tax_withheld)
            for c in AMOUNT_CODES:
                k["totals"][c] += round_cents(Decimal(p.amounts.get(c, 0)))
        emit(b)

    c = _Record("C")
    c.put("number_of_payees", str(len(payees)), right=True, fill="0")
    for code in AMOUNT_CODES:
        c.put(f"total_{code}", cents(totals[code], 18, f"control total {code}"), right=True, fill="0")
    emit(c)

    for code in sorted(by_state):
        k = by_state[code]
        kr = _Record("K")
        kr.put("number_of_payees", str(k["count"]), right=True, fill="0")
        for ac in AMOUNT_CODES:
            kr.put(f"total_{ac}", cents(k["totals"][ac], 18, f"state total {ac}"), right=True, fill="0")
        kr.put("state_tax_withheld", cents(k["state"], 18, "state tax total"), right=True, fill="0")
        kr.put("local_tax_withheld", cents(k["local"], 18, "local tax total"), right=True, fill="0")
        kr.put("cfsf_code", code)
        emit(kr)

    f = _Record("F")
    f.put("number_of_a_records", "1", right=True, fill="0")
    f.put("zeros", "", fill="0")
    f.put("total_payees", str(len(payees)), right=True, fill="0")
    emit(f)
    return b"".join(out)


def read(data: bytes) -> list[dict[str, str]]:
    """The records of a file, each as {field: text} by `FIELDS` (for tests and for checking a file before upload)."""
    if len(data) % RECORD:
        raise DomainError(f"a FIRE file is a whole number of {RECORD}-byte records; this one has {len(data)} bytes",
                          code="bad_length")
    out = []
    for i in range(0, len(data), RECORD):
        rec = data[i:i + RECORD].decode("ascii")
        kind = rec[0]
        out.append({"_kind": kind, "_raw": rec,
                    **{n: rec[s - 1:e] for n, (s, e) in FIELDS.get(kind, {}).items()}})
    return out
