"""State data files: every file names its source, the supported lists, SUTA wage bases, and invariants (hypothesis)."""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import assume, given, reject, settings
from hypothesis import strategies as st

from backoffice.geo import STATES
from payroll.engine.states import (UnsupportedState, compute_state_taxes, partially_supported_states,
                                   supported_states, suta_new_employer_rate, suta_wage_base)
from payroll.engine.states.rules import DATA_ROOT, rules_for_year, versions_for_year

try:  # the folder may or may not be a package
    from .test_state_helpers import ctx
except ImportError:
    from test_state_helpers import ctx

D = Decimal
NO_TAX = {"AK", "FL", "NV", "NH", "SD", "TN", "TX", "WA", "WY"}
BATCH_STA = {"AL", "AR", "DE", "HI", "CT", "DC"}
BATCH_STB = {"KS", "ME", "MN", "MO", "MT", "ND"}
BATCH_STC = {"NE", "NJ", "NM", "OK", "OR", "RI"}
GAPA_2025 = {"CO", "MS", "GA", "NY"}   # GA 2025 in two versions (5.39% to 30 June, 5.19% from 1 July); NY on NYS-50-T-NYS (1/23)
BATCH_STD = {"SC", "VA", "VT", "WI", "WV", "MD"}


def test_supported_states_2026():
    assert supported_states(2026) == NO_TAX | {"CA", "NY", "PA", "KY", "IN", "NC", "AZ", "IL", "MI", "CO", "LA", "MS", "IA", "OH", "MA", "GA", "ID"} | BATCH_STD | BATCH_STC | BATCH_STA | BATCH_STB


def test_partly_supported_states():
    """Tables that change mid-year: state -> the pay-date ranges the data covers (None = open end)."""
    # OH 2025: every pay date (the July 2024 tables to 30 September, the October 2025 tables after), but listed
    # because quarterly, semiannual and annual payrolls are refused before October (no annual formula read).
    assert partially_supported_states(2025) == {"UT": ((None, date(2025, 5, 31)), (date(2025, 7, 1), None)),
                                                "OH": ((None, date(2025, 9, 30)), (date(2025, 10, 1), None))}
    assert partially_supported_states(2026) == {"UT": ((None, date(2026, 5, 31)), (date(2026, 7, 1), None))}


def test_supported_states_2025():
    assert supported_states(2025) == NO_TAX | {"CA", "PA", "KY", "IN", "NC", "AZ", "IL", "LA", "MI", "IA", "MA"} | GAPA_2025 | BATCH_STD | BATCH_STC | BATCH_STA | BATCH_STB | {"ID"}


def test_no_data_year_supports_nothing():
    assert supported_states(2019) == frozenset()


@pytest.mark.parametrize("year", [2025, 2026])
def test_every_state_file_names_its_publication_and_year(year):
    for path in sorted((DATA_ROOT / str(year) / "states").glob("*.json")):
        raw = json.loads(path.read_text())
        assert raw["state"] == path.stem.partition("@")[0] and raw["tax_year"] == year
        assert raw["publication"].strip()
        assert isinstance(raw.get("unconfirmed", []), list)
        if raw.get("income_tax"):
            assert raw["source_url"].startswith("https://"), path
        else:
            assert raw.get("unsupported"), f"{path}: a file without income-tax rules must say why"


@pytest.mark.parametrize("year", [2025, 2026])
def test_every_state_file_states_its_confidence(year):
    """Each file says how far its figures are checked (issue 15): an "example" file lists the publication's worked
    examples its tests reproduce; an "unconfirmed" file says in `unconfirmed` where its figures came from."""
    for path in sorted((DATA_ROOT / str(year) / "states").glob("*.json")):
        raw = json.loads(path.read_text())
        assert raw.get("confidence") in ("example", "formula", "unconfirmed"), path
        assert isinstance(raw.get("examples"), list) and isinstance(raw.get("not_modelled"), list), path
        if raw["confidence"] == "example":
            assert raw["examples"], f"{path}: confidence 'example' but no examples listed"
        if raw["confidence"] == "unconfirmed" and raw.get("income_tax"):
            assert raw.get("unconfirmed"), f"{path}: unconfirmed figures must say where they came from"


@pytest.mark.parametrize("year", [2025, 2026])
def test_rules_parse_once_and_are_cached(year):
    assert rules_for_year(year) is rules_for_year(year)


