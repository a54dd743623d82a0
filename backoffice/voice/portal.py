"""Worker voice pages of the portal (attached to backoffice.portal.bp): where my hour goes (each engagement's rate
breakdown, the agency's published margins), polls (vote, change the vote, results), proposals (post, co-sign, read
the agency's answers), feedback and client ratings, and "Download my data"."""
from __future__ import annotations

import io

from flask import flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from backoffice.clock import clock
from backoffice.extensions import db
from backoffice.portal import bp, form_errors
from backoffice.portal.access import worker_required
from backoffice.tasks import enqueue
from backoffice.errors import DomainError
from backoffice.voice import (breakdown_services, export_services, feedback_services, proposal_services, rules,
                              services)
from backoffice.voice.tasks import BUILD_EXPORT

TOPIC_LABELS = {"pay": "Pay", "safety": "Safety", "respect": "Respect", "other": "Something else"}
CRITERIA_LABELS = {"timely_approval": "Approves time on time", "respect": "Treats workers with respect",
                   "clarity": "Explains tasks clearly"}


def _wid() -> int:
    return int(current_user.worker_id)


def _poll_rows():
    rows = []
    for p in services.polls_for(current_user):
        shown = rules.results_refusal(p.status, p.live_results) is None
        rows.append({"poll": p, "eligible": services.is_eligible(p, _wid()), "voted": services.has_voted(p.id, _wid()),
                     "results": services.tally_poll(p) if shown else None})
    return rows


@bp.get("/voice")
@worker_required
def voice():
    """Have your say: the polls (vote, change a vote, results), and the ways to speak up."""
    return render_template("portal/voice/index.html", rows=_poll_rows(), active_nav="voice")


@bp.get("/voice/polls/<int:poll_id>")
@worker_required
def voice_poll(poll_id: int, errors: dict | None = None, status: int = 200):
    poll = services.get_poll(current_user, poll_id)
    shown = rules.results_refusal(poll.status, poll.live_results) is None
    return render_template("portal/voice/poll.html", poll=poll, eligible=services.is_eligible(poll, _wid()),
                           voted=services.has_voted(poll.id, _wid()), errors=errors or {},
                           results=services.tally_poll(poll) if shown else None,
                           refusal=rules.results_refusal(poll.status, poll.live_results),
                           active_nav="voice"), status


@bp.post("/voice/polls/<int:poll_id>/vote")
@worker_required
def voice_vote(poll_id: int):
    """Cast or change my vote; the page then says that it was recorded, never what it was."""
    with form_errors(refusals=True) as refused:
        changed = services.cast_vote(current_user, poll_id, request.form.get("choice"))
        flash("Your vote was changed." if changed else "Your vote was recorded. You may change it until the poll "
              "closes.", "success")
        return redirect(url_for("portal.voice_poll", poll_id=poll_id))
    errors = refused.errors if refused.issues else {"choice": [refused.error.message]}
    return voice_poll(poll_id, errors=errors, status=422 if refused.issues else 409)


# ------------------------------------------------------------------ proposals
@bp.get("/voice/proposals")
@worker_required
def voice_proposals(values: dict | None = None, errors: dict | None = None, status: int = 200):
    rows = proposal_services.board(current_user, clock().today())
    return render_template("portal/voice/proposals.html", rows=rows, values=values or {}, errors=errors or {},
                           settings=services.settings(), active_workers=proposal_services.active_workers(),
                           active_nav="voice"), status


@bp.post("/voice/proposals")
@worker_required
def voice_propose():
    values = {"title": request.form.get("title", ""), "body": request.form.get("body", "")}
    with form_errors() as refused:
        proposal_services.post_proposal(current_user, title=values["title"], body=values["body"], today=clock().today())
        flash("Your proposal is on the board, signed by you. Ask your colleagues to co-sign it.", "success")
        return redirect(url_for("portal.voice_proposals"))
    return voice_proposals(values, refused.errors, 422)


@bp.post("/voice/proposals/<int:proposal_id>/cosign")
@worker_required
def voice_cosign(proposal_id: int):
    with form_errors(refusals=True) as refused:
        p = proposal_services.cosign(current_user, proposal_id, clock().today())
        flash(f"You co-signed “{p.title}”.", "success")
    if refused:
        flash(refused.message, "error")
    return redirect(url_for("portal.voice_proposals"))


# ------------------------------------------------------------------ feedback and ratings
@bp.get("/voice/feedback")
@worker_required
def voice_feedback(values: dict | None = None, errors: dict | None = None, status: int = 200):
    floor, scores = feedback_services.ratings_aggregate()
    return render_template("portal/voice/feedback.html", clients=feedback_services.clients_of(_wid()),
                           responses=feedback_services.responses(), scores=scores, floor=floor, topics=TOPIC_LABELS,
                           criteria=CRITERIA_LABELS, values=values or {}, errors=errors or {},
                           active_nav="voice"), status


