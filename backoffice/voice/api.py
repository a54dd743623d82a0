"""Worker voice API: polls (list, vote, results: totals only) and a worker's data export (start, follow, fetch).

No answer here names who chose what: a vote is acknowledged without its choice, results are totals, and the
poll list says only whether the caller has voted."""
from __future__ import annotations

import io

from flask import send_file, url_for
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from backoffice.api import current_api_user, json_object
from backoffice.clock import clock
from backoffice.errors import Issue, raise_if
from backoffice.extensions import db
from backoffice.tasks import enqueue
from backoffice.voice import breakdown_services, export_services, rules, services
from backoffice.voice.tasks import BUILD_EXPORT

blp = Blueprint("voice_api", __name__, url_prefix="/api/v1",
                description="Worker voice: where my hour goes (rate breakdown, published margins); polls with secret "
                            "ballots; a worker's data export")


class PollOut(Schema):
    id = fields.Integer()
    title = fields.String()
    question = fields.String()
    options = fields.List(fields.String())
    status = fields.String(metadata={"description": "draft (staff only), open or closed"})
    eligible_types = fields.List(fields.String(), metadata={"description": "engagement types that may vote"})
    live_results = fields.Boolean(metadata={"description": "totals shown while the poll is open"})
    closes_on = fields.Date(allow_none=True)
    eligible = fields.Boolean(allow_none=True, metadata={"description": "the calling worker may vote (null: staff)"})
    has_voted = fields.Boolean(allow_none=True, metadata={
        "description": "the calling worker has voted (never what they chose; null: staff)"})
    results_available = fields.Boolean()
    results_url = fields.String()
    votes_url = fields.String()


class PollList(Schema):
    items = fields.List(fields.Nested(PollOut))


class VoteIn(Schema):
    choice = fields.String(required=True, metadata={"description": "one of the poll's options, exactly"})


class VoteOut(Schema):
    poll_id = fields.Integer()
    recorded = fields.Boolean()
    changed = fields.Boolean(metadata={"description": "true when this replaced the caller's earlier vote"})


class ResultsOut(Schema):
    poll_id = fields.Integer()
    status = fields.String()
    final = fields.Boolean(metadata={"description": "true once the poll is closed (live totals otherwise)"})
    totals = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={
        "description": "votes per option, every option listed"})
    votes = fields.Integer()
    eligible = fields.Integer()
    turnout = fields.Decimal(as_string=True, metadata={"description": "votes / eligible, 4 places"})


class ExportOut(Schema):
    id = fields.Integer()
    worker_id = fields.Integer()
    state = fields.String(metadata={"description": "queued | running | done | failed"})
    done = fields.Integer(metadata={"description": "items written so far"})
    total = fields.Integer()
    error = fields.String()
    filename = fields.String()
    size = fields.Integer()
    created_at = fields.DateTime()
    finished_at = fields.DateTime(allow_none=True)
    url = fields.String(metadata={"description": "this job"})
    download_url = fields.String(allow_none=True, metadata={"description": "the ZIP, once done"})


def _poll_out(poll, user) -> dict:
    worker = getattr(user, "role", None) == "worker" and user.worker_id
    return {**{k: getattr(poll, k) for k in ("id", "title", "question", "options", "status", "eligible_types",
                                             "live_results", "closes_on")},
            "eligible": services.is_eligible(poll, int(user.worker_id)) if worker else None,
            "has_voted": services.has_voted(poll.id, int(user.worker_id)) if worker else None,
            "results_available": rules.results_refusal(poll.status, poll.live_results) is None,
            "results_url": url_for("voice_api.poll_results", poll_id=poll.id),
            "votes_url": url_for("voice_api.poll_vote", poll_id=poll.id)}


@blp.route("/polls")
@blp.response(200, PollList)
def polls():
    """Polls the caller may see, newest first: a worker sees open and closed ones, with whether they may vote
    and whether they have voted; staff with the poll right see drafts too."""
    user = current_api_user()
    return {"items": [_poll_out(p, user) for p in services.polls_for(user)]}


@blp.route("/polls/<int:poll_id>/votes", methods=["POST"])
@blp.doc(requestBody={"required": True, "content": {"application/json": {"schema": VoteIn}}},
         responses={"409": {"description": "the poll is closed, or the worker is not eligible"}})
@blp.response(201, VoteOut)
@blp.alt_response(200, schema=VoteOut, description="an earlier vote of the caller's was replaced")
def poll_vote(poll_id: int):
    """Vote, or change one's vote while the poll is open (one worker, one vote). The answer never repeats the
    choice; nothing records who chose what (docs/voice.md)."""
    user = current_api_user()
    body = json_object()
    raise_if([Issue(str(k), "unknown field", "unknown") for k in body if k != "choice"])
    changed = services.cast_vote(user, poll_id, body.get("choice"))
    return {"poll_id": poll_id, "recorded": True, "changed": changed}, 200 if changed else 201


