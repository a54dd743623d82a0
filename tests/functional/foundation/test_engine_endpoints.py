"""The paycheck quote and classification endpoints answer the same JSON through the API and the CLI."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

WEEKLY_TX = {"pay_date": "2026-06-05", "pay_frequency": "weekly", "worker_type": "employee", "work_state": "TX",
             "residence_state": "TX", "earnings": [{"code": "salary", "amount": "1000.00"}],
             "w4": {"version": 2020, "filing_status": "single", "step2_checkbox": False}}

# Hand calculation (Pub 15-T 2026, Worksheet 1A, Single, Step 2 unchecked):
#   1c = 1,000 × 52 = 52,000; 1i = 52,000 − 8,600 = 43,400 → row 19,900: 1,240 + 12% × 23,500 = 4,060
#   per week 4,060 / 52 = 78.08; SS 6.2% = 62.00; Medicare 1.45% = 14.50; TX has no wage income tax.
#   net = 1,000 − 78.08 − 62.00 − 14.50 = 845.42
EXPECTED_NET = "845.42"

CONTRACTOR_CA = {"work_state": "CA", "as_of_date": "2026-06-01", "answers": {
    "engagement": {"arrangement": "direct", "work_in_usual_course_of_hiring_business": "yes"},
    "behavioral_control": {"schedule_set_by": "hiring_entity", "methods_controlled_by": "hiring_entity"}}}


@pytest.fixture
def hr_headers(make_user, token_for):
    return token_for(make_user("hr"))


def test_api_quote_matches_the_hand_calculation(client, hr_headers):
    resp = client.post("/api/v1/paycheck-quotes", json=WEEKLY_TX, headers=hr_headers)
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    taxes = {t["code"]: t["amount"] for t in body["employee_taxes"]}
    assert taxes["federal_income_tax"] == "78.08" and taxes["social_security"] == "62.00"
    assert body["net"] == EXPECTED_NET


def test_api_quote_list_in_list_out(client, hr_headers):
    resp = client.post("/api/v1/paycheck-quotes", json=[WEEKLY_TX, WEEKLY_TX], headers=hr_headers)
    assert [q["net"] for q in resp.get_json()] == [EXPECTED_NET, EXPECTED_NET]


def test_api_quote_names_every_bad_field(client, hr_headers):
    bad = dict(WEEKLY_TX, pay_frequency="fortnightly", earnings=[{"code": "salary", "amount": "-5"}])
    resp = client.post("/api/v1/paycheck-quotes", json=bad, headers=hr_headers)
    assert resp.status_code == 422
    fields = {i["field"] for i in resp.get_json()["issues"]}
    assert "pay_frequency" in fields and any(f.startswith("earnings[0]") for f in fields)


def test_api_classification_assessment(client, hr_headers):
    resp = client.post("/api/v1/classification-assessments", json=CONTRACTOR_CA, headers=hr_headers)
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    # CA ABC prong B fails when the work is in the usual course of the hiring entity's business (Lab. Code 2775).
    ca = [t for t in body["tests"] if t["id"] == "ca_abc"][0]
    assert ca["result"] == "employee"
    assert body["determination"] in ("leased_employee", "needs_review")


def test_api_classification_names_bad_answers(client, hr_headers):
    bad = {"work_state": "ZZ", "answers": {"behavioral_control": {"schedule_set_by": "the moon"}}}
    resp = client.post("/api/v1/classification-assessments", json=bad, headers=hr_headers)
    assert resp.status_code == 422
    fields = {i["field"] for i in resp.get_json()["issues"]}
    assert "work_state" in fields and "answers.behavioral_control.schedule_set_by" in fields


def test_openapi_documents_the_engine_endpoints(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    op = spec["paths"]["/api/v1/paycheck-quotes"]["post"]
    assert "requestBody" in op and "422" in op["responses"]
    assert "/api/v1/classification-assessments" in spec["paths"]


def _cli(*args, stdin: str):
    # The command line reads the same configuration as the server: keys come from the environment (a fresh
    # checkout has no instance/secrets.json, and none is generated without BACKOFFICE_DEV_SECRETS=1).
    from tests.conftest import TEST_KEY, TEST_SECRET

    env = dict(os.environ, BACKOFFICE_ENCRYPTION_KEY=TEST_KEY, BACKOFFICE_SECRET_KEY=TEST_SECRET)
    return subprocess.run([sys.executable, "-m", "backoffice.cli", *args], input=stdin, capture_output=True,
                          text=True, timeout=120, env=env)


def test_cli_quote_reads_stdin_and_prints_the_same_json(tmp_path):
    out = _cli("paycheck", "quote", "--input", "-", stdin=json.dumps(WEEKLY_TX))
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["net"] == EXPECTED_NET


def test_cli_quote_bad_input_exits_non_zero_naming_fields(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(dict(WEEKLY_TX, worker_type="robot")))
    out = _cli("paycheck", "quote", "--input", str(path), stdin="")
    assert out.returncode == 2
    assert "worker_type" in out.stderr


def test_cli_classify(tmp_path):
    out = _cli("classify", "--input", "-", stdin=json.dumps([CONTRACTOR_CA]))
    assert out.returncode == 0, out.stderr
    assert isinstance(json.loads(out.stdout), list)


def test_json_numbers_are_read_as_decimals_not_floats(client, hr_headers):
    """1000.10 sent as a JSON number must not pick up float error (1000.1 × 52 = 52,005.20 exactly)."""
    body = dict(WEEKLY_TX, earnings=[{"code": "salary", "amount": 1000.10}])
    resp = client.post("/api/v1/paycheck-quotes", data=json.dumps(body), content_type="application/json",
                       headers=hr_headers)
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["gross"] == "1000.10"


def _entry(*args, stdin="", code=""):
    """The console script's own module (backoffice.entry), as `backoffice ARGS` runs it."""
    from tests.conftest import TEST_KEY, TEST_SECRET

    env = dict(os.environ, BACKOFFICE_ENCRYPTION_KEY=TEST_KEY, BACKOFFICE_SECRET_KEY=TEST_SECRET)
    cmd = [sys.executable, "-c", code] if code else [sys.executable, "-m", "backoffice.entry"]
    return subprocess.run([*cmd, *args], input=stdin, capture_output=True, text=True, timeout=120, env=env)


