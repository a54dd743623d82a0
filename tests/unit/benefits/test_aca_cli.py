"""`backoffice benefits aca-measure` as the console script runs it (a subprocess, stdin and files, one object or
a list), without building the web app."""
from __future__ import annotations

import json
import subprocess
import sys

ONGOING = {"hire_date": "2019-04-01", "employee_kind": "ongoing", "as_of": "2026-03-01",
           "hours": [{"month": f"{y}-{m:02d}", "hours": "135"}
                     for y, m in [(2024, 11), (2024, 12)] + [(2025, k) for k in range(1, 11)]]}
NEW = {"hire_date": "2025-09-10", "employee_kind": "new_variable_hour", "as_of": "2026-01-15",
       "measurement": {"standard_start": "11-01", "initial_start": "first_of_next_month"},
       "hours": [{"month": "2025-10", "hours": "140"}, {"month": "2025-11", "hours": "140"},
                 {"month": "2025-12", "hours": "140.5"}]}
PROBE = ("import sys\nfrom backoffice.entry import run\ntry:\n    run(sys.argv[1:])\nexcept SystemExit as e:\n"
         "    print('exit', e.code, 'app' if 'backoffice.app' in sys.modules else 'no-app', file=sys.stderr)\n")


def _cli(*args, stdin=""):
    return subprocess.run([sys.executable, "-c", PROBE, "benefits", "aca-measure", *args], input=stdin,
                          capture_output=True, text=True, timeout=120)


def test_a_list_on_stdin_gives_a_list_of_results_without_the_app():
    """Ongoing: 12 × 135 / 12 = 135.00, full time for Jan 1 – Dec 31, 2026. New variable-hour: Oct–Dec 2025
    (140 + 140 + 140.5 = 420.5, / 3 = 140.17 so far), still in its initial measurement period Oct 1, 2025 –
    Sep 30, 2026."""
    out = _cli("--input", "-", stdin=json.dumps([ONGOING, NEW]))
    assert out.stderr.strip() == "exit 0 no-app", out.stderr
    first, second = json.loads(out.stdout)
    assert first["status"] == "full_time" and first["average_monthly_hours"] == "135.00"
    assert first["measurement_period"] == {"start": "2024-11-01", "end": "2025-10-31"}
    assert first["stability_period"] == {"start": "2026-01-01", "end": "2026-12-31"}
    assert isinstance(first["explanation"], list) and all(isinstance(s, str) for s in first["explanation"])
    assert second == {**second, "status": "in_initial_measurement", "average_monthly_hours": "140.17",
                      "measurement_period": {"start": "2025-10-01", "end": "2026-09-30"},
                      "stability_period": None}


def test_one_object_from_a_file_gives_one_object(tmp_path):
    path = tmp_path / "one.json"
    path.write_text(json.dumps(ONGOING))
    out = _cli("--input", str(path))
    assert out.stderr.strip() == "exit 0 no-app"
    assert json.loads(out.stdout)["status"] == "full_time"


def test_a_bad_item_in_a_list_refuses_the_list_with_exit_2_naming_the_field():
    """Like the quote: all or nothing, every bad field named with its item, `field` the first of them."""
    bad = dict(NEW, hours=[{"month": "2025-13", "hours": "1"}], measurement={"administrative_days": 120})
    out = _cli("--input", "-", stdin=json.dumps([ONGOING, bad]))
    assert out.stdout == "" and out.stderr.strip().endswith("exit 2 no-app")
    body = json.loads(out.stderr[:out.stderr.rindex("}") + 1])
    assert body["error"] == "validation_failed" and body["field"] == "[1].measurement.administrative_days"
    assert {i["field"] for i in body["issues"]} == {"[1].measurement.administrative_days", "[1].hours[0].month"}


def test_json_lines_answer_line_by_line_and_exit_2_when_one_was_refused(tmp_path):
    path = tmp_path / "many.jsonl"
    path.write_text("\n".join([json.dumps(ONGOING), json.dumps(dict(ONGOING, employee_kind="temp")), "{oops"]) + "\n")
    out = _cli("--input", str(path), "--jsonl")
    lines = [json.loads(x) for x in out.stdout.splitlines()]
    assert lines[0]["status"] == "full_time"
    assert lines[1]["line"] == 2 and lines[1]["issues"][0]["field"] == "employee_kind"
    assert lines[2]["line"] == 3 and lines[2]["error"] == "invalid_json"
    assert out.stderr.strip() == "exit 2 no-app"


def test_input_that_is_not_json_is_refused_without_a_traceback():
    out = _cli("--input", "-", stdin="not json")
    assert "input is not JSON" in out.stderr and "Traceback" not in out.stderr


def test_the_other_benefits_commands_still_go_through_the_app_and_list_aca_measure():
    """Only `benefits aca-measure` is app-free; `backoffice benefits --help` builds the app and lists it beside
    the database commands (offers, window, ...)."""
    import os

    from tests.conftest import TEST_KEY, TEST_SECRET

    env = dict(os.environ, BACKOFFICE_ENCRYPTION_KEY=TEST_KEY, BACKOFFICE_SECRET_KEY=TEST_SECRET)
    out = subprocess.run([sys.executable, "-c", PROBE, "benefits", "--help"], capture_output=True, text=True,
                         timeout=120, env=env)
    assert out.stderr.strip().endswith("exit 0 app"), out.stderr
    assert "aca-measure" in out.stdout and "offers" in out.stdout
