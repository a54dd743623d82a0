"""Finance exports from real paychecks: the register matches the paychecks to the cent, GL balances, XLSX totals."""
from __future__ import annotations

import csv
import io
from decimal import Decimal

import pandas as pd
import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from backoffice.money import from_cents
from reports import exports
from reports.queries import Selection

D = Decimal


def csv_rows(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"))))


def stored_paychecks(db, run_ids):
    from payroll.models import Paycheck, PaycheckLine

    out = {}
    for p in db.session.execute(sa.select(Paycheck).where(Paycheck.run_id.in_(run_ids))).scalars():
        lines = {}
        for ln in db.session.execute(sa.select(PaycheckLine).where(PaycheckLine.paycheck_id == p.id)).scalars():
            key = (ln.kind, ln.code, ln.state)
            lines[key] = lines.get(key, D(0)) + ln.amount
        out[p.id] = (p, lines)
    return out


COLUMN_KIND = {"earning": "earning", "ee_tax": "employee_tax", "er_tax": "employer_tax",
               "pretax": "pretax_deduction", "posttax": "posttax_deduction"}


def register_cells(row: dict) -> dict:
    out = {}
    for col, value in row.items():
        prefix, _, rest = col.partition(":")
        if prefix in COLUMN_KIND:
            code, _, state = rest.partition(":")
            out[(COLUMN_KIND[prefix], code, state)] = D(value)
    return out


def test_register_matches_the_paychecks_to_the_cent(db, calculated_run):
    run = calculated_run["run"]
    out = exports.export("register", Selection(run_id=run.id), "csv")
    rows = csv_rows(out.content)
    stored = stored_paychecks(db, [run.id])
    assert len(rows) == len(stored) == 3
    for row in rows:
        p, lines = stored[int(row["paycheck_id"])]
        for total in ("gross", "employee_taxes", "employer_taxes", "deductions", "net"):
            assert D(row[total]) == getattr(p, total), (total, row)
        cells = register_cells(row)
        assert {k: v for k, v in cells.items() if v} == {k: v for k, v in lines.items() if v}
        assert row["worker_type"] == p.worker_type and int(row["engagement_id"]) == p.engagement_id
        assert row["client"] == "Acme Logistics" and row["work_state"] == "TX"
        assert row["pay_date"] == "2026-11-13"


def test_register_rows_are_the_exports_figures_as_decimals_and_dates(db, calculated_run):
    """The one register for code (the payroll celery test, the benchmark): same columns as the CSV, money as
    Decimal, dates as dates; for each paycheck earnings - employee taxes - deductions = net."""
    from datetime import date

    run = calculated_run["run"]
    sel = Selection(run_id=run.id)
    columns, rows = exports.register_rows(sel)
    rows = [dict(zip(columns, row)) for row in rows]
    csv_out = csv_rows(exports.export("register", sel, "csv").content)
    assert columns == list(csv_out[0]) and len(rows) == len(csv_out) == 3
    stored = stored_paychecks(db, [run.id])
    for row, text in zip(rows, csv_out):
        p, _ = stored[row["paycheck_id"]]
        assert row["pay_date"] == date(2026, 11, 13) and row["net"] == p.net == D(text["net"])
        kinds = register_cells(row)
        earned = sum((v for (kind, _, _), v in kinds.items() if kind == "earning"), D(0))
        taxes = sum((v for (kind, _, _), v in kinds.items() if kind == "employee_tax"), D(0))
        deducted = sum((v for (kind, _, _), v in kinds.items() if kind.endswith("_deduction")), D(0))
        assert (earned, taxes, deducted) == (p.gross, p.employee_taxes, p.deductions)
        assert earned - taxes - deducted == row["net"]


def test_register_rows_money_is_from_cents_of_each_cell(db, calculated_run):
    """The money columns are converted as one block, each distinct amount once and shared between cells: every
    cell is still from_cents of its own cents, with two places (a line column's 0 is 0.00; Ann's Social Security
    73.63 is the same in the employee's and the employer's column)."""
    sel = Selection(run_id=calculated_run["run"].id)
    (sheet,) = exports.register_sheets(sel)
    columns, rows = exports.register_rows(sel)
    rows = [dict(zip(columns, row)) for row in rows]
    assert len(rows) == len(sheet.frame) == 3
    for i, row in enumerate(rows):
        for c in sheet.money_columns:
            cents = int(sheet.frame[c].iloc[i])
            assert row[c] == from_cents(cents) and str(row[c]) == str(from_cents(cents))
            assert row[c].as_tuple().exponent == -2
    ann = next(r for r in rows if r["gross"] == D("1187.50"))
    assert ann["ee_tax:social_security"] == ann["er_tax:social_security"] == D("73.63")


def test_register_rows_are_tuples_of_one_cell_a_column_in_the_columns_order(db, calculated_run):
    """A row is a tuple in the order of the columns: its paycheck id first, its net where the column list says."""
    sel = Selection(run_id=calculated_run["run"].id)
    (sheet,) = exports.register_sheets(sel)
    columns, rows = exports.register_rows(sel)
    rows = list(rows)
    assert columns == list(sheet.frame.columns) and columns[0] == "paycheck_id"
    assert all(type(row) is tuple and len(row) == len(columns) for row in rows)
    net = columns.index("net")
    assert [(row[0], row[net]) for row in rows] == [
        (int(i), from_cents(int(n))) for i, n in zip(sheet.frame["paycheck_id"], sheet.frame["net"])]


def test_paycheck_lines_read_kind_code_and_state_as_the_stored_text(db, calculated_run):
    """The lines' frame holds each stored line's kind, code and state (as categories) and its cents."""
    from payroll.models import Paycheck, PaycheckLine
    from reports import queries

    run = calculated_run["run"]
    frame = queries.paycheck_lines(Selection(run_id=run.id))
    assert all(isinstance(frame[c].dtype, pd.CategoricalDtype) for c in ("kind", "code", "state"))
    got = sorted(zip(frame["paycheck_id"].tolist(), frame["kind"].tolist(), frame["code"].tolist(),
                     frame["state"].tolist(), frame["amount"].tolist()))
    stored = db.session.execute(sa.select(PaycheckLine).join(Paycheck, Paycheck.id == PaycheckLine.paycheck_id)
                                .where(Paycheck.run_id == run.id)).scalars().all()
    want = sorted((ln.paycheck_id, ln.kind, ln.code, ln.state, int(ln.amount * 100)) for ln in stored)
    assert got == want and ("employee_tax", "social_security") in {(k, c) for _, k, c, _, _ in got}


def test_paycheck_lines_read_negative_large_repeated_and_odd_coded_lines_exactly(db, calculated_run):
    """Whatever a line holds, it is read back as stored (PostgreSQL packs each key's lines as binary integers): on Ann's
    paycheck a correction of −12.34 (−1,234 cents) and a second one of −0.01 under the same key (two lines, which the
    register adds: −1,235 cents = −12.35), a bonus of 30,000,000.01 (3,000,000,001 cents, past 2³¹) and a
    post-tax deduction whose code holds a comma, a quote and a space (`a,"b c`) of 5.00 (500 cents)."""
    from payroll.models import Paycheck, PaycheckLine
    from reports import frames, queries

    run, ann = calculated_run["run"], calculated_run["ann"]
    paycheck = db.session.execute(sa.select(Paycheck).where(Paycheck.run_id == run.id,
                                                            Paycheck.engagement_id == ann.id)).scalar_one()
    added = [("earning", "correction", D("-12.34")), ("earning", "correction", D("-0.01")),
             ("earning", "bonus", D("30000000.01")), ("posttax_deduction", 'a,"b c', D("5.00"))]
    db.session.add_all([PaycheckLine(paycheck_id=paycheck.id, kind=k, code=c, state="", amount=a) for k, c, a in added])
    db.session.flush()

    sel = Selection(run_id=run.id)
    lines = queries.paycheck_lines(sel)
    mine = sorted((k, c, a) for pid, k, c, a in zip(lines["paycheck_id"].tolist(), lines["kind"].tolist(),
                                                     lines["code"].tolist(), lines["amount"].tolist())
                  if pid == paycheck.id and k in ("earning", "posttax_deduction") and c != "regular"
                  and c != "overtime_premium")
    assert mine == [("earning", "bonus", 3_000_000_001), ("earning", "correction", -1_234),
                    ("earning", "correction", -1), ("posttax_deduction", 'a,"b c', 500)]
    frame, _money = frames.register(queries.paychecks(sel), lines)
    row = frame[frame["paycheck_id"] == paycheck.id].iloc[0]
    assert (row["earning:correction"], row["earning:bonus"], row['posttax:a,"b c']) == (-1_235, 3_000_000_001, 500)


def test_lines_read_by_the_paychecks_ids_are_the_selections_lines(db, calculated_run):
    """Given the run's paycheck ids (every id from the least to the greatest), PostgreSQL reads the lines by that
    range without the join; given ids with a gap (Ann's and Cy's without Bo's, between them), through the join of
    the selection. Either way: exactly the lines the selection reads alone."""
    from reports import queries

    sel = Selection(run_id=calculated_run["run"].id)

    def read(ids=None):
        frame = queries.paycheck_lines(sel, ids)
        return sorted(zip(*(frame[c].tolist() for c in ("paycheck_id", "kind", "code", "state", "amount"))))

    alone = read()
    ids = queries.paychecks(sel)["paycheck_id"].to_numpy()
    assert len(ids) == 3 and ids.max() - ids.min() == 2 and len(alone) > 3
    assert read(ids) == alone
    assert read(ids[[0, 2]]) == alone


def test_reading_the_lines_leaves_the_planner_as_it_found_it(db, calculated_run):
    """PostgreSQL groups the lines by key with sorting turned off for that one statement: afterwards, in the same
    transaction, `enable_sort` is back to what it was — on by default, and off when the session had turned it off."""
    from reports import queries

    if db.engine.dialect.name != "postgresql":
        pytest.skip("planner settings are PostgreSQL's")
    sel = Selection(run_id=calculated_run["run"].id)
    show = sa.text("SELECT current_setting('enable_sort')")
    assert len(queries.paycheck_lines(sel)) and db.session.execute(show).scalar() == "on"
    db.session.execute(sa.text("SET LOCAL enable_sort = off"))
    assert len(queries.paycheck_lines(sel)) and db.session.execute(show).scalar() == "off"


def test_reading_the_paychecks_leaves_the_planner_as_it_found_it(db, calculated_run):
    """The register's paychecks are read sorted in memory and without parallel workers (REGISTER_READ); afterwards,
    in the same transaction, `work_mem` and `max_parallel_workers_per_gather` are what they were, also when the
    session had changed them."""
    from reports import queries

    if db.engine.dialect.name != "postgresql":
        pytest.skip("planner settings are PostgreSQL's")
    sel = Selection(run_id=calculated_run["run"].id)
    show = sa.text("SELECT current_setting('work_mem'), current_setting('max_parallel_workers_per_gather')")
    before = tuple(db.session.execute(show).one())
    assert len(queries.paychecks(sel)) == 3 and tuple(db.session.execute(show).one()) == before
    db.session.execute(sa.text("SET LOCAL work_mem = '7MB'"))
    db.session.execute(sa.text("SET LOCAL max_parallel_workers_per_gather = 1"))
    assert len(queries.paychecks(sel)) == 3 and tuple(db.session.execute(show).one()) == ("7MB", "1")


def test_register_shows_the_hand_figures(db, calculated_run):
    """See the calculated_run fixture: Ann 1,125.00 straight time + 62.50 overtime premium, Social Security 73.63, Medicare 17.22, FUTA 7.13,
    TX SUTA 32.06; the column totals of gross are 1,187.50 + 800.00 + 1,200.00 = 3,187.50."""
    run, ann = calculated_run["run"], calculated_run["ann"]
    rows = csv_rows(exports.export("register", Selection(run_id=run.id), "csv").content)
    by_eng = {int(r["engagement_id"]): r for r in rows}
    a = by_eng[ann.id]
    assert (a["earning:regular"], a["earning:overtime_premium"], a["gross"]) == ("1125.00", "62.50", "1187.50")
    assert (a["ee_tax:social_security"], a["ee_tax:medicare"]) == ("73.63", "17.22")
    assert (a["er_tax:social_security"], a["er_tax:futa"], a["er_tax:suta:TX"]) == ("73.63", "7.13", "32.06")
    assert by_eng[calculated_run["cy"].id]["net"] == "1200.00"
    assert sum(D(r["gross"]) for r in rows) == D("3187.50")
    assert sum(D(r["net"]) for r in rows) == run.total_net


def test_tax_liability_is_the_hand_sum(db, calculated_run):
    """Social Security 123.23 a side (246.46), Medicare 28.82 a side (57.64), FUTA 11.93, TX SUTA 53.66 (fixture
    docstring); federal income tax equals the sum of the paychecks' withholding lines."""
    from payroll.models import Paycheck, PaycheckLine

    run = calculated_run["run"]
    rows = csv_rows(exports.export("tax-liability", Selection(run_id=run.id), "csv").content)
    got = {(r["jurisdiction"], r["tax_code"]): (D(r["employee_withheld"]), D(r["employer"]), D(r["total"]))
           for r in rows}
    assert got[("US", "social_security")] == (D("123.23"), D("123.23"), D("246.46"))
    assert got[("US", "medicare")] == (D("28.82"), D("28.82"), D("57.64"))
    assert got[("US", "futa")] == (D("0.00"), D("11.93"), D("11.93"))
    assert got[("TX", "suta")] == (D("0.00"), D("53.66"), D("53.66"))
    fit = sum(db.session.execute(sa.select(PaycheckLine.amount).join(Paycheck).where(
        Paycheck.run_id == run.id, PaycheckLine.code == "federal_income_tax")).scalars(), D(0))
    assert got[("US", "federal_income_tax")][0] == fit
    assert {r["agency"] for r in rows} == {"Tandem Staffing Partners LLC"}
    # every tax of the run is in the summary: employee + employer totals equal the run's stored totals
    assert sum(D(r["employee_withheld"]) for r in rows) == run.total_employee_taxes
    assert sum(D(r["employer"]) for r in rows) == run.total_employer_taxes


def test_gl_debits_equal_credits_and_match_the_trial_balance(db, calculated_run):
    from payroll.services.ledger import trial_balance

    run = calculated_run["run"]
    rows = csv_rows(exports.export("gl", Selection(run_id=run.id), "csv").content)
    debit = sum(D(r["debit"]) for r in rows)
    credit = sum(D(r["credit"]) for r in rows)
    assert debit == credit == trial_balance(run.id)["debit"]
    wages = [r for r in rows if r["account"] == "6100"]
    assert sum(D(r["debit"]) for r in wages) == D("1987.50")        # 1,187.50 + 800.00 (employees)
    assert sum(D(r["debit"]) for r in rows if r["account"] == "6150") == D("1200.00")
    assert all(r["memo"].startswith(f"Payroll run {run.id}") for r in rows)
    suta = [r for r in rows if r["account"] == "2200" and r["detail"] == "suta"]
    assert [(r["state"], r["credit"]) for r in suta] == [("TX", "53.66")]


@pytest.mark.parametrize("kind", ["register", "tax-liability", "gl"])
def test_xlsx_opens_and_has_the_same_totals_as_the_csv(db, calculated_run, kind):
    run = calculated_run["run"]
    sel = Selection(run_id=run.id)
    rows = csv_rows(exports.export(kind, sel, "csv").content)
    wb = load_workbook(io.BytesIO(exports.export(kind, sel, "xlsx").content))
    ws = wb.worksheets[0]
    values = list(ws.iter_rows(values_only=True))
    header, body, total = values[0], values[1:-1], values[-1]
    assert len(body) == len(rows) and total[0] == "Total"
    money = {"register": ["gross", "net", "employee_taxes"],
             "tax-liability": ["employee_withheld", "employer", "total"],
             "gl": ["debit", "credit"]}[kind]
    for col in money:
        i = header.index(col)
        csv_sum = sum(D(r[col]) for r in rows)
        cells = sum((D(str(v)) for v in (r[i] for r in body) if v is not None), D(0))
        assert cells.quantize(D("0.01")) == csv_sum
        assert D(str(total[i])).quantize(D("0.01")) == csv_sum


def test_a_date_range_includes_a_reversal_and_nets_it_out(db, calculated_run):
    """A date range counts issued runs only: while the run is calculated (a draft) the range is empty. Once it
    is approved and paid, reversing Ann's paycheck (same pay date; requested by one person, carried out by
    another) adds a row of -1,187.50: gross 3,187.50 − 1,187.50 = 2,000.00; Social Security withheld
    123.23 − 73.63 = 49.60 (Bo's)."""
    from tests.integration.payroll.conftest import NOW, SETTLES
    from payroll.models import Paycheck
    from payroll.services import payments, runs
    from payroll.services.corrections import request_reversal, reverse_paycheck

    run, ann, world = calculated_run["run"], calculated_run["ann"], calculated_run["world"]
    sel = exports.parse_selection({"start": "2026-11-01", "end": "2026-11-30"})
    assert csv_rows(exports.export("register", sel, "csv").content) == []
    runs.approve_run(run.id, world.hr2)
    payments.generate_nacha(run.id, world.finance, now=NOW, effective_date=SETTLES)
    runs.mark_paid(run.id, world.hr2)
    pid = db.session.execute(sa.select(Paycheck.id).where(Paycheck.run_id == run.id,
                                                          Paycheck.engagement_id == ann.id)).scalar_one()
    request_reversal(world.hr, "wrong hours", paycheck_id=pid)
    reverse_paycheck(pid, world.hr2, "wrong hours", on=run.pay_date)
    rows = csv_rows(exports.export("register", sel, "csv").content)
    assert len(rows) == 4
    assert [r["gross"] for r in rows if r["kind"] == "reversal"] == ["-1187.50"]
    assert sum(D(r["gross"]) for r in rows) == D("2000.00")
    liab = {(r["jurisdiction"], r["tax_code"]): D(r["employee_withheld"])
            for r in csv_rows(exports.export("tax-liability", sel, "csv").content)}
    assert liab[("US", "social_security")] == D("49.60")
    gl = csv_rows(exports.export("gl", sel, "csv").content)
    assert sum(D(r["debit"]) for r in gl) == sum(D(r["credit"]) for r in gl)
    outside = exports.parse_selection({"start": "2026-12-01", "end": "2026-12-31"})
    assert csv_rows(exports.export("register", outside, "csv").content) == []


def test_an_unknown_run_is_not_found(db):
    from backoffice.errors import NotFound

    with pytest.raises(NotFound):
        exports.parse_selection({"run_id": "999"})


@pytest.mark.parametrize("kind", ["register", "tax-liability", "gl"])
def test_every_xlsx_cell_of_the_first_sheet_is_the_csv_value(db, calculated_run, kind):
    """Cell by cell, read back by openpyxl: money cells are the CSV's exact decimal (a blank register line cell is
    the CSV's 0.00), dates are the CSV's ISO date, whole numbers and text are the CSV's text."""
    sel = Selection(run_id=calculated_run["run"].id)
    (sheet,) = exports.BUILDERS[kind](sel)[:1]
    money, dates = set(sheet.money_columns), set(sheet.date_columns)
    rows = csv_rows(exports.export(kind, sel, "csv").content)
    ws = load_workbook(io.BytesIO(exports.export(kind, sel, "xlsx").content)).worksheets[0]
    values = list(ws.iter_rows(values_only=True))
    header = list(values[0])
    assert header == list(rows[0].keys())
    assert len(values) == len(rows) + 2                     # header and total rows
    compared = 0
    for row, cells in zip(rows, values[1:-1]):
        for col, cell in zip(header, cells):
            text = row[col]
            if col in money:
                assert (D(0) if cell is None else D(str(cell))).quantize(D("0.01")) == D(text), (col, cell, text)
            elif col in dates:
                assert (cell.date().isoformat() if cell is not None else "") == text, (col, cell, text)
            else:
                assert ("" if cell is None else str(cell)) == text, (col, cell, text)
            compared += 1
    assert compared == len(rows) * len(header) > 0