@blp.route("/polls/<int:poll_id>/results")
@blp.doc(responses={"409": {"description": "not published yet: the poll is open without live results"}})
@blp.response(200, ResultsOut)
def poll_results(poll_id: int):
    """Totals per option and turnout, after the poll closes (or while open if it has live results)."""
    user = current_api_user()
    poll = services.get_poll(user, poll_id)
    r = services.results(user, poll_id)
    return {"poll_id": poll.id, "status": poll.status, "final": poll.status == "closed", "totals": r.totals,
            "votes": r.votes, "eligible": r.eligible, "turnout": r.turnout}


def _export_out(job) -> dict:
    return {**{k: getattr(job, k) for k in ("id", "worker_id", "state", "done", "total", "error", "filename",
                                            "size", "created_at", "finished_at")},
            "url": url_for("voice_api.export_job", export_id=job.id),
            "download_url": url_for("voice_api.export_download", export_id=job.id) if job.state == "done" else None}


@blp.route("/workers/<int:worker_id>/export", methods=["POST"])
@blp.response(202, ExportOut)
@blp.doc(responses={"404": {"description": "no such worker, or not the caller (a worker exports only "
                                           "themselves)"}})
def start_export(worker_id: int):
    """Start exporting everything held about the worker as one ZIP, in the background (the request is logged).
    The answer is the job (its URL also in `Location`); follow it until `state` is done, then fetch
    `download_url`."""
    user = current_api_user()
    job = export_services.request_export(user, worker_id)
    enqueue(BUILD_EXPORT, job.id)             # after the commit; eager on the embedded default
    db.session.refresh(job)                   # what the task has written so far (all of it, when eager)
    out = _export_out(job)
    return out, 202, {"Location": out["url"]}


@blp.route("/exports/<int:export_id>")
@blp.response(200, ExportOut)
def export_job(export_id: int):
    """An export's state and progress; `download_url` once done. Another worker's export: 404."""
    return _export_out(export_services.get_export(current_api_user(), export_id))


@blp.route("/exports/<int:export_id>/file")
@blp.doc(responses={"200": {"description": "the ZIP", "content": {"application/zip": {
    "schema": {"type": "string", "format": "binary"}}}}, "409": {"description": "not finished yet"}})
def export_download(export_id: int):
    """The finished ZIP."""
    data, name = export_services.export_file(current_api_user(), export_id)
    return send_file(io.BytesIO(data), mimetype="application/zip", as_attachment=True, download_name=name)



# ------------------------------------------------------------------ where my hour goes
_MONEY = {"allow_none": True, "metadata": {"description": "per unit, two decimals (null for a client's approver: "
                                                         "it would show the worker's pay rate)"}}


class RateBreakdownOut(Schema):
    engagement_id = fields.Integer()
    client_name = fields.String()
    engagement_type = fields.String(metadata={"description": "leased_employee or contractor (1099)"})
    billing_method = fields.String(metadata={"description": "bill_rate or cost_plus (the client's terms)"})
    unit = fields.String(metadata={"description": "hour, unit (piece or project pay: per task or unit) or "
                                                  "paycheck (a salaried cost-plus engagement)"})
    bill_rate = fields.String(metadata={"description": "what the client pays per unit; the five parts sum to it"})
    wages = fields.String(**_MONEY)
    employer_taxes = fields.String(**_MONEY)
    benefits = fields.String(**_MONEY)
    workers_comp = fields.String(**_MONEY)
    agency_margin = fields.String(allow_none=True, metadata={
        "description": "the bill rate less the four parts (absorbs rounding); null for a client's approver"})
    basis = fields.String(allow_none=True, metadata={"description": "paycheck (the most recent billed paycheck's actual figures), "
                                                   "statutory (the year's rates, before any paycheck) or none"})
    paycheck_id = fields.Integer(allow_none=True)
    explanation = fields.List(fields.String())


@blp.route("/engagements/<int:engagement_id>/rate-breakdown")
@blp.response(200, RateBreakdownOut)
@blp.doc(responses={"404": {"description": "no such engagement, or not the caller's (a worker asks only for their "
                                           "own engagements, a client's approver for their client's: the bill "
                                           "rate only, the parts null)"},
                    "409": {"description": "nothing to break down: no bill rate, or a salaried engagement at a "
                                           "bill-rate client"}})
def rate_breakdown(engagement_id: int):
    """Where my hour goes: what the client pays per hour (or unit) of the engagement and how it splits into wages,
    employer taxes, benefits, workers' comp and the agency's margin, from the same figures as the invoices
    (docs/rate-breakdown.md)."""
    user = current_api_user()
    e = breakdown_services.engagement_for(user, engagement_id)
    return breakdown_services.as_json(e, breakdown_services.breakdown_of(e, clock().today()), user)
