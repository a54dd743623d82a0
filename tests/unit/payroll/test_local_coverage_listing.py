"""`backoffice paycheck states --year Y --locals`: every local tax in the year's data with its status, and the
places refused by rule or not in the data, so no local gap is silent."""
from __future__ import annotations

import csv
import io
import json

from click.testing import CliRunner

from payroll.cli_engine import paycheck


def _run(*args):
    out = CliRunner().invoke(paycheck, ["states", *args])
    assert out.exit_code == 0, out.output
    return out.output


def test_the_locals_table_lists_every_local_tax_and_says_which_are_refused():
    text = _run("--year", "2026", "--locals")
    assert "MI-GRAND-RAPIDS" in text and "OH-SD" in text and "NYC" in text
    philadelphia = [line for line in text.splitlines() if line.startswith("PA-510101")]
    # two dated versions, both computed since session 23 (FY2026 to June 30, FY2027 from July 1, 2026)
    assert len(philadelphia) == 2 and all("supported" in line for line in philadelphia)
    assert "to 2026-06-30" in philadelphia[0] and "2026-07-01 to" in philadelphia[1]
    assert "Refused by rule" in text and "PA: a home or work site in Pennsylvania without a PSD code" in text
    assert "Not in the data" in text and "AL: city and county occupational taxes" in text
    # session 23: the whole of 2026 is at 1% (the 2021 renewal runs to December 31, 2026; RSMo 92.115.3)
    assert [line.split()[3] for line in text.splitlines() if line.startswith("MO-KANSAS-CITY")] == ["supported"]
    assert "(2026)" in text.splitlines()[-1]


def test_the_locals_json_has_the_rows_the_rules_and_the_gaps():
    data = json.loads(_run("--year", "2025", "--locals", "--format", "json"))
    assert data["tax_year"] == 2025
    lane = next(r for r in data["localities"] if r["code"] == "OR-LTD")
    assert lane["status"] == "refused" and "not found" in lane["reason"]
    michigan = {r["name"] for r in data["localities"] if r["state"] == "MI"}
    assert len(michigan) == 24
    assert {r["state"] for r in data["refused_by_rule"]} >= {"PA", "OH", "IN", "NY"}
    # Colorado's occupational privilege taxes are in the data now (session 12): no longer listed as missing
    assert not any(r["state"] == "CO" for r in data["not_in_data"])
    assert any(r["code"] == "CO-DENVER-OPT" for r in data["localities"])
    assert any(r["state"] == "AL" for r in data["not_in_data"])
    assert not any(r["state"] == "MO" for r in data["not_in_data"])


def test_the_locals_csv_has_one_row_per_version():
    rows = list(csv.DictReader(io.StringIO(_run("--year", "2026", "--locals", "--format", "csv"))))
    codes = [r["code"] for r in rows]
    assert codes.count("PA-510101") == 2
    # 2026: nothing in the data is refused any more (session 23); 2025 still has refused versions (Lane Transit)
    assert {r["status"] for r in rows} == {"supported"}
    assert all(r["publication"] for r in rows)
    rows_2025 = list(csv.DictReader(io.StringIO(_run("--year", "2025", "--locals", "--format", "csv"))))
    assert {r["status"] for r in rows_2025} == {"supported", "refused"}
    assert next(r for r in rows_2025 if r["code"] == "OR-LTD")["status"] == "refused"


def test_the_states_listing_without_locals_is_unchanged():
    assert "jurisdictions (2026)" in _run("--year", "2026")
