"""A paycheck earned in several states: the services read the split from the earnings lines, the engine splits."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest

from backoffice.errors import ValidationFailed
from payroll.engine.quote import quote
from payroll.services.paycheck_inputs import EngagementPay, work_shares

D = Decimal


def _pay(lines):
    """lines: (engagement id, earning) in order."""
    return EngagementPay(earnings=[e for _, e in lines], labels=[e["code"] for _, e in lines],
                         sources=[(eid, 1) for eid, _ in lines])


ENGS = [SimpleNamespace(id=1, work_state="PA"), SimpleNamespace(id=2, work_state="IL")]


def test_hours_per_state_from_the_earnings_lines():
    """24 + 2 overtime hours in PA (engagement 1), 16 in IL (engagement 2); the reimbursement is not wages."""
    pay = _pay([(1, {"code": "regular", "hours": "24", "rate": "50"}),
                (1, {"code": "overtime", "hours": "2", "rate": "75"}),
                (2, {"code": "regular", "hours": "16", "rate": "50"}),
                (2, {"code": "reimbursement", "amount": "80.00"})])
    assert work_shares(ENGS, pay) == [{"state": "IL", "hours": "16.00"}, {"state": "PA", "hours": "26.00"}]


def test_wages_per_state_when_a_line_has_no_hours():
    """A salary line has no hours: split by wages, PA 2,000 salary, IL 10 h x 50 = 500."""
    pay = _pay([(1, {"code": "salary", "amount": "2000.00"}), (2, {"code": "regular", "hours": "10", "rate": "50"})])
    assert work_shares(ENGS, pay) == [{"state": "IL", "wages": "500.00"}, {"state": "PA", "wages": "2000.00"}]


def test_one_state_needs_no_split():
    pay = _pay([(1, {"code": "regular", "hours": "40", "rate": "50"})])
    assert work_shares(ENGS, pay) == []


def test_a_quote_split_between_pennsylvania_and_illinois():
    """Biweekly 40 h x 75 = 3,000, 24 h PA and 16 h IL, PA resident, no certificates:
    IL 3,000 x 4.95% = 148.50 x 40% = 59.40; PA 3,000 x 3.07% = 92.10 x 60% = 55.26;
    PA UC employee 0.07% x 1,800 = 1.26."""
    result = quote({"pay_date": date(2026, 3, 6).isoformat(), "pay_frequency": "biweekly",
                    "worker_type": "employee", "work_state": "PA", "residence_state": "PA",
                    "earnings": [{"code": "regular", "hours": "40", "rate": "75"}],
                    "work_shares": [{"state": "PA", "hours": "24"}, {"state": "IL", "hours": "16"}]})
    state = {(x["code"], x.get("state")): D(x["amount"]) for x in result["employee_taxes"] if x.get("state")}
    assert state == {("state_income_tax", "IL"): D("59.40"), ("state_income_tax", "PA"): D("55.26"),
                     ("state_unemployment_employee", "PA"): D("1.26")}


def test_a_quote_refuses_shares_without_one_measure():
    with pytest.raises(ValidationFailed, match="hours for every state or wages for every state"):
        quote({"pay_date": "2026-03-06", "pay_frequency": "biweekly", "worker_type": "employee",
               "work_state": "PA", "residence_state": "PA",
               "earnings": [{"code": "regular", "hours": "40", "rate": "75"}],
               "work_shares": [{"state": "PA", "hours": "24"}, {"state": "IL", "wages": "1200"}]})