@pytest.mark.parametrize("state, year, amount", [
    ("CA", 2026, "7000"), ("CO", 2026, "30600"), ("AK", 2026, "54200"), ("IL", 2026, "14250"),
    ("DE", 2026, "14500"), ("IA", 2026, "20400"), ("DC", 2026, "9000"), ("FL", 2026, "7000"),
    ("CO", 2025, "27200"), ("IL", 2025, "13916"), ("CT", 2025, "26100"), ("AK", 2025, "51700"),
    ("NY", 2026, "17600"), ("PA", 2026, "10000"), ("TX", 2026, "9000"), ("NY", 2025, "12800"),
    ("WA", 2025, "72800"), ("NC", 2025, "32600"), ("KY", 2025, "11700"), ("NV", 2025, "41800"),
])
def test_suta_wage_bases_from_the_file(state, year, amount):
    """Figures as published in the 2025/2026 wage-base notices quoted in suta_wage_bases.json."""
    assert suta_wage_base(state, year) == D(amount)
    assert suta_wage_base(state.lower(), year) == D(amount)


@pytest.mark.parametrize("year", [2025, 2026])
def test_suta_file_lists_all_51_jurisdictions_with_a_source(year):
    raw = json.loads((DATA_ROOT / str(year) / "suta_wage_bases.json").read_text())
    assert set(raw["wage_bases"]) == set(STATES)
    assert all(entry["source"] for entry in raw["wage_bases"].values())


@pytest.mark.parametrize("state, year, amount", [
    ("MI", 2025, "9000"), ("MI", 2026, "9000"), ("KS", 2026, "15100"), ("WA", 2026, "78200"),
    ("NJ", 2026, "44800"), ("LA", 2026, "7000"), ("OR", 2026, "56700"), ("UT", 2026, "50700"),
    ("WV", 2026, "9500"), ("WY", 2026, "33800"), ("RI", 2026, "30800"), ("VA", 2026, "8000"),
])
def test_suta_wage_bases_added_from_2026_notices(state, year, amount):
    """MI: UIA Employer Advisor (Feb 2025: $9,000 for qualifying employers; Nov 2025: unchanged for 2026).
    The 2026 figures for the other states are the TaxLocus 2026 data set (cross-checked where the file says so)."""
    assert suta_wage_base(state, year) == D(amount)


@pytest.mark.parametrize("year", [2025, 2026])
def test_every_jurisdiction_has_a_suta_base(year):
    """No state is left unconfirmed for 2025 or 2026 any more: each one answers with an amount."""
    for state in STATES:
        assert suta_wage_base(state, year) > D("6999")


@pytest.mark.parametrize("state, year", [("CA", 2019), ("WA", 2024)])
def test_unconfirmed_suta_base_raises_naming_the_state(state, year):
    with pytest.raises(UnsupportedState, match=state):
        suta_wage_base(state, year)


COVERED_2026 = sorted(supported_states(2026))
# Annual wages at which a publication's own figures step down: Oregon's table for $50,000 or more drops the $263
# its under-$50,000 table carries (Withholding Tax Formulas 150-206-436).
PUBLISHED_STEPS = {"OR": (D("50000"),)}
money = st.decimals(min_value=D("0"), max_value=D("60000"), places=2, allow_nan=False, allow_infinity=False)


@settings(max_examples=150, deadline=None)
@given(state=st.sampled_from(COVERED_2026), gross=money, extra=money,
       periods=st.sampled_from([1, 4, 12, 24, 26, 52, 260]),
       status=st.sampled_from(["single", "married", "head_of_household"]), allowances=st.integers(0, 6),
       supplemental_share=st.sampled_from([D("0"), D("0.25"), D("1")]))
def test_withholding_is_never_negative_and_never_falls_when_pay_rises(state, gross, extra, periods, status,
                                                                       allowances, supplemental_share):
    """For the same certificate, more wages never mean less state withholding, and no line is negative (away from
    the annual wages where a publication switches tables and its figures step down: OR at $50,000)."""
    for step in PUBLISHED_STEPS.get(state, ()):
        assume(not gross * periods < step <= (gross + extra) * periods)
    cert = {state: {"filing_status": status, "allowances": allowances}}
    if state == "CT":   # a CT-W4 gives a withholding code; a married one must (A, C or D)
        cert[state]["withholding_code"] = {"single": "F", "married": "C", "head_of_household": "B"}[status]
    low = ctx(state, periods=periods, gross=str(gross), supplemental=str((gross * supplemental_share).quantize(
        D("0.01"))), certificate=cert)
    high = ctx(state, periods=periods, gross=str(gross + extra), supplemental=str(low.supplemental),
               certificate=cert)
    try:
        low_lines = compute_state_taxes(low)
        high_lines = compute_state_taxes(high)
    except UnsupportedState:
        # A stated refusal is the engine's answer where the publication does not decide (e.g. Massachusetts'
        # supplemental wages when the year's wages may pass the 4% surtax threshold): no figure to compare here
        reject()
    assert all(line.amount >= 0 and line.amount == line.amount.quantize(D("0.01")) for line in low_lines)
    income = {(l.code, l.state): l.amount for l in low_lines}
    income_high = {(l.code, l.state): l.amount for l in high_lines}
    assert income_high[("state_income_tax", state)] >= income[("state_income_tax", state)]


