"""A paycheck of a large run stores no words for its lines: line_explanations replays the engine on the stored input
and gives each line the words a small run stores."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa


def test_a_line_without_stored_words_gets_the_words_the_replayed_engine_gives(world, db, fixed_clock):
    """A week of 40 h × $25.00 in Texas: $1,000.00 of regular pay, federal income tax, social security and
    Medicare lines with their words stored (a run of one paycheck). With the words taken off every line, as a run
    of more than 2,000 paychecks stores them, line_explanations gives each line the same words again."""
    from payroll.models import Paycheck, PaycheckLine
    from payroll.services import runs
    from payroll.services.explain import line_explanations

    emp = world.worker()
    world.time(emp, week=date(2026, 11, 2))
    run = world.regular_run(date(2026, 11, 2))
    runs.start_calculation(run.id, world.hr)
    p = db.session.execute(sa.select(Paycheck).where(Paycheck.run_id == run.id)).scalar_one()
    lines = list(db.session.execute(sa.select(PaycheckLine).where(PaycheckLine.paycheck_id == p.id)
                                    .order_by(PaycheckLine.id)).scalars())
    stored = {ln.id: list(ln.explanation) for ln in lines}
    assert {(ln.kind, ln.code) for ln in lines} >= {("earning", "regular"), ("employee_tax", "federal_income_tax"),
                                                    ("employee_tax", "social_security"), ("employee_tax", "medicare")}
    assert all(stored.values())

    db.session.execute(sa.update(PaycheckLine).where(PaycheckLine.paycheck_id == p.id).values(explanation=None))
    db.session.expire_all()
    assert line_explanations(p) == stored
