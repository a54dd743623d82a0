"""Worker voice: where my hour goes (rate breakdowns, published margins), polls with secret ballots, proposals
with a response threshold, anonymous feedback and client ratings with a group-size floor, and a worker's data
export (issue 17).

rules.py, breakdown.py and transparency.py are pure; the *services.py modules own the reads and writes; admin,
api, portal, cli, tasks and demo are the entry points. docs/voice.md has the threat model of the secret ballot."""
from __future__ import annotations


def init_app(app) -> None:
    """Register the models, row scopes, admin views, API, portal pages, tasks and demo data of worker voice."""
    # Here, not at the top: importing the package (for a model or the rules) must not load its web layers.
    from backoffice.api import register_blueprints
    from backoffice.portal import add_task_hook
    from backoffice.voice import admin, api, cli, demo, models, portal, scopes, tasks  # noqa: F401
    from backoffice.workers import add_demo_step

    admin.register(app.extensions["tandem_admin"])
    register_blueprints(app, api.blp)
    add_task_hook(app, portal.open_votes, probe=portal.open_votes_probe)
    add_demo_step(app, demo.seed)
    add_demo_step(app, demo.seed_transparency)
    cli.register(app.cli)
    celery = app.extensions["celery"]
    entries = dict(celery.conf.beat_schedule or {})
    from celery.schedules import crontab

    entries["voice-close-due-polls"] = {"task": tasks.CLOSE_POLLS, "schedule": crontab(hour=0, minute=15)}
    entries["voice-publish-transparency"] = {"task": tasks.PUBLISH_TRANSPARENCY,
                                             "schedule": crontab(day_of_month=2, hour=1, minute=0)}
    celery.conf.beat_schedule = entries
