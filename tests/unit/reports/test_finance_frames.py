"""Finance-export frames on hand-built DataFrames: register pivot, tax-liability summary, GL journal."""
from __future__ import annotations

import pandas as pd
import pytest

from reports import frames

HEAD = {"run_id": 7, "kind": "regular", "pay_date": "2026-01-09", "period_start": "2025-12-27",
        "period_end": "2026-01-09", "agency": "Tandem Staffing LLC"}


def paychecks(rows):
    return pd.DataFrame([dict(HEAD, **r) for r in rows])


def lines(rows):
    return pd.DataFrame(rows, columns=["paycheck_id", "kind", "code", "state", "amount"])


# Three paychecks (amounts in cents).
#   #101 Ames (CA employee): regular 1,000.00 + overtime 150.00 = gross 1,150.00;
#        FIT 90.00, SS 71.30, Medicare 16.68, CA SIT 25.00, CA SDI 13.80 -> employee taxes 216.78;
#        401(k) 50.00 -> deductions 50.00; net 1,150.00 - 216.78 - 50.00 = 883.22;
#        employer SS 71.30, Medicare 16.68, FUTA 6.90, CA SUTA 39.10 -> employer taxes 133.98.
#   #102 Baker (NY employee): regular 800.00; FIT 60.00, SS 49.60, Medicare 11.60, NY SIT 30.00 -> 151.20;
#        net 648.80; employer SS 49.60, Medicare 11.60, FUTA 4.80, NY SUTA 32.80 -> 98.80.
#   #103 Cruz (TX contractor): piece 500.00, nothing withheld, net 500.00.
PAYCHECKS = paychecks([
    {"paycheck_id": 101, "worker_id": 1, "worker": "Ames, Ann", "worker_type": "employee", "engagement_id": 11,
     "client": "Acme", "work_state": "CA", "gross": 115000, "employee_taxes": 21678, "employer_taxes": 13398,
     "deductions": 5000, "net": 88322},
    {"paycheck_id": 102, "worker_id": 2, "worker": "Baker, Bo", "worker_type": "employee", "engagement_id": 12,
     "client": "Bolt", "work_state": "NY", "gross": 80000, "employee_taxes": 15120, "employer_taxes": 9880,
     "deductions": 0, "net": 64880},
    {"paycheck_id": 103, "worker_id": 3, "worker": "Cruz, Cy", "worker_type": "contractor", "engagement_id": 13,
     "client": "Acme", "work_state": "TX", "gross": 50000, "employee_taxes": 0, "employer_taxes": 0,
     "deductions": 0, "net": 50000},
])
LINES = lines([
    (101, "earning", "regular", "", 100000), (101, "earning", "overtime", "", 15000),
    (101, "employee_tax", "federal_income_tax", "", 9000), (101, "employee_tax", "social_security", "", 7130),
    (101, "employee_tax", "medicare", "", 1668), (101, "employee_tax", "state_income_tax", "CA", 2500),
    (101, "employee_tax", "state_disability", "CA", 1380), (101, "pretax_deduction", "401k", "", 5000),
    (101, "employer_tax", "social_security", "", 7130), (101, "employer_tax", "medicare", "", 1668),
    (101, "employer_tax", "futa", "", 690), (101, "employer_tax", "suta", "CA", 3910),
    (102, "earning", "regular", "", 80000),
    (102, "employee_tax", "federal_income_tax", "", 6000), (102, "employee_tax", "social_security", "", 4960),
    (102, "employee_tax", "medicare", "", 1160), (102, "employee_tax", "state_income_tax", "NY", 3000),
    (102, "employer_tax", "social_security", "", 4960), (102, "employer_tax", "medicare", "", 1160),
    (102, "employer_tax", "futa", "", 480), (102, "employer_tax", "suta", "NY", 3280),
    (103, "earning", "piece", "", 50000),
])


def kind_columns(frame, prefix):
    return [c for c in frame.columns if c.startswith(prefix + ":")]


def test_register_has_one_row_per_paycheck_and_one_column_per_kind_code_state():
    frame, money = frames.register(PAYCHECKS, LINES)
    assert list(frame["paycheck_id"]) == [101, 102, 103]
    assert kind_columns(frame, "earning") == ["earning:regular", "earning:overtime", "earning:piece"]
    assert kind_columns(frame, "ee_tax") == [
        "ee_tax:federal_income_tax", "ee_tax:social_security", "ee_tax:medicare",
        "ee_tax:state_disability:CA", "ee_tax:state_income_tax:CA", "ee_tax:state_income_tax:NY"]
    assert kind_columns(frame, "er_tax") == ["er_tax:social_security", "er_tax:medicare", "er_tax:futa",
                                             "er_tax:suta:CA", "er_tax:suta:NY"]
    assert kind_columns(frame, "pretax") == ["pretax:401k"]
    assert money[-5:] == ["gross", "employee_taxes", "employer_taxes", "deductions", "net"]
    row = frame.set_index("paycheck_id")
    assert row.loc[101, "ee_tax:state_income_tax:CA"] == 2500
    assert row.loc[102, "ee_tax:state_income_tax:CA"] == 0
    assert row.loc[102, "ee_tax:state_income_tax:NY"] == 3000
    assert row.loc[103, "earning:piece"] == 50000
    assert row.loc[101, "worker"] == "Ames, Ann" and row.loc[101, "client"] == "Acme"


