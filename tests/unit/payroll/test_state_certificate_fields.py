"""A state certificate in a quote holds only certificate fields, and its yes/no claims only true or false: a field the
engine does not know, or a claim written as a string, is refused by name instead of being read as blank or as yes
(issue 15's acceptance audit, session 24: MI "exemptions" was dropped and withheld as 0 exemptions; NC "exempt":
"false" withheld nothing)."""
from __future__ import annotations

from decimal import Decimal

import pytest

from backoffice.errors import ValidationFailed
from payroll.engine.quote import quote
from payroll.engine.states.inputs import KNOWN_FIELDS

D = Decimal


def _quote(state: str, home: str, gross: str, frequency: str, certificate: dict) -> dict:
    return quote({"pay_date": "2026-06-05", "pay_frequency": frequency, "worker_type": "employee",
                  "work_state": state, "residence_state": home, "explain": False,
                  "earnings": [{"code": "salary", "amount": gross}],
                  "state_certificates": {state: certificate}})


def _line(result: dict, code: str, state: str) -> Decimal:
    return D(next(t["amount"] for t in result["employee_taxes"] if t["code"] == code and t.get("state") == state))


def _refused_fields(state, home, gross, frequency, certificate) -> list[str]:
    with pytest.raises(ValidationFailed) as err:
        _quote(state, home, gross, frequency, certificate)
    return [i.field for i in err.value.issues]


def test_mi_w4_line_6_under_its_own_key_counts_and_an_unknown_key_is_refused_by_name():
    """Form 446 (2026): 4.25% after $5,900 a year per exemption. Biweekly $2,000 with 1 exemption:
    (2,000 x 26 - 5,900) x 4.25% / 26 = 46,100 x 0.0425 / 26 = 1,959.25 / 26 = 75.355 -> $75.36. The same line sent
    as "exemptions" (not a certificate field: MI-W4 line 6 is `allowances`) used to be dropped, giving
    52,000 x 4.25% / 26 = $85.00 with no error."""
    assert _line(_quote("MI", "MI", "2000", "biweekly", {"allowances": 1}), "state_income_tax", "MI") == D("75.36")
    assert _refused_fields("MI", "MI", "2000", "biweekly", {"exemptions": 1}) == ["state_certificates.MI.exemptions"]


def test_an_exempt_claim_written_as_a_string_is_refused_not_read_as_exempt():
    """NC-30's weekly example: $450 single, 2 allowances: 450 - 245.19 - 2 x 48.08 = 108.65 x 4.09% = 4.44 -> $4.
    `"exempt": false` changes nothing; `"exempt": "false"` used to be read as a claim (bool("false") is True) and
    withheld $0.00."""
    cert = {"filing_status": "single", "allowances": 2}
    assert _line(_quote("NC", "NC", "450", "weekly", {**cert, "exempt": False}),
                 "state_income_tax", "NC") == D("4.00")
    for text in ("false", "no", "0"):
        assert _refused_fields("NC", "NC", "450", "weekly", {**cert, "exempt": text}) == \
            ["state_certificates.NC.exempt"]


def test_a_reciprocity_claim_written_as_a_string_is_refused():
    """NJ-165 is claimed with `"reciprocity": true`; the string "true" is refused naming the field rather than
    silently withholding NJ tax as if nothing were claimed."""
    assert _refused_fields("NJ", "PA", "1000", "weekly", {"reciprocity": "true"}) == \
        ["state_certificates.NJ.reciprocity"]


def test_wa_cares_exemption_written_as_a_string_is_refused_not_read_as_exempt():
    """WA Cares 0.58% (2026): $1,000 x 0.58% = $5.80. Only `true` (the ESD's exemption letter on file) stops it; the
    string "false" used to stop it too, and is now refused by name."""
    kept = _quote("WA", "WA", "1000", "weekly", {"wa_cares_exempt": False})
    assert _line(kept, "state_ltc", "WA") == D("5.80")
    assert _line(_quote("WA", "WA", "1000", "weekly", {"wa_cares_exempt": True}), "state_ltc", "WA") == D("0.00")
    assert _refused_fields("WA", "WA", "1000", "weekly", {"wa_cares_exempt": "false"}) == \
        ["state_certificates.WA.wa_cares_exempt"]


def test_every_field_the_onboarding_forms_collect_and_every_program_exemption_is_a_known_field():
    """The onboarding forms (backoffice/onboarding/data/state_certificates.json) and the data's program exemption
    fields only use keys the engine reads, so no stored certificate is refused by this check."""
    import json
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    forms = json.loads((root / "backoffice/onboarding/data/state_certificates.json").read_text())["forms"]
    collected = {f["name"] for form in forms.values() for f in form["fields"]}
    programs = set()
    for path in (root / "payroll/engine/data").glob("*/states/*.json"):
        for program in json.loads(path.read_text()).get("programs", []):
            if program.get("exemption_field"):
                programs.add(program["exemption_field"])
    assert collected | programs <= KNOWN_FIELDS, sorted((collected | programs) - KNOWN_FIELDS)


def test_a_certificate_filed_under_a_code_that_is_no_state_is_refused_by_name():
    """NJ-165 claimed under "NK" (a typo for NJ) used to be ignored: NJ withheld as if nothing were on file
    (weekly $1,000, Rate Table A: $15.29 + 6.1% x 231 = $29.38). Under "NJ" the claim holds ($0.00)."""
    claimed = quote({"pay_date": "2026-06-05", "pay_frequency": "weekly", "worker_type": "employee",
                     "work_state": "NJ", "residence_state": "PA", "explain": False,
                     "earnings": [{"code": "salary", "amount": "1000"}],
                     "state_certificates": {"NJ": {"reciprocity": True}}})
    assert _line(claimed, "state_income_tax", "NJ") == D("0.00")
    with pytest.raises(ValidationFailed) as err:
        quote({"pay_date": "2026-06-05", "pay_frequency": "weekly", "worker_type": "employee",
               "work_state": "NJ", "residence_state": "PA", "explain": False,
               "earnings": [{"code": "salary", "amount": "1000"}],
               "state_certificates": {"NK": {"reciprocity": True}}})
    assert [i.field for i in err.value.issues] == ["state_certificates.NK"]
