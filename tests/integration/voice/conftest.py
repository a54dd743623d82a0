"""A small agency for worker-voice tests: Acme with six leased employees, Globex with one contractor, a user for
each worker and an HR user; the agency itself."""
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
    from tests.factories import AgencyFactory, ClientFactory, EngagementFactory, WorkerFactory

    AgencyFactory()                  # a paystub names its employer
    acme, globex = ClientFactory(name="Acme Corp"), ClientFactory(name="Globex")
    workers = [WorkerFactory(first_name=f"Voter{i}", last_name=f"Acme{i}", payroll_ready=True) for i in range(6)]
    for w in workers:
        EngagementFactory(worker=w, client=acme, type="leased_employee")
    contractor = WorkerFactory(first_name="Cora", last_name="Contractor")
    EngagementFactory(worker=contractor, client=globex, type="contractor")
    users = [make_user("worker", worker_id=w.id, email=f"voter{i}@example.com") for i, w in enumerate(workers)]
    return VoiceWorld(acme, globex, workers, contractor, users,
                      make_user("worker", worker_id=contractor.id, email="cora@example.com"),
                      make_user("hr", email="hr.voice@example.com"))


@pytest.fixture(autouse=True)
def export_dir(app, tmp_path):
    """Data-export ZIPs in the test's own directory, not the instance folder."""
    saved = app.config.get("VOICE_EXPORT_DIR")
    app.config["VOICE_EXPORT_DIR"] = str(tmp_path / "voice-exports")
    yield tmp_path / "voice-exports"
    app.config["VOICE_EXPORT_DIR"] = saved