@pytest.mark.parametrize("prefix, total", [("earning", "gross"), ("ee_tax", "employee_taxes"),
                                           ("er_tax", "employer_taxes"), ("pretax", "deductions")])
def test_register_columns_of_each_kind_add_up_to_the_paycheck_totals(prefix, total):
    """Per paycheck (see the hand figures above): earnings 1,150.00 / 800.00 / 500.00; employee taxes
    216.78 / 151.20 / 0; employer taxes 133.98 / 98.80 / 0; deductions 50.00 / 0 / 0."""
    frame, _ = frames.register(PAYCHECKS, LINES)
    sums = frame[kind_columns(frame, prefix)].sum(axis=1)
    assert list(sums) == list(frame[total])
    expected = {"gross": [115000, 80000, 50000], "employee_taxes": [21678, 15120, 0],
                "employer_taxes": [13398, 9880, 0], "deductions": [5000, 0, 0]}[total]
    assert list(sums) == expected


def test_register_column_totals_are_the_hand_sums():
    """Column totals: gross 1,150.00 + 800.00 + 500.00 = 2,450.00; net 883.22 + 648.80 + 500.00 = 2,032.02;
    federal income tax 90.00 + 60.00 = 150.00; employer Social Security 71.30 + 49.60 = 120.90."""
    frame, money = frames.register(PAYCHECKS, LINES)
    totals = frames.register_totals(frame, money)
    assert totals["gross"] == 245000
    assert totals["net"] == 203202
    assert totals["ee_tax:federal_income_tax"] == 15000
    assert totals["er_tax:social_security"] == 12090


def test_register_adds_repeated_lines_and_ignores_lines_of_other_paychecks():
    """Two regular lines of 100.00 and 25.50 on one paycheck make 125.50; a line of paycheck 999 (not
    selected) does not appear anywhere."""
    pcs = PAYCHECKS.iloc[:1]
    extra = lines([(101, "earning", "regular", "", 10000), (101, "earning", "regular", "", 2550),
                   (999, "earning", "bonus", "", 777)])
    frame, _ = frames.register(pcs, extra)
    assert frame.loc[0, "earning:regular"] == 12550
    assert int(frame[kind_columns(frame, "earning")].to_numpy().sum()) == 12550


def test_register_has_employer_contribution_columns_after_the_deductions():
    """Paycheck 101 with a 401(k) match of 25.00 (half the 50.00 deferral) and child support of 40.00: one column
    each, the employer's after the deductions; the match is not part of any paycheck total."""
    extra = lines([(101, "pretax_deduction", "401k", "", 5000), (101, "posttax_deduction", "child_support", "", 4000),
                   (101, "employer_contribution", "401k_match", "", 2500)])
    frame, _ = frames.register(PAYCHECKS.iloc[:1], extra)
    assert frame.loc[0, "er_contrib:401k_match"] == 2500 and frame.loc[0, "posttax:child_support"] == 4000
    cols = list(frame.columns)
    assert cols.index("posttax:child_support") < cols.index("er_contrib:401k_match")


def test_register_is_the_same_frame_from_lines_read_as_categories():
    """queries.paycheck_lines reads a line's kind, code and state as categories (PostgreSQL's CSV and SQLite's
    rows alike): the pivot of the three paychecks above is the same frame, columns, order and cents as from text."""
    as_keys = LINES.astype({"kind": "category", "code": "category", "state": "category"})
    expected, money = frames.register(PAYCHECKS, LINES)
    got, got_money = frames.register(PAYCHECKS, as_keys)
    assert got_money == money
    pd.testing.assert_frame_equal(got, expected)
    assert got.loc[0, "ee_tax:state_income_tax:CA"] == 2500 and got.loc[1, "er_tax:suta:NY"] == 3280


def test_register_of_paychecks_without_lines_has_only_the_totals():
    frame, money = frames.register(PAYCHECKS, lines([]))
    assert money == list(frames.REGISTER_TOTALS)
    assert list(frame["net"]) == [88322, 64880, 50000]


