"""Workers: clients, workers, engagements and each worker's profile (tax forms, bank accounts)."""
from __future__ import annotations


def init_app(app) -> None:
    """Register the models, row scopes, admin views, API and CLI of this domain."""
    # Here, not at the top: importing the package (for a model) must not load its web layers.
    from backoffice.api import register_blueprints
    from backoffice.workers import admin, api, cli, models, portal, profile, scopes  # noqa: F401

    admin.register(app.extensions["tandem_admin"])
    register_blueprints(app, api.blp)
    cli.register(app.cli)


def add_demo_step(app, step) -> None:
    """A domain's demo data, seeded in domain order by `backoffice seed-demo`: step(rng=, today=) -> [lines]."""
    app.extensions.setdefault("demo_steps", []).append(step)


def add_demo_history(app, step) -> None:
    """A domain's part of a complete past year (`seed-demo --history YEAR`), run after every demo step, in domain
    order (payroll pays the year, then benefits builds its ACA months): step(rng=, today=, year=) -> [lines]."""
    app.extensions.setdefault("demo_history", []).append(step)


def set_pay_schedule_choices(app, choices) -> None:
    """Pay schedules are payroll's (a domain above this one): payroll hands the engagement form its list,
    choices() -> [(id, label)], so workers never imports payroll."""
    app.extensions["pay_schedule_choices"] = choices


def pay_schedule_choices(app) -> list[tuple[int, str]]:
    fn = app.extensions.get("pay_schedule_choices")
    return list(fn()) if fn else []
