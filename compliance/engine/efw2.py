"""The SSA EFW2 wage file (Social Security Administration Publication No. 42-007, "Specifications for Filing Forms
W-2 Electronically (EFW2)", tax year 2025; the layouts have not changed since tax year 2023, whose edition says
"For tax year 2023, there are no record layout changes", and SSA announced none for 2025 beyond the wage base).

Pure writer: the W-2 content (compliance.engine.w2.build_w2), the submitter/employer and a TIN lookup in, bytes
out. Records are 512 characters, each followed by CR LF, in the order RA, RE, RW × n, RT, RF (no RO, RS, RU or RV:
no Puerto Rico/territory or optional state records are written). Alphanumeric fields are uppercase, left
justified and blank filled; money fields are dollars and cents without a decimal point, right justified and zero
filled (11 positions in RW, 15 in RT). Positions below are 1-based and inclusive, as in the publication.

Where the positions were checked (the publication's PDF itself could not be opened here; every field of the
tables below is asserted in tests/unit/compliance/test_efw2.py, and docs/filings-w2.md lists the sources):
- against transcriptions of the publication's layouts (NEOGOV wiki, ccare.neogov.com): RA 1–498; RE 1–221;
  RW 1–133 and 463–473 (code DD); RT 1–189 and 295–309 (code DD);
- only against two independent open-source EFW2 writers (which agree with each other and with these tables):
  RA 499–512; RE 222–318 (employer contact fields, absent from the older transcriptions, which show 222–512
  blank) and 319–512; RW 134–462 and 474–512; RT 190–294 and 310–512; RF 1–512.
The RT code-DD total sits at 295–309, before C (310–324), third-party sick-pay FIT (325–339), V, Y, AA, BB and
FF (400–414); an earlier version of this table had C at 295 and DD at 385. Check against the TY2025 PDF (or
AccuWage Online) before the first real submission.

Test files: the EFW2 RA record has no test indicator (the publication's RA layout, positions 1–512, has none;
SSA tests wage files with AccuWage Online in Business Services Online before submission, and AccuWage's desktop
version is Windows-only), so `test_file` writes the same records; the CLI flag only notes the intent."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable

from backoffice.errors import DomainError, Issue, ValidationFailed
from backoffice.money import ZERO

RECORD = 512
EOL = b"\r\n"

# (first, last, name) — the publication's record layouts, the fields this writer fills or leaves blank.
RA = ((1, 2, "id"), (3, 11, "ein"), (12, 19, "user_id"), (20, 23, "vendor_code"), (24, 28, "blank1"),
      (29, 29, "resub"), (30, 35, "resub_wfid"), (36, 37, "software_code"), (38, 94, "company_name"),
      (95, 116, "company_location"), (117, 138, "company_delivery"), (139, 160, "company_city"),
      (161, 162, "company_state"), (163, 167, "company_zip"), (168, 171, "company_zip4"), (172, 176, "blank2"),
      (177, 199, "company_foreign_state"), (200, 214, "company_foreign_postal"), (215, 216, "company_country"),
      (217, 273, "submitter_name"), (274, 295, "submitter_location"), (296, 317, "submitter_delivery"),
      (318, 339, "submitter_city"), (340, 341, "submitter_state"), (342, 346, "submitter_zip"),
      (347, 350, "submitter_zip4"), (351, 355, "blank3"), (356, 378, "submitter_foreign_state"),
      (379, 393, "submitter_foreign_postal"), (394, 395, "submitter_country"), (396, 422, "contact_name"),
      (423, 437, "contact_phone"), (438, 442, "contact_ext"), (443, 445, "blank4"), (446, 485, "contact_email"),
      (486, 488, "blank5"), (489, 498, "contact_fax"), (499, 499, "blank6"), (500, 500, "preparer_code"),
      (501, 512, "blank7"))
RE = ((1, 2, "id"), (3, 6, "tax_year"), (7, 7, "agent_indicator"), (8, 16, "ein"), (17, 25, "agent_for_ein"),
      (26, 26, "terminating"), (27, 30, "establishment"), (31, 39, "other_ein"), (40, 96, "name"),
      (97, 118, "location"), (119, 140, "delivery"), (141, 162, "city"), (163, 164, "state"), (165, 169, "zip"),
      (170, 173, "zip4"), (174, 174, "kind_of_employer"), (175, 178, "blank1"), (179, 201, "foreign_state"),
      (202, 216, "foreign_postal"), (217, 218, "country"), (219, 219, "employment_code"),
      (220, 220, "tax_jurisdiction"), (221, 221, "third_party_sick_pay"), (222, 248, "contact_name"),
      (249, 263, "contact_phone"), (264, 268, "contact_ext"), (269, 278, "contact_fax"),
      (279, 318, "contact_email"), (319, 512, "blank2"))
RW = ((1, 2, "id"), (3, 11, "ssn"), (12, 26, "first_name"), (27, 41, "middle_name"), (42, 61, "last_name"),
      (62, 65, "suffix"), (66, 87, "location"), (88, 109, "delivery"), (110, 131, "city"), (132, 133, "state"),
      (134, 138, "zip"), (139, 142, "zip4"), (143, 147, "blank1"), (148, 170, "foreign_state"),
      (171, 185, "foreign_postal"), (186, 187, "country"),
      (188, 198, "box1"), (199, 209, "box2"), (210, 220, "box3"), (221, 231, "box4"), (232, 242, "box5"),
      (243, 253, "box6"), (254, 264, "box7"), (265, 275, "blank2"), (276, 286, "box10"), (287, 297, "code_D"),
      (298, 308, "code_E"), (309, 319, "code_F"), (320, 330, "code_G"), (331, 341, "code_H"),
      (342, 352, "blank3"), (353, 363, "nq457"), (364, 374, "code_W"), (375, 385, "nq_not457"),
      (386, 396, "code_Q"), (397, 407, "blank4"), (408, 418, "code_C"), (419, 429, "code_V"),
      (430, 440, "code_Y"), (441, 451, "code_AA"), (452, 462, "code_BB"), (463, 473, "code_DD"),
      (474, 484, "code_FF"), (485, 485, "blank5"), (486, 486, "statutory"), (487, 487, "blank6"),
      (488, 488, "retirement"), (489, 489, "sick_pay"), (490, 512, "blank7"))
RT = ((1, 2, "id"), (3, 9, "count"), (10, 24, "box1"), (25, 39, "box2"), (40, 54, "box3"), (55, 69, "box4"),
      (70, 84, "box5"), (85, 99, "box6"), (100, 114, "box7"), (115, 129, "blank1"), (130, 144, "box10"),
      (145, 159, "code_D"), (160, 174, "code_E"), (175, 189, "code_F"), (190, 204, "code_G"),
      (205, 219, "code_H"), (220, 234, "blank2"), (235, 249, "nq457"), (250, 264, "code_W"),
      (265, 279, "nq_not457"), (280, 294, "code_Q"), (295, 309, "code_DD"), (310, 324, "code_C"),
      (325, 339, "third_party_fit"), (340, 354, "code_V"), (355, 369, "code_Y"), (370, 384, "code_AA"),
      (385, 399, "code_BB"), (400, 414, "code_FF"), (415, 512, "blank3"))
RF = ((1, 2, "id"), (3, 7, "blank1"), (8, 16, "count"), (17, 512, "blank2"))

RW_MONEY = ("box1", "box2", "box3", "box4", "box5", "box6", "box7", "box10")
RW_CODES = ("D", "W", "AA", "DD")          # the box 12 codes this payroll produces that EFW2 has fields for
_NOT_ALLOWED = re.compile(r"[^A-Z0-9 \-'.,/#&]")


@dataclass(frozen=True)
class Submitter:
    """Who sends the file (the agency, self-prepared: preparer code L) and who SSA contacts about it."""

    ein: str
    user_id: str                     # the BSO User ID (BACKOFFICE_SSA_BSO_USER_ID), 8 characters
    name: str
    address: str
    city: str
    state: str
    zip: str
    contact_name: str
    contact_phone: str
    contact_email: str


def text(value: str | None, width: int) -> str:
    """Uppercase ASCII, characters outside the publication's set dropped, left justified, blank filled."""
    s = unicodedata.normalize("NFKD", value or "").encode("ascii", "ignore").decode().upper()
    s = " ".join(_NOT_ALLOWED.sub("", s).split())
    return s[:width].ljust(width)


