"""Payroll: the pure gross-to-net engine, pay schedules, timesheets, runs, ledger, payments and paystubs."""
from __future__ import annotations

import backoffice  # noqa: F401  (first: it installs the engines' compiled build when current, docs/compiled-engine.md)


def init_app(app) -> None:
    """Register the models, row scopes, admin views, API, portal pages, CLI, tasks and demo data of payroll."""
    # Here, not at the top: importing the package (for the pure engine) must not load its web layers.
    from backoffice.api import register_blueprints
    from backoffice.portal import add_home_hook, add_task_hook
    from backoffice.workers import add_demo_step, add_demo_history, set_pay_schedule_choices
    from payroll import admin, admin_deductions, cli, demo, models, models_ledger, portal, scopes, tasks  # noqa: F401
    from payroll import demo_deductions, portal_deductions  # noqa: F401  (the page attaches to the portal)
    from payroll import demo_history, demo_money, demo_time, models_money, models_workers_comp  # noqa: F401
    from payroll import demo_workers_comp
    from payroll.api import common
    from payroll.timesheets import api as timesheet_api  # noqa: F401  (routes attach to common.blp, in this order)
    # routes attach to common.blp, after the timesheets'
    from payroll.api import paycheck_views, rate_views, run_views  # noqa: F401
    from payroll.piecework import api as task_api, models as task_models, scopes as task_scopes  # noqa: F401
    from payroll.piecework import admin as task_admin, cli as task_cli, demo as task_demo
    from payroll.api import deduction_views, workers_comp_views  # noqa: F401  (routes attach to common.blp)
    from payroll.services.schedules import choices as schedule_choices
    from payroll.timesheets import cli as timesheet_cli, import_admin
    from payroll.timesheets import demo as timesheet_demo, portal as timesheet_portal   # pages attach to the portal

    admin.register(app.extensions["tandem_admin"])
    admin_deductions.register(app.extensions["tandem_admin"])
    import_admin.register(app.extensions["tandem_admin"])
    task_admin.register(app.extensions["tandem_admin"])
    register_blueprints(app, common.blp)
    cli.register(app.cli)
    timesheet_cli.register(app.cli)
    task_cli.register(app.cli)
    add_home_hook(app, portal.home_cards)
    add_task_hook(app, timesheet_portal.sent_back_tasks, probe=timesheet_portal.sent_back_probe)   # a rejected or disputed week to fix
    add_demo_step(app, demo_workers_comp.seed)  # rates and class codes before the runs, which accrue premium
    add_demo_step(app, demo_deductions.seed)   # before the runs, which withhold them
    add_demo_step(app, demo.seed)
    add_demo_step(app, timesheet_demo.seed)    # a rejected and a disputed week, after the runs' approved time
    add_demo_step(app, task_demo.seed)
    add_demo_step(app, demo_money.seed)        # deposits and a bank return file, after the paid run
    add_demo_step(app, demo_time.seed)         # when time was submitted and approved; time waiting (dashboards)
    add_demo_history(app, demo_history.seed)   # `seed-demo --history YEAR`: a complete paid past year
    set_pay_schedule_choices(app, schedule_choices)      # the engagement form's pay schedule list
    celery = app.extensions.get("celery")
    if celery is not None:      # a paid run's notices a dead process left unwritten (runs.notify_paid_runs)
        celery.conf.beat_schedule = {**(celery.conf.beat_schedule or {}),
                                     "payroll-notify-paid-runs": {"task": "payroll.notify_paid_runs",
                                                                  "schedule": 300.0}}
