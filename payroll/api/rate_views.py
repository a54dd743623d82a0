"""Payroll corrections API: back-dated pay rate changes with their retro pay (show, confirm once, dismiss)."""
from __future__ import annotations

from backoffice.api import current_api_user, json_body
from backoffice.clock import clock
from backoffice.workers.models import Engagement
from payroll.api.common import _body, _maybe_body, _one, blp
from payroll.api.schemas import AdjustmentOut, RateChangeIn, RateChangeOut, ReasonIn
from payroll.models import EngagementRate
from payroll.services import retro


def _out(change: EngagementRate) -> dict:
    r = retro.retro_for(change)
    out = {k: getattr(change, k) for k in ("id", "engagement_id", "rate", "previous_rate", "effective_date", "note",
                                           "retro_status", "retro_amount")}
    out["retro"] = {"total": r.total, "explanation": list(r.explanation),
                    "paychecks": [{**{k: getattr(p, k) for k in ("paycheck_id", "pay_date", "period_start",
                                                                  "period_end", "included", "reason", "difference")},
                                   "lines": [ln.__dict__ for ln in p.lines]} for p in r.paychecks]}
    return out


@blp.route("/engagements/<int:ident>/rate-changes", methods=["POST"])
@blp.doc(**_body(RateChangeIn))
@blp.response(201, RateChangeOut)
def create_rate_change(ident):
    """Change the engagement's pay rate from a date (today or earlier). Back-dated over pay already written, the
    change is `pending` with the retro difference per paycheck, to confirm or dismiss."""
    user = current_api_user()
    _one(Engagement, "engagement", ident)
    return _out(retro.change_rate(ident, json_body(), user, today=clock().today()))


@blp.route("/rate-changes/<int:ident>")
@blp.response(200, RateChangeOut)
def get_rate_change(ident):
    """A rate change with its retro difference per paycheck, as the paychecks stand now."""
    return _out(_one(EngagementRate, "payroll_run", ident))


@blp.route("/rate-changes/<int:ident>/confirm", methods=["POST"])
@blp.response(201, AdjustmentOut)
def confirm_rate_change(ident):
    """Add the retro pay as one `retro` adjustment for the engagement's next run (once: 409 the second time)."""
    user = current_api_user()
    _one(EngagementRate, "payroll_run", ident)
    return retro.confirm_retro(ident, user)


@blp.route("/rate-changes/<int:ident>/dismiss", methods=["POST"])
@blp.doc(**_body(ReasonIn))
@blp.response(200, RateChangeOut)
def dismiss_rate_change(ident):
    """No retro pay for this change; the reason is kept in its note."""
    user = current_api_user()
    _one(EngagementRate, "payroll_run", ident)
    return _out(retro.dismiss_retro(ident, user, str(_maybe_body().get("reason") or "")))
