"""Row scopes of worker voice for workers: polls once opened, the public proposal board and the agency's
answers; their own data exports. Feedback and ratings hold no row a worker (or anyone) reads one by one."""
from __future__ import annotations

import sqlalchemy as sa

from backoffice.security.access import register_scope
from backoffice.voice.models import DataExport, Poll


@register_scope("poll", "worker")
def _worker_polls(stmt, user):
    return stmt.where(Poll.status != "draft")


@register_scope("proposal", "worker")
def _worker_proposals(stmt, user):
    return stmt                       # the board is public to every worker


@register_scope("feedback_response", "worker")
def _worker_responses(stmt, user):
    return stmt                       # the agency's answers are public to every worker


@register_scope("feedback", "worker")
def _worker_feedback(stmt, user):
    return stmt.where(sa.false())     # filed, never read back one by one


@register_scope("client_rating", "worker")
def _worker_ratings(stmt, user):
    return stmt.where(sa.false())     # rated; only the aggregate is read


@register_scope("data_export", "worker")
def _worker_exports(stmt, user):
    return stmt.where(DataExport.worker_id == user.worker_id)


@register_scope("transparency", "worker")
def _worker_transparency(stmt, user):
    return stmt                       # the published months are public to every worker
