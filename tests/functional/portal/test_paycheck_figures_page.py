"""The portal's paycheck page shows the wages each tax was figured on and the year to date after it: the same
figures as the API's `taxable_wages` and `ytd` (payroll.services.paycheck_figures)."""
from __future__ import annotations

import sqlalchemy as sa

from tests.integration.payroll.conftest import World


def test_the_worker_reads_the_wages_each_tax_was_figured_on(client, db, make_user, login, fixed_clock):
    """40 h × $25.00 in Texas = $1,000.00: the federal income tax, social security, Medicare, FUTA and SUTA wages
    are each $1,000.00, Additional Medicare's $0.00; the year to date after it $1,000.00."""
    from payroll.models import Paycheck
    from payroll.services import runs

    w = World(db, make_user)
    emp = w.worker()
    w.time(emp)
    run = w.regular_run()
    runs.start_calculation(run.id, w.hr)
    runs.approve_run(run.id, w.hr2)
    p = db.session.execute(sa.select(Paycheck).where(Paycheck.run_id == run.id)).scalar_one()
    login(client, make_user("worker", worker_id=emp.worker_id))
    page = client.get(f"/portal/paychecks/{p.id}").get_data(as_text=True)
    section = page[page.index('id="taxable-wages"'):]
    for label in ("Federal income tax", "Social Security", "Medicare", "FUTA", "SUTA"):
        assert f"<span>{label}</span><span class=\"num\">$1,000.00</span>" in section, label
    assert '<span>Additional Medicare</span><span class="num">$0.00</span>' in section
    assert "gross wages $1,000.00" in section