def test_register_keeps_negative_reversal_amounts():
    """A reversal paycheck carries every amount negated: -1,000.00 regular stays -1,000.00."""
    pcs = paychecks([{"paycheck_id": 5, "worker_id": 1, "worker": "Ames, Ann", "worker_type": "employee",
                      "engagement_id": 11, "client": "Acme", "work_state": "CA", "gross": -100000,
                      "employee_taxes": -9000, "employer_taxes": 0, "deductions": 0, "net": -91000,
                      "kind": "reversal"}])
    frame, _ = frames.register(pcs, lines([(5, "earning", "regular", "", -100000),
                                           (5, "employee_tax", "federal_income_tax", "", -9000)]))
    assert frame.loc[0, "earning:regular"] == -100000
    assert frame.loc[0, "ee_tax:federal_income_tax"] == -9000


# ------------------------------------------------------------------------------------------------ liability
def tax_lines():
    """Tax lines of the three paychecks with an agency column and taxable wages (cents)."""
    df = LINES[LINES["kind"].isin(("employee_tax", "employer_tax"))].copy()
    df["agency_id"] = 1
    df["agency"] = "Tandem Staffing LLC"
    wages = {101: 115000 - 5000, 102: 80000}            # FIT wages after the 401(k); used for every tax here
    df["taxable_wages"] = df["paycheck_id"].map(wages)
    return df


def test_liability_per_tax_is_the_hand_sum():
    """Per tax (cents):
    US federal income tax: employee 9,000 + 6,000 = 15,000.
    US Social Security: employee 7,130 + 4,960 = 12,090; employer the same 12,090; total 24,180.
    US Medicare: employee 1,668 + 1,160 = 2,828; employer 2,828; total 5,656.
    US FUTA: employer 690 + 480 = 1,170.
    CA state income tax 2,500; CA SDI 1,380; CA SUTA 3,910 (employer).
    NY state income tax 3,000; NY SUTA 3,280 (employer)."""
    summary = frames.liability_summary(tax_lines())
    got = {(r.jurisdiction, r.tax_code): (r.employee_withheld, r.employer, r.total)
           for r in summary.itertuples()}
    assert got == {
        ("US", "federal_income_tax"): (15000, 0, 15000),
        ("US", "social_security"): (12090, 12090, 24180),
        ("US", "medicare"): (2828, 2828, 5656),
        ("US", "futa"): (0, 1170, 1170),
        ("CA", "state_income_tax"): (2500, 0, 2500),
        ("CA", "state_disability"): (1380, 0, 1380),
        ("CA", "suta"): (0, 3910, 3910),
        ("NY", "state_income_tax"): (3000, 0, 3000),
        ("NY", "suta"): (0, 3280, 3280),
    }
    assert list(summary["jurisdiction"]) == ["US"] * 4 + ["CA"] * 3 + ["NY"] * 2
    assert list(summary[summary["jurisdiction"] == "US"]["tax_code"]) == [
        "federal_income_tax", "social_security", "medicare", "futa"]
    assert set(summary["authority"]) == {"IRS", "CA state tax agency", "NY state tax agency"}


def test_liability_by_state_equals_the_hand_sum_per_state():
    """Per jurisdiction (cents):
    US: employee 15,000 + 12,090 + 2,828 = 29,918; employer 12,090 + 2,828 + 1,170 = 16,088; total 46,006.
    CA: employee 2,500 + 1,380 = 3,880; employer 3,910; total 7,790.
    NY: employee 3,000; employer 3,280; total 6,280.
    All together 46,006 + 7,790 + 6,280 = 60,076 = employee taxes 21,678 + 15,120 plus employer taxes
    13,398 + 9,880 from the paychecks."""
    by_state = frames.liability_by_state(frames.liability_summary(tax_lines()))
    got = {r.jurisdiction: (r.employee_withheld, r.employer, r.total) for r in by_state.itertuples()}
    assert got == {"US": (29918, 16088, 46006), "CA": (3880, 3910, 7790), "NY": (3000, 3280, 6280)}
    assert int(by_state["total"].sum()) == 21678 + 15120 + 13398 + 9880


def test_liability_taxable_wages_count_the_employer_base_once():
    """Social Security wages: 1,100.00 (paycheck 101) + 800.00 (102) = 1,900.00 — not doubled by the employee
    and employer lines carrying the same base. Federal income tax (employee only) uses the employee lines."""
    summary = frames.liability_summary(tax_lines()).set_index(["jurisdiction", "tax_code"])
    assert summary.loc[("US", "social_security"), "taxable_wages"] == 190000
    assert summary.loc[("US", "federal_income_tax"), "taxable_wages"] == 190000
    assert summary.loc[("CA", "suta"), "taxable_wages"] == 110000


def test_liability_accepts_rows_summed_in_the_database():
    """Pre-summed rows (what reports.queries.tax_lines returns) give the same summary as single lines."""
    df = tax_lines()
    grouped = df.groupby(["agency_id", "agency", "kind", "code", "state"], as_index=False)[
        ["amount", "taxable_wages"]].sum()
    pd.testing.assert_frame_equal(frames.liability_summary(grouped), frames.liability_summary(df))


