"""Paystub view model: masking, totals, and refusal of stubs whose figures do not add up."""
from __future__ import annotations

import copy
import subprocess
import sys
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backoffice.errors import ValidationFailed
from reports.paystub.builder import PAYSTUB_DICT_KEYS, paystub_from_dict
from reports.paystub.records import AgencyInfo, Address, DepositLine, WorkerInfo
from reports.paystub.display import fmt_hours, fmt_rate, last4_digits, mask_account, mask_ein, mask_ssn

ADDRESS = {"line1": "200 Market Street", "line2": "Suite 400", "city": "Denver", "state": "CO",
           "postal_code": "80202"}


def known_stub() -> dict:
    """A biweekly W-2 stub with hand-chosen figures; every total below is worked out by hand.

    Earnings, current: Regular 80 h x $25.00 = $2,000.00; Overtime 4 h x $37.50 = $150.00
        gross = 2,000.00 + 150.00 = $2,150.00 (84 hours)
    Earnings, YTD: 42,000.00 + 600.00 = $42,600.00
    Employee taxes, current: 180.00 + 127.10 + 29.73 + 80.00 = $416.83
    Employee taxes, YTD: 3,600.00 + 2,561.90 + 599.15 + 1,700.00 = $8,461.05
    Pre-tax, current: 100.00 + 50.00 = $150.00; YTD: 2,100.00 + 1,050.00 = $3,150.00
    Post-tax, current: $25.00; YTD: $525.00
    Deductions, current: 150.00 + 25.00 = $175.00; YTD: 3,150.00 + 525.00 = $3,675.00
    Net, current: 2,150.00 - 416.83 - 175.00 = $1,558.17
    Net, YTD: 42,600.00 - 8,461.05 - 3,675.00 = $30,463.95
    Deposits: 1,258.17 + 300.00 = $1,558.17 (= net)
    Employer, current: 127.10 + 50.00 = $177.10; YTD: 2,561.90 + 1,050.00 = $3,611.90
    """
    return {
        "paycheck_id": 501, "check_number": "100234",
        "agency": {"legal_name": "Tandem Staffing Partners LLC", "ein": "12-3456789", "address": dict(ADDRESS)},
        "worker": {"name": "Maria L. Gonzalez", "worker_id": "W-001042", "ssn": "123-45-6789",
                   "address": {"line1": "1830 Larch Avenue", "city": "Aurora", "state": "CO",
                               "postal_code": "80012"}},
        "client_name": "Front Range Logistics Inc.", "worker_type": "w2",
        "period_start": "2026-11-02", "period_end": "2026-11-15", "pay_date": date(2026, 11, 20),
        "earnings": [
            {"description": "Regular", "hours": "80", "rate": "25.00", "current": "2000.00", "ytd": "42000.00",
             "explanation": ["80.00 hours x $25.00 = $2,000.00"]},
            {"description": "Overtime", "hours": "4", "rate": "37.50", "current": "150.00", "ytd": "600.00"},
        ],
        "employee_taxes": [
            {"description": "Federal income tax", "current": "180.00", "ytd": "3600.00",
             "explanation": ["Income tax wages: $2,150.00 less pre-tax $150.00 = $2,000.00",
                             "Pub 15-T percentage method: $180.00"]},
            {"description": "Social Security", "current": "127.10", "ytd": "2561.90"},
            {"description": "Medicare", "current": "29.73", "ytd": "599.15"},
            {"description": "Colorado income tax", "current": "80.00", "ytd": "1700.00"},
        ],
        "pre_tax_deductions": [{"description": "401(k)", "current": "100.00", "ytd": "2100.00"},
                               {"description": "Medical (pooled)", "current": "50.00", "ytd": "1050.00"}],
        "post_tax_deductions": [{"description": "Roth 401(k)", "current": "25.00", "ytd": "525.00"}],
        "employer_contributions": [{"description": "Social Security", "current": "127.10", "ytd": "2561.90"},
                                   {"description": "401(k) match", "current": "50.00", "ytd": "1050.00"}],
        "gross": {"current": "2150.00", "ytd": "42600.00"},
        "net": {"current": "1558.17", "ytd": "30463.95"},
        "deposits": [
            {"bank_name": "First Bank", "account_type": "Checking", "account_number": "000123456789",
             "amount": "1258.17"},
            {"bank_name": "Ent Credit Union", "account_type": "Savings", "account_number": "99887766",
             "amount": "300.00"},
        ],
    }


