"""The Alembic history has one head and produces exactly the tables the models declare."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app


def test_there_is_exactly_one_migration_head(app, db):
    config = current_app.extensions["migrate"].migrate.get_config()
    heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1, heads


def _include_on(dialect: str):
    def include(obj, name, type_, reflected, compare_to):
        if type_ == "index" and name and name.endswith("_trgm"):       # PostgreSQL-only search indexes
            return False
        # on PostgreSQL paycheck lines' references are checked by statement-level triggers (0110), not foreign keys
        return not (dialect == "postgresql" and type_ == "foreign_key_constraint"
                    and obj.table.name == "paycheck_lines")
    return include


def test_migrations_match_the_models(db):
    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": False, "include_object": _include_on(db.engine.dialect.name)})
        diff = compare_metadata(ctx, db.metadata)
    assert diff == [], diff


def test_paycheck_line_references_are_enforced_on_postgresql(db):
    """0110 replaced the three foreign keys of paycheck_lines by statement-level triggers on PostgreSQL: a line
    naming a paycheck, engagement or client that does not exist is still refused (SQLSTATE 23503), and so is
    deleting a paycheck that lines reference."""
    import pytest
    import sqlalchemy as sa
    from sqlalchemy.exc import IntegrityError

    from tests.factories import PaycheckFactory, PaycheckLineFactory

    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite keeps the declared foreign keys")
    line = PaycheckLineFactory()
    db.session.flush()
    for column, value in (("paycheck_id", 987654321), ("engagement_id", 987654321), ("client_id", 987654321)):
        with pytest.raises(IntegrityError, match=f"Key \\({column}\\)=\\(987654321\\)"):
            with db.session.begin_nested():
                db.session.execute(sa.text(
                    "INSERT INTO paycheck_lines (paycheck_id, kind, code, state, amount, engagement_id, client_id) "
                    "VALUES (:p, 'earning', 'regular', '', 100, :e, :c)"),
                    {"p": line.paycheck_id, "e": None, "c": None, **{column[:1]: value}})
    with pytest.raises(IntegrityError, match="still referenced"):
        with db.session.begin_nested():
            db.session.execute(sa.text("DELETE FROM paychecks WHERE id = :id"), {"id": line.paycheck_id})
    with pytest.raises(IntegrityError, match="still referenced"):
        with db.session.begin_nested():
            db.session.execute(sa.text("UPDATE paychecks SET id = id + 1000000 WHERE id = :id"),
                               {"id": line.paycheck_id})
    other = PaycheckFactory()
    db.session.flush()
    db.session.execute(sa.text("UPDATE paycheck_lines SET paycheck_id = :o WHERE id = :id"),
                       {"o": other.id, "id": line.id})       # a line may move to a paycheck that exists
