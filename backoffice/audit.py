"""Append-only audit log: who changed what, when, with before/after values (PII masked), written on flush."""
from __future__ import annotations

import contextlib
import json
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from flask import has_request_context, request
from sqlalchemy import event, inspect
from sqlalchemy.orm import Mapped, Session, mapped_column

from backoffice.db import BigId, EncryptedString, UTCDateTime, utcnow
from backoffice.extensions import db


class AuditLog(db.Model):
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False, index=True)
    user_id: Mapped[int | None] = mapped_column(sa.BigInteger, index=True)
    user_email: Mapped[str] = mapped_column(sa.String(254), default="", nullable=False)
    action: Mapped[str] = mapped_column(sa.String(16), nullable=False)
    model: Mapped[str] = mapped_column(sa.String(64), nullable=False, index=True)
    record_id: Mapped[str] = mapped_column(sa.String(64), nullable=False, index=True)
    changes: Mapped[str] = mapped_column(sa.Text, default="{}", nullable=False)
    ip: Mapped[str] = mapped_column(sa.String(64), default="", nullable=False)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_email} {self.action} {self.model}#{self.record_id}"


MASK = "***"


def _plain(value):
    if isinstance(value, (Decimal,)):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _masked_columns(obj) -> set[str]:
    mapper = inspect(obj).mapper
    names = set(getattr(obj, "__audit_mask__", ()))
    for col in mapper.columns:
        if isinstance(col.type, EncryptedString):
            names.add(col.key)
    return names


def _model_name(obj) -> str:
    return getattr(obj, "__permission_model__", None) or obj.__tablename__


def _actor(session: Session):
    actor = session.info.get("actor")
    if actor is not None:
        return actor
    if has_request_context():
        from flask_login import current_user

        if getattr(current_user, "is_authenticated", False):
            return current_user
    return None


@contextlib.contextmanager
def acting_as(user, session: Session | None = None):
    """Attribute changes made in this block to `user` (CLI, tasks, services outside a request)."""
    session = session or db.session()
    previous = session.info.get("actor")
    session.info["actor"] = user
    try:
        yield
    finally:
        session.info["actor"] = previous


def _snapshot(obj, masked):
    out = {}
    for attr in inspect(obj).mapper.column_attrs:
        key = attr.key
        val = getattr(obj, key)
        out[key] = MASK if (key in masked and val is not None) else _plain(val)
    return out


def _diff(obj, masked):
    changes = {}
    state = inspect(obj)
    for attr in state.mapper.column_attrs:
        hist = state.attrs[attr.key].history
        if not hist.has_changes():
            continue
        before = hist.deleted[0] if hist.deleted else None
        after = hist.added[0] if hist.added else None
        if before == after:
            continue
        if attr.key in masked:
            changes[attr.key] = {"before": MASK if before is not None else None,
                                 "after": MASK if after is not None else None}
        else:
            changes[attr.key] = {"before": _plain(before), "after": _plain(after)}
    return changes


@event.listens_for(Session, "before_flush")
def _collect(session, flush_context, instances):
    pending = session.info.setdefault("audit_pending", [])
    for obj in session.new:
        if getattr(obj, "__audited__", False):
            pending.append(("create", obj, None))
    for obj in session.dirty:
        if getattr(obj, "__audited__", False) and session.is_modified(obj, include_collections=False):
            diff = _diff(obj, _masked_columns(obj))
            if diff:
                pending.append(("update", obj, diff))
    for obj in session.deleted:
        if getattr(obj, "__audited__", False):
            pending.append(("delete", obj, _snapshot(obj, _masked_columns(obj))))


@event.listens_for(Session, "after_flush")
def _write(session, flush_context):
    pending = session.info.pop("audit_pending", [])
    if not pending:
        return
    actor = _actor(session)
    ip = (request.remote_addr or "") if has_request_context() else ""
    rows = []
    now = utcnow()
    for action, obj, data in pending:
        if action == "create":
            data = {k: {"after": v} for k, v in _snapshot(obj, _masked_columns(obj)).items() if v is not None}
        elif action == "delete":
            data = {k: {"before": v} for k, v in data.items() if v is not None}
        # The identity key is only set after the flush finishes; read the primary key from the instance.
        ident = inspect(obj).mapper.primary_key_from_instance(obj)
        rows.append({
            "at": now, "user_id": getattr(actor, "id", None), "user_email": getattr(actor, "email", "") or "system",
            "action": action, "model": _model_name(obj),
            "record_id": ",".join(str(i) for i in ident if i is not None),
            "changes": json.dumps(data, sort_keys=True, default=str), "ip": ip or "",
        })
    session.connection().execute(AuditLog.__table__.insert(), rows)


def log_change(action: str, model: str, record_id: str, changes: dict, session: Session | None = None) -> None:
    """One audit record written by hand, by the actor of the session, for a change made in bulk (COPY, a
    set-based UPDATE) that the flush hooks never see: e.g. every payment of a run created at approval."""
    session = session or db.session()
    actor = _actor(session)
    session.connection().execute(AuditLog.__table__.insert(), [{
        "at": utcnow(), "user_id": getattr(actor, "id", None), "user_email": getattr(actor, "email", "") or "system",
        "action": action, "model": model, "record_id": record_id[:64],
        "changes": json.dumps(changes, sort_keys=True, default=str),
        "ip": ((request.remote_addr or "") if has_request_context() else "")}])


@event.listens_for(AuditLog, "before_update")
@event.listens_for(AuditLog, "before_delete")
def _append_only(mapper, connection, target):
    raise RuntimeError("the audit log is append-only")


def record_event(action: str, model: str, record_id, note: dict) -> None:
    """Append one row that is not a record's change (e.g. `tin_conflict`: HR follows up), by the acting user, in
    the caller's transaction."""
    session = db.session()
    actor = _actor(session)
    session.add(AuditLog(at=utcnow(), user_id=getattr(actor, "id", None),
                         user_email=getattr(actor, "email", "") or "system", action=action, model=model,
                         record_id=str(record_id), changes=json.dumps(note, sort_keys=True, default=str),
                         ip=((request.remote_addr or "") if has_request_context() else "")))