@settings(max_examples=60, deadline=None)
@given(gross=money, ytd=st.decimals(min_value=D("0"), max_value=D("300000"), places=2))
def test_capped_programs_never_exceed_the_annual_base(gross, ytd):
    """WA PFML over a year: premium on this pay is at most rate x what is left under the $184,500 base."""
    line = {l.code: l.amount for l in compute_state_taxes(ctx("WA", gross=str(gross), ytd=str(ytd)))}
    room = max(D(0), D("184500") - ytd)
    assert line["state_pfml"] <= (min(gross, room) * D("0.00807159")).quantize(D("0.01")) + D("0.005")


@pytest.mark.parametrize("year", [2025, 2026])
def test_rate_tables_are_internally_consistent(year):
    """A transcription check independent of the code: each row's base tax must equal the previous row's base plus
    the previous rate on the bracket width. EDD prints CA bases to the cent; NYS-50-T-NYS prints whole-dollar
    add-ons (and folds recapture into some rows), so NY rows may differ by a few dollars but not more
    (a mistyped rate, like a 5.50% for 5.15%, moves the next base by tens of dollars)."""
    tolerance = {"CA": D("0.005"), "NY": D("3"), "OH": D("0.01")}   # OH prints per-period bases to the cent
    tolerance.update({s: D("0.005") for s in BATCH_STD})   # SC VA VT WI WV MD: bases printed (or derived) to the cent
    tolerance.update({s: D("0.01") for s in ("NE", "NJ", "NM", "OK", "RI")})   # bases printed to the cent
    tolerance["OR"] = D("0.5")      # Oregon's formula tables print whole-dollar bases
    tolerance["HI"] = D("0.5")      # Booklet A prints whole-dollar bases
    # MN and ND print annual bases to the cent; MT 2025 and MO 2025 bases are kept as the exact products (MT's 2026
    # per-period tables print whole-dollar A amounts rounded up, e.g. $187 for 4.7% x $3,958 = $186.03); Maine prints
    # whole-dollar bases (26,800 x 5.8% = 1,554.40 -> $1,554), and so does Missouri's 2026 formula (each band's
    # tax rounded, then summed: 26.96 -> 27, 33.70 -> 34, 40.44 -> 40, ... = $263), within 50 cents a row; Kansas
    # prints per-period bases rounded from the annual ones (weekly $23.00 for 5.2% x (512 - 69) = $23.04).
    tolerance.update({"MN": D("0.005"), "ND": D("0.005"), "MT": D("1"), "MO": D("0.5"), "ME": D("1"), "KS": D("0.05")})
    for state, rules in ((s, r) for s, vs in versions_for_year(year).items() for r in vs):
        if not rules.income_tax or not rules.income_tax.tables:
            continue
        for status, table in rules.income_tax.tables.items():
            for i in range(len(table.overs) - 1):
                expected = table.bases[i] + (table.overs[i + 1] - table.overs[i]) * table.rates[i]
                assert abs(table.bases[i + 1] - expected) <= tolerance.get(state, D("0.005")), (
                    state, status, table.overs[i + 1])


@pytest.mark.parametrize("state, year, expected", [("CA", 2026, "0.034"), ("FL", 2026, "0.027"), ("PA", 2026, "0.03822"),
                                                   ("NC", 2025, "0.01")])
def test_suta_new_employer_rate_where_confirmed(state, year, expected):
    """New-employer SUTA rates read from the sources named in suta_wage_bases.json (e.g. CA 3.4%, PA 3.822%)."""
    assert suta_new_employer_rate(state, year) == D(expected)


@pytest.mark.parametrize("year", [2025, 2026])
def test_suta_file_lists_a_new_employer_rate_or_null_for_every_jurisdiction(year):
    """Every one of the 51 jurisdictions carries the key: a rate with its source, or null (not confirmed), which is
    refused rather than guessed."""
    raw = json.loads((DATA_ROOT / str(year) / "suta_wage_bases.json").read_text())["wage_bases"]
    assert set(raw) == set(STATES)
    for state, entry in raw.items():
        assert "new_employer_rate" in entry, state
        if entry["new_employer_rate"] is None:
            with pytest.raises(UnsupportedState, match=state):
                suta_new_employer_rate(state, year)
        else:
            assert entry["new_employer_rate"]["source"].strip()
