"""Who may use a portal page: a signed-in worker, reaching only their own rows (a miss is a 404)."""
from __future__ import annotations

from functools import wraps

import sqlalchemy as sa
from flask import abort, redirect, request, url_for
from flask_login import current_user

from backoffice.errors import NotFound
from backoffice.extensions import db
from backoffice.security.access import can, scoped


def worker_required(view):
    """Anonymous visitors go to the sign-in page; staff and other roles get 403; workers pass."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path))
        if current_user.role != "worker" or not current_user.worker_id:
            abort(403)
        return view(*args, **kwargs)

    return wrapper


def own_or_404(model, permission_model: str, ident, options=()):
    """One row of `model` by id, only if the signed-in user may read it; otherwise NotFound (404). `options`:
    loader options for the select (e.g. a column left unread)."""
    try:
        ident = int(ident)
    except (TypeError, ValueError):
        raise NotFound(f"{permission_model} not found") from None
    if not can(current_user, permission_model, "read"):
        raise NotFound(f"{permission_model} not found")
    stmt = scoped(sa.select(model).options(*options).where(model.id == ident), current_user, permission_model)
    row = db.session.execute(stmt).scalar_one_or_none()
    if row is None:
        raise NotFound(f"{permission_model} {ident} not found")
    return row


def own_rows(stmt, permission_model: str):
    """A select restricted to the signed-in user's rows (empty when the role may not read the model)."""
    if not can(current_user, permission_model, "read"):
        return stmt.where(sa.false())
    return scoped(stmt, current_user, permission_model)
