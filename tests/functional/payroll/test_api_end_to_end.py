"""Payroll end to end through the API alone: a new worker and engagement, their W-4, state certificate, W-9, bank
account and classification, time, a run created, calculated and approved by two people, and the paychecks'
`taxable_wages` and `ytd` checked against hand figures and against the paycheck quote (an independent path)."""
from __future__ import annotations

from tests.integration.classification.helpers import CONTRACTOR, LEASED
from tests.integration.payroll.conftest import ROUTING_A, World

WEEK1, WEEK2 = "2026-11-02", "2026-11-09"


def _ok(resp, status=200):
    assert resp.status_code == status, (resp.status_code, resp.get_json())
    return resp.get_json()


def _person(client, hr, *, first, last, ssn, state, city, postal):
    return _ok(client.post("/api/v1/workers", headers=hr, json={
        "first_name": first, "last_name": last, "email": f"{first.lower()}@example.com", "tin": ssn,
        "birth_date": "1985-04-12", "address_line1": "1 Main St", "city": city, "state": state,
        "postal_code": postal}), 201)


def _engagement(client, hr, w, worker, *, type_, state, rate):
    return _ok(client.post("/api/v1/engagements", headers=hr, json={
        "worker_id": worker["id"], "client_id": w.client.id, "type": type_, "work_state": state, "pay_rate": rate,
        "pay_unit": "hour", "pay_frequency": "weekly", "pay_schedule_id": w.schedule.id, "start_date": WEEK1,
        "status": "active"}), 201)


def _classify(client, hr, engagement, answers, expected):
    a = _ok(client.post(f"/api/v1/engagements/{engagement['id']}/assessments", headers=hr,
                        json={"answers": answers, "as_of_date": WEEK1}), 201)
    assert (a["status"], a["determination"]) == ("draft", expected)
    assert a["result"]["determination"] == expected and a["result"]["tests"]      # the reasoning, test by test
    signed = _ok(client.post(f"/api/v1/assessments/{a['id']}/sign-off", headers=hr, json={}))
    assert (signed["status"], signed["signed_determination"]) == ("signed_off", expected)


def _time(client, hr, timekeeper, engagement, week, hours):
    days = dict(zip(("mon", "tue", "wed", "thu", "fri", "sat", "sun"), hours))
    ts = _ok(client.post("/api/v1/timesheets", headers=hr,
                         json={"engagement_id": engagement["id"], "week_start": week, **days}), 201)
    _ok(client.post(f"/api/v1/timesheets/{ts['id']}/approve", headers=timekeeper))


def _paid_week(client, w, hr, hr2, day):
    run = _ok(client.post("/api/v1/payroll-runs", headers=hr,
                          json={"schedule_id": w.schedule.id, "period_containing": day,
                                "confirm_past_pay_date": True}), 201)
    checks = _ok(client.get(f"/api/v1/payroll-runs/{run['id']}/checks", headers=hr))
    assert (checks["issues"], checks["exceptions"]) == ([], [])     # payable: nothing held, nothing to note
    _ok(client.post(f"/api/v1/payroll-runs/{run['id']}/calculate", headers=hr), 202)
    _ok(client.post(f"/api/v1/payroll-runs/{run['id']}/approve", headers=hr2))     # four eyes: not the preparer
    items = _ok(client.get(f"/api/v1/paychecks?run_id={run['id']}", headers=hr))["items"]
    return {p["worker_id"]: _ok(client.get(f"/api/v1/paychecks/{p['id']}", headers=hr)) for p in items}


