"""Demo data for the carrier feeds: one full 834 file per carrier with members, as a test (T) interchange, so the
admin's "Carrier files (834)" list has something to open and the next change file has a baseline."""
from __future__ import annotations

import random
from datetime import date

import sqlalchemy as sa

from backoffice.extensions import db
from benefits import edi_services as edi
from benefits.carriers import carriers
from benefits.edi_models import EdiFile


def seed(rng: random.Random, today: date) -> list[str]:
    if db.session.execute(sa.select(EdiFile.id).limit(1)).first():
        return ["carrier 834 files already present"]
    built = [edi.build(c, "full", as_of=today, usage="T") for c in carriers()]
    files = [r.file for r in built if r.file is not None]
    return [f"carrier 834 files: {len(files)} full test files ("
            + ", ".join(f"{f.carrier.code} {f.member_count} members" for f in files) + ")"]
