"""Publishing the agency's margin per hour by kind of work for a month: the floor holds (one client's month shows
nothing), a kind across three clients and five workers shows its median and range, a month is published once and
only after it ends; the CLI and the monthly task do the same."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from backoffice.errors import DomainError

TODAY = date(2026, 12, 5)


@pytest.fixture
def clerical(db):
    """The agency (Texas SUTA 2.7%) and class 8810 at $2.00 per $100 of payroll."""
    from payroll.models_workers_comp import WorkersCompClass
    from tests.factories import AgencyFactory

    AgencyFactory(suta_rates={"TX": "0.027"})
    db.session.add(WorkersCompClass(state="TX", class_code="8810", description="Clerical office employees",
                                    rate_per_100=Decimal("2.00"), effective_from=date(2026, 1, 1)))
    db.session.flush()


def _engagements(clients: list, bill_rates: list[str]):
    from tests.factories import EngagementFactory, WorkerFactory

    out = []
    for i, (client, bill) in enumerate(zip(clients, bill_rates)):
        w = WorkerFactory(first_name=f"Clerk{i}", state="TX")
        out.append(EngagementFactory(worker=w, client=client, work_state="TX", pay_rate=Decimal("25.00"),
                                     bill_rate=Decimal(bill), wc_class_code="8810", status="active"))
    return out


def test_a_month_with_one_clients_data_shows_nothing_identifiable(db, clerical, make_user):
    """Six clerks, all at Acme: one client is under the floor of three, on its own and pooled: no row, six left
    out — nothing about Acme's margins is published."""
    from backoffice.voice.breakdown_services import publish_transparency
    from tests.factories import ClientFactory

    acme = ClientFactory(name="Acme Corp")
    _engagements([acme] * 6, ["40.00", "41.00", "42.00", "43.00", "44.00", "45.00"])
    rec = publish_transparency(make_user("hr"), "2026-11", TODAY)
    assert (rec.month, rec.engagements, len(rec.rows), rec.pooled_kinds, rec.hidden_engagements) == (
        "2026-11", 6, 0, 1, 6)


def test_a_kind_across_three_clients_and_five_workers_is_published_with_its_median_and_range(db, clerical,
                                                                                            make_user):
    """Five clerks at three clients, $25.00 an hour, no paycheck yet (the 2026 statutory rates): cost per hour
    25.00 + taxes 25 × 10.95% = 2.7375 → 2.74 + comp 25 × 2% = 0.50 = 28.24. Bill rates 40, 41, 42, 43, 44 give
    margins 11.76, 12.76, 13.76, 14.76, 15.76: median 13.76, p10 = 11.76 + 0.4 × 1 = 12.16, p90 = 14.76 + 0.6 =
    15.36; median bill rate 42.00."""
    from backoffice.voice.breakdown_services import publish_transparency
    from tests.factories import ClientFactory

    a, b, c = (ClientFactory(name=n) for n in ("Acme", "Beacon", "Cobalt"))
    _engagements([a, a, b, b, c], ["40.00", "41.00", "42.00", "43.00", "44.00"])
    rec = publish_transparency(make_user("hr"), "2026-11", TODAY)
    [row] = rec.rows
    assert (row.kind, row.engagements, row.clients, row.workers) == ("8810 Clerical office employees", 5, 3, 5)
    assert (row.median_margin, row.p10_margin, row.p90_margin, row.median_bill_rate) == (
        Decimal("13.76"), Decimal("12.16"), Decimal("15.36"), Decimal("42.00"))


def test_a_month_is_published_once_and_only_after_it_ends(db, clerical, make_user):
    from backoffice.voice.breakdown_services import publish_transparency

    hr = make_user("hr")
    publish_transparency(hr, "2026-11", TODAY)
    with pytest.raises(DomainError) as again:
        publish_transparency(hr, "2026-11", TODAY)
    with pytest.raises(DomainError) as early:
        publish_transparency(hr, "2026-12", TODAY)
    assert (again.value.code, early.value.code) == ("already_published", "month_not_over")


def test_a_worker_may_read_the_published_months_but_not_publish(db, clerical, make_user):
    from backoffice.errors import PermissionDenied
    from backoffice.voice.breakdown_services import publish_transparency, published_months
    from tests.factories import WorkerFactory

    publish_transparency(make_user("finance"), "2026-10", TODAY)
    worker = make_user("worker", worker_id=WorkerFactory().id)
    assert [m.month for m in published_months(worker)] == ["2026-10"]
    with pytest.raises(PermissionDenied):
        publish_transparency(worker, "2026-11", TODAY)


def test_the_cli_publishes_a_month_and_refuses_a_bad_one_field_by_field(db, clerical, make_user, runner,
                                                                         fixed_clock):
    """`backoffice voice publish-transparency --month 2026-10` (the clock stands at 22 Nov 2026): one line per row
    on stdout; a malformed month is a 422-style JSON error naming the field, exit status 2."""
    from tests.factories import ClientFactory

    make_user("admin")
    a, b, c = (ClientFactory(name=n) for n in ("Acme", "Beacon", "Cobalt"))
    _engagements([a, a, b, b, c], ["40.00", "41.00", "42.00", "43.00", "44.00"])
    out = runner.invoke(args=["voice", "publish-transparency", "--month", "2026-10"])
    assert out.exit_code == 0, out.output
    assert out.stdout.splitlines() == ["8810 Clerical office employees\t13.76\t12.16\t15.36\t5"]
    bad = runner.invoke(args=["voice", "publish-transparency", "--month", "October"])
    assert bad.exit_code == 2 and '"field": "month"' in bad.output


def test_the_monthly_task_publishes_last_month_once(db, clerical):
    """On 2 December the task publishes November; run again, it publishes nothing more."""
    from backoffice.voice.breakdown_services import publish_last_month

    first = publish_last_month(date(2026, 12, 2))
    assert first is not None and first.month == "2026-11" and first.published_by_id is None
    assert publish_last_month(date(2026, 12, 2)) is None