def test_a_new_worker_is_made_payable_and_paid_through_the_api_alone(client, db, make_user, token_for, fixed_clock):
    """Ana, a leased employee in California at $25.00 an hour, and Bo, a contractor in Texas at $60.00.

    Week 1, Ana 5 × 8 h: 40 h × $25.00 = $1,000.00, no pre-tax deductions, so every wage base is $1,000.00
    (federal income tax, social security, Medicare, FUTA, and SUTA: California's $7,000 base is far off) and
    Additional Medicare's is $0.00 (far below $200,000). Her year to date after it is the same $1,000.00 in gross
    and each wage field; deferrals, HSA, FSA, supplemental and the overtime premium $0.00.
    Week 2, Ana 5 × 9 h: 40 h × $25.00 = $1,000.00 plus 5 h overtime × $37.50 = $187.50 → $1,187.50 (California's
    daily overtime over 8 h and the FLSA's over 40 h in the week both give 5 h); qualified overtime premium (the
    0.5× part) 5 × $12.50 = $62.50. Year to date: $1,000.00 + $1,187.50 = $2,187.50 in each wage field,
    premium $62.50.
    Bo, 10 h × $60.00 = $600.00: a contractor with a certified W-9 and a TIN has no backup withholding, so his
    one wage base (backup withholding's) is $0.00; his year to date gross $600.00.
    The quote, given week 2's earnings, W-4, certificate and week 1's year to date, answers the same figures."""
    w = World(db, make_user)
    hr, hr2, timekeeper = token_for(w.hr), token_for(w.hr2), token_for(w.timekeeper)

    ana = _person(client, hr, first="Ana", last="Lima", ssn="401-23-4567", state="CA", city="Sacramento",
                  postal="95814")
    ana_job = _engagement(client, hr, w, ana, type_="leased_employee", state="CA", rate="25.00")
    w4 = {"version": 2020, "filing_status": "married_jointly", "step2_checkbox": False, "step3_credits": "2000.00",
          "step4a_other_income": "0", "step4b_deductions": "0", "step4c_extra": "5.00", "exempt": False}
    filed = _ok(client.put(f"/api/v1/workers/{ana['id']}/w4", headers=hr,
                           json={**w4, "effective_date": "2026-11-01", "signed_name": "Ana Lima"}))
    assert (filed["filing_status"], filed["step3_credits"], filed["effective_date"]) == (
        "married_jointly", "2000.00", "2026-11-01")
    de4 = {"filing_status": "married", "allowances": 2, "additional_allowances": 0, "additional": "0.00",
           "exempt": False}
    cert = _ok(client.put(f"/api/v1/workers/{ana['id']}/state-certificates/CA", headers=hr,
                          json={**de4, "effective_date": "2026-11-01"}))
    assert (cert["state"], cert["form"], cert["certificate"]["allowances"]) == ("CA", "DE 4", 2)
    acct = _ok(client.post(f"/api/v1/workers/{ana['id']}/bank-accounts", headers=hr,
                           json={"routing_number": ROUTING_A, "account_number": "000123456789",
                                 "account_type": "checking", "split_kind": "remainder"}), 201)
    assert acct["account_number"] == "****6789" and "123456789" not in str(acct)
    _classify(client, hr, ana_job, LEASED, "leased_employee")

    bo = _person(client, hr, first="Bo", last="Park", ssn="402-34-5678", state="TX", city="Austin", postal="78701")
    bo_job = _engagement(client, hr, w, bo, type_="contractor", state="TX", rate="60.00")
    w9 = _ok(client.put(f"/api/v1/workers/{bo['id']}/w9", headers=hr, json={
        "legal_name": "Bo Park", "entity_type": "individual", "tin_type": "ssn", "tin": "402-34-5678",
        "certified": True, "signed_name": "Bo Park"}))
    assert (w9["tin"], w9["backup_withholding"]) == ("***-**-5678", False)
    _ok(client.post(f"/api/v1/workers/{bo['id']}/bank-accounts", headers=hr,
                    json={"routing_number": ROUTING_A, "account_number": "55501234"}), 201)
    _classify(client, hr, bo_job, CONTRACTOR, "contractor")

    _time(client, hr, timekeeper, ana_job, WEEK1, ("8", "8", "8", "8", "8", "0", "0"))
    _time(client, hr, timekeeper, bo_job, WEEK1, ("2", "2", "2", "2", "2", "0", "0"))
    week1 = _paid_week(client, w, hr, hr2, "2026-11-04")
    thousand = {k: "1000.00" for k in ("federal_income_tax", "social_security", "medicare", "futa", "suta")}
    assert week1[ana["id"]]["taxable_wages"] == {**thousand, "additional_medicare": "0.00"}
    zero = {k: "0.00" for k in ("deferrals_401k", "hsa", "fsa", "supplemental", "qualified_overtime_premium",
                                "dcfsa", "employer_401k")}
    wages = ("gross", "federal_wages", "social_security_wages", "medicare_wages", "futa_wages", "suta_wages")
    assert week1[ana["id"]]["ytd"] == {**{k: "1000.00" for k in wages}, **zero}
    assert week1[bo["id"]]["taxable_wages"] == {"backup_withholding": "0.00"}
    assert week1[bo["id"]]["gross"] == "600.00" and week1[bo["id"]]["ytd"]["gross"] == "600.00"

    _time(client, hr, timekeeper, ana_job, WEEK2, ("9", "9", "9", "9", "9", "0", "0"))
    ana2 = _paid_week(client, w, hr, hr2, "2026-11-11")[ana["id"]]
    assert ana2["gross"] == "1187.50"
    assert ana2["taxable_wages"] == {**{k: "1187.50" for k in thousand}, "additional_medicare": "0.00"}
    assert ana2["ytd"] == {**{k: "2187.50" for k in wages}, **zero, "qualified_overtime_premium": "62.50"}

    quote = _ok(client.post("/api/v1/paycheck-quotes", headers=hr, json={
        "pay_date": ana2["pay_date"], "pay_frequency": "weekly", "worker_type": "employee", "work_state": "CA",
        "residence_state": "CA", "birth_date": "1985-04-12",
        "earnings": [{"code": "regular", "hours": "40", "rate": "25.00"},
                     {"code": "overtime", "hours": "5", "rate": "37.50"}],
        "w4": w4, "state_certificates": {"CA": de4}, "suta_rate": "0.034",
        "ytd": {k: "1000.00" for k in wages}}))
    assert (ana2["taxable_wages"], ana2["ytd"]) == (quote["taxable_wages"], quote["ytd"])
    paid = {(ln["kind"], ln["code"]): ln["amount"] for ln in ana2["lines"]}
    for line in quote["employee_taxes"]:
        if line["amount"] != "0.00":
            assert paid[("employee_tax", line["code"])] == line["amount"], line["code"]
    assert ana2["net"] == quote["net"]
