"""Forms 941 and 940 built from paychecks in the database, exported through `backoffice filings export`, and a
941-X made by `filings correct` after a paycheck of the filed quarter was reversed with payroll's own service.

The quarter (Q1 2025), hand-figured (social security 6.2%, Medicare 1.45% each share, rounded per paycheck):
- W1 (TX), 14 Feb and 14 Mar (period 1–14 Mar): $2,000.00 gross, $100.00 cafeteria plan (exempt from income tax
  and FICA) and $200.00 401(k) (exempt from income tax only): FICA wages 1,900.00, income-tax wages 1,700.00,
  FIT 150.00, SS 117.80 × 2 shares, Medicare 27.55 × 2.
- W2 (CA), 14 Mar: $500.05, no income tax withheld (so no line carries the income-tax wage: 500.05 is used),
  SS 500.05 × 6.2% = 31.0031 → 31.00 × 2, Medicare 7.250725 → 7.25 × 2.
Line 1 = 2; line 2 = 1,700 + 1,700 + 500.05 = 3,900.05; line 3 = 300.00; 5a = 4,300.05 × 0.124 = 533.2062 →
533.21; 5c = 4,300.05 × 0.029 = 124.70145 → 124.70; 5e = 657.91; line 6 = 957.91; withheld and owed
471.20 + 62.00 + 110.20 + 14.50 = 657.90 → line 7 = −0.01; line 12 = 957.90. Line 16: February 150 + 235.60 +
55.10 = 440.70, March 440.70 + 62.00 + 14.50 = 517.20. Deposit paid for February 440.70 → line 14 517.20."""
from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime
from decimal import Decimal as D

import pytest
import sqlalchemy as sa

from backoffice.money import round_cents
from compliance import services as svc
from compliance.engine import f941 as engine
from compliance.models import Filing

FEB, MAR = date(2025, 2, 14), date(2025, 3, 14)


def _run(pay_date, start, end):
    from tests.factories import PayrollRunFactory
    return PayrollRunFactory(pay_date=pay_date, period_start=start, period_end=end, state="paid",
                             approved_at=datetime(2025, 1, 2, tzinfo=UTC))


def _pay(run, eng, gross, *, fit="0.00", section125="0.00", k401="0.00", futa_rate="0.006"):
    """A paycheck with the lines the payroll writes (taxable_wages on the tax lines)."""
    from tests.factories import PaycheckFactory, PaycheckLineFactory
    gross, fit, s125, k = D(gross), D(fit), D(section125), D(k401)
    fica = gross - s125
    ss, med = round_cents(fica * D("0.062")), round_cents(fica * D("0.0145"))
    futa = round_cents(fica * D(futa_rate))
    p = PaycheckFactory(run=run, engagement=eng, gross=gross, employee_taxes=fit + ss + med,
                        employer_taxes=ss + med + futa, deductions=s125 + k)
    lines = [("earning", "regular", gross, None)]
    if fit:
        lines.append(("employee_tax", "federal_income_tax", fit, fica - k))
    lines += [("employee_tax", "social_security", ss, fica), ("employee_tax", "medicare", med, fica),
              ("employer_tax", "social_security", ss, fica), ("employer_tax", "medicare", med, fica),
              ("employer_tax", "futa", futa, fica)]
    if s125:
        lines.append(("pretax_deduction", "section125", s125, None))
    if k:
        lines.append(("pretax_deduction", "401k", k, None))
    for kind, code, amount, wages in lines:
        PaycheckLineFactory(paycheck=p, kind=kind, code=code, amount=amount, taxable_wages=wages)
    return p


@pytest.fixture
def quarter(db):
    from tests.factories import AgencyFactory, EngagementFactory, WorkerFactory
    AgencyFactory(suta_rates={"TX": "0.027", "CA": "0.034"})
    e1 = EngagementFactory(worker=WorkerFactory(payroll_ready=True, state="TX"), work_state="TX")
    e2 = EngagementFactory(worker=WorkerFactory(payroll_ready=True, state="CA"), work_state="CA")
    feb = _run(FEB, date(2025, 2, 1), FEB)
    mar = _run(MAR, date(2025, 3, 1), MAR)
    p1 = _pay(feb, e1, "2000.00", fit="150.00", section125="100.00", k401="200.00")
    _pay(mar, e1, "2000.00", fit="150.00", section125="100.00", k401="200.00")
    p3 = _pay(mar, e2, "500.05", futa_rate="0.018")
    _paid_deposit("941", date(2025, 2, 1), date(2025, 2, 28), D("440.70"))
    return {"w1": e1.worker_id, "w2": e2.worker_id, "feb": p1, "w2_march": p3, "mar_run": mar}


