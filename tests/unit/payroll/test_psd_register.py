"""Loading Pennsylvania's PSD register (DCED's PSD Codes and EIT Rates list, saved as CSV) into the PA local data:
every row checked and named, one earned income tax entry per PSD code, the hand-kept Philadelphia and Pittsburgh
entries left alone, and the loaded entries computing Act 32's higher-of rule."""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from click.testing import CliRunner

from payroll.cli_engine import paycheck
from payroll.engine.locals import LocalContext, Locality
from payroll.engine.locals import _pa_eit as pa_eit
from payroll.engine.locals.psd_register import merge_register, read_register
from payroll.engine.locals.rules import parse_locality

# Resident rates as the register prints them for three Adams County boroughs (a transcription of the DCED list:
# Abbottstown 1.50, Gettysburg 1.70, Littlestown 1.00); the nonresident column's 1.00 / 0.50 and the LST amounts
# are illustrative values for the parser, not register figures.
REGISTER = (
    "PSD Code,County,Municipality,School District Name,Total Resident EIT (percent),"
    "Municipal Non-Resident EIT (percent),LST\n"
    "010201,ADAMS,ABBOTTSTOWN BORO,CONEWAGO VALLEY S D,1.50,1.00,$52.00\n"
    "10404,ADAMS,GETTYSBURG BORO,GETTYSBURG AREA S D,1.70,0.50,$10.00\n"
    "010503,ADAMS,LITTLESTOWN BORO,LITTLESTOWN AREA S D,1.00,1.00,\n"
    "700102,ALLEGHENY,PITTSBURGH CITY,PITTSBURGH S D,3.00,1.00,$52.00\n")
PUBLISHED = date(2026, 1, 1)


def test_each_row_becomes_an_earned_income_tax_entry_with_its_rates_divided_by_100():
    entries, skipped, issues = read_register(REGISTER, PUBLISHED, "psd.csv", keep=frozenset({"700102"}))
    assert issues == [] and skipped == ["700102"]
    eit = {e["code"]: e["rates"] for e in entries if e["method"] == "pa_eit"}
    assert eit == {"PA-010201": {"resident": "0.015", "nonresident": "0.01"},
                   "PA-010404": {"resident": "0.017", "nonresident": "0.005"},
                   "PA-010503": {"resident": "0.01", "nonresident": "0.01"}}
    lst = {e["code"]: e["params"] for e in entries if e["method"] == "pa_lst"}
    # Act 7: an LST over $10 must exempt earned income under $12,000; $10 needs no exemption
    assert lst == {"PA-LST-010201": {"annual_amount": "52.00", "low_income_exemption": "12000"},
                   "PA-LST-010404": {"annual_amount": "10.00"}}
    for i, e in enumerate(entries):
        parse_locality(e, "PA", 2026, f"entries[{i}]")       # valid local data


def test_a_bad_row_refuses_the_whole_file_naming_row_and_column():
    bad = REGISTER + "12345678,ADAMS,X TWP,Y S D,1.0,1.0,\n010201,ADAMS,DUP,Z S D,9.5,1,\n"
    entries, _, issues = read_register(bad, PUBLISHED, "psd.csv")
    assert entries == []
    assert {i.field for i in issues} == {"row 6.psd_code", "row 7.psd_code"}
    _, _, issues = read_register("PSD Code,County,Municipality\n", PUBLISHED, "psd.csv")
    assert {i.field for i in issues} == {"columns.resident", "columns.nonresident"}


def test_act_32_withholds_the_higher_of_the_home_and_the_work_places_rates_from_loaded_entries():
    """A Littlestown resident (1.00%) working in Abbottstown (nonresident 1.00%): the resident rate is not below it,
    so 1.00% of $1,000.00 = $10.00 to Littlestown. A Gettysburg resident (1.70%) working there: $17.00."""
    entries, _, _ = read_register(REGISTER, PUBLISHED, "psd.csv")
    rules = {e["code"]: parse_locality(e, "PA", 2026, e["code"]) for e in entries}
    ctx = LocalContext(pay_date=date(2026, 3, 6), periods_per_year=52, residence=Locality("PA", psd_code="010503"),
                       work=Locality("PA", psd_code="010201"), gross=Decimal("1000"))
    [line] = pa_eit(rules["PA-010503"], rules["PA-010201"], ctx)
    assert (line.locality, line.amount) == ("PA-010503", Decimal("10.00"))
    [line] = pa_eit(rules["PA-010404"], rules["PA-010201"], ctx)
    assert (line.locality, line.amount) == ("PA-010404", Decimal("17.00"))