@bp.post("/voice/feedback")
@worker_required
def voice_report():
    f = request.form
    values = {k: f.get(k, "") for k in ("subject", "client_id", "site", "topic", "body")}
    with form_errors() as refused:
        feedback_services.report_feedback(current_user, subject=values["subject"], topic=values["topic"],
                                 body=values["body"], client_id=values["client_id"] or None, site=values["site"],
                                 today=clock().today())
        flash("Thank you. Your report was filed without your name.", "success")
        return redirect(url_for("portal.voice_feedback"))
    return voice_feedback(values, refused.errors, 422)


@bp.post("/voice/ratings")
@worker_required
def voice_rate():
    f = request.form
    values = {k: f.get(k, "") for k in ("rate_client_id", *rules.RATING_CRITERIA)}
    with form_errors() as refused:
        replaced = feedback_services.rate_client(current_user, values["rate_client_id"] or None,
                                        {k: values[k] for k in rules.RATING_CRITERIA}, clock().today())
        flash("Your rating replaced your earlier one." if replaced else "Thank you for your rating.", "success")
        return redirect(url_for("portal.voice_feedback"))
    errors = {("rate_client_id" if k == "client_id" else k): v for k, v in refused.errors.items()}
    return voice_feedback(values, errors, 422)


# ------------------------------------------------------------------ my data
@bp.get("/my-data")
@worker_required
def my_data():
    """Download my data: start an export, watch its progress, download the ZIP."""
    jobs = export_services.exports_of(_wid())
    busy = any(j.state in ("queued", "running") for j in jobs)
    return render_template("portal/voice/my_data.html", jobs=jobs, busy=busy, active_nav="my_data")


@bp.post("/my-data")
@worker_required
def my_data_start():
    job = export_services.request_export(current_user, _wid())
    enqueue(BUILD_EXPORT, job.id)
    flash("Your export has started. This page follows its progress.", "success")
    return redirect(url_for("portal.my_data"))


@bp.get("/my-data/<int:export_id>.json")
@worker_required
def my_data_progress(export_id: int):
    job = export_services.get_export(current_user, export_id)
    db.session.refresh(job)
    return jsonify({"id": job.id, "state": job.state, "done": job.done, "total": job.total})


@bp.get("/my-data/<int:export_id>.zip")
@worker_required
def my_data_download(export_id: int):
    with form_errors(refusals=True) as refused:
        data, name = export_services.export_file(current_user, export_id)
        return send_file(io.BytesIO(data), mimetype="application/zip", as_attachment=True, download_name=name)
    flash(refused.message, "error")
    return redirect(url_for("portal.my_data"))


# ------------------------------------------------------------------ where my hour goes
PART_LABELS = (("wages", "Your pay", "#2e8540"), ("employer_taxes", "Employer taxes", "#1769aa"),
               ("benefits", "Benefits", "#6f42c1"), ("workers_comp", "Workers' comp", "#d9822b"),
               ("agency_margin", "Agency's margin", "#6c757d"))


def _hour_card(e) -> dict:
    """One engagement's breakdown for the page: the figures and each part's share of the bill rate (the bar's
    widths), or the reason there is none."""
    try:
        b = breakdown_services.breakdown_of(e, clock().today())
    except DomainError as exc:
        return {"engagement": e, "refusal": exc.message}
    parts = []
    for key, label, color in PART_LABELS:
        value = getattr(b, key)
        width = (value / b.bill_rate * 100) if b.bill_rate and value > 0 else 0
        parts.append({"key": key, "label": label, "color": color, "value": value, "width": f"{width:.2f}"})
    return {"engagement": e, "b": b, "parts": parts}


@bp.get("/my-hour")
@worker_required
def my_hour():
    """Where my hour goes: for each of my engagements, what the client pays and where it goes."""
    from backoffice.workers.portal import my_engagements

    cards = [_hour_card(e) for e in my_engagements()]
    return render_template("portal/voice/my_hour.html", cards=cards, active_nav="engagements")


@bp.get("/my-hour/<int:engagement_id>")
@worker_required
def my_hour_engagement(engagement_id: int):
    """One engagement's breakdown (another worker's: 404)."""
    e = breakdown_services.engagement_for(current_user, engagement_id)
    return render_template("portal/voice/my_hour.html", cards=[_hour_card(e)], single=True,
                           active_nav="engagements")


@bp.get("/margins")
@worker_required
def margins():
    """The agency's margin per hour by kind of work, as published each month (a month: ?month=YYYY-MM)."""
    months = breakdown_services.published_months(current_user)
    wanted = request.args.get("month")
    shown = next((m for m in months if m.month == wanted), months[0] if months else None)
    return render_template("portal/voice/margins.html", months=months, shown=shown, active_nav="engagements")


def open_votes_probe(worker):
    return services.unvoted_open_polls(worker.id)


def open_votes(worker) -> list[dict]:
    """Home-page tasks: each open poll the worker may vote in and has not (never a word of how they voted)."""
    return [{"label": f"Have your say: vote in “{p.title}”" + (f" by {p.closes_on}" if p.closes_on else ""),
             "url": url_for("portal.voice_poll", poll_id=p.id)}
            for p in services.polls_to_vote_in(current_user, worker.id)]
