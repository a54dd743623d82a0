"""A state's coverage row and its paycheck line do not call a local tax "not modelled" or "not computed" when the
local data computes it (issue 15's acceptance audit, session 24: the NY line of a New York City resident said "New
York City and Yonkers ... are not computed here (out of scope)" beside the NYC line, and `paycheck states` listed
Detroit, the Indiana counties, Kansas City and St. Louis and New York City under "not modelled")."""
from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from payroll.engine.quote import quote

DATA = Path(__file__).resolve().parents[3] / "payroll" / "engine" / "data"

# (state, a local tax the year's local data computes, as the state file named it)
COMPUTED_LOCALLY = [("NY", "New York City"), ("NY", "Yonkers"), ("MI", "Detroit"), ("MI", "Michigan city income"),
                    ("IN", "county income tax"), ("MO", "Kansas City"), ("MO", "St. Louis"), ("OR", "TriMet"),
                    ("OR", "transit")]


def _state(year: int, state: str) -> dict:
    return json.loads((DATA / str(year) / "states" / f"{state}.json").read_text())


def _local_names(year: int, state: str) -> str:
    return (DATA / str(year) / "locals" / f"{state}.json").read_text()


@pytest.mark.parametrize("year", [2025, 2026])
@pytest.mark.parametrize("state, name", COMPUTED_LOCALLY)
def test_a_local_tax_the_local_data_computes_is_not_listed_as_not_modelled(year, state, name):
    assert name.split()[0] in _local_names(year, state), "the local data holds it"
    assert not [n for n in _state(year, state)["not_modelled"] if name in n]
    assert not [n for n in _state(year, state)["notes"] + _state(year, state)["not_modelled"]
                if "not computed here" in n or "out of scope" in n or "local taxes, elsewhere" in n]


def test_a_new_york_city_residents_state_line_points_to_the_city_line_beside_it():
    """NYS-50-T-NYS (1/26) single example 1: weekly $400, 3 exemptions: 400 - 200.05 = 199.95; over $163:
    6.38 + 4.40% x 36.95 = 8.0058 -> $8.01. NYS-50-T-NYC (1/26) p. 27 example, the same worker: Table A 153.90 ->
    246.10; line 3: (246.10 - 167) x 3.25% = 2.57 + 3.54 = $6.11. The state line says the city tax is its own line."""
    got = quote({"pay_date": "2026-06-05", "pay_frequency": "weekly", "worker_type": "employee",
                 "work_state": "NY", "residence_state": "NY", "earnings": [{"code": "salary", "amount": "400"}],
                 "state_certificates": {"NY": {"filing_status": "single", "allowances": 3}},
                 "residence_locality": {"state": "NY", "city": "New York"},
                 "work_locality": {"state": "NY", "city": "New York"}})
    lines = {t["code"]: t for t in got["employee_taxes"]}
    assert Decimal(lines["state_income_tax"]["amount"]) == Decimal("8.01")
    assert Decimal(lines["local_income_tax"]["amount"]) == Decimal("6.11")
    words = " ".join(lines["state_income_tax"]["explanation"])
    assert "not computed" not in words and "out of scope" not in words
    assert "New York City and Yonkers withholding are computed as their own local lines" in words
