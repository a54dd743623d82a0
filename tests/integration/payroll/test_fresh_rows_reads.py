"""The approval's and marking paid's reads of the rows a run has just written: the negative-net check through its
partial index (0138), and the planner settings of `planned_for_fresh_rows` put back after the block."""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa


def test_a_calculated_run_with_a_paycheck_of_negative_net_is_refused_and_other_runs_reversals_are_not_counted(db):
    """Paycheck A: gross 100.00 − deductions 150.00 = net −50.00 (blocks); paycheck B: 100.00 − 20.00 = 80.00 (fine);
    a reversal in another run (every amount negated: net −80.00) is that run's and not this one's. On both backends the
    index holds only `net < 0`; on PostgreSQL the check's shape reads it."""
    from payroll.services.runs import pre_run_checks
    from tests.factories import PaycheckFactory, PayrollRunFactory

    run, other = PayrollRunFactory(state="calculated"), PayrollRunFactory(state="paid")
    a = PaycheckFactory(run=run, gross=Decimal("100.00"), deductions=Decimal("150.00"))
    PaycheckFactory(run=run, gross=Decimal("100.00"), deductions=Decimal("20.00"))
    PaycheckFactory(run=other, kind="reversal", gross=Decimal("-100.00"), deductions=Decimal("-20.00"))
    db.session.flush()

    issues = pre_run_checks(run.id)

    assert [(i.field, i.code) for i in issues] == [(f"paychecks[{a.id}]", "negative_net")]
    assert issues[0].message == f"worker {a.worker_id}: negative net pay -50.00"
    dialect = db.engine.dialect.name
    index = {ix["name"]: ix for ix in sa.inspect(db.session.connection()).get_indexes("paychecks")}
    assert index["ix_paychecks_negative_net"]["column_names"] == ["run_id"]
    assert " ".join(str(index["ix_paychecks_negative_net"]["dialect_options"][f"{dialect}_where"]).split()) \
        .strip("()") == "net < 0"
    if dialect == "postgresql":
        db.session.execute(sa.text("SET LOCAL enable_seqscan = off"))
        plan = "\n".join(db.session.execute(sa.text(
            "EXPLAIN SELECT id, worker_id, net FROM paychecks WHERE run_id = :r AND net < 0"), {"r": run.id}).scalars())
        assert "ix_paychecks_negative_net" in plan, plan


def test_reads_planned_for_fresh_rows_run_without_nested_loops_or_sorts_and_the_settings_are_put_back(db):
    """Inside the block PostgreSQL plans with enable_nestloop and enable_sort off; after it each setting is what it
    was before (here enable_sort already off by the caller stays off, enable_nestloop comes back on). On SQLite the
    block changes nothing."""
    from backoffice.uow import planned_for_fresh_rows

    if db.engine.dialect.name != "postgresql":
        with planned_for_fresh_rows():
            assert db.session.execute(sa.text("SELECT 1")).scalar() == 1
        return

    def settings():
        return tuple(db.session.execute(sa.text(
            "SELECT current_setting('enable_nestloop'), current_setting('enable_sort')")).one())

    db.session.execute(sa.text("SET LOCAL enable_sort = off"))
    assert settings() == ("on", "off")
    with planned_for_fresh_rows():
        assert settings() == ("off", "off")
    assert settings() == ("on", "off")
    db.session.execute(sa.text("SET LOCAL enable_sort = on"))
    with planned_for_fresh_rows():
        assert settings() == ("off", "off")
    assert settings() == ("on", "on")
