"""`backoffice leave accrue` and `backoffice leave policies` as the console script runs them (a subprocess, stdin
and files, one object or a list), without building the web app."""
from __future__ import annotations

import json
import subprocess
import sys

CA = {"jurisdiction": "CA", "employer_size": 30, "hire_date": "2026-01-05", "policy_year_start": "2026-01-01",
      "balance_before": "0", "accrued_this_year_before": "0", "used_this_year_before": "0",
      "hours": [{"date": "2026-01-05", "hours": "8"}, {"date": "2026-01-06", "hours": "8"},
                {"date": "2026-01-07", "hours": "8"}, {"date": "2026-01-08", "hours": "8"},
                {"date": "2026-01-09", "hours": "13"}]}
NY_SMALL = {"jurisdiction": "NY", "employer_size": 3, "hire_date": "2025-01-06", "policy_year_start": "2026-01-01",
            "balance_before": "39", "accrued_this_year_before": "39", "used_this_year_before": "0",
            "hours": [{"date": f"2026-05-0{d}", "hours": "12"} for d in range(4, 9)]}
PROBE = ("import sys\nfrom backoffice.entry import run\ntry:\n    run(sys.argv[1:])\nexcept SystemExit as e:\n"
         "    print('exit', e.code, 'app' if 'backoffice.app' in sys.modules else 'no-app', file=sys.stderr)\n")


def _cli(*args, stdin=""):
    return subprocess.run([sys.executable, "-c", PROBE, "leave", *args], input=stdin, capture_output=True,
                          text=True, timeout=120)


def test_one_object_on_stdin_gives_the_issues_fields_without_the_app():
    """CA: 8 × 4 + 13 = 45 h ÷ 30 = 1.5 h; usable from January 5 + 89 days = April 4, 2026 (Lab. Code §246(c))."""
    out = _cli("accrue", "--input", "-", stdin=json.dumps(CA))
    assert out.stderr.strip() == "exit 0 no-app", out.stderr
    body = json.loads(out.stdout)
    assert {k: body[k] for k in ("accrued", "balance", "capped", "usable_from")} == {
        "accrued": "1.5", "balance": "1.5", "capped": False, "usable_from": "2026-04-04"}
    assert any("§246(b)(1)" in line for line in body["explanation"])


def test_a_list_from_a_file_gives_a_list_with_the_cap_reported(tmp_path):
    """NY, 3 employees: 40 h unpaid a year (§196-b(1)(a)); 39 accrued, 60 h would earn 2, the cap leaves 1."""
    path = tmp_path / "many.json"
    path.write_text(json.dumps([CA, NY_SMALL]))
    out = _cli("accrue", "--input", str(path))
    assert out.stderr.strip() == "exit 0 no-app", out.stderr
    ca, ny = json.loads(out.stdout)
    assert ca["accrued"] == "1.5"
    assert (ny["accrued"], ny["balance"], ny["capped"], ny["paid"], ny["tier"]) == ("1", "40", True, False,
                                                                                      "0-4 employees")


def test_a_bad_item_refuses_the_list_with_exit_2_naming_the_field():
    bad = dict(CA, hire_date="2026-02-30", hours=[{"date": "2026-01-05", "hours": "eight"}])
    out = _cli("accrue", "--input", "-", stdin=json.dumps([CA, bad]))
    assert out.stdout == "" and out.stderr.strip().endswith("exit 2 no-app")
    body = json.loads(out.stderr[:out.stderr.rindex("}") + 1])
    assert body["error"] == "validation_failed" and body["field"] == "[1].hire_date"
    assert {i["field"] for i in body["issues"]} == {"[1].hire_date", "[1].hours[0]"}


def test_an_unknown_jurisdiction_exits_2_with_the_reason():
    out = _cli("accrue", "--input", "-", stdin=json.dumps(dict(CA, jurisdiction="XX")))
    assert out.stderr.strip().endswith("exit 2 no-app")
    assert json.loads(out.stderr[:out.stderr.rindex("}") + 1])["error"] == "unknown_jurisdiction"


def test_policies_lists_every_jurisdiction_version_and_tier_with_sources():
    """New York has three size tiers (§196-b(1)); California two dated versions (2015 text and SB 616)."""
    out = _cli("policies", "--format", "json")
    assert out.stderr.strip() == "exit 0 no-app", out.stderr
    rows = json.loads(out.stdout)
    assert [r["tier"] for r in rows if r["jurisdiction"] == "NY"] == ["0-4 employees", "5-99 employees",
                                                                      "100+ employees"]
    assert [(r["version"], r["effective_to"]) for r in rows if r["jurisdiction"] == "CA"] == [
        ("2015-07-01", "2023-12-31"), ("2024-01-01", None)]
    assert all(r["sources"] and r["urls"] for r in rows)
    table = _cli("policies")
    assert table.stdout.splitlines()[0].split()[:3] == ["code", "version", "from"]
