"""The ACA demo: three variable-hour workers' hours loaded as history; the ACA months of 2026 built for them."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from backoffice.cli import main
from benefits.aca_models import AcaMonth, AcaWindow
from backoffice.workers.models import Worker


def test_seed_demo_builds_aca_months_with_a_full_time_and_a_part_time_variable_hour_worker(runner, db, fixed_clock):
    """Hired Sep 10, 2025; the initial measurement period Oct 2025 – Sep 2026; Rosa averages
    (152+148+160+139+141+150+155+147+138+162+149+151) / 12 = 1,792 / 12 = 149.33 → full time; Theo
    (96+88+104+91+99+101+87+93+95+98+90+94) / 12 = 1,136 / 12 = 94.67 → not full time; Ines works the same hours
    at each of two clients, 2 × 848 / 12 = 141.33 → full time. The initial measurement and administrative periods
    end by Oct 31, 2026 (the first calendar month beginning on or after the first anniversary of Sep 10, 2025:
    §54.4980H-3(d)(3)(vi)), so the stability period starts Nov 1, 2026; until then 2D. Rosa and Ines get a window,
    Theo does not."""
    result = runner.invoke(main, args=["seed-demo", "--workers", "30", "--seed", "5"])
    assert result.exit_code == 0, result.output
    assert "ACA: 3 variable-hour workers" in result.output
    names = dict(db.session.execute(sa.select(Worker.first_name, Worker.id).where(
        Worker.last_name == "Variable")).all())
    rows = {(r.worker_id, r.month): r for r in db.session.execute(sa.select(AcaMonth).where(
        AcaMonth.worker_id.in_(names.values()))).scalars()}
    assert (rows[(names["Rosa"], 10)].status, rows[(names["Rosa"], 10)].line16) == ("in_initial_measurement", "2D")
    rosa = rows[(names["Rosa"], 11)]
    assert (rosa.status, rosa.average_monthly_hours, rosa.stability_start) == (
        "full_time", Decimal("149.33"), date(2026, 11, 1))
    theo = rows[(names["Theo"], 11)]
    assert (theo.status, theo.average_monthly_hours, theo.line16) == ("not_full_time", Decimal("94.67"), "2B")
    ines = rows[(names["Ines"], 11)]
    assert (ines.status, ines.average_monthly_hours) == ("full_time", Decimal("141.33"))
    assert db.session.execute(sa.select(sa.func.count()).select_from(AcaMonth)).scalar() > 30
    windows = set(db.session.execute(sa.select(AcaWindow.worker_id)).scalars())
    assert {names["Rosa"], names["Ines"]} <= windows and names["Theo"] not in windows
