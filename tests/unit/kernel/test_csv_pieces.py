"""The list exports' CSV comes in pieces of CSV_ROWS_PER_CHUNK lines (one write each to the client), and the text
is the same as writing each row through escape_cell with the csv module, line by line."""
from __future__ import annotations

import csv
import io

from backoffice.exports import CSV_ROWS_PER_CHUNK, csv_lines, escape_cell


def _line_by_line(headers, rows) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow([escape_cell(h) for h in headers])
    for values in rows:
        writer.writerow([escape_cell("" if v is None else str(v)) for v in values])
    return buf.getvalue()


def test_450_rows_come_in_three_pieces_with_the_same_text_as_line_by_line():
    """450 rows at 200 a piece: 200 (with the header), 200, 50 — 3 pieces; cells that a spreadsheet would run
    (=SUM, -x, @A1, a tab) get the apostrophe, numbers with a sign ("-12.50") and None ("") do not."""
    assert CSV_ROWS_PER_CHUNK == 200
    rows = [[i, "=SUM(A1:A2)" if i % 3 == 0 else "-12.50", None, "@A1" if i % 5 == 0 else "\tx", "plain, quoted"]
            for i in range(450)]
    pieces = list(csv_lines(["id", "formula", "none", "at", "text"], rows))
    assert len(pieces) == 3
    assert [p.count("\r\n") for p in pieces] == [201, 200, 50]
    assert "".join(pieces) == _line_by_line(["id", "formula", "none", "at", "text"], rows)
    assert pieces[0].split("\r\n")[1:3] == ["0,'=SUM(A1:A2),,'@A1,\"plain, quoted\"",
                                             "1,-12.50,,'\tx,\"plain, quoted\""]


def test_exactly_one_piece_of_rows_and_no_rows_each_still_end_with_every_line():
    """200 rows: one piece of 201 lines and nothing after; no rows: the header alone."""
    pieces = list(csv_lines(["n"], [[i] for i in range(200)]))
    assert len(pieces) == 1 and pieces[0].count("\r\n") == 201
    assert list(csv_lines(["n"], [])) == ["n\r\n"]
