"""Onboarding's state certificates (backoffice/onboarding/data/state_certificates.json) against the payroll engine:
every field is a key the engine reads, every choice a status or code it accepts, every default one it takes."""
from __future__ import annotations

import json
from decimal import Decimal

import pytest

from backoffice.onboarding.steps import (DATA_FILE, clean_state_certificate, no_certificate_reason, plan_steps,
                                         state_form, state_forms, uses_federal_w4)
from payroll.engine.states.inputs import _COUNT_FIELDS, _MONEY_FIELDS, _STATUS_ALIASES, _TEXT_FIELDS, \
    read_certificate

DATA = json.loads(DATA_FILE.read_text(encoding="utf-8"))
ENGINE_KEYS = {"filing_status", "percentage", "exempt", "reciprocity", "nonresident_alien", *_COUNT_FIELDS,
               *_MONEY_FIELDS, *_TEXT_FIELDS}
# The 41 states with a personal income tax on wages, and DC (Federation of Tax Administrators, 2026; NH taxes
# only interest and dividends, WA only capital gains).
INCOME_TAX = {"AL", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY", "LA",
              "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR",
              "PA", "RI", "SC", "UT", "VT", "VA", "WV", "WI"}
FORMS = sorted(DATA["forms"])


def test_every_income_tax_state_has_a_form_or_says_why_not():
    covered = set(DATA["forms"]) | set(DATA["federal_w4"]) | set(DATA["no_certificate"])
    assert covered == INCOME_TAX
    assert not covered & set(DATA["no_income_tax_on_wages"]["states"])
    assert len(set(DATA["forms"]) & set(DATA["federal_w4"])) == 0
    assert [f.state for f in state_forms()] == FORMS


@pytest.mark.parametrize("state", ["NM", "ND", "UT"])
def test_the_federal_w4_states_have_no_step_and_say_so(state):
    assert uses_federal_w4(state) and state_form(state) is None
    assert "federal Form W-4" in no_certificate_reason(state)
    assert "state_certificate" not in plan_steps("leased_employee", state)


def test_colorado_offers_its_optional_dr_0004_outside_the_wizard():
    form = state_form("CO")
    assert form.optional and "state_certificate" not in plan_steps("leased_employee", "CO")
    assert "optional" in no_certificate_reason("CO")
    # A blank line 2 is left out, so the engine applies DR 1098's default allowance for the W-4 status (not $0).
    cert, issues = clean_state_certificate(form, {"annual_allowance": "", "additional": ""})
    assert issues == [] and cert == {"additional": "0.00"}


@pytest.mark.parametrize("state", FORMS)
def test_every_form_names_its_source_revision_and_no_certificate_rule(state):
    form = state_form(state)
    assert form.form and form.title and form.revision and form.source_url.startswith("https://")
    assert form.no_certificate, state
    names = [f["name"] for f in form.fields]
    assert len(names) == len(set(names)) and set(names) <= ENGINE_KEYS, state
    assert {f["type"] for f in form.fields} <= {"choice", "count", "money", "bool"}


@pytest.mark.parametrize("state", FORMS)
def test_every_choice_is_a_status_or_code_the_engine_accepts(state):
    form = state_form(state)
    for f in form.fields:
        if f["type"] != "choice":
            continue
        values = [c[0] for c in f["choices"]]
        assert len(values) == len(set(values)), (state, f["name"])
        for value in values:
            read_certificate(state, {f["name"]: value})          # raises ValidationFailed if the engine refuses
        if f["name"] == "filing_status":
            assert set(values) <= set(_STATUS_ALIASES), state


@pytest.mark.parametrize("state", FORMS)
def test_a_filled_in_form_and_the_no_certificate_default_are_read_by_the_engine(state):
    form = state_form(state)
    typed = {}
    for f in form.fields:
        typed[f["name"]] = {"choice": f.get("choices", [[""]])[-1][0], "count": "1", "money": "5.00",
                            "bool": ""}[f["type"]]
    cert, issues = clean_state_certificate(form, typed)
    assert issues == [], (state, issues)
    read = read_certificate(state, cert)
    assert read.given and read.additional == (Decimal("5.00") if "additional" in cert else Decimal(0))
    default = dict(form.default)
    assert set(default) <= {f["name"] for f in form.fields}, state
    read_certificate(state, default)