def _paid_deposit(tax, start, end, amount):
    from backoffice.extensions import db
    from payroll.models_ledger import JournalEntry
    from payroll.models_money import TaxDeposit
    je = JournalEntry(kind="deposit", entry_date=end, memo="test deposit")
    db.session.add(je)
    db.session.flush()
    db.session.add(TaxDeposit(authority="IRS (EFTPS)", tax=tax, state="", period_start=start, period_end=end,
                              due_date=end, amount=amount, breakdown=[], status="paid", paid_on=end,
                              confirmation="EFT1", journal_entry_id=je.id))
    db.session.commit()


EXPECTED = {
    "line1": 2, "line2": "3900.05", "line3": "300.00", "line4": False,
    "line5a_col1": "4300.05", "line5a_col2": "533.21", "line5b_col1": "0.00", "line5b_col2": "0.00",
    "line5c_col1": "4300.05", "line5c_col2": "124.70", "line5d_col1": "0.00", "line5d_col2": "0.00",
    "line5e": "657.91", "line5f": "0.00", "line6": "957.91", "line7": "-0.01", "line8": "0.00", "line9": "0.00",
    "line10": "957.90", "line11": "0.00", "line12": "957.90", "line13": "440.70", "line14": "517.20",
    "line15": "0.00", "line16_month1": "0.00", "line16_month2": "440.70", "line16_month3": "517.20",
}


def test_941_from_the_books_and_its_exports(quarter, runner, tmp_path):
    results = {(r.form, r.period): r for r in svc.build_year(2025, ["941", "941-detail"])}
    assert set(results) == {(f, f"2025 Q{q}") for f in ("941", "941-detail") for q in (1, 2, 3, 4)}
    f = svc.find("941", 2025, 1)
    assert {k: f.content[k] for k in engine.LINE_KEYS} == EXPECTED
    assert f.content["depositor"] == "monthly" and "new employer" in f.content["depositor_why"]
    assert f.due_date == date(2025, 4, 30)
    assert svc.find("941", 2025, 3).due_date == date(2025, 10, 31)
    assert svc.find("941", 2025, 4).due_date == date(2026, 2, 2)        # 31 Jan 2026 is a Saturday

    out = tmp_path / "941.json"
    r = runner.invoke(args=["filings", "export", "--form", "941", "--year", "2025", "--quarter", "1",
                            "--format", "json", "--output", str(out)])
    assert r.exit_code == 0, r.output
    data = json.loads(out.read_text())
    assert list(data) == list(engine.LINE_KEYS)          # monthly depositor: no schedule_b
    assert data["line12"] == "957.90" and data["line7"] == "-0.01"

    out = tmp_path / "941-detail.csv"
    r = runner.invoke(args=["filings", "export", "--form", "941-detail", "--year", "2025", "--quarter", "1",
                            "--format", "csv", "--output", str(out)])
    assert r.exit_code == 0, r.output
    rows = list(csv.reader(io.StringIO(out.read_text())))
    assert rows[0] == ["worker_id", "pay_date", "gross", "federal_income_tax", "social_security_wages",
                       "medicare_wages", "tips", "additional_medicare_wages", "social_security_tax",
                       "medicare_tax", "additional_medicare_tax"]
    assert rows[1] == [str(quarter["w1"]), "2025-02-14", "2000.00", "150.00", "1900.00", "1900.00", "0.00", "0.00",
                       "117.80", "27.55", "0.00"]
    assert len(rows) == 4

    out = tmp_path / "941.pdf"
    r = runner.invoke(args=["filings", "export", "--form", "941", "--year", "2025", "--quarter", "1",
                            "--format", "pdf", "--output", str(out)])
    assert r.exit_code == 0, r.output
    assert out.read_bytes().startswith(b"%PDF")

    r = runner.invoke(args=["filings", "export", "--form", "941", "--year", "2025", "--format", "json",
                            "--output", "-"])
    assert r.exit_code != 0 and "--quarter" in r.output