def digits(value: str | None) -> str:
    return "".join(ch for ch in (value or "") if ch.isdigit())


def money(amount: str | Decimal, width: int, field_name: str) -> str:
    """Dollars and cents without the point, right justified, zero filled; a negative or too-long amount is an
    error (the publication allows neither)."""
    cents = int((Decimal(amount) * 100).to_integral_value())
    if cents < 0:
        raise DomainError(f"EFW2 {field_name}: {amount} is negative; a W-2 amount cannot be (correct the "
                          "paychecks first)", code="efw2_negative")
    out = str(cents).rjust(width, "0")
    if len(out) > width:
        raise DomainError(f"EFW2 {field_name}: {amount} does not fit {width} positions", code="efw2_overflow")
    return out


def record(layout: tuple, values: dict[str, str]) -> str:
    """Lay the values out by the layout: every field exactly its width, the record exactly 512."""
    out = []
    for first, last, name in layout:
        width = last - first + 1
        v = values.get(name, "")
        if len(v) != width:
            v = v[:width].ljust(width)
        out.append(v)
    rec = "".join(out)
    if len(rec) != RECORD:
        raise DomainError(f"EFW2 {values.get('id', '?')} record is {len(rec)} characters, not {RECORD}",
                          code="efw2_layout")
    return rec