def test_county_lists_are_complete():
    """MD: 23 counties and Baltimore City (MW507); IN: the WH-4's 92 county codes 01-92."""
    md = state_form("MD").field("county")["choices"]
    indiana = state_form("IN").field("county")["choices"]
    assert len(md) == 24 and ("BALTIMORE_CITY", "Baltimore City") in [tuple(c) for c in md]
    assert len(indiana) == 92 and indiana[0] == ["ADAMS", "01 Adams"] and indiana[48] == ["MARION", "49 Marion"]
    assert indiana[-1] == ["WHITLEY", "92 Whitley"]


def test_nj_w4_takes_a_rate_table_letter_and_names_a_bad_one():
    form = state_form("NJ")
    cert, issues = clean_state_certificate(form, {"filing_status": "married", "rate_table": "B", "allowances": "2"})
    assert issues == [] and cert["rate_table"] == "B" and read_certificate("NJ", cert).text["rate_table"] == "B"
    _, issues = clean_state_certificate(form, {"filing_status": "married", "rate_table": "F", "allowances": "x"})
    assert {(i.field, i.code) for i in issues} == {("rate_table", "invalid_choice"), ("allowances", "invalid_number")}


def test_a_count_above_the_forms_largest_is_named():
    """VA-4 line 1(b): one exemption each for age 65 and blindness, for you and your spouse (worksheet lines 5(a),
    5(b), 6(a), 6(b)), so at most 4."""
    form = state_form("VA")
    _, issues = clean_state_certificate(form, {"personal_exemptions": "3", "additional_allowances": "5"})
    assert [(i.field, i.code) for i in issues] == [("additional_allowances", "too_large")]
    cert, issues = clean_state_certificate(form, {"personal_exemptions": "3", "additional_allowances": "4"})
    assert issues == [] and (cert["personal_exemptions"], cert["additional_allowances"]) == (3, 4)


def test_the_nj_w4_rate_table_may_be_left_blank_and_is_then_left_out():
    """NJ-W4 line 3 is completed only by those who use the wage chart (basic instructions, line 2)."""
    cert, issues = clean_state_certificate(state_form("NJ"), {"filing_status": "single", "rate_table": ""})
    assert issues == [] and "rate_table" not in cert


def test_maryland_without_an_mw507_starts_from_one_exemption():
    """Md. Code, Tax-General § 10-910(b)(1)(ii): no certificate (or an invalid one) → 1 exemption."""
    assert dict(state_form("MD").default) == {"filing_status": "single", "allowances": 1}


def test_the_wh4_adopted_dependents_line_is_an_engine_key():
    cert, issues = clean_state_certificate(state_form("IN"), {"personal_exemptions": "1", "dependents": "0",
                                                              "adopted_dependents": "2", "county": "MARION"})
    assert issues == [] and read_certificate("IN", cert).counts["adopted_dependents"] == 2


def _tax(state: str, cert: dict | None, gross: str) -> Decimal:
    from payroll.engine.quote import quote

    payload = {"pay_date": "2026-12-11", "pay_frequency": "biweekly", "worker_type": "employee", "work_state": state,
               "residence_state": state, "earnings": [{"code": "salary", "amount": gross}],
               "w4": {"version": 2020, "filing_status": "single"}}
    if cert is not None:
        payload["state_certificates"] = {state: cert}
    return Decimal(next(t["amount"] for t in quote(payload)["employee_taxes"] if t["code"] == "state_income_tax"))


