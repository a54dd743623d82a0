"""Paid-leave programs whose rates depend on the employer's size in the state (Program.size_rates): each figure is
a hand calculation from the rates in the 2026 data files, written in the docstring."""
from __future__ import annotations

from decimal import Decimal

import pytest

from payroll.engine import calculate_paycheck, tables_for
from payroll.engine.quote_input import parse_input
from payroll.engine.states.rules import parse_state

D = Decimal


def _lines(state: str, size: int | None, gross: str = "1000.00") -> dict[str, tuple[Decimal, tuple]]:
    obj = {"pay_date": "2026-03-06", "pay_frequency": "weekly", "worker_type": "employee", "work_state": state,
           "residence_state": state, "earnings": [{"code": "salary", "amount": gross}]}
    if size is not None:
        obj["employer_size"] = {state: size}
    inp, issues = parse_input(obj)
    assert not issues
    r = calculate_paycheck(inp, tables_for(inp.pay_date))
    out = {}
    for line in (*r.employee_taxes, *r.employer_taxes):
        if line.code.startswith("state_pfml"):
            out[line.code] = (line.amount, line.as_dict()["explanation"])
    return out


def amounts(state: str, size: int | None) -> dict[str, Decimal]:
    return {code: amount for code, (amount, _) in _lines(state, size).items()}


def test_paid_leave_oregon_employer_part_only_from_25_employees():
    """ORS 657B.150: weekly $1,000; the employee's 0.6% = $6.00 always; the employer's 0.4% = $4.00 from 25
    employees, $0.00 for 24."""
    assert amounts("OR", 24) == {"state_pfml": D("6.00"), "state_pfml_employer": D("0.00")}
    assert amounts("OR", 25) == {"state_pfml": D("6.00"), "state_pfml_employer": D("4.00")}


def test_delaware_paid_leave_by_size_class():
    """Del. Code tit. 19 ch. 37, weekly $1,000: 25 or more employees, 0.4% each side = $4.00 and $4.00; 10-24,
    parental leave only, 0.32% shared = 0.16% each side = $1.60 and $1.60; fewer than 10, not covered: $0.00."""
    assert amounts("DE", 30) == {"state_pfml": D("4.00"), "state_pfml_employer": D("4.00")}
    assert amounts("DE", 12) == {"state_pfml": D("1.60"), "state_pfml_employer": D("1.60")}
    assert amounts("DE", 9) == {"state_pfml": D("0.00"), "state_pfml_employer": D("0.00")}


@pytest.mark.parametrize("state, small, threshold, employee, employer", [
    ("WA", 49, 50, "8.07", "3.23"),    # 0.807159% = 8.07159; 0.322841% = 3.22841
    ("CO", 9, 10, "4.40", "4.40"),     # 0.44% each side
    ("MA", 24, 25, "4.60", "4.20"),    # 0.46% employee; 0.42% employer medical share
    ("ME", 14, 15, "5.00", "5.00"),    # 0.5% each side
])
def test_employer_share_starts_at_the_states_threshold(state, small, threshold, employee, employer):
    """Weekly $1,000: below the threshold the employee's share is still withheld and the employer owes none; at the
    threshold the employer's share is due (figures in the parameters' comments)."""
    assert amounts(state, small) == {"state_pfml": D(employee), "state_pfml_employer": D("0.00")}
    assert amounts(state, threshold) == {"state_pfml": D(employee), "state_pfml_employer": D(employer)}


def test_a_size_not_recorded_pays_the_largest_employers_rate_and_says_so():
    lines = _lines("OR", None)
    amount, words = lines["state_pfml_employer"]
    assert amount == D("4.00")
    assert any(w.startswith("Employer size in OR not recorded") for w in words)
    _, words = _lines("OR", 12)["state_pfml_employer"]
    assert any(w.startswith("Employer of 12 employees in OR (ORS 657B.150") for w in words)


def test_quote_input_names_each_bad_employer_size():
    obj = {"pay_date": "2026-03-06", "pay_frequency": "weekly", "worker_type": "employee", "work_state": "OR",
           "residence_state": "OR", "earnings": [{"code": "salary", "amount": "1000"}],
           "employer_size": {"ZZ": 3, "OR": -1, "WA": "x", "CO": True}}
    _, issues = parse_input(obj)
    assert {i.field for i in issues} == {"employer_size.ZZ", "employer_size.OR", "employer_size.WA",
                                         "employer_size.CO"}


def test_a_size_table_must_start_at_zero_and_end_at_the_rate():
    raw = {"state": "OR", "tax_year": 2026, "publication": "t", "source_url": "t", "confidence": "formula",
           "income_tax": None, "programs": [{"code": "state_pfml_employer", "name": "x", "rate": "0.004",
                                             "employer": True, "source": "t", "size_rule": "t",
                                             "rate_by_employer_size": [[0, "0"], [25, "0.005"]]}]}
    with pytest.raises(ValueError, match="rate_by_employer_size"):
        parse_state(raw, "OR")