def test_the_command_merges_into_the_data_keeping_the_hand_kept_entries(tmp_path):
    target = tmp_path / "PA.json"
    pittsburgh = {"code": "PA-700102", "name": "Pittsburgh", "match": {"psd_codes": ["700102"]},
                  "publication": "City of Pittsburgh / Pittsburgh School District earned income tax"}
    target.write_text(json.dumps({"state": "PA", "tax_year": 2026, "localities": [pittsburgh]}))
    csv_file = tmp_path / "psd.csv"
    csv_file.write_text(REGISTER)
    args = ["load-psd-register", "--year", "2026", "--file", str(csv_file), "--published", "2026-01-01",
            "--output", str(target)]
    dry = CliRunner().invoke(paycheck, args + ["--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "3 PSD codes with their EIT rates, 2 Local Services Taxes; kept as they are" in dry.output
    assert json.loads(target.read_text())["localities"] == [pittsburgh]
    done = CliRunner().invoke(paycheck, args)
    assert done.exit_code == 0, done.output
    codes = [e["code"] for e in json.loads(target.read_text())["localities"]]
    assert codes == ["PA-700102", "PA-010201", "PA-LST-010201", "PA-010404", "PA-LST-010404", "PA-010503"]
    again = CliRunner().invoke(paycheck, args)         # loading the same register twice replaces, never doubles
    assert [e["code"] for e in json.loads(target.read_text())["localities"]] == codes, again.output
    refused = CliRunner().invoke(paycheck, args[:-2] + ["--published", "1 Jan 2026"])
    assert refused.exit_code == 2 and "published" in refused.output


def test_merge_replaces_an_earlier_load_of_the_same_code():
    data = {"localities": [{"code": "PA-010201", "rates": {"resident": "0.01"}}]}
    merged = merge_register(data, [{"code": "PA-010201", "rates": {"resident": "0.015"}}])
    assert merged["localities"] == [{"code": "PA-010201", "rates": {"resident": "0.015"}}]


def test_a_copy_of_the_register_read_elsewhere_is_replaced_by_the_register_itself():
    """An entry marked `register_copy` (figures quoted from the register by a third party) is not hand-kept: the
    DCED file's own row for that PSD code replaces it; Pittsburgh's hand-kept entry stays."""
    from payroll.engine.locals.psd_register import hand_kept
    copy = {"code": "PA-010201", "match": {"psd_codes": ["010201"]}, "publication": "HireTaxNexus ...",
            "rates": {"resident": "0.014"}, "register_copy": True}
    pittsburgh = {"code": "PA-700102", "match": {"psd_codes": ["700102"]}, "publication": "City of Pittsburgh"}
    data = {"localities": [pittsburgh, copy]}
    assert hand_kept(data) == frozenset({"700102"})
    entries, skipped, _ = read_register(REGISTER, PUBLISHED, "psd.csv", hand_kept(data))
    merged = {e["code"]: e for e in merge_register(data, entries)["localities"]}
    assert skipped == ["700102"] and merged["PA-700102"] is pittsburgh
    assert merged["PA-010201"]["rates"] == {"resident": "0.015", "nonresident": "0.01"}


def test_the_loader_runs_without_the_web_app():
    """`backoffice paycheck load-psd-register` writes a data file and needs no database: the console script runs
    it without building the app (no secrets needed), as it does `paycheck quote` and `paycheck states`."""
    from backoffice.entry import APP_FREE
    assert APP_FREE[("paycheck", "load-psd-register")] == ("payroll.cli_engine", "load_psd_register_cmd")
