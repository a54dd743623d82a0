"""Notifications: created inside the unit of work of the moment they report (once per event: the `key` is unique
and a second insert of it does nothing), read and marked read by their worker, e-mailed once through the mail
port after commit."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Iterable

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from backoffice.db import utcnow
from backoffice.errors import DomainError, NotFound
from backoffice.extensions import db
from backoffice.mailport import send_mail
from backoffice.notifications.models import KINDS, MAX_EMAIL_ATTEMPTS, Notification
from backoffice.security.access import can, scoped
from backoffice.uow import transaction
from backoffice.workers.models import Worker

PENDING_FLAG = "notifications_created"      # in Session.info: this session wrote notifications (mail them)
LIST_LIMIT = 200


@dataclass(frozen=True)
class Notice:
    """One event for one worker: what happened (`kind`), its unique `key`, the words, the record it is about."""
    worker_id: int
    kind: str
    key: str
    title: str
    body: str = ""
    ref_id: int | None = None


def notify_many(notices: Iterable[Notice]) -> int:
    """Insert these notices in the caller's unit of work, skipping any whose key exists (INSERT … ON CONFLICT DO
    NOTHING: a re-run notifies nobody twice, even when two run at once). Returns how many rows were offered."""
    rows = []
    now = utcnow()
    for n in notices:
        if n.kind not in KINDS:
            raise ValueError(f"unknown notification kind {n.kind!r}")
        rows.append({"worker_id": n.worker_id, "kind": n.kind, "key": n.key[:120], "title": n.title[:200],
                     "body": n.body[:1000], "ref_id": n.ref_id, "created_at": now, "email_attempts": 0,
                     "email_error": ""})
    if not rows:
        return 0
    dialect = db.session.connection().dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(Notification.__table__)
    for i in range(0, len(rows), 1000):
        db.session.execute(insert.on_conflict_do_nothing(index_elements=["key"]), rows[i:i + 1000])
    db.session.info[PENDING_FLAG] = True
    return len(rows)


def notify_from_select(kind: str, rows, title: str, body: str = "", *, conn=None, fresh: bool = False) -> int:
    """One notice per row of `rows` (a SELECT of worker_id, key, ref_id), the same words for all, in ONE
    INSERT … SELECT … ON CONFLICT (key) DO NOTHING run by the database: what a paid run of 100,000 paychecks
    uses (no row travels to Python and back). Returns how many rows were inserted.

    `fresh`: the caller knows none of the keys exists yet (key_exists), so a plain INSERT: uq_notifications_key
    still refuses a duplicate — an IntegrityError instead of a skipped row — and the server does not insert each
    row speculatively (a third less of its CPU a notice: 20,000 notices 164 → 116 ms, docs/benchmarks.md, session
    22). `conn`: a Connection of the caller's own transaction instead of the session's (it then tells its session
    to mail them, PENDING_FLAG)."""
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    sub = rows.subquery()
    select = sa.select(sub.c.worker_id, sa.literal(kind), sub.c.key, sa.literal(title[:200]), sa.literal(body[:1000]),
                       sub.c.ref_id, sa.literal(utcnow(), Notification.created_at.type), sa.literal(0),
                       sa.literal("")).where(sa.true())     # WHERE: SQLite's upsert after a SELECT needs one
    on = conn if conn is not None else db.session.connection()
    insert = (postgresql.insert if on.dialect.name == "postgresql" else sqlite.insert)(Notification.__table__)
    stmt = insert.from_select(["worker_id", "kind", "key", "title", "body", "ref_id", "created_at",
                               "email_attempts", "email_error"], select)
    if not fresh:
        stmt = stmt.on_conflict_do_nothing(index_elements=["key"])
    n = on.execute(stmt).rowcount
    if conn is None:
        db.session.info[PENDING_FLAG] = True
    return n


def key_exists(key, conn=None) -> bool:
    """Whether a notification has this key (a string or an SQL expression; one look-up in uq_notifications_key)."""
    on = conn if conn is not None else db.session.connection()
    return bool(on.execute(sa.select(sa.exists().where(Notification.key == key))).scalar())


def key_column(prefix: str, column):
    """The SQL for a key "<prefix><column>" (e.g. paycheck_ready:123), for notify_from_select."""
    return (sa.literal(prefix) + sa.cast(column, sa.String)).label("key")


def notify(worker_id: int, kind: str, key: str, title: str, body: str = "", ref_id: int | None = None) -> int:
    return notify_many([Notice(worker_id, kind, key, title, body, ref_id)])


# ---------------------------------------------------------------- what the worker reads
def _mine(user):
    """A select of the notifications this user may read (a worker: their own; nobody else's)."""
    stmt = sa.select(Notification)
    if not can(user, "notification", "read"):
        return stmt.where(sa.false())
    return scoped(stmt, user, "notification")


def for_user(user, *, unread_only: bool = False, limit: int = LIST_LIMIT) -> list[Notification]:
    stmt = _mine(user)
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    return list(db.session.execute(stmt.order_by(Notification.id.desc()).limit(limit)).scalars())


UNREAD = "unread_notifications"


def unread_column(user_entity):
    """unread_count's figure for a worker as a column of the session's statement (security.sessions
    add_session_column): the bell is on every portal page, so it comes with the session, not in a statement of
    its own. The same rows as the worker's scope (their own notifications) without a read time."""
    return sa.select(sa.func.count(Notification.id)).where(
        Notification.worker_id == user_entity.worker_id, Notification.read_at.is_(None)).scalar_subquery()


def unread_count(user) -> int:
    stmt = _mine(user).where(Notification.read_at.is_(None)).with_only_columns(sa.func.count(Notification.id))
    return int(db.session.execute(stmt).scalar() or 0)


def get_own(user, notification_id) -> Notification:
    """One of the user's notifications; anyone else's (or none) is NotFound (404)."""
    try:
        ident = int(notification_id)
    except (TypeError, ValueError):
        raise NotFound("notification not found") from None
    row = db.session.execute(_mine(user).where(Notification.id == ident)).scalar_one_or_none()
    if row is None:
        raise NotFound(f"notification {ident} not found")
    return row


@transaction()
def mark_read(user, notification_id, now: datetime | None = None) -> Notification:
    """Mark one read (reading it twice keeps the first time)."""
    if not can(user, "notification", "write"):
        raise NotFound("notification not found")
    row = get_own(user, notification_id)
    if row.read_at is None:
        row.read_at = now or utcnow()
    return row


@transaction()
def mark_all_read(user, now: datetime | None = None) -> int:
    """Mark every unread one of the user's read; returns how many."""
    if not can(user, "notification", "write"):
        return 0
    rows = db.session.execute(_mine(user).where(Notification.read_at.is_(None))).scalars().all()
    for row in rows:
        row.read_at = now or utcnow()
    return len(rows)


# ---------------------------------------------------------------- e-mail
def _claim(notification_id: int, now: datetime) -> bool:
    """Compare-and-set: only one sender claims a notification (emailed_at set before sending)."""
    with transaction():
        return db.session.execute(sa.update(Notification).where(
            Notification.id == notification_id, Notification.emailed_at.is_(None),
            Notification.email_attempts < MAX_EMAIL_ATTEMPTS).values(emailed_at=now)
            .execution_options(synchronize_session=False)).rowcount == 1


def email_text(n: Notification, worker: Worker) -> tuple[str, str]:
    """The message: the title as subject, a greeting, the body, and where to see it."""
    body = (f"Hello {worker.first_name},\n\n{n.title}.\n\n{n.body}\n\n"
            "Sign in to your portal (My Tandem → Notifications) to see it.\n").replace("\n\n\n", "\n\n")
    return f"Tandem: {n.title}", body


SERVER_ERRORS = ("smtp_not_configured", "smtp_failed", "smtp_no_tls", "smtp_tls_failed")   # no message would go
BATCH = 500


def send_pending(now: datetime | None = None, *, limit: int = BATCH) -> int:
    """E-mail the notifications not yet sent (the oldest `limit`), each once: claimed, sent, or — when the mail
    port refuses — released with the error and tried again later (at most 3 tries; no SMTP configured is not a
    try). A refusal of the server itself (not configured, unreachable) stops the batch at the first row, which
    keeps its error: the others wait for the next call instead of each burning a try. Safe to run twice at once. Returns how many were
    sent."""
    now = now or utcnow()
    ids = db.session.execute(sa.select(Notification.id).where(
        Notification.emailed_at.is_(None), Notification.email_attempts < MAX_EMAIL_ATTEMPTS)
        .order_by(Notification.id).limit(limit)).scalars().all()
    db.session.info.pop(PENDING_FLAG, None)
    sent = 0
    for nid in ids:
        if not _claim(nid, now):
            continue
        n = db.session.get(Notification, nid)
        worker = db.session.get(Worker, n.worker_id)
        try:
            if not worker.email:
                raise DomainError("the worker has no e-mail address", code="no_email")
            send_mail(worker.email, *email_text(n, worker))
            sent += 1
        except DomainError as exc:
            with transaction():
                n.emailed_at = None
                # no mail server configured is not a try: the row goes once one is
                n.email_attempts += 0 if exc.code == "smtp_not_configured" else 1
                n.email_error = exc.message[:300]
            if exc.code in SERVER_ERRORS:
                break
    return sent


def send_all_pending(now: datetime | None = None, *, batches: int = 20) -> int:
    """send_pending in batches until a batch comes back short (everything sent, or the server refused)."""
    total = 0
    for _ in range(batches):
        sent = send_pending(now)
        total += sent
        if sent < BATCH:
            break
    return total
