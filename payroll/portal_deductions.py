"""Portal page: the worker's own deductions, orders and employer contributions, with what was taken this year."""
from __future__ import annotations

from flask import render_template
from flask_login import current_user

from backoffice.clock import clock
from backoffice.money import fmt_pct
from backoffice.portal import bp
from backoffice.portal.access import worker_required
from backoffice.security.access import can
from payroll.models_deductions import ORDER_LABELS
from payroll.services.deductions import worker_summary

LABELS = {"401k": "401(k)", "roth_401k": "Roth 401(k)", "section125": "Health premiums (pre-tax, Section 125)",
          "hsa": "HSA", "fsa": "Health FSA", "dcfsa": "Dependent care FSA (pre-tax)",
          "commuter": "Commuter transit/parking (pre-tax)", "529": "529 education savings (after tax)",
          "loan": "Loan repayment", "other": "Other",
          "401k_match": "401(k) match", "hsa_employer": "HSA (employer)",
          "health_employer": "Health premiums (employer share)", **ORDER_LABELS}


@bp.get("/deductions")
@worker_required
def deductions():
    """Read-only: what comes out of each paycheck and why, what the employer adds, and the year to date."""
    if not can(current_user, "worker_deduction", "read"):
        summary = {"deductions": [], "contributions": [], "ytd_by_code": {}}
    else:
        summary = worker_summary(current_user.worker_id, clock().today().year)
    if not can(current_user, "employer_contribution", "read"):
        summary["contributions"] = []
    return render_template("portal/deductions.html", s=summary, labels=LABELS, pct=fmt_pct, year=clock().today().year,
                           active_nav="deductions")
