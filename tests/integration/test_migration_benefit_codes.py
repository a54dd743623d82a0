"""Migration 0092_benefit_codes on a database that already has the old employer code (a SQLite file): rows,
paycheck lines and journal details renamed to health_employer, the new year-to-date columns at 0, and back."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.integration.migration_support import app_before

REVISION = "0092_benefit_codes"


@pytest.fixture
def before_0092(app, app_config, tmp_path):
    with app_before(app, app_config, tmp_path, REVISION) as pair:
        yield pair


def test_the_old_employer_code_is_renamed_everywhere_and_back(before_0092):
    from flask_migrate import downgrade, upgrade

    from backoffice.extensions import db

    _, previous = before_0092
    with db.engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO employer_contributions (id, worker_id, code, amount, start_date, status, source, note, "
            "created_at, updated_at) VALUES (1, 1, 'premium_employer_share', 25000, '2026-01-01', 'active', 'hr', '', "
            "'2026-01-01 00:00:00', '2026-01-01 00:00:00')"))
        conn.execute(sa.text("INSERT INTO paycheck_lines (id, paycheck_id, kind, code, state, amount) VALUES "
                             "(1, 1, 'employer_contribution', 'premium_employer_share', '', 25000), "
                             "(2, 1, 'pretax_deduction', 'section125', '', 3500)"))
        conn.execute(sa.text("INSERT INTO journal_lines (id, entry_id, account, detail, state, debit, credit) VALUES "
                             "(1, 1, '6300', 'premium_employer_share', '', 25000, 0)"))
        conn.execute(sa.text("INSERT INTO payroll_ytd (id, worker_id, tax_year, worker_type, gross, federal_wages, "
                             "social_security_wages, medicare_wages, futa_wages, suta_wages, deferrals_401k, hsa, fsa, "
                             "supplemental, qualified_overtime_premium, net) VALUES (1, 1, 2026, 'employee', 100000, "
                             "0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)"))
    upgrade(revision=REVISION)
    with db.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT code FROM employer_contributions")).scalar() == "health_employer"
        assert conn.execute(sa.text("SELECT code FROM paycheck_lines ORDER BY id")).scalars().all() == [
            "health_employer", "section125"]
        assert conn.execute(sa.text("SELECT detail FROM journal_lines")).scalar() == "health_employer"
        assert conn.execute(sa.text("SELECT dcfsa, employer_401k FROM payroll_ytd")).one() == (0, 0)
    downgrade(revision=previous)
    with db.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT code FROM employer_contributions")).scalar() == "premium_employer_share"
        assert conn.execute(sa.text("SELECT detail FROM journal_lines")).scalar() == "premium_employer_share"
