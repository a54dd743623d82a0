"""Background tasks, the shell's side: send a domain's task by its name (services never import a tasks module)."""
from __future__ import annotations

from celery import shared_task
from flask import current_app


@shared_task(name="backoffice.ping")
def ping() -> str:
    return "pong"


def enqueue(name: str, *args) -> None:
    """Send the registered task `name` (eagerly in this process when no broker is set). Call it after commit."""
    current_app.extensions["celery"].tasks[name].delay(*args)


def runs_in_process() -> bool:
    """True on the embedded default (no broker): tasks run eagerly, inside the request that sends them."""
    return bool(current_app.extensions["celery"].conf.task_always_eager)
