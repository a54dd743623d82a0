"""A small agency for worker-voice tests: Acme with six leased employees, Globex with one contractor, a user for
each worker and an HR user."""
from __future__ import annotations

from dataclasses import dataclass

import pytest


@dataclass
class VoiceWorld:
    acme: object
    globex: object
    workers: list            # six leased employees at Acme
    contractor: object       # a contractor at Globex
    users: list              # one worker user per leased employee
    contractor_user: object
    hr: object


@pytest.fixture
def voice_world(db, make_user):
    from tests.factories import ClientFactory, EngagementFactory, WorkerFactory

    acme, globex = ClientFactory(name="Acme Corp"), ClientFactory(name="Globex")
    workers = [WorkerFactory(first_name=f"Voter{i}", last_name=f"Acme{i}") for i in range(6)]
    for w in workers:
        EngagementFactory(worker=w, client=acme, type="leased_employee")
    contractor = WorkerFactory(first_name="Cora", last_name="Contractor")
    EngagementFactory(worker=contractor, client=globex, type="contractor")
    users = [make_user("worker", worker_id=w.id, email=f"voter{i}@example.com") for i, w in enumerate(workers)]
    return VoiceWorld(acme, globex, workers, contractor, users,
                      make_user("worker", worker_id=contractor.id, email="cora@example.com"),
                      make_user("hr", email="hr.voice@example.com"))