def _zip(value: str) -> tuple[str, str]:
    d = digits(value)
    return d[:5].ljust(5), (d[5:9] if len(d) >= 9 else "").ljust(4)


def check_submitter(s: Submitter) -> None:
    issues = []
    if len(digits(s.ein)) != 9:
        issues.append(Issue("ein", "the agency's EIN must have 9 digits (Settings → Agency)", code="invalid"))
    if not s.user_id.strip():
        issues.append(Issue("BACKOFFICE_SSA_BSO_USER_ID", "the EFW2 file names the submitter's SSA Business "
                            "Services Online User ID (RA positions 12–19): set BACKOFFICE_SSA_BSO_USER_ID",
                            code="required"))
    elif not re.fullmatch(r"[A-Za-z0-9]{8}", s.user_id.strip()):
        issues.append(Issue("BACKOFFICE_SSA_BSO_USER_ID", "a BSO User ID is 8 letters or digits", code="invalid"))
    if not s.contact_email.strip():
        issues.append(Issue("BACKOFFICE_FILER_CONTACT_EMAIL", "the RA record's contact e-mail is required "
                            "(positions 446–485)", code="required"))
    if not s.contact_name.strip():
        issues.append(Issue("BACKOFFICE_FILER_CONTACT_NAME", "the RA record's contact name is required "
                            "(positions 396–422)", code="required"))
    if issues:
        raise ValidationFailed(issues)


def ra(s: Submitter) -> str:
    z, z4 = _zip(s.zip)
    phone = digits(s.contact_phone)[:15]
    return record(RA, {
        "id": "RA", "ein": digits(s.ein), "user_id": s.user_id.strip().upper(), "resub": "0",
        "software_code": "98",                   # 98 = in-house program
        "company_name": text(s.name, 57), "company_delivery": text(s.address, 22),
        "company_city": text(s.city, 22), "company_state": text(s.state, 2), "company_zip": z, "company_zip4": z4,
        "submitter_name": text(s.name, 57), "submitter_delivery": text(s.address, 22),
        "submitter_city": text(s.city, 22), "submitter_state": text(s.state, 2), "submitter_zip": z,
        "submitter_zip4": z4, "contact_name": text(s.contact_name, 27), "contact_phone": phone.ljust(15),
        "contact_email": (s.contact_email.strip()[:40]).ljust(40), "preparer_code": "L"})   # L = self-prepared


