"""Through the API: a June Utah quote follows the pay period's start, a Denver quote carries the occupational
privilege tax lines naming Denver, and the local-tax listing shows the new localities."""
from __future__ import annotations

import pytest

UTAH_JUNE = {"pay_date": "2026-06-05", "pay_frequency": "weekly", "worker_type": "employee", "work_state": "UT",
             "residence_state": "UT", "earnings": [{"code": "regular", "hours": "20", "rate": "25.00"}],
             "w4": {"version": 2020, "filing_status": "single"}}


@pytest.fixture
def hr_headers(make_user, token_for):
    return token_for(make_user("hr"))


def _state_tax(body: dict) -> str:
    return next(t["amount"] for t in body["employee_taxes"] if t["code"] == "state_income_tax")


def test_a_june_utah_quote_uses_the_tables_of_its_periods_start(client, hr_headers):
    """$500 weekly single: period begun 25 May -> the June 2025 tables, $18; begun 1 June -> Rev. 4/26, $17 (hand
    figures: tests/unit/payroll/test_state_period_dating.py); without a period start: 409 (cannot compute) naming period_start; a bad one: 422."""
    may = client.post("/api/v1/paycheck-quotes", json={**UTAH_JUNE, "period_start": "2026-05-25"}, headers=hr_headers)
    june = client.post("/api/v1/paycheck-quotes", json={**UTAH_JUNE, "period_start": "2026-06-01",
                                                        "period_end": "2026-06-07"}, headers=hr_headers)
    assert (may.status_code, june.status_code) == (200, 200)
    assert (_state_tax(may.get_json()), _state_tax(june.get_json())) == ("18.00", "17.00")
    refused = client.post("/api/v1/paycheck-quotes", json=UTAH_JUNE, headers=hr_headers)
    assert refused.status_code == 409 and "period_start" in refused.get_data(as_text=True)   # cannot compute
    bad = client.post("/api/v1/paycheck-quotes", json={**UTAH_JUNE, "period_start": "2026-06-08"},
                      headers=hr_headers)
    assert bad.status_code == 422 and "period_start" in bad.get_data(as_text=True)


def test_a_denver_quote_has_the_employee_and_employer_lines_naming_denver(client, hr_headers):
    """12 h x $25 = $300 with $300 paid earlier in November: $600 >= $500, so $5.75 and the employer's $4.00."""
    body = {**UTAH_JUNE, "pay_date": "2026-11-13", "work_state": "CO", "residence_state": "CO",
            "earnings": [{"code": "regular", "hours": "12", "rate": "25.00"}],
            "work_locality": {"state": "CO", "city": "Denver"}, "month_wages": "300"}
    resp = client.post("/api/v1/paycheck-quotes", json=body, headers=hr_headers)
    assert resp.status_code == 200, resp.get_data(as_text=True)
    out = resp.get_json()
    ee = [t for t in out["employee_taxes"] if t.get("locality") == "CO-DENVER-OPT"]
    er = [t for t in out["employer_taxes"] if t.get("locality") == "CO-DENVER-OPT-ER"]
    assert [t["amount"] for t in ee] == ["5.75"] and [t["amount"] for t in er] == ["4.00"]
    assert "Denver occupational privilege tax" in " ".join(ee[0]["explanation"])


def test_the_local_tax_listing_shows_colorado_and_alabama(client, hr_headers):
    resp = client.get("/api/v1/paycheck-locals?year=2026", headers=hr_headers)
    codes = {r["code"] for r in resp.get_json()["localities"]}
    assert {"CO-DENVER-OPT", "CO-DENVER-OPT-ER", "AL-BIRMINGHAM", "AL-GADSDEN"} <= codes