def test_semiweekly_depositor_gets_schedule_b(quarter, runner, tmp_path, monkeypatch):
    """A lookback total over $50,000 makes the agency semiweekly: Schedule B per pay date, 14 Feb 440.70 and
    14 Mar 517.20 (the liabilities above), totalling line 12."""
    import payroll.services.deposits as pay_deposits
    monkeypatch.setattr(pay_deposits, "ledger_lookback_total", lambda year: D("60000.00"))
    svc.build_year(2025, ["941"])
    out = tmp_path / "941.json"
    r = runner.invoke(args=["filings", "export", "--form", "941", "--year", "2025", "--quarter", "1",
                            "--format", "json", "--output", str(out)])
    assert r.exit_code == 0, r.output
    data = json.loads(out.read_text())
    assert list(data) == [*engine.LINE_KEYS, "schedule_b"]
    assert data["schedule_b"] == {"2025-02-14": "440.70", "2025-03-14": "517.20"}


def test_reversal_in_a_filed_quarter_makes_a_941x(quarter, make_user, runner, tmp_path):
    """Q1 filed, then W2's 14 March paycheck is reversed on 31 March (two people: it was paid). Now: line 2
    3,400.00, 5a/5c 3,800.00 → 471.20 and 110.20, withheld 581.40 → line 7 0.00, line 12 881.40.
    941-X: line 6 3,400.00 − 3,900.05 = −500.05 (no tax column); line 7 0; line 8 −500.05 × 0.124 = −62.0062 →
    −62.01; line 12 −500.05 × 0.029 = −14.50145 → −14.50; line 15 (941 lines 7–9) 0.00 − (−0.01) = 0.01;
    total −62.01 − 14.50 + 0.01 = −76.50 = 881.40 − 957.90."""
    from payroll.services import corrections
    svc.build_year(2025, ["941"])
    f = svc.find("941", 2025, 1)
    original = json.loads(json.dumps(f.content))
    svc.review(f.id)
    svc.finalize(f.id)
    svc.mark_filed(f.id, "IRS-ACK-941Q1", filed_on=date(2025, 4, 20))

    hr1, hr2 = make_user("hr"), make_user("hr")
    corrections.request_reversal(hr1, "paid twice", paycheck_id=quarter["w2_march"].id)
    corrections.reverse_paycheck(quarter["w2_march"].id, hr2, "paid twice", on=date(2025, 3, 31))

    assert svc.build_year(2025, ["941"])[0].action == "locked_differs"
    r = runner.invoke(args=["filings", "correct", "--form", "941", "--year", "2025", "--quarter", "1"])
    assert r.exit_code == 0, r.output
    x = svc.find("941", 2025, 1, latest=True)
    assert (x.revision, x.status, x.title) == (1, "draft", "Form 941-X")
    lines = x.content["lines"]
    assert (lines["line6"]["col1"], lines["line6"]["col2"], lines["line6"]["col3"], lines["line6"]["col4"]) == (
        "3400.00", "3900.05", "-500.05", None)
    assert lines["line7"]["col3"] == "0.00"
    assert (lines["line8"]["col3"], lines["line8"]["col4"]) == ("-500.05", "-62.01")
    assert (lines["line12"]["col3"], lines["line12"]["col4"]) == ("-500.05", "-14.50")
    assert (lines["line15"]["col2"], lines["line15"]["col1"], lines["line15"]["col4"]) == ("-0.01", "0.00", "0.01")
    assert (x.content["total"], x.content["line12_difference"]) == ("-76.50", "-76.50")
    assert x.content["corrected"]["line12"] == "881.40" and x.content["corrected"]["line1"] == 1

    from backoffice.extensions import db
    db.session.expire_all()
    orig = db.session.get(Filing, f.id)
    assert orig.status == "amended" and orig.content == original      # untouched
    assert orig.content_hash == svc.content_hash(original)

    out = tmp_path / "941x.json"
    r = runner.invoke(args=["filings", "export", "--form", "941-x", "--year", "2025", "--quarter", "1",
                            "--format", "json", "--output", str(out)])
    assert r.exit_code == 0, r.output
    assert json.loads(out.read_text())["total"] == "-76.50"
    out = tmp_path / "941x.pdf"
    r = runner.invoke(args=["filings", "export", "--form", "941-x", "--year", "2025", "--quarter", "1",
                            "--format", "pdf", "--output", str(out)])
    assert r.exit_code == 0, r.output
    assert out.read_bytes().startswith(b"%PDF")
    # nothing more differs: a second correction is refused
    r = runner.invoke(args=["filings", "correct", "--form", "941", "--year", "2025", "--quarter", "1"])
    assert r.exit_code != 0


