"""The wizard's plan (steps by engagement type and work state), state certificate forms, and the I-9 deadline."""
from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backoffice.geo import STATES

from backoffice.onboarding.steps import (DATA_FILE, clean_state_certificate, i9_section2_due,
                                                 no_certificate_reason, plan_steps, state_form)

TAIL = ["direct_deposit", "agreement"]


@pytest.mark.parametrize("kind,state,middle", [
    ("contractor", "CA", ["w9"]),
    ("contractor", "TX", ["w9"]),
    ("leased_employee", "CA", ["w4", "state_certificate", "i9"]),   # DE 4
    ("leased_employee", "NY", ["w4", "state_certificate", "i9"]),   # IT-2104
    ("leased_employee", "IL", ["w4", "state_certificate", "i9"]),   # IL-W-4
    ("leased_employee", "TX", ["w4", "i9"]),                        # no income tax on wages
    ("leased_employee", "FL", ["w4", "i9"]),
    ("leased_employee", "WA", ["w4", "i9"]),
    ("leased_employee", "PA", ["w4", "i9"]),                        # income tax but no certificate
])
def test_plan_steps_by_type_and_state(kind, state, middle):
    assert plan_steps(kind, state) == ["profile", *middle, *TAIL]


def test_an_unknown_engagement_type_is_refused():
    with pytest.raises(ValueError):
        plan_steps("intern", "CA")


def test_states_without_a_form_say_why():
    assert "no income tax on wages" in no_certificate_reason("TX")
    assert "Pennsylvania" in no_certificate_reason("PA")


@pytest.mark.parametrize("start,due", [
    # USCIS, M-274 Handbook for Employers, 3.0: work begins Monday → section 2 by Thursday.
    (date(2026, 12, 7), date(2026, 12, 10)),
    # Friday start: Monday, Tuesday, Wednesday are the three business days.
    (date(2026, 12, 11), date(2026, 12, 16)),
    # Saturday start: the next three business days are Monday to Wednesday.
    (date(2026, 12, 12), date(2026, 12, 16)),
])
def test_i9_section2_is_due_three_business_days_after_the_start(start, due):
    assert i9_section2_due(start) == due


def test_days_the_employer_is_closed_do_not_count():
    # Tuesday 24 Nov 2026 start; closed Thanksgiving (Thu 26) → Wed 25, Fri 27, Mon 30.
    assert i9_section2_due(date(2026, 11, 24), frozenset({date(2026, 11, 26)})) == date(2026, 11, 30)


def test_every_form_names_its_source_and_only_engine_certificate_fields():
    from payroll.engine.states.inputs import _COUNT_FIELDS, _MONEY_FIELDS, _TEXT_FIELDS

    engine_keys = {"filing_status", "percentage", "exempt", "reciprocity", "nonresident_alien", *_COUNT_FIELDS,
                   *_MONEY_FIELDS, *_TEXT_FIELDS}
    data = json.loads(DATA_FILE.read_text())
    assert {"CA", "NY", "IL"} <= set(data["forms"])
    for state, form in data["forms"].items():
        assert form["source_url"].startswith("https://") and form["revision"], state
        assert {f["name"] for f in form["fields"]} <= engine_keys, state
    assert not set(data["forms"]) & set(data["no_income_tax_on_wages"]["states"])


def test_de4_fields_are_cleaned_and_every_bad_one_named():
    form = state_form("CA")
    cert, issues = clean_state_certificate(form, {"filing_status": "married", "allowances": "3",
                                                  "additional_allowances": "", "additional": "12.50",
                                                  "exempt": ""})
    assert issues == []
    assert cert == {"filing_status": "married", "allowances": 3, "additional_allowances": 0, "additional": "12.50",
                    "exempt": False}
    _, issues = clean_state_certificate(form, {"filing_status": "widowed", "allowances": "-1",
                                               "additional_allowances": "1.5", "additional": "-3"})
    assert {i.field for i in issues} == {"filing_status", "allowances", "additional_allowances", "additional"}
    _, issues = clean_state_certificate(form, {"filing_status": "single", "additional": "1.005"})
    assert [(i.field, i.message) for i in issues] == [("additional", "has more than 2 decimal places")]


def _ca_tax(cert: dict | None) -> Decimal:
    from payroll.engine.quote import quote

    payload = {"pay_date": "2026-11-27", "pay_frequency": "biweekly", "worker_type": "employee", "work_state": "CA",
               "residence_state": "CA", "earnings": [{"code": "salary", "amount": "3000.00"}],
               "w4": {"version": 2020, "filing_status": "single"}}
    if cert is not None:
        payload["state_certificates"] = {"CA": cert}
    lines = quote(payload)["employee_taxes"]
    return Decimal(next(t["amount"] for t in lines if t["code"] == "state_income_tax"))


def test_a_saved_de4_is_read_by_the_payroll_engine():
    """What the wizard stores is what the engine reads: more DE 4 allowances withhold less, extra adds on."""
    form = state_form("CA")
    zero, _ = clean_state_certificate(form, {"filing_status": "single", "allowances": "0"})
    two, _ = clean_state_certificate(form, {"filing_status": "single", "allowances": "2"})
    extra, _ = clean_state_certificate(form, {"filing_status": "single", "allowances": "0", "additional": "20"})
    exempt, _ = clean_state_certificate(form, {"filing_status": "single", "exempt": "1"})
    assert _ca_tax(two) < _ca_tax(zero)
    assert _ca_tax(extra) == _ca_tax(zero) + Decimal("20.00")
    assert _ca_tax(exempt) == Decimal("0.00")


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])   # slow only on a loaded machine
@given(start=st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)),
       closed=st.frozensets(st.dates(min_value=date(2020, 1, 1), max_value=date(2036, 1, 31)), max_size=20))
def test_the_i9_deadline_is_the_third_open_weekday_after_the_start(start, closed):
    due = i9_section2_due(start, closed)
    assert due > start and due.weekday() < 5 and due not in closed
    open_days = [start + timedelta(days=n) for n in range(1, (due - start).days + 1)]
    assert sum(1 for d in open_days if d.weekday() < 5 and d not in closed) == 3


@given(kind=st.sampled_from(["leased_employee", "contractor"]), state=st.sampled_from(sorted(STATES)))
def test_every_plan_starts_with_the_profile_and_ends_with_pay_and_signature(kind, state):
    steps = plan_steps(kind, state)
    assert steps[0] == "profile" and steps[-2:] == ["direct_deposit", "agreement"]
    assert len(steps) == len(set(steps))
    if kind == "contractor":
        assert "w9" in steps and not {"w4", "i9", "state_certificate"} & set(steps)
    else:
        assert {"w4", "i9"} <= set(steps) and "w9" not in steps
        form = state_form(state)
        assert ("state_certificate" in steps) == (form is not None and not form.optional)