def test_a_saved_89_350_reaches_the_engine_as_its_dollar_exemption():
    """MS 89-350 line 6 (total exemption, dollars) is the engine's annual_allowance (Pub 89-700, flat 4%, rounded to
    the dollar). Biweekly $3,000: 78,000 - 2,300 standard - 10,000 zero-rate - 6,000 exemption = 59,700 x 4% =
    2,388 / 26 = 91.85 -> $92; without an 89-350: 78,000 - 12,300 = 65,700 x 4% = 2,628 / 26 = 101.08 -> $101."""
    cert, issues = clean_state_certificate(state_form("MS"), {"filing_status": "single", "annual_allowance": "6000"})
    assert issues == []
    assert _tax("MS", cert, "3000.00") == Decimal("92.00")
    assert _tax("MS", dict(state_form("MS").default), "3000.00") == Decimal("101.00")


def test_every_form_says_what_was_checked_or_was_on_main_before():
    """A form added here names, in `checked`, what was read and from where; the nine that were on main before
    are named in the data's `unconfirmed` note instead."""
    earlier = {"AZ", "CA", "IL", "IN", "KY", "MA", "MI", "NC", "NY"}
    unchecked = {state for state, form in DATA["forms"].items() if not form.get("checked")}
    assert unchecked <= earlier
    assert all(state in DATA["unconfirmed"][0] for state in earlier)


def test_a_saved_mo_w4_line_3_is_withheld_instead_of_the_formula():
    """MO W-4 line 3 (reduced withholding) is the engine's fixed_withholding: 'Enter the amount to be withheld instead
    of the standard calculation.' Biweekly $3,000 withholds $40.00 with line 3 of 40; with line 3 blank the 2026
    formula: 78,000 - 16,100 = 61,900; over 9,436: 263 + 4.7% x 52,464 (2,465.808) = 2,728.808 / 26 = 104.95 ->
    $105 (2026 bands: 1,348 wide, 2% to 4.5%, whole-dollar totals 27, 61, 101, 148, 202, 263)."""
    form = state_form("MO")
    cert, issues = clean_state_certificate(form, {"filing_status": "single", "fixed_withholding": "40.00"})
    assert issues == [] and cert["fixed_withholding"] == "40.00"
    assert _tax("MO", cert, "3000.00") == Decimal("40.00")
    blank, issues = clean_state_certificate(form, {"filing_status": "single", "fixed_withholding": ""})
    assert issues == [] and "fixed_withholding" not in blank
    assert _tax("MO", blank, "3000.00") == Decimal("105.00")


def test_a_saved_negative_l4_line_7_reduces_the_withholding():
    """L-4 line 7 as a decrease ('Decreases should be indicated as a negative amount') is the engine's reduction.
    Biweekly $3,000, single: 78,000 - 12,875 = 65,125 x 3.09% = 2,012.3625 / 26 = 77.398 -> 77.40; less 10.00 =
    67.40."""
    cert, issues = clean_state_certificate(state_form("LA"), {"filing_status": "single", "reduction": "10.00"})
    assert issues == [] and cert["reduction"] == "10.00"
    assert _tax("LA", cert, "3000.00") == Decimal("67.40")


def test_a_saved_nc4_nra_mark_reaches_the_engine():
    """NC-4 NRA: withheld as single plus NC-30's biweekly nonresident-alien amount $21 (2026). Biweekly $2,000,
    no allowances: 2,000 - 490.38 = 1,509.62 x 4.09% = 61.743 -> $62 (rounded to the dollar); with the mark $62 + $21
    = $83."""
    form = state_form("NC")
    cert, issues = clean_state_certificate(form, {"filing_status": "single", "allowances": "0",
                                                  "nonresident_alien": "on"})
    assert issues == [] and cert["nonresident_alien"] is True and read_certificate("NC", cert).nonresident_alien
    assert _tax("NC", cert, "2000.00") == Decimal("83.00")
    plain, _ = clean_state_certificate(form, {"filing_status": "single", "allowances": "0"})
    assert plain["nonresident_alien"] is False and _tax("NC", plain, "2000.00") == Decimal("62.00")
