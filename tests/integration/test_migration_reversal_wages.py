"""Migration 0106_reversal_wages_sign on a database with a reversal written the old way (a SQLite file): its
lines' taxable wages come out negative like their amounts; a regular paycheck's lines are untouched; and back."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

REVISION = "0106_reversal_wages_sign"


@pytest.fixture
def before_0106(app, app_config, tmp_path):
    """A fresh app on its own SQLite file, migrated to the step before 0106; the session's app restored after."""
    from alembic.script import ScriptDirectory
    from flask import current_app
    from flask_migrate import upgrade

    from backoffice import crypto
    from backoffice.app import create_app

    other = create_app(dict(app_config, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/old.db"))
    with other.app_context():
        config = current_app.extensions["migrate"].migrate.get_config()
        previous = ScriptDirectory.from_config(config).get_revision(REVISION).down_revision
        upgrade(revision=previous)
        yield other, previous
    app.extensions["celery"].set_current()
    app.extensions["celery"].set_default()
    crypto._STATE["last"] = app.extensions["crypto"]


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
