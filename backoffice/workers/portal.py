"""The worker's home page in the portal (open tasks and what each domain adds) and their engagements."""
from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, render_template, url_for
from flask_login import current_user

from backoffice.extensions import db
from backoffice.portal import bp
from backoffice.portal.access import own_or_404, own_rows, worker_required
from backoffice.workers.models import Engagement, Worker


def current_worker() -> Worker:
    """The signed-in worker's Worker row (through the row scope, like every other read). The encrypted TIN is left
    unread until a page reads it (loaded then): the portal shows tin_last4, and each row read decrypts the TIN."""
    return own_or_404(Worker, "worker", current_user.worker_id, options=(sa.orm.defer(Worker.tin),))


def my_engagements() -> list[Engagement]:
    # the client in the same statement: the pages name it on every engagement (one lazy load each otherwise)
    stmt = own_rows(sa.select(Engagement), "engagement").options(sa.orm.joinedload(Engagement.client))\
        .order_by(Engagement.start_date.desc(), Engagement.id)
    return list(db.session.execute(stmt).scalars())


def _home_questions(worker) -> tuple[dict, set]:
    """Every home hook's figures and every task hook's probe, asked in one statement: ({home hook: {name: value}},
    {task hooks that may have a task})."""
    ext = current_app.extensions
    figures = [(hook, ext["portal_home_figures"][hook](worker)) for hook in ext.get("portal_home_hooks", [])
               if hook in ext.get("portal_home_figures", {})]
    probes = ext.get("portal_task_probes", {})
    asked = [hook for hook in ext.get("portal_task_hooks", []) if hook in probes]
    columns = [expr for _hook, named in figures for expr in named.values()] + [probes[hook](worker) for hook in asked]
    if not columns:
        return {}, set()
    answers = iter(db.session.execute(sa.select(*(c.label(f"q{i}") for i, c in enumerate(columns)))).one())
    values = {hook: {name: next(answers) for name in named} for hook, named in figures}
    return values, {hook for hook in asked if next(answers)}


def open_tasks(worker, maybe: set | None = None) -> list[dict]:
    """What the worker still has to do: the tasks each domain adds with add_task_hook, in domain order. A hook
    with a probe is called only when its probe held (`maybe`, else asked here)."""
    probes = current_app.extensions.get("portal_task_probes", {})
    if maybe is None:
        maybe = _home_questions(worker)[1]
    tasks: list[dict] = []
    for hook in current_app.extensions.get("portal_task_hooks", []):
        if hook not in probes or hook in maybe:
            tasks.extend(hook(worker) or [])
    return tasks


@bp.get("/")
@worker_required
def home():
    worker = current_worker()
    engagements = my_engagements()
    values, maybe = _home_questions(worker)
    cards: dict = {}
    for hook in current_app.extensions.get("portal_home_hooks", []):  # e.g. payroll: next pay date, last net pay
        cards.update(hook(worker, engagements, values[hook]) if hook in values else hook(worker, engagements))
    return render_template("portal/home.html", worker=worker, tasks=open_tasks(worker, maybe),
                           engagements=engagements, active_nav="home", **cards)


@bp.get("/engagements")
@worker_required
def engagements():
    rows = [(e, url_for("classification_portal.engagement", engagement_id=e.id)) for e in my_engagements()]
    return render_template("portal/engagements.html", rows=rows, active_nav="engagements")