def issues_of(data: dict, **kwargs) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as exc:
        paystub_from_dict(data, **kwargs)
    return {i.field: i.message for i in exc.value.issues}


# --- masking ----------------------------------------------------------------------------------------------

def test_the_view_holds_only_the_last_four_digits_of_ssn_ein_and_accounts():
    view = paystub_from_dict(known_stub())
    assert view.worker.masked_ssn == "***-**-6789"
    assert view.agency.masked_ein == "**-***6789"
    assert [d.masked_account for d in view.deposits] == ["*****6789", "*****7766"]
    text = repr(view)
    for secret in ("123-45-6789", "123456789", "12-3456789", "000123456789", "99887766"):
        assert secret not in text


@pytest.mark.parametrize("given_value, last4", [
    ("123-45-6789", "6789"),
    ("123456789", "6789"),
    ("12-3456789", "6789"),
    ("000123456789", "6789"),
    ("6789", "6789"),
    (" 0042 ", "0042"),
])
def test_last_four_digits_are_taken_from_any_punctuation(given_value, last4):
    assert last4_digits(given_value) == last4


@pytest.mark.parametrize("masker, expected", [
    (mask_ssn, "***-**-1234"), (mask_ein, "**-***1234"), (mask_account, "*****1234"),
])
def test_masks_show_only_the_last_four(masker, expected):
    assert masker("1234") == expected


@pytest.mark.parametrize("make", [
    lambda: WorkerInfo("A B", "W-1", "123456789", Address("1 Main", "X", "CO", "80000")),
    lambda: AgencyInfo("Agency", Address("1 Main", "X", "CO", "80000"), "12-3456789"),
    lambda: DepositLine("Bank", "Checking", "000123456789", Decimal("1.00")),
])
def test_records_refuse_a_full_number(make):
    with pytest.raises(ValidationFailed) as exc:
        make()
    assert exc.value.issues[0].code == "not_last4"


def test_a_number_with_fewer_than_four_digits_is_refused_by_the_builder():
    data = known_stub()
    data["worker"]["ssn"] = "12"
    assert issues_of(data) == {"worker.ssn": "needs at least 4 digits"}


# --- totals -----------------------------------------------------------------------------------------------

def test_totals_match_the_hand_computed_figures():
    view = paystub_from_dict(known_stub())
    assert view.total_hours == Decimal("84")
    assert (view.taxes_current, view.taxes_ytd) == (Decimal("416.83"), Decimal("8461.05"))
    assert (view.deductions_current, view.deductions_ytd) == (Decimal("175.00"), Decimal("3675.00"))
    assert view.total("pre_tax_deductions", "ytd") == Decimal("3150.00")
    assert view.total("employer_contributions", "current") == Decimal("177.10")
    assert view.total("employer_contributions", "ytd") == Decimal("3611.90")
    assert (view.net_current, view.net_ytd) == (Decimal("1558.17"), Decimal("30463.95"))
    assert view.period_start == date(2026, 11, 2) and view.pay_date == date(2026, 11, 20)
    assert view.key == 501
    assert view.worker_type_label == "W-2 leased employee"


def test_amounts_are_decimal_even_when_given_as_text_or_int():
    data = known_stub()
    data["post_tax_deductions"][0]["current"] = 25
    view = paystub_from_dict(data)
    assert view.post_tax_deductions[0].current == Decimal("25")
    assert all(isinstance(e.current, Decimal) and isinstance(e.ytd, Decimal) for e in view.earnings)


def test_a_stub_without_hourly_lines_has_no_hours_total():
    data = known_stub()
    data["earnings"] = [{"description": "Salary", "current": "2150.00", "ytd": "42600.00"}]
    assert paystub_from_dict(data).total_hours is None


