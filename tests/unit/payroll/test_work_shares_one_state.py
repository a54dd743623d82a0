"""A residence state that is no state, and `work_shares` naming one state only, is checked as several are (a state code, hours of 0 or more) and must name the
work state (issue 15's acceptance audit, session 24: `[{"state": "ZZ", "hours": 24}]` or all the hours in Illinois
with work_state PA were quoted as Pennsylvania's tax, without a word)."""
from __future__ import annotations

from decimal import Decimal

import pytest

from backoffice.errors import ValidationFailed
from payroll.engine.quote import quote


def _quote(shares: list[dict]) -> dict:
    return quote({"pay_date": "2026-06-05", "pay_frequency": "weekly", "worker_type": "employee",
                  "work_state": "PA", "residence_state": "PA", "explain": False,
                  "earnings": [{"code": "salary", "amount": "1000"}], "work_shares": shares})


def _refused(shares: list[dict]) -> list[tuple[str, str]]:
    with pytest.raises(ValidationFailed) as err:
        _quote(shares)
    return [(i.field, i.message) for i in err.value.issues]


def test_one_share_in_the_work_state_is_the_ordinary_paycheck():
    """REV-415: 3.07% of compensation. $1,000 x 3.07% = $30.70, with or without the one share."""
    for shares in ([{"state": "PA", "hours": "40"}], [{"state": "PA", "hours": "40"}, {"state": "NJ", "hours": "0"}]):
        lines = {(t["code"], t.get("state")): t["amount"] for t in _quote(shares)["employee_taxes"]}
        assert Decimal(lines[("state_income_tax", "PA")]) == Decimal("30.70")


@pytest.mark.parametrize("shares, field, words", [
    ([{"state": "ZZ", "hours": "24"}], "work_shares[0].state", "'ZZ' is not a US state or DC"),
    ([{"state": "IL", "hours": "40"}], "work_shares", "all this period's work is in IL but the work state is PA"),
    ([{"state": "PA", "hours": "0"}], "work_shares", "add up to nothing"),
])
def test_one_share_that_is_not_the_work_state_or_not_a_state_is_refused_naming_work_shares(shares, field, words):
    refused = _refused(shares)
    assert [f for f, _ in refused] == [field]
    assert words in refused[0][1]


def test_a_residence_state_that_is_no_state_is_refused_naming_residence_state():
    """NC-30's weekly example ($450 single, 2 allowances -> $4) is the same for an NC resident; a residence of "ZZ"
    used to be quoted as if it were given (reciprocity and the resident's top-up silently skipped)."""
    payload = {"pay_date": "2026-06-05", "pay_frequency": "weekly", "worker_type": "employee", "work_state": "NC",
               "explain": False, "earnings": [{"code": "salary", "amount": "450"}],
               "state_certificates": {"NC": {"filing_status": "single", "allowances": 2}}}
    got = quote({**payload, "residence_state": "NC"})
    assert Decimal(next(t["amount"] for t in got["employee_taxes"] if t["code"] == "state_income_tax")) == \
        Decimal("4.00")
    with pytest.raises(ValidationFailed) as err:
        quote({**payload, "residence_state": "ZZ"})
    assert [(i.field, i.message) for i in err.value.issues] == [("residence_state", "'ZZ' is not a US state or DC")]