def re_record(year: int, s: Submitter) -> str:
    z, z4 = _zip(s.zip)
    return record(RE, {
        "id": "RE", "tax_year": f"{year:04d}", "ein": digits(s.ein), "terminating": "0",
        "name": text(s.name, 57), "delivery": text(s.address, 22), "city": text(s.city, 22),
        "state": text(s.state, 2), "zip": z, "zip4": z4,
        "kind_of_employer": "N",                 # N = none of F, S, T, Y applies (a private for-profit employer)
        "employment_code": "R",                  # R = regular (Form 941 filer)
        "third_party_sick_pay": "0", "contact_name": text(s.contact_name, 27),
        "contact_phone": digits(s.contact_phone)[:15].ljust(15),
        "contact_email": (s.contact_email.strip()[:40]).ljust(40)})


def _codes(e: dict) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for c in e.get("box12", []):
        out[c["code"]] = out.get(c["code"], ZERO) + Decimal(c["amount"])
    return out


def rw(e: dict, ssn: str) -> str:
    z, z4 = _zip(e.get("zip", ""))
    ssn = digits(ssn)
    values = {"id": "RW", "ssn": ssn if len(ssn) == 9 else "0" * 9,     # no valid SSN: zeros (the publication)
              "first_name": text(e.get("first_name") or e["name"], 15),
              "middle_name": text(e.get("middle_name", ""), 15),
              "last_name": text(e.get("last_name") or e["name"], 20),
              "location": text(e.get("address2", ""), 22), "delivery": text(e.get("address", ""), 22),
              "city": text(e.get("city", ""), 22), "state": text(e.get("state", ""), 2), "zip": z, "zip4": z4,
              "statutory": "0", "retirement": "1" if e.get("box13_retirement") else "0", "sick_pay": "0"}
    for name in RW_MONEY:
        values[name] = money(e.get(name, "0.00"), 11, f"RW {e['worker_id']} {name}")
    codes = _codes(e)
    for first, last, name in RW:
        if name.startswith("code_") or name in ("nq457", "nq_not457"):
            values[name] = money(codes.get(name[5:], ZERO) if name.startswith("code_") else ZERO, 11,
                                 f"RW {e['worker_id']} {name}")
    return record(RW, values)


def rt(employees: list[dict]) -> str:
    values = {"id": "RT", "count": str(len(employees)).rjust(7, "0")}
    for name in RW_MONEY:
        values[name] = money(sum((Decimal(e.get(name, "0.00")) for e in employees), ZERO), 15, f"RT {name}")
    for first, last, name in RT:
        if name.startswith("code_") or name in ("nq457", "nq_not457", "third_party_fit"):
            code = name[5:] if name.startswith("code_") else None
            total = sum((_codes(e).get(code, ZERO) for e in employees), ZERO) if code else ZERO
            values[name] = money(total, 15, f"RT {name}")
    return record(RT, values)


def rf(count: int) -> str:
    return record(RF, {"id": "RF", "count": str(count).rjust(9, "0")})


def write_efw2(w2: dict, submitter: Submitter, reveal_ssn: Callable[[int], str], *, test_file: bool = False) -> bytes:
    """The EFW2 file for one employer (the agency files under its own EIN): RA, RE, one RW per W-2, RT, RF."""
    check_submitter(submitter)
    employees = w2["employees"]
    missing = sorted({c["code"] for e in employees for c in e.get("box12", []) if c["code"] not in RW_CODES})
    if missing:
        raise DomainError(f"the EFW2 layout written here (tax year 2025) has no field for box 12 code(s) "
                          f"{', '.join(missing)}; the tax year {w2['tax_year']} layout (new codes TA, TP, TT and "
                          "box 14b) is not implemented yet", code="efw2_layout")
    if not employees:
        raise DomainError("there are no W-2s for this year: nothing to file", code="nothing_to_file")
    recs = [ra(submitter), re_record(int(w2["tax_year"]), submitter)]
    recs += [rw(e, reveal_ssn(e["worker_id"])) for e in employees]
    recs += [rt(employees), rf(len(employees))]
    return b"".join(r.encode("ascii") + EOL for r in recs)
