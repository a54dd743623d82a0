"""COPY's text format written in one pass (common.copy_text): byte for byte what psycopg's own row formatter writes
for the same values, in blocks that end with whole rows; values the format cannot carry are refused."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from psycopg._copy_base import TextFormatter
from psycopg.adapt import Transformer

from payroll.services.common import copy_field, copy_text

AWKWARD = [
    (1, None, "", "plain", True, False, date(2026, 12, 5), datetime(2026, 12, 5, 6, 7, 8),
     datetime(2026, 12, 5, 6, 7, 8, 123), -5, 0, 10**20),
    (2, "tab\there", "new\nline", "carriage\rreturn", "back\\slash", "\b\v\f", "\\N", "N", "\\\\t",
     '{"a": "x\\"y\\\\n", "b": [1, "2"]}', "é ü 日本 🙂", " trailing "),
]


def psycopg_text(rows) -> bytes:
    """What psycopg's `Copy.write_row` sends for `rows` (its text formatter with the global adapters)."""
    fmt = TextFormatter(Transformer())
    out = b"".join(bytes(fmt.write_row(r)) for r in rows)
    return out + bytes(fmt.end())


def test_awkward_values_are_written_exactly_as_psycopg_writes_them():
    """A tab, newline and carriage return inside a value become \\t, \\n and \\r; a backslash is doubled (so a
    value that reads '\\N' is not NULL); None is \\N; True and False are t and f; a date is ISO; a naive datetime is
    its str, with microseconds only when it has them; non-ASCII text passes as it is."""
    blocks, n = copy_text(AWKWARD)
    assert n == 2
    assert "".join(blocks).encode() == psycopg_text(AWKWARD)
    assert copy_field("a\tb\\c") == "a\\tb\\\\c" and copy_field(None) == "\\N" and copy_field("\\N") == "\\\\N"


def test_a_chunk_of_rows_goes_in_blocks_of_whole_rows_that_together_are_psycopgs_text():
    """5,000 rows of ~60 characters (~300,000 characters) come in about ten blocks of at least 32,768 characters
    but the last, each ending with a row's newline; joined they are psycopg's bytes."""
    rows = [(i, f"line {i}\twith a tab", None, date(2026, 1, 1 + i % 28), i % 2 == 0, "x" * (i % 40))
            for i in range(5000)]
    blocks, n = copy_text(rows)
    assert n == 5000 and len(blocks) > 5
    assert all(b.endswith("\n") for b in blocks) and all(len(b) >= 32768 for b in blocks[:-1])
    assert "".join(blocks).encode() == psycopg_text(rows)
    assert copy_text([]) == ([], 0)


@pytest.mark.parametrize("value, error", [
    ("nul\x00inside", ValueError),                                      # no text field holds NUL
    (datetime(2026, 12, 5, tzinfo=timezone.utc), ValueError),           # ready rows hold naive UTC
    (1.5, TypeError),                                                   # never a float; Decimal goes as cents
])
def test_a_value_the_ready_rows_never_hold_is_refused(value, error):
    with pytest.raises(error):
        copy_text([(1, value)])
