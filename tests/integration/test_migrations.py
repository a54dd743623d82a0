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


def _include(obj, name, type_, reflected, compare_to):
    return not (type_ == "index" and name and name.endswith("_trgm"))  # PostgreSQL-only search indexes


def test_migrations_match_the_models(db):
    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": False, "include_object": _include})
        diff = compare_metadata(ctx, db.metadata)
    assert diff == [], diff
