"""SUTA new-employer rates in payroll/engine/data/<year>/suta_wage_bases.json, read through
payroll.engine.states.suta_new_employer_rate. Each spot value names its source in the test id."""
import json
from decimal import Decimal as D

import pytest

from payroll.engine.states import UnsupportedState, suta_new_employer_rate, suta_wage_base
from payroll.engine.states.rules import DATA_ROOT

STATES = ("AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND "
          "OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY").split()


def _raw(year):
    return json.loads((DATA_ROOT / str(year) / "suta_wage_bases.json").read_text(encoding="utf-8"))["wage_bases"]


def test_every_jurisdiction_has_a_2026_new_employer_rate_with_a_source():
    """2026: all 51 answer; the rate is a plausible fraction (no state's new-employer rate exceeds 5.4% outside
    construction) and every entry names its source."""
    raw = _raw(2026)
    for state in STATES:
        rate = suta_new_employer_rate(state, 2026)
        assert D("0.005") <= rate <= D("0.054"), state
        assert raw[state]["new_employer_rate"]["source"], state


@pytest.mark.parametrize("year", [2025, 2026])
def test_reader_agrees_with_the_file_for_every_state(year):
    """The reader returns exactly the file's string as a Decimal, or refuses (naming the state) where null."""
    raw = _raw(year)
    for state in STATES:
        entry = raw[state]["new_employer_rate"]
        if entry is None:
            with pytest.raises(UnsupportedState, match=state):
                suta_new_employer_rate(state, year)
        else:
            assert suta_new_employer_rate(state, year) == D(entry["rate"])
            assert suta_new_employer_rate(state.lower(), year) == D(entry["rate"])
        assert suta_wage_base(state, year) >= D("7000")


@pytest.mark.parametrize("state, year, rate", [
    pytest.param("HI", 2025, "0.024", id="HI-2025-labor.hawaii.gov-schedule-C-new-employers-2.40pct"),
    pytest.param("OR", 2025, "0.024", id="OR-2025-oregon.gov-Tax-Schedule-III-base-rate-2.4pct"),
    pytest.param("AL", 2025, "0.027", id="AL-2025-dominionpayroll-standard-new-employer-2.70pct"),
    pytest.param("CT", 2025, "0.022", id="CT-2025-new-employer-table-2.2pct"),
    pytest.param("NC", 2025, "0.01", id="NC-2025-paycheckcity-1.0pct"),
    pytest.param("TX", 2025, "0.027", id="TX-2025-TWC-greater-of-2.7pct-or-NAICS-average"),
    pytest.param("KS", 2025, "0.0175", id="KS-2025-HB2570-ThomasCo-1.75pct"),
    pytest.param("MA", 2025, "0.0213", id="MA-2025-Dayforce-2025-04-2.13pct"),
    pytest.param("RI", 2025, "0.0121", id="RI-2025-DLT-via-PBN-1.21pct"),
    pytest.param("RI", 2026, "0.0121", id="RI-2026-DLT-18Dec2025-1.21pct-incl-JDA"),
    pytest.param("MD", 2026, "0.026", id="MD-2026-BloombergTax-TableA-2.6pct"),
    pytest.param("CA", 2026, "0.034", id="CA-2026-beancount-EDD-3.4pct"),
    pytest.param("PA", 2026, "0.03822", id="PA-2026-beancount-non-construction-3.822pct"),
    pytest.param("NJ", 2026, "0.028", id="NJ-2026-caretax-2.8pct"),
    pytest.param("WI", 2026, "0.0305", id="WI-2026-caretax-3.05pct"),
    pytest.param("DE", 2026, "0.018", id="DE-2026-caretax-1.8pct"),
    pytest.param("NY", 2026, "0.04025", id="NY-2026-BloombergTax-4.1pct-total-less-0.075pct-RSF"),
    pytest.param("NY", 2025, "0.04025", id="NY-2025-dol.ny.gov-UI-rate-4.025pct-plus-RSF-is-4.1pct"),
    pytest.param("PA", 2025, "0.03822", id="PA-2025-pa.gov-2023-and-thereafter-3.822pct"),
    pytest.param("ID", 2025, "0.01", id="ID-2025-Idaho-governor-13Dec2024-remains-1.0pct"),
    pytest.param("AR", 2025, "0.019", id="AR-2025-ThomasCo-remains-1.9pct"),
    pytest.param("IN", 2025, "0.025", id="IN-2025-in.gov-DWD-new-employer-2.5pct"),
    pytest.param("NM", 2025, "0.01", id="NM-2025-ThomasCo-greater-of-industry-average-or-1pct"),
    pytest.param("NV", 2025, "0.0295", id="NV-2025-NRS-612.540-2.95pct"),
    pytest.param("AZ", 2025, "0.02", id="AZ-2025-new-employer-table-2.0pct"),
    pytest.param("IL", 2025, "0.0353", id="IL-2025-new-employer-table-3.53pct"),
    pytest.param("KY", 2025, "0.027", id="KY-2025-new-employer-table-2.7pct"),
    pytest.param("MI", 2025, "0.027", id="MI-2025-new-employer-table-2.7pct"),
    pytest.param("MA", 2025, "0.0213", id="MA-2025-mass.gov-as-of-2025-new-employers-2.13pct"),
    pytest.param("GA", 2025, "0.0264", id="GA-2025-2.70pct-less-OCGA-34-8-181-0.06pct-assessment"),
    pytest.param("VA", 2025, "0.025", id="VA-2025-Code-60.2-526B-2.5pct"),
    pytest.param("ND", 2025, "0.0103", id="ND-2025-BloombergTax-positive-balance-1.03pct"),
    pytest.param("OK", 2025, "0.015", id="OK-2025-OESC-newly-established-1.5pct"),
    pytest.param("NE", 2025, "0.0125", id="NE-2025-dol.nebraska.gov-non-construction-1.25pct"),
    pytest.param("SC", 2025, "0.01", id="SC-2025-dew.sc.gov-class-12-or-1pct-floor"),
    pytest.param("MO", 2025, "0.02376", id="MO-2025-MoDOL-unchanged-2.376pct"),
    pytest.param("VT", 2025, "0.01", id="VT-2025-VDOL-most-employers-1pct"),
])
def test_spot_new_employer_rates(state, year, rate):
    assert suta_new_employer_rate(state, year) == D(rate)


def test_a_year_without_a_file_refuses():
    with pytest.raises(UnsupportedState, match="CA"):
        suta_new_employer_rate("CA", 2019)


@pytest.mark.parametrize("state", ["NJ", "TN", "NH"])
def test_2025_rates_that_change_within_the_year_stay_refused(state):
    """NJ sets rates by fiscal year (new employers 3.1% incl. 0.1175% workforce funds to 30 Jun 2025, a lower column
    from 1 Jul 2025), TN sets its new-employer rate July to June (2.7% to 30 Jun 2025, the later rate not yet published
    per Bloomberg Tax, Jul 2025) and NH subtracts a quarterly trust-fund reduction from 2.7%: one calendar-year figure
    would be wrong for part of 2025, so the reader refuses rather than guess."""
    with pytest.raises(UnsupportedState, match=state):
        suta_new_employer_rate(state, 2025)