def test_941x_export_before_any_correction_says_so(quarter, runner):
    svc.build_year(2025, ["941"])
    r = runner.invoke(args=["filings", "export", "--form", "941-x", "--year", "2025", "--quarter", "2",
                            "--format", "json", "--output", "-"])
    assert r.exit_code != 0 and "correct the filed Form 941 first" in r.output


def test_940_with_a_worker_over_the_base_and_a_credit_reduction_state(quarter, runner, tmp_path):
    """The quarter above plus W3 (TX) paid $9,000.00 on 14 March. Payments (line 3): W1 2 × (1,900 + 100
    cafeteria) = 4,000.00, W2 500.05, W3 9,000.00 → 13,500.05; line 4 200.00; line 5 W3's 2,000.00 over the
    base; line 7 11,300.05; line 8 × 0.006 = 67.8003 → 67.80. Schedule A: CA 500.05 × 0.012 = 6.0006 → 6.00;
    TX 3,800.00 + 7,000.00 = 10,800.00 at 0. Line 12 73.80; FUTA deposits 50.00 → line 14 23.80. Line 16a
    11,300.05 × 0.006 = 67.80, 16d the credit reduction 6.00; line 17 73.80. Due 2 February 2026."""
    from tests.factories import EngagementFactory, WorkerFactory
    e3 = EngagementFactory(worker=WorkerFactory(payroll_ready=True, state="TX"), work_state="TX")
    _pay(quarter["mar_run"], e3, "9000.00", fit="900.00")
    _paid_deposit("940", date(2025, 1, 1), date(2025, 3, 31), D("50.00"))
    svc.build_year(2025, ["940"])
    f = svc.find("940", 2025)
    c = f.content
    assert [c[k] for k in ("line3", "line4", "line5", "line6", "line7", "line8", "line11", "line12", "line13",
                           "line14", "line16a", "line16b", "line16c", "line16d", "line17")] == [
        "13500.05", "200.00", "2000.00", "2200.00", "11300.05", "67.80", "6.00", "73.80", "50.00", "23.80",
        "67.80", "0.00", "0.00", "6.00", "73.80"]
    assert c["schedule_a"] == {"CA": {"wages": "500.05", "rate": "0.012", "credit_reduction": "6.00"},
                               "TX": {"wages": "10800.00", "rate": "0.000", "credit_reduction": "0.00"}}
    assert (c["line1b"], c["line2"]) == (True, True)
    assert f.due_date == date(2026, 2, 2)
    out = tmp_path / "940.json"
    res = runner.invoke(args=["filings", "export", "--form", "940", "--year", "2025", "--format", "json",
                              "--output", str(out)])
    assert res.exit_code == 0, res.output
    assert json.loads(out.read_text())["line12"] == "73.80"
    out = tmp_path / "940.pdf"
    res = runner.invoke(args=["filings", "export", "--form", "940", "--year", "2025", "--format", "pdf",
                              "--output", str(out)])
    assert res.exit_code == 0, res.output
    assert out.read_bytes().startswith(b"%PDF")
    assert db_filings_count() == 1


def db_filings_count() -> int:
    from backoffice.extensions import db
    return db.session.execute(sa.select(sa.func.count()).select_from(Filing).where(Filing.form == "940")).scalar()
