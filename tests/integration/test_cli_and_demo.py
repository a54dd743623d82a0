"""The CLI: seed-demo builds a realistic, deterministic agency; create-user and create-token work."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from backoffice.cli import main
from backoffice.workers.models import Client, Engagement, Worker


def _snapshot(db):
    workers = db.session.execute(sa.select(Worker.first_name, Worker.last_name, Worker.state, Worker.tin_last4)
                                 .order_by(Worker.id)).all()
    engagements = db.session.execute(sa.select(Engagement.worker_id, Engagement.type, Engagement.work_state,
                                               Engagement.pay_rate).order_by(Engagement.id)).all()
    return workers, engagements


def test_seed_demo_is_realistic(runner, db):
    result = runner.invoke(main, args=["seed-demo", "--workers", "150", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "admin@tandem.example" in result.output
    workers, engagements = _snapshot(db)
    assert len(workers) >= 150          # plus the people other modules' demo data invites or onboards
    assert db.session.execute(sa.select(sa.func.count()).select_from(Client)).scalar() >= 5
    states = {w.state for w in workers}
    assert len(states) >= 6                                   # workers in many states
    types = {e.type for e in engagements}
    assert types == {"leased_employee", "contractor"}         # a mix of both
    per_worker = {}
    for e in engagements:
        per_worker[e.worker_id] = per_worker.get(e.worker_id, 0) + 1
    assert any(n == 2 for n in per_worker.values())           # some workers hold two engagements


@pytest.mark.real_commits          # wipes the tables between seeds (ids restart), as on an empty database
def test_seed_demo_is_deterministic_for_a_seed(app, runner, db):
    from tests.conftest import _wipe as _wipe_tables

    def _wipe(db):
        db.session.rollback()          # end the test's read transaction: TRUNCATE waits for every lock
        _wipe_tables(db)

    runner.invoke(main, args=["seed-demo", "--workers", "60", "--seed", "11"])
    first = _snapshot(db)
    _wipe(db)
    runner.invoke(main, args=["seed-demo", "--workers", "60", "--seed", "11"])
    assert _snapshot(db) == first
    _wipe(db)
    runner.invoke(main, args=["seed-demo", "--workers", "60", "--seed", "12"])
    assert _snapshot(db) != first


def test_seed_demo_if_empty_adds_nothing_the_second_time(runner, db):
    runner.invoke(main, args=["seed-demo", "--workers", "20"])
    count = db.session.execute(sa.select(sa.func.count()).select_from(Worker)).scalar()
    result = runner.invoke(main, args=["seed-demo", "--workers", "20", "--if-empty"])
    assert "already present" in result.output
    assert db.session.execute(sa.select(sa.func.count()).select_from(Worker)).scalar() == count


def test_create_user_and_token(runner, db, client):
    result = runner.invoke(main, args=["create-user", "--email", "Fin@Example.com", "--role", "finance",
                                 "--password", "long-enough-password"])
    assert result.exit_code == 0, result.output
    token = runner.invoke(main, args=["create-token", "--email", "fin@example.com"]).output.strip()
    assert token.startswith("tdm_")
    assert client.get("/api/v1/clients", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_create_user_rejects_a_short_password(runner, db):
    result = runner.invoke(main, args=["create-user", "--email", "x@example.com", "--role", "hr", "--password", "short"])
    assert result.exit_code != 0 and "password" in result.output