def test_engine_commands_start_without_building_the_app():
    """`backoffice paycheck quote` and `backoffice classify` need no database: the console script runs them
    without importing the web app (backoffice.app), and they answer as before (net 845.42 by hand, above)."""
    probe = ("import sys\nfrom backoffice.entry import run\ntry:\n    run(sys.argv[1:])\nexcept SystemExit as e:\n"
             "    print('exit', e.code, 'app' if 'backoffice.app' in sys.modules else 'no-app', file=sys.stderr)\n")
    out = _entry("paycheck", "quote", "--input", "-", stdin=json.dumps(WEEKLY_TX), code=probe)
    assert json.loads(out.stdout)["net"] == EXPECTED_NET
    assert out.stderr.strip() == "exit 0 no-app"
    out = _entry("classify", "--input", "-", stdin=json.dumps([CONTRACTOR_CA]), code=probe)
    assert isinstance(json.loads(out.stdout), list) and out.stderr.strip() == "exit 0 no-app"
    # any other command goes through the Flask CLI, which builds the app
    out = _entry("routes", code=probe)
    assert out.stderr.strip().endswith("exit 0 app"), out.stderr


def test_cli_quote_json_lines_without_explanations(tmp_path):
    """--jsonl: one result per line as compact JSON; a refused line in its place; exit status 2 when any was."""
    path = tmp_path / "quotes.jsonl"
    path.write_text("\n".join([json.dumps(WEEKLY_TX), json.dumps(dict(WEEKLY_TX, worker_type="robot")),
                               json.dumps(WEEKLY_TX)]) + "\n")
    out = _entry("paycheck", "quote", "--input", str(path), "--jsonl", "--no-explain")
    lines = [json.loads(x) for x in out.stdout.splitlines()]
    assert [x.get("net") for x in lines] == [EXPECTED_NET, None, EXPECTED_NET]
    assert lines[1]["line"] == 2 and lines[1]["issues"][0]["field"] == "worker_type"
    assert "explanation" not in lines[0]["employee_taxes"][0]
    assert out.returncode == 2
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps(WEEKLY_TX) + "\n")
    out = _entry("paycheck", "quote", "--input", str(good), "--jsonl")
    assert out.returncode == 0 and json.loads(out.stdout)["employee_taxes"][0]["explanation"]


def test_api_lists_every_jurisdictions_coverage(client, hr_headers):
    """GET /api/v1/paycheck-states?year=2025: the 51 jurisdictions, as `backoffice paycheck states --format json`
    (Arkansas's 2025 formula is partial: refused above its read rows, with its reason)."""
    resp = client.get("/api/v1/paycheck-states?year=2025", headers=hr_headers)
    assert resp.status_code == 200, resp.get_json()
    rows = {r["state"]: r for r in resp.get_json()}
    assert len(rows) == 51
    assert rows["TX"]["status"] == "supported" and rows["TX"]["method"] == "none"
    assert rows["AR"]["status"] == "partial" and "91,300 or more refused" in rows["AR"]["reason"]
    assert rows["PA"]["reciprocity_form"].startswith("REV-420")
    assert client.get("/api/v1/paycheck-states", headers=hr_headers).status_code == 422
    spec = client.get("/api/v1/openapi.json").json
    params = spec["paths"]["/api/v1/paycheck-states"]["get"]["parameters"]
    assert [p["name"] for p in params] == ["year"]


def test_api_lists_the_local_taxes_coverage(client, hr_headers, make_user, token_for):
    """GET /api/v1/paycheck-locals?year=2026: the local taxes as `backoffice paycheck states --locals --format json`
    (Philadelphia in two dated versions, FY2026 and from July 2026 FY2027, both computed since session 23); no year is
    a 422 naming the field."""
    resp = client.get("/api/v1/paycheck-locals?year=2026", headers=hr_headers)
    assert resp.status_code == 200, resp.get_json()
    data = resp.get_json()
    assert data["tax_year"] == 2026
    phila = [r for r in data["localities"] if r["code"] == "PA-510101"]
    assert [r["status"] for r in phila] == ["supported", "supported"] and "250195" in phila[1]["publication"]
    assert [r["status"] for r in resp.get_json()["localities"] if r["code"] == "MO-ST-LOUIS"] == ["supported"]
    assert any(r["state"] == "PA" for r in data["refused_by_rule"])
    bad = client.get("/api/v1/paycheck-locals", headers=hr_headers)
    assert bad.status_code == 422 and "year" in str(bad.get_json())
    spec = client.get("/api/v1/openapi.json").json
    assert [p["name"] for p in spec["paths"]["/api/v1/paycheck-locals"]["get"]["parameters"]] == ["year"]
    from tests.factories import ClientFactory

    approver = token_for(make_user("client_approver", client_id=ClientFactory().id))
    assert client.get("/api/v1/paycheck-locals?year=2026", headers=approver).status_code == 403