def test_without_a_paycheck_id_the_key_is_the_check_number():
    data = known_stub()
    del data["paycheck_id"]
    assert paystub_from_dict(data).key == "100234"


def test_explanations_are_collected_only_when_asked_for():
    assert paystub_from_dict(known_stub()).explanations == ()
    view = paystub_from_dict(known_stub(), include_explanations=True)
    assert [(x.section, x.line, len(x.steps)) for x in view.explanations] == [
        ("Earnings", "Regular", 1), ("Employee taxes", "Federal income tax", 2)]
    assert view.explanations[0].steps == ("80.00 hours x $25.00 = $2,000.00",)


# --- refusals ---------------------------------------------------------------------------------------------

def test_a_net_that_is_not_gross_less_taxes_and_deductions_is_refused_with_the_right_figure():
    data = known_stub()
    data["net"]["current"] = "1558.18"
    data["deposits"][1]["amount"] = "300.01"      # deposits follow the wrong net, so only the net is wrong
    assert issues_of(data) == {"net_current": "gross - taxes - deductions = $1,558.17, not the net $1,558.18"}


def test_every_inconsistency_is_named_at_once():
    data = known_stub()
    data["gross"]["current"] = "2150.01"           # earnings add to 2,150.00
    data["net"]["ytd"] = "30000.00"                # should be 30,463.95
    data["earnings"][1]["current"] = "150.00"      # unchanged, fine
    data["earnings"][0]["hours"] = "81"            # 81 x 25.00 = 2,025.00, not 2,000.00
    data["period_end"] = "2026-11-01"              # before the start
    found = issues_of(data)
    # the deposits (1,558.17) still match the net as given, so they are not named
    assert set(found) == {"gross_current", "net_current", "net_ytd", "earnings[0].current", "period_end"}
    assert found["gross_current"] == "earnings add up to $2,150.00, not the gross $2,150.01"
    assert found["net_ytd"] == "gross - taxes - deductions = $30,463.95, not the net $30,000.00"
    # net current: 2,150.01 - 416.83 - 175.00 = 1,558.18 while 1,558.17 was given
    assert found["net_current"] == "gross - taxes - deductions = $1,558.18, not the net $1,558.17"
    assert found["earnings[0].current"] == "Regular: 81.00 h x $25.00 = $2,025.00, not $2,000.00"


def test_deposits_that_do_not_add_up_to_the_net_are_refused():
    data = known_stub()
    data["deposits"][0]["amount"] = "1258.00"
    assert issues_of(data) == {"deposits": "deposits add up to $1,558.00, not the net pay $1,558.17"}


def test_a_paper_check_needs_no_deposit_lines():
    data = known_stub()
    data["deposits"] = []
    assert paystub_from_dict(data).deposits == ()


def test_missing_and_malformed_fields_are_all_named_with_their_path():
    data = known_stub()
    del data["worker"]["name"]
    del data["agency"]["address"]["city"]
    data["earnings"][1]["ytd"] = 600.0            # float money is refused
    data["employee_taxes"][2]["current"] = "twelve"
    data["pay_date"] = "20/11/2026"
    data["worker_type"] = "employee"
    del data["deposits"][0]["account_number"]
    found = issues_of(data)
    assert set(found) == {"worker.name", "agency.address.city", "earnings[1].ytd", "employee_taxes[2].current",
                          "pay_date", "worker_type", "deposits[0].account_number"}
    assert found["earnings[1].ytd"] == "money and rates are never float: 600.0"
    assert found["worker.name"] == "is required"


def test_an_unknown_worker_type_is_refused():
    data = known_stub()
    data["worker_type"] = "employee"
    assert issues_of(data) == {"worker_type": "must be one of ['1099', 'w2']"}


def test_sub_cent_amounts_are_refused():
    data = known_stub()
    data["post_tax_deductions"][0]["ytd"] = "525.005"
    assert issues_of(data) == {"post_tax_deductions[0].ytd": "525.005 is not a whole number of cents"}


