"""Notifications API: the caller's notifications (a worker's own), and marking one read."""
from __future__ import annotations

from flask import request
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from backoffice.api import current_api_user
from backoffice.notifications import services

blp = Blueprint("notifications_api", __name__, url_prefix="/api/v1",
                description="A worker's notifications: paycheck ready, enrollment open, document needed, time "
                            "approved or sent back")


class NotificationOut(Schema):
    id = fields.Integer()
    kind = fields.String(metadata={"description": "paycheck_ready | enrollment_open | document_needed | "
                                                  "timesheet_approved | timesheet_rejected | timesheet_disputed"})
    title = fields.String()
    body = fields.String()
    ref_id = fields.Integer(allow_none=True, metadata={"description": "the record it is about (paycheck, "
                                                                      "timesheet, window …)"})
    created_at = fields.DateTime()
    read = fields.Boolean()
    read_at = fields.DateTime(allow_none=True)
    emailed = fields.Boolean(metadata={"description": "an e-mail was sent for it"})


class NotificationList(Schema):
    unread = fields.Integer(metadata={"description": "how many of the caller's are unread"})
    items = fields.List(fields.Nested(NotificationOut))


def _out(n) -> dict:
    return {"id": n.id, "kind": n.kind, "title": n.title, "body": n.body, "ref_id": n.ref_id,
            "created_at": n.created_at, "read": n.read_at is not None, "read_at": n.read_at,
            "emailed": n.emailed_at is not None}


@blp.route("/notifications")
@blp.doc(parameters=[{"name": "unread", "in": "query", "schema": {"type": "boolean"},
                      "description": "only the unread ones"}])
@blp.response(200, NotificationList)
def notifications():
    """The caller's notifications, newest first (at most 200); a worker sees only their own."""
    user = current_api_user()
    unread_only = request.args.get("unread", "").lower() in ("1", "true", "yes")
    return {"unread": services.unread_count(user),
            "items": [_out(n) for n in services.for_user(user, unread_only=unread_only)]}


@blp.route("/notifications/<int:notification_id>/read", methods=["POST"])
@blp.doc(responses={"404": {"description": "no such notification, or not the caller's"}})
@blp.response(200, NotificationOut)
def notification_read(notification_id: int):
    """Mark one of the caller's notifications read (again: no change)."""
    return _out(services.mark_read(current_api_user(), notification_id))
