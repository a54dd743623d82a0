"""Bulk import of workers and engagements (CSV and XLSX): all rows or none, every bad row named by line and column."""
from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
import sqlalchemy as sa

from backoffice.audit import AuditLog
from backoffice.errors import DomainError
from backoffice.workers.importer import import_file
from backoffice.workers.models import Engagement, Worker
from backoffice.workers.services import create_client, create_worker

HEADER = ("first_name,last_name,email,tin,birth_date,state,client_name,engagement_type,work_state,pay_rate,"
          "pay_unit,start_date,overtime_exempt")
GOOD = [
    "Ana,Lima,ana@example.com,123-45-6789,1990-04-01,CA,Acme,leased_employee,CA,31.50,hour,2026-02-02,no",
    "Ana,Lima,ana@example.com,,,,Beta,contractor,NV,80,hour,2026-03-02,",  # same worker, second engagement
    "Bo,Kent,bo@example.com,,,,,,,,,,",  # a worker without an engagement
]


def _csv(*lines: str) -> bytes:
    return ("\n".join((HEADER,) + lines) + "\n").encode()


def _xlsx(*lines: str) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    for line in lines:
        cells = line.split(",")
        sheet.append([c if c != "" else None for c in cells])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


@pytest.fixture
def clients(db):
    return create_client({"name": "Acme"}), create_client({"name": "Beta"})


def _counts(db):
    return (db.session.execute(sa.select(sa.func.count(Worker.id))).scalar(),
            db.session.execute(sa.select(sa.func.count(Engagement.id))).scalar())


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_good_file_imports_every_row(db, clients, make_user, kind):
    hr = make_user("hr")
    content = _csv(*GOOD) if kind == "csv" else _xlsx(*GOOD)
    report = import_file(content, f"people.{kind}", user=hr)
    assert (report.rows, report.workers_created, report.engagements_created, report.issues) == (3, 2, 2, [])
    assert report.committed
    ana = db.session.execute(sa.select(Worker).where(Worker.email == "ana@example.com")).scalar_one()
    assert (ana.tin_last4, ana.birth_date, ana.state, ana.status) == ("6789", date(1990, 4, 1), "CA", "active")
    engs = db.session.execute(sa.select(Engagement).where(Engagement.worker_id == ana.id)
                              .order_by(Engagement.id)).scalars().all()
    assert [(e.client.name, e.type, e.work_state, e.pay_rate, e.start_date) for e in engs] == [
        ("Acme", "leased_employee", "CA", Decimal("31.5000"), date(2026, 2, 2)),
        ("Beta", "contractor", "NV", Decimal("80.0000"), date(2026, 3, 2))]
    creates = db.session.execute(sa.select(AuditLog).where(AuditLog.model == "workers",
                                                           AuditLog.action == "create")).scalars().all()
    assert {log.user_email for log in creates} == {hr.email}


BAD = [
    GOOD[0],
    "Cy,,cy@example,123-45-678,1990-13-01,ZZ,Acme,leased_employee,CA,31.50,hour,2026-02-02,no",  # line 3
    GOOD[2],
    "Di,Moss,di@example.com,,,,Nobody Inc,temp,CA,-5,hour,2026-02-30,maybe",  # line 5
    "Ana,Lima-Other,ana@example.com,,,,Beta,contractor,NV,80,hour,2026-03-02,",  # line 6: conflicts with line 2
    "Bo,Kent,BO@example.com,,,,,,,,,,",  # line 7: repeats line 4 (same email): fine
    "Ed,Wu,ed@example.com,123-45-6789,,,,,,,,,",  # line 8: TIN already used on line 2
]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_any_bad_row_means_nothing_is_written_and_every_bad_row_is_named(db, clients, kind):
    content = _csv(*BAD) if kind == "csv" else _xlsx(*BAD)
    before = _counts(db)
    report = import_file(content, f"people.{kind}")
    assert not report.committed and _counts(db) == before
    named = {(i.row, i.field) for i in report.issues}
    assert named == {
        (3, "last_name"), (3, "email"), (3, "tin"), (3, "birth_date"), (3, "state"),
        (5, "client_name"), (5, "engagement_type"), (5, "pay_rate"), (5, "start_date"), (5, "overtime_exempt"),
        (6, "last_name"),
        (8, "tin"),
    }
    assert report.bad_lines == [3, 5, 6, 8]


