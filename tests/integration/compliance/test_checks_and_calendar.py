"""The reconciliation checks and the calendar on the records: filings whose content the test sets (toy specs under
the real form codes), ledger lines and tax deposits made by hand; the I-9 port; the daily digest sent once."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from backoffice.extensions import db as _db
from compliance import calendar_services, registry, tasks
from compliance.check_services import run_checks
from compliance.models import Filing, ReminderDigest
from payroll.models_ledger import JournalEntry, JournalLine
from payroll.models_money import TaxDeposit
from tests.factories import EngagementFactory
from tests.integration.compliance.support import add_filing, toy_spec

D = Decimal
Q941 = {"line2": "10000.00", "line3": "1000.00", "line5a_col1": "10000.00", "line5a_col2": "1240.00",
        "line5b_col1": "0.00", "line5c_col1": "10000.00", "line5c_col2": "290.00", "line5e": "1530.00",
        "line12": "2530.00", "depositor": "monthly", "line16_month1": "800.00", "line16_month2": "900.00",
        "line16_month3": "830.00"}


@pytest.fixture
def toys(db, monkeypatch):
    registry.specs()
    for code, quarterly in (("941", True), ("w3", False), ("w2", False), ("1099-nec", False)):
        monkeypatch.setitem(registry._SPECS, code, toy_spec(code, quarterly=quarterly))


def _ledger(quarter_end: date, amount: str):
    """One payroll entry crediting the quarter's 941 liabilities: income tax 1,000.00 + social security 620.00 ×
    2 + Medicare 145.00 × 2 = 2,530.00 (amount given for the test's cent)."""
    e = JournalEntry(kind="payroll", entry_date=quarter_end, memo="test")
    _db.session.add(e)
    _db.session.flush()
    rest = D(amount) - D("1530.00")
    for account, detail, credit in (("2100", "federal_income_tax", rest), ("2100", "social_security", D("620.00")),
                                    ("2200", "social_security", D("620.00")), ("2100", "medicare", D("145.00")),
                                    ("2200", "medicare", D("145.00")), ("2300", "401k", D("999.00"))):
        _db.session.add(JournalLine(entry_id=e.id, account=account, detail=detail, credit=credit))


def _deposit(start: date, end: date, amount: str, paid: bool, due: date):
    je = None
    if paid:
        je = JournalEntry(kind="deposit", entry_date=due, memo="paid")
        _db.session.add(je)
        _db.session.flush()
    _db.session.add(TaxDeposit(authority="IRS (EFTPS)", tax="941", period_start=start, period_end=end,
                               due_date=due, amount=D(amount), breakdown=[], status="paid" if paid else "due",
                               paid_on=due if paid else None, journal_entry_id=je.id if je else None))


def _year_2025(paid_q4=True):
    for q, (s, e, due) in enumerate(((date(2025, 1, 1), date(2025, 3, 31), date(2025, 4, 15)),
                                     (date(2025, 4, 1), date(2025, 6, 30), date(2025, 7, 15)),
                                     (date(2025, 7, 1), date(2025, 9, 30), date(2025, 10, 15)),
                                     (date(2025, 10, 1), date(2025, 12, 31), date(2026, 1, 15))), 1):
        add_filing("941", 2025, dict(Q941), quarter=q)
        _ledger(e, "2530.00")
        _deposit(s, e, "2530.00", paid_q4 or q < 4, due)
    add_filing("w3", 2025, {"box1": "40000.00", "box2": "4000.00", "box3": "40000.00", "box5": "40000.00"})
    add_filing("w2", 2025, {"employees": [{"worker_id": 1, "name": "A", "box3": "40000.00", "box4": "2480.00",
                                           "box5": "40000.00", "box6": "580.00"}]})
    add_filing("1099-nec", 2025, {"threshold": "600.00", "recipients": [
        {"worker_id": 2, "name": "C", "box1": "5000.00", "box4": "0.00", "tin_last4": "9876", "tin_missing": False}]})
    _db.session.commit()


def test_a_year_that_reconciles_is_clean(toys):
    """Four quarters of 2,530.00 (ledger = line 12 = line 16 = deposits paid), the W-3 = the 941s' sums, the W-2's
    box 4 = 40,000.00 × 6.2% = 2,480.00 and box 6 = × 1.45% = 580.00, the contractor has a TIN."""
    _year_2025()
    assert run_checks(2025, date(2026, 1, 20)) == []


def test_an_unpaid_deposit_a_ledger_cent_and_a_missing_i9_are_found(toys):
    """Q4's deposit unpaid: paid 0.00 against line 12 2,530.00; an employee at work since 2025-06-02 without an
    I-9 (onboarding's source through the port)."""
    _year_2025(paid_q4=False)
    _ledger(date(2025, 11, 30), "1530.01")     # a second Q4 entry: the ledger says 2,530.00 + 1,530.01
    eng = EngagementFactory(start_date=date(2025, 6, 2))
    found = run_checks(2025, date(2026, 1, 20))
    codes = [(f.code, f.filing or f.worker_id) for f in found]
    assert ("deposits_differ", "941 2025 Q4") in codes
    assert ("941_ledger_differ", "941 2025 Q4") in codes
    assert ("i9_missing", eng.worker_id) in codes
    ledger = next(f for f in found if f.code == "941_ledger_differ")
    assert "$4,060.01" in ledger.message            # 2,530.00 + 1,530.01


def test_missing_filings_are_said_not_built(toys):
    add_filing("941", 2025, dict(Q941), quarter=1)
    found = run_checks(2025, date(2026, 1, 20))
    assert {f.filing for f in found if f.code == "not_built"} == {"941 2025 Q2", "941 2025 Q3", "941 2025 Q4",
                                                                  "w3 2025", "w2 2025", "1099-nec 2025"}


def test_cli_check_exits_1_with_findings_and_0_when_clean(toys, runner):
    _year_2025()
    ok = runner.invoke(args=["filings", "check", "--year", "2025"])
    assert ok.exit_code == 0, ok.output
    bad = runner.invoke(args=["filings", "check", "--year", "2024"])
    assert bad.exit_code == 1 and "941 2024 Q1 not built" in bad.output


def test_calendar_from_the_records_and_the_cli(toys, fixed_clock, runner):
    """On 2026-01-20: 941 2025 Q1 filed, Q2–Q3 not (late); Q4 due Feb 2 (Jan 31 is a Saturday)
    due soon; the four deposits paid (done)."""
    fixed_clock.set(date(2026, 1, 20))
    _year_2025()
    q1 = _db.session.execute(sa.select(Filing).where(Filing.form == "941", Filing.quarter == 1)).scalars().one()
    q1.status, q1.content_hash, q1.filed_on, q1.confirmation = "filed", "0" * 64, date(2025, 4, 28), "ACK1"
    _db.session.commit()
    items = calendar_services.year_items(2025)
    f941 = [(i.quarter, i.due, i.status) for i in items if i.form == "941" and i.kind == "filing"]
    assert f941 == [(1, date(2025, 4, 30), "done"), (2, date(2025, 7, 31), "late"), (3, date(2025, 10, 31), "late"),
                    (4, date(2026, 2, 2), "due_soon")]
    assert [i.status for i in items if i.kind == "deposit"] == ["done"] * 4
    out = runner.invoke(args=["filings", "calendar", "--year", "2025", "--status", "late"])
    assert out.exit_code == 0, out.output
    assert out.output.splitlines() == ["2025-07-31  late      Form 941 Q2 2025", "2025-10-31  late      Form 941 Q3 2025"]


def test_the_digest_goes_once_a_day_to_the_compliance_users(toys, fixed_clock, make_user, app, monkeypatch):
    """On 2026-01-20 with nothing of 2025 filed: 941 Q1–Q3 late (3); due by Feb 3: 941 Q4, 940, 945, W-2, W-3,
    1099-NEC, all Feb 2 (6). Two compliance users get it; HR does not; the task run again the same day sends
    nothing; the next day it goes again."""
    fixed_clock.set(date(2026, 1, 20))
    sent = []
    monkeypatch.setitem(app.extensions, "mail_sender", lambda cfg, to, subject, body: sent.append((to, subject, body)))
    a, b = make_user("compliance"), make_user("compliance")
    make_user("hr")
    first = tasks.calendar_digest()
    assert first is not None
    row = _db.session.get(ReminderDigest, first)
    assert (row.day, row.late, row.due_soon) == (date(2026, 1, 20), 3, 6)
    assert sorted(t for t, _s, _b in sent) == sorted([a.email, b.email])
    assert sent[0][1] == "Compliance calendar 2026-01-20: 3 late, 6 due in the next 14 days"
    assert "2025-07-31  Form 941 Q2 2025" in sent[0][2]
    assert tasks.calendar_digest() is None and len(sent) == 2
    fixed_clock.set(date(2026, 1, 21))
    assert tasks.calendar_digest() is not None and len(sent) == 4


def test_a_failed_send_releases_the_day(toys, fixed_clock, make_user, app, monkeypatch):
    fixed_clock.set(date(2026, 1, 20))
    make_user("compliance")

    def broken(cfg, to, subject, body):
        from backoffice.errors import DomainError
        raise DomainError("no mail server", code="smtp_not_configured")
    monkeypatch.setitem(app.extensions, "mail_sender", broken)
    with pytest.raises(Exception):
        calendar_services.send_digest()
    assert _db.session.query(ReminderDigest).count() == 0