@pytest.mark.parametrize("hours, rate, current, accepted", [
    # 3 h at half an FLSA regular rate of 1,030.00 / 43 h = 23.953488...: the engine's premium is
    # 3 x 11.976744... = 35.930232 -> $35.93; the line keeps the rate as 11.9767 (3 x 11.9767 = 35.9301).
    ("3", "11.9767", "35.93", True),
    # 100 h x $10.12345 (4-decimal rate 10.1235 shown): 100 x 10.1235 = 1,012.35, engine 1,012.345 -> 1,012.35
    ("100", "10.1235", "1012.35", True),
    # Two cents off 100 x 10.1235 = 1,012.35: beyond the slack of 0.005 + 100 x 0.00005 = 0.01
    ("100", "10.1235", "1012.37", False),
    ("80", "25.00", "2000.01", False),
])
def test_hours_times_rate_allows_only_for_a_rate_rounded_to_four_decimals(hours, rate, current, accepted):
    data = known_stub()
    data["earnings"] = [{"description": "Line", "hours": hours, "rate": rate, "current": current, "ytd": current}]
    data["employee_taxes"] = data["pre_tax_deductions"] = data["post_tax_deductions"] = []
    data["deposits"] = []
    data["gross"] = data["net"] = {"current": current, "ytd": current}
    if accepted:
        assert paystub_from_dict(data).gross_current == Decimal(current)
    else:
        assert set(issues_of(data)) == {"earnings[0].current"}


def test_hours_without_a_rate_are_refused():
    data = known_stub()
    del data["earnings"][1]["rate"]
    assert issues_of(data) == {"earnings[1]": "hours and rate go together (both or neither)"}


def test_the_documented_keys_cover_every_top_level_key_of_the_example():
    for key in known_stub():
        assert key in PAYSTUB_DICT_KEYS


# --- formatting -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("rate, shown", [
    ("25", "$25.00"), ("37.5", "$37.50"), ("25.125", "$25.125"), ("18.1234", "$18.1234"), ("1234.5", "$1,234.50"),
])
def test_rates_show_two_to_four_decimals(rate, shown):
    assert fmt_rate(Decimal(rate)) == shown


@pytest.mark.parametrize("hours, shown", [("80", "80.00"), ("4.5", "4.50"), ("0.25", "0.25"), (None, "")])
def test_hours_show_two_decimals(hours, shown):
    assert fmt_hours(None if hours is None else Decimal(hours)) == shown


# --- property: the builder accepts exactly the stubs that add up ------------------------------------------

cents = st.integers(min_value=0, max_value=500_000).map(lambda c: Decimal(c).scaleb(-2))


@settings(max_examples=60, deadline=None)
@given(earn=st.lists(cents, min_size=1, max_size=4), taxes=st.lists(cents, max_size=5),
       pre=st.lists(cents, max_size=3), post=st.lists(cents, max_size=3),
       off_by=st.integers(min_value=-500, max_value=500).map(lambda c: Decimal(c).scaleb(-2)))
def test_a_stub_is_accepted_exactly_when_net_is_gross_less_taxes_and_deductions(earn, taxes, pre, post, off_by):
    def lines(amounts, name):
        return [{"description": f"{name} {i}", "current": a, "ytd": a * 3} for i, a in enumerate(amounts)]

    gross = sum(earn, Decimal("0.00"))
    net = gross - sum(taxes, Decimal(0)) - sum(pre, Decimal(0)) - sum(post, Decimal(0))
    data = known_stub()
    data.update(earnings=lines(earn, "Earning"), employee_taxes=lines(taxes, "Tax"),
                pre_tax_deductions=lines(pre, "Pre"), post_tax_deductions=lines(post, "Post"),
                gross={"current": gross, "ytd": gross * 3}, net={"current": net + off_by, "ytd": net * 3},
                deposits=[])
    if off_by == 0:
        view = paystub_from_dict(copy.deepcopy(data))
        assert view.net_current == view.gross_current - view.taxes_current - view.deductions_current
        assert view.net_ytd == view.gross_ytd - view.taxes_ytd - view.deductions_ytd
    else:
        assert set(issues_of(data)) == {"net_current"}


def test_the_view_model_is_pure_and_never_loads_weasyprint():
    probe = ("import sys, reports.paystub; "
             "print(sorted(m for m in ('weasyprint', 'flask', 'sqlalchemy') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
