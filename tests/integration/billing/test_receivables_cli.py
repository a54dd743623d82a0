"""`backoffice billing aging` and `backoffice billing import-statement` (hand figures)."""
from __future__ import annotations

from datetime import date

from tests.factories import ClientFactory

from .receivables_support import issued_invoice


def test_the_aging_command_prints_the_buckets_as_csv(runner, db):
    """As of 2026-06-30: Acme's 500.00 due 05-15 is 46 days past due (31–60); total 500.00."""
    issued_invoice(ClientFactory(name="Acme"), "500.00", date(2026, 4, 15))
    out = runner.invoke(args=["billing", "aging", "--as-of", "2026-06-30"])
    assert out.exit_code == 0, out.output
    lines = out.output.strip().splitlines()
    assert lines[0] == "client_id,client,current,days_1_30,days_31_60,days_61_90,days_90_plus,credits,total"
    assert lines[1].endswith(",Acme,0.00,0.00,500.00,0.00,0.00,0.00,500.00")
    assert lines[2] == ",Total,0.00,0.00,500.00,0.00,0.00,0.00,500.00"
    bad = runner.invoke(args=["billing", "aging", "--as-of", "June"])
    assert bad.exit_code == 2 and "as_of" in bad.output


def test_the_import_command_applies_a_statement_and_refuses_it_the_second_time(runner, db, make_user, tmp_path,
                                                                               fixed_clock):
    fixed_clock.set(date(2026, 6, 30))
    finance = make_user("finance")
    issued_invoice(ClientFactory(name="Acme"), "500.00", date(2026, 6, 1), number="INV-000001")
    path = tmp_path / "june.csv"
    path.write_bytes(b"date,amount,reference\n2026-06-20,500.00,INV-000001\n2026-06-21,9.99,?\n")
    out = runner.invoke(args=["billing", "import-statement", str(path), "--user", finance.email])
    assert out.exit_code == 0, out.output
    assert "receipts: 2  matched: 1  unmatched: 1" in out.output and "line 3\t9.99\tunmatched" in out.output
    again = runner.invoke(args=["billing", "import-statement", str(path), "--user", finance.email])
    assert again.exit_code == 2 and "duplicate_statement" in again.output
