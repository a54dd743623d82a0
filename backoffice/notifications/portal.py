"""Portal pages for notifications: the list (newest first, unread marked), open one (marks it read and goes to
its page), mark all read; the header's bell count for every portal page."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from backoffice.clock import clock
from backoffice.notifications import services
from backoffice.notifications.services import UNREAD
from backoffice.portal import bp
from backoffice.portal.access import worker_required
from backoffice.security.access import can
from backoffice.security.sessions import session_value

# where each kind of notice leads: (endpoint, the argument that takes ref_id or None)
LINKS = {"paycheck_ready": ("portal.paycheck_explanation", "paycheck_id"),
         "enrollment_open": ("portal.benefits", None),
         "document_needed": ("portal.home", None),
         "timesheet_approved": ("portal.timesheet", "timesheet_id"),
         "timesheet_rejected": ("portal.timesheet", "timesheet_id"),
         "timesheet_disputed": ("portal.timesheet", "timesheet_id")}


def link(n) -> str:
    endpoint, arg = LINKS.get(n.kind, ("portal.notifications", None))
    if arg and n.ref_id is None:
        return url_for("portal.notifications")
    return url_for(endpoint, **({arg: n.ref_id} if arg else {}))


def unread_badge() -> dict:
    """Template context for every page: the signed-in worker's unread count (the header's bell)."""
    if getattr(current_user, "is_authenticated", False) and current_user.role == "worker" and current_user.worker_id:
        counted = session_value(UNREAD)     # read with the session (services.unread_count's rows: the scope's)
        if counted is None:
            return {"portal_unread": services.unread_count(current_user)}
        return {"portal_unread": int(counted) if can(current_user, "notification", "read") else 0}
    return {}


@bp.get("/notifications")
@worker_required
def notifications():
    return render_template("portal/notifications.html", items=services.for_user(current_user), link=link,
                           active_nav="notifications")


@bp.post("/notifications/<int:notification_id>/read")
@worker_required
def notification_open(notification_id: int):
    """Mark it read and go to what it is about (another worker's id: 404)."""
    n = services.mark_read(current_user, notification_id, clock().now())
    return redirect(link(n), 303)


@bp.post("/notifications/read-all")
@worker_required
def notifications_read_all():
    n = services.mark_all_read(current_user, clock().now())
    flash(f"{n} marked read." if n != 1 else "1 marked read.", "success")
    return redirect(url_for("portal.notifications"), 303)