def test_a_dry_run_checks_everything_and_writes_nothing(db, clients):
    report = import_file(_csv(*GOOD), "people.csv", dry_run=True)
    assert (report.workers_created, report.engagements_created, report.issues, report.committed) == (2, 2, [], False)
    assert _counts(db) == (0, 0)


def test_an_existing_worker_is_matched_by_email_when_only_the_engagement_is_given(db, clients):
    create_worker({"first_name": "Zoe", "last_name": "Park", "email": "zoe@example.com"})
    report = import_file(_csv(",,zoe@example.com,,,,Acme,contractor,TX,60,hour,2026-05-04,"), "z.csv")
    assert (report.workers_matched, report.workers_created, report.engagements_created) == (1, 0, 1)
    again = import_file(_csv("Zoe,Park,zoe@example.com,,,,,,,,,,"), "z.csv")  # full worker columns: a duplicate
    assert [(i.row, i.field, i.code) for i in again.issues] == [(2, "email", "duplicate")]


def test_unknown_or_missing_columns_and_unreadable_files(db):
    report = import_file(b"first_name,surname,email\nA,B,a@example.com\n", "x.csv")
    assert {(i.row, i.field, i.code) for i in report.issues} == {(1, "surname", "unknown_column"),
                                                                  (1, "last_name", "missing_column")}
    with pytest.raises(DomainError, match=".csv or an .xlsx"):
        import_file(b"x", "people.txt")
    with pytest.raises(DomainError, match="could not be read"):
        import_file(b"not a zip", "people.xlsx")


def test_xlsx_cells_typed_as_numbers_and_dates_are_read_as_written(db, clients):
    """Excel stores 31.5 as a float, a date as a datetime and an unformatted SSN as a number."""
    from datetime import datetime

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    sheet.append(["Ana", "Lima", "ana@example.com", 123456789, datetime(1990, 4, 1), "CA", "Acme", "leased_employee",
                  "CA", 31.5, "hour", datetime(2026, 2, 2), False])
    buf = io.BytesIO()
    book.save(buf)
    report = import_file(buf.getvalue(), "typed.xlsx")
    assert report.issues == [] and report.committed
    ana = db.session.execute(sa.select(Worker)).scalar_one()
    eng = db.session.execute(sa.select(Engagement)).scalar_one()
    assert (ana.tin_last4, ana.birth_date) == ("6789", date(1990, 4, 1))
    assert (eng.pay_rate, eng.start_date, eng.overtime_exempt) == (Decimal("31.5000"), date(2026, 2, 2), False)


def test_property_whichever_rows_are_bad_exactly_they_are_named_and_nothing_is_written(db, clients):
    """Invariant: for any file with at least one bad row, the bad lines reported are exactly the corrupted ones
    and the database is unchanged (all or nothing)."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    corruptions = {  # column index -> a value clean_worker / clean_engagement must refuse
        2: "not-an-email", 4: "1990-02-30", 5: "XX", 7: "employee", 9: "abc", 11: "2026/01/05"}

    @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
    @given(n=st.integers(min_value=1, max_value=8), data=st.data())
    def check(n, data):
        bad = data.draw(st.sets(st.integers(min_value=0, max_value=n - 1), min_size=1))
        lines = []
        for i in range(n):
            cells = [f"F{i}", f"L{i}", f"p{i}@example.com", "", "", "", "Acme", "contractor", "TX", "40", "hour",
                     "2026-01-05", ""]
            if i in bad:
                col = data.draw(st.sampled_from(sorted(corruptions)))
                cells[col] = corruptions[col]
            lines.append(",".join(cells))
        report = import_file(_csv(*lines), "p.csv")
        assert report.bad_lines == sorted(i + 2 for i in bad)
        assert _counts(db) == (0, 0)

    check()
