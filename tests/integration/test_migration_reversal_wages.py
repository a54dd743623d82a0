"""Migration 0106_reversal_wages_sign on a database with a reversal written the old way (a SQLite file): its
lines' taxable wages come out negative like their amounts; a regular paycheck's lines are untouched; and back."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.integration.migration_support import app_before

REVISION = "0106_reversal_wages_sign"


@pytest.fixture
def before_0106(app, app_config, tmp_path):
    with app_before(app, app_config, tmp_path, REVISION) as pair:
        yield pair


def test_old_reversal_lines_get_negative_taxable_wages_and_back(before_0106):
    from flask_migrate import downgrade, upgrade

    from backoffice.extensions import db

    _, previous = before_0106
    cols = ("id, run_id, worker_id, kind, worker_type, work_state, period_start, period_end, pay_date, tax_year, "
            "gross, employee_taxes, employer_taxes, deductions, net, qualified_overtime_premium, inputs, created_at")
    with db.engine.begin() as conn:
        conn.execute(sa.text(
            f"INSERT INTO paychecks ({cols}) VALUES "
            "(1, 1, 1, 'regular', 'employee', 'TX', '2025-03-03', '2025-03-09', '2025-03-14', 2025, 100000, 7650, "
            "7650, 0, 92350, 0, '{}', '2025-03-14 00:00:00'), "
            "(2, 2, 1, 'reversal', 'employee', 'TX', '2025-03-03', '2025-03-09', '2025-03-31', 2025, -100000, -7650, "
            "-7650, 0, -92350, 0, '{}', '2025-03-31 00:00:00')"))
        conn.execute(sa.text(
            "INSERT INTO paycheck_lines (id, paycheck_id, kind, code, state, amount, taxable_wages) VALUES "
            "(1, 1, 'employee_tax', 'social_security', '', 6200, 100000), "
            "(2, 2, 'employee_tax', 'social_security', '', -6200, 100000), "
            "(3, 2, 'earning', 'regular', '', -100000, NULL)"))
    upgrade(revision=REVISION)
    with db.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT taxable_wages FROM paycheck_lines ORDER BY id")).scalars().all() == [
            100000, -100000, None]
    upgrade(revision=REVISION)          # nothing left to flip
    downgrade(revision=previous)
    with db.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT taxable_wages FROM paycheck_lines ORDER BY id")).scalars().all() == [
            100000, 100000, None]
