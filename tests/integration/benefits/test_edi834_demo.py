"""The demo leaves one full 834 test file per carrier with members, each accepted by pyx12."""
from __future__ import annotations

import sqlalchemy as sa

from backoffice.cli import main
from benefits.edi_models import EdiFile
from tests.x12check import check


def test_seed_demo_builds_a_full_test_file_per_carrier(runner, db):
    result = runner.invoke(main, args=["seed-demo", "--workers", "40", "--seed", "5"])
    assert result.exit_code == 0, result.output
    files = db.session.execute(sa.select(EdiFile).order_by(EdiFile.id)).scalars().all()
    assert "carrier 834 files:" in result.output and files
    assert {(f.kind, f.usage, f.control_number) for f in files} == {("full", "T", 1)}
    for f in files:
        verdict = check(f.content)
        assert verdict.accepted, (f.carrier.code, verdict.errors)