def test_liability_separates_agencies():
    df = tax_lines()
    df.loc[df["paycheck_id"] == 102, "agency"] = "Second Agency Inc"
    summary = frames.liability_summary(df)
    ny = summary[(summary["agency"] == "Second Agency Inc") & (summary["tax_code"] == "federal_income_tax")]
    assert list(ny["employee_withheld"]) == [6000]


def test_liability_of_nothing_is_empty_with_the_columns():
    summary = frames.liability_summary(tax_lines().iloc[:0])
    assert list(summary.columns) == list(frames.LIABILITY_COLUMNS) and summary.empty
    assert frames.liability_by_state(summary).empty


# ------------------------------------------------------------------------------------------------ GL
def journal():
    rows = [
        (1, "6100", "", "", 195000, 0), (1, "6200", "social_security", "", 12090, 0),
        (1, "2100", "federal_income_tax", "", 0, 15000), (1, "2200", "suta", "CA", 0, 3910),
        (1, "2400", "", "", 0, 188180),
    ]
    df = pd.DataFrame(rows, columns=["entry_id", "account", "detail", "state", "debit", "credit"])
    df["entry_date"] = "2026-01-09"
    df["entry_kind"] = "payroll"
    df["run_id"] = 7
    df["paycheck_id"] = pd.array([None] * len(df), dtype="Int64")
    df["entry_memo"] = "Payroll run 7 chunk 0"
    df["agency"] = "Tandem Staffing LLC"
    return df


def test_gl_journal_names_accounts_and_says_what_each_line_is():
    names = {"6100": "Wages expense", "2200": "Employer payroll taxes payable"}
    gl = frames.gl_journal(journal(), names)
    assert list(gl.columns) == list(frames.GL_COLUMNS)
    assert gl.loc[0, "account_name"] == "Wages expense"
    assert gl.loc[2, "account_name"] == "2100"            # unknown code shown as itself
    assert gl.loc[0, "memo"] == "Payroll run 7 chunk 0"
    assert gl.loc[3, "memo"] == "Payroll run 7 chunk 0 — suta CA"
    assert gl.loc[2, "memo"] == "Payroll run 7 chunk 0 — federal income tax"


def test_gl_by_account_balances_and_debits_equal_credits():
    """Debits 1,950.00 + 120.90 = 2,070.90; credits 150.00 + 39.10 + 1,881.80 = 2,070.90."""
    gl = frames.gl_journal(journal(), {})
    by_account = frames.gl_by_account(gl, {})
    assert int(by_account["debit"].sum()) == int(by_account["credit"].sum()) == 207090
    assert int(by_account["balance"].sum()) == 0
    assert by_account.set_index("account").loc["2400", "balance"] == -188180


# ------------------------------------------------------------------------------------------------ properties
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

LINE = st.tuples(st.sampled_from([101, 102, 103]),
                 st.sampled_from(["earning", "employee_tax", "employer_tax", "pretax_deduction"]),
                 st.sampled_from(["regular", "social_security", "suta", "401k"]),
                 st.sampled_from(["", "CA", "NY"]),
                 st.integers(min_value=-10 ** 9, max_value=10 ** 9))


@settings(max_examples=60, deadline=None)
@given(st.lists(LINE, max_size=40))
def test_register_cells_are_the_exact_sums_of_the_lines(rows):
    """Every cell is the sum of its paycheck's lines of that (kind, code, state): nothing lost or doubled."""
    frame, money = frames.register(PAYCHECKS, lines(rows))
    expected: dict = {}
    for pid, kind, code, state, amount in rows:
        key = (pid, frames.line_label(kind, code, state))
        expected[key] = expected.get(key, 0) + amount
    line_cols = [c for c in money if c not in frames.REGISTER_TOTALS]
    got = {(pid, col): int(v) for pid, row in zip(frame["paycheck_id"], frame[line_cols].to_dict("records"))
           for col, v in row.items()}
    assert {k: v for k, v in got.items() if v} == {k: v for k, v in expected.items() if v}
    assert set(line_cols) == {frames.line_label(k, c, s) for _, k, c, s, _ in rows}


@settings(max_examples=60, deadline=None)
@given(st.lists(LINE, max_size=40))
def test_liability_total_is_the_sum_of_the_tax_lines(rows):
    df = lines(rows)
    df["agency_id"], df["agency"] = 1, "Tandem"
    summary = frames.liability_summary(df)
    taxes = sum(r[4] for r in rows if r[1] in ("employee_tax", "employer_tax"))
    assert int(summary["total"].sum()) == taxes
    assert int(frames.liability_by_state(summary)["total"].sum()) == taxes
