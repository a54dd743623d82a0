"""bulk_insert of `ready` rows: COPY on PostgreSQL (psycopg formats the text), executemany on SQLite — either way the
database holds exactly the values given, awkward text included."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa

ROWS = [
    (1, "plain", None, True, date(2026, 12, 5), datetime(2026, 12, 5, 6, 7, 8)),
    (2, "tab\there, new\nline, carriage\rreturn", "back\\slash and \\N", False, date(2024, 2, 29),
     datetime(2026, 12, 5, 6, 7, 8, 123456)),
    (3, '{"a": "x\\"y\\\\n", "b": "\b\v\f"}', "\\N", None, None, None),
    (4, "é ü 日本 🙂", "", True, date(1999, 12, 31), datetime(2000, 1, 1)),
]


def test_awkward_text_goes_in_and_comes_back_unchanged(db):
    """A tab, newline, carriage return, backslash, the text '\\N' (not NULL), JSON with escaped quotes, control
    characters and non-ASCII text; NULL, booleans, dates and naive datetimes: four rows in, the same four out."""
    from payroll.services.common import bulk_insert

    s = db.session
    s.execute(sa.text("CREATE TEMPORARY TABLE copy_probe (id integer PRIMARY KEY, label text, note text, "
                      "flag boolean, on_day date, at timestamp)"))
    assert bulk_insert("copy_probe", ("id", "label", "note", "flag", "on_day", "at"), ROWS, ready=True) == 4
    probe = sa.table("copy_probe", sa.column("id", sa.Integer), sa.column("label", sa.Text),
                     sa.column("note", sa.Text), sa.column("flag", sa.Boolean), sa.column("on_day", sa.Date),
                     sa.column("at", sa.DateTime))
    back = [tuple(r) for r in s.execute(sa.select(probe).order_by(probe.c.id))]
    assert back == ROWS
    assert bulk_insert("copy_probe", ("id",), [], ready=True) == 0
    s.execute(sa.text("DROP TABLE copy_probe"))
