"""The portal home's portable-benefits line from one statement: shown with the account's balance when the worker
has entries or a rule (what the account page shows), not at all otherwise."""
from __future__ import annotations

from decimal import Decimal

from tests.integration.benefits.test_portable_benefits import _paid_run, _rule, world  # noqa: F401 - the fixture


def test_the_home_line_shows_the_credited_balance_a_rule_alone_shows_zero_and_no_rule_shows_nothing(db, world):  # noqa: F811
    """Contractor with a $1.50/h client-funded rule, 40 h paid: $60.00 credited, so the line says 60.00 (as the
    account page does). An employee whose rule starts after the run: a rule, no entry — the line shows 0.00. A
    worker with neither: no line."""
    from benefits.portable import services as svc
    from payroll.services import runs

    con = world.worker(kind="contractor", rate="30.00")
    later = world.worker()
    plain = world.worker()
    for e in (con, later, plain):
        world.time(e)
    _rule(con)
    run = _paid_run(world)
    runs.mark_paid(run.id, world.finance)
    _rule(later, start_date="2027-01-01")
    assert svc.home_line(con.worker_id) == {"balance": Decimal("60.00")}
    assert svc.account_view(con.worker_id)["balance"] == Decimal("60.00")
    assert svc.home_line(later.worker_id) == {"balance": Decimal("0")}
    assert svc.home_line(plain.worker_id) is None
