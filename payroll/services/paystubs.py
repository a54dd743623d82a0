"""Paystub data: one paycheck's figures, year to date and deposits as the dict reports.paystub turns into a view
(rendering to PDF, cached, is reports.paystubs: called by views and tasks, never by services)."""
from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from backoffice.errors import DomainError, NotFound
from backoffice.extensions import db
from backoffice.money import ZERO
from backoffice.workers.models import Agency, Client, Engagement, Worker
from payroll import hooks
from payroll.models import Paycheck, PaycheckLine, released_runs
from payroll.models_ledger import Payment

from .explain import line_explanations

LABELS = {
    "regular": "Regular", "overtime": "Overtime", "double_time": "Double time", "salary": "Salary",
    "overtime_premium": "Overtime premium", "double_time_premium": "Double-time premium",
    "min_wage_makeup": "Minimum-wage make-up", "bonus_overtime_premium": "Overtime premium on a bonus",
    "piece": "Piece work", "project": "Project", "bonus": "Bonus", "commission": "Commission",
    "retro": "Retroactive pay", "correction": "Correction", "reimbursement": "Reimbursement",
    "final_pay": "Final pay", "sick_leave": "Paid sick leave", "paid_leave": "Paid time off", "federal_income_tax": "Federal income tax", "social_security": "Social Security",
    "medicare": "Medicare", "additional_medicare": "Additional Medicare", "futa": "FUTA", "suta": "SUTA",
    "backup_withholding": "Backup withholding", "state_income_tax": "income tax", "401k": "401(k)",
    "roth_401k": "Roth 401(k)", "section125": "Section 125 premium", "hsa": "HSA", "fsa": "Health FSA",
    "dcfsa": "Dependent care FSA", "commuter": "Commuter (transit/parking)", "529": "529 education savings",
    "garnishment": "Garnishment", "child_support": "Child support", "other": "Other deduction",
    "student_loan": "Student loan garnishment", "tax_levy": "Tax levy", "loan": "Loan repayment",
    "401k_match": "401(k) match", "hsa_employer": "HSA (employer)", "health_employer": "Health coverage (employer)",
    "local_income_tax": "local income tax", "local_services_tax": "Local Services Tax",
    "school_district_tax": "school district tax", "transit_tax": "transit tax",
    # state programs, after the state code ("OR paid family and medical leave"): the same words as reports/frames.py
    "state_disability": "disability insurance", "state_family_leave": "paid family leave",
    "state_pfml": "paid family and medical leave", "state_pfml_employer": "paid family and medical leave (employer)",
    "state_ltc": "long-term care", "state_unemployment_employee": "unemployment (employee share)",
    "vt_child_care": "child care contribution",
}


def describe(code: str, state: str = "", locality: str = "", tax_year: int | None = None) -> str:
    label = LABELS.get(code, code.replace("_", " ").capitalize())
    if locality:
        return f"{locality_name(locality, tax_year)} {label} ({state})" if state else f"{locality} {label}"
    return f"{state} {label}" if state else label


def locality_name(code: str, tax_year: int | None) -> str:
    """A local tax line's locality as people say it ("Detroit"), from the year's local data; else its code."""
    from payroll.engine.locals import locality_name as name
    return name(code, tax_year)


def locality_note(inputs: dict | None) -> str | None:
    """The paystub's statement of the localities local taxes were computed for."""
    engine = (inputs or {}).get("engine") or {}
    home, work = engine.get("residence_locality"), engine.get("work_locality")
    if not home and not work:
        return None

    def words(loc):
        if not loc:
            return "not stated"
        parts = [loc.get("city", ""), loc.get("county") and f"{loc['county']} County",
                 loc.get("psd_code") and f"PSD {loc['psd_code']}",
                 loc.get("school_district") and f"school district {loc['school_district']}", loc.get("state", "")]
        return ", ".join(p for p in parts if p)
    sites = engine.get("work_sites") or ()
    if sites:
        measure = "wages" if "wages" in sites[0] else "hours"
        at = " and ".join(f"{words(s['locality'])} ({s[measure]} {'in wages' if measure == 'wages' else 'hours'})"
                          for s in sites)
        return f"Local taxes: lives in {words(home)}; works at {at}: each work place's taxes on its share."
    return f"Local taxes: lives in {words(home)}; works in {words(work)}."


def _addr(line1, city, state, postal, line2=""):
    return {"line1": line1 or "", "line2": line2 or "", "city": city or "", "state": state or "",
            "postal_code": postal or ""}


def paystub_data(paycheck_id: int, *, with_explanations: bool = False) -> dict:
    """The paystub dict (reports.paystub.PAYSTUB_DICT_KEYS) of one paycheck: current amounts from its lines,
    year-to-date from every paycheck of the worker in the tax year up to this one (reversals included)."""
    s = db.session
    p = s.get(Paycheck, paycheck_id)
    if p is None:
        raise NotFound(f"paycheck {paycheck_id} not found")
    # the stub shows tin_last4 only: the encrypted TIN is left unread (each row read decrypts it; issue 18 point 5)
    worker = s.get(Worker, p.worker_id, options=[sa.orm.defer(Worker.tin)])
    if not worker.tin_last4:
        raise DomainError(f"worker {worker.id} has no TIN on file; the paystub cannot show the masked number",
                          code="no_tin")
    agency = s.get(Agency, p.agency_id) if p.agency_id else s.execute(sa.select(Agency).order_by(Agency.id)).scalar()
    if agency is None:              # a paystub names its employer: none set up yet is a refusal, not a crash
        raise DomainError("the agency is not set up (Settings → Agency); a paystub names the employer",
                          code="no_agency")
    # year to date: this worker's issued paychecks of the same kind of pay (W-2 wages and contractor pay are
    # separate documents) up to this one; a draft run's paychecks count only on their own paystub
    upto = sa.and_(
        Paycheck.worker_type == p.worker_type,
        sa.or_(Paycheck.pay_date < p.pay_date, sa.and_(Paycheck.pay_date == p.pay_date, Paycheck.id <= p.id)),
        sa.or_(Paycheck.id == p.id, Paycheck.run_id.in_(released_runs())))
    # summed by the database (integer cents: exact), one row per line key in the order each key first appears,
    # not every line of the year sent over and added up here (a weekly worker's December: ~50 paychecks' lines)
    key_cols = (PaycheckLine.kind, PaycheckLine.code, PaycheckLine.state, PaycheckLine.locality)
    ytd_lines: dict[tuple, object] = defaultdict(lambda: ZERO)
    for kind, code, state, locality, amount in s.execute(
            sa.select(*key_cols, sa.func.sum(PaycheckLine.amount))
            .join(Paycheck, Paycheck.id == PaycheckLine.paycheck_id)
            .where(Paycheck.worker_id == p.worker_id, Paycheck.tax_year == p.tax_year, upto)
            .group_by(*key_cols).order_by(sa.func.min(PaycheckLine.id))):
        ytd_lines[(kind, code, state, locality)] += amount
    gross_ytd, net_ytd, premium_ytd = s.execute(
        sa.select(sa.func.sum(Paycheck.gross), sa.func.sum(Paycheck.net),
                  sa.func.sum(Paycheck.qualified_overtime_premium))
        .where(Paycheck.worker_id == p.worker_id, Paycheck.tax_year == p.tax_year, upto)).one()
    gross_ytd, net_ytd, premium_ytd = (x if x is not None else ZERO for x in (gross_ytd, net_ytd, premium_ytd))
    lines = list(s.execute(sa.select(PaycheckLine).where(PaycheckLine.paycheck_id == p.id)
                           .order_by(PaycheckLine.id)).scalars())
    explanations = line_explanations(p, lines) if with_explanations else {}
    current: dict[tuple, list] = defaultdict(list)
    for ln in lines:
        current[(ln.kind, ln.code, ln.state, ln.locality)].append(ln)
    # each earning line names the engagement it pays ("Ana Silva at Northwind, leased, TX")
    engagement_ids = {ln.engagement_id for lines in current.values() for ln in lines if ln.engagement_id}
    # the client joined; the worker is this paycheck's, loaded above (not joined again: a wide row, its TIN decrypted)
    engagements = {e.id: e for e in s.execute(sa.select(Engagement).options(joinedload(Engagement.client))
                                              .where(Engagement.id.in_(engagement_ids))).scalars()} \
        if engagement_ids else {}
    # the clients the lines name: those of the engagements just loaded, a statement only for any other
    line_clients = {ln.client_id for ln in lines if ln.client_id is not None}
    known = {e.client.id: e.client.name for e in engagements.values() if e.client is not None}
    names = {known[c] for c in line_clients if c in known}
    if line_clients - known.keys():
        names |= set(s.execute(sa.select(Client.name).where(Client.id.in_(line_clients - known.keys()))).scalars())
    client_names = sorted(names)
    if not client_names and p.client_id:
        client_names = [s.get(Client, p.client_id).name]
    groups = {"earning": [], "employee_tax": [], "pretax_deduction": [], "posttax_deduction": [], "employer_tax": [],
              "employer_contribution": []}
    seen = set()
    for key, lines in current.items():
        seen.add(key)
        kind, code, state, locality = key
        others = sum((ln.amount for ln in lines[1:]), ZERO)
        for i, ln in enumerate(lines):
            row = {"description": describe(code, state, locality, p.tax_year), "current": ln.amount,
                   "ytd": ytd_lines[key] - others if i == 0 else ln.amount}
            if kind == "earning" and ln.hours is not None and ln.rate is not None and ln.amount >= 0:
                row["hours"], row["rate"] = ln.hours, ln.rate
            if kind == "earning" and ln.engagement_id in engagements:
                eng = engagements[ln.engagement_id]
                row["engagement_id"], row["engagement"] = eng.id, str(eng)
                row["client"] = eng.client.name if eng.client else ""
            steps = explanations.get(ln.id) or ln.explanation
            if with_explanations and steps:
                row["explanation"] = list(steps)
            groups[kind].append(row)
    for key, amount in ytd_lines.items():       # lines earlier this year but not in this paycheck
        if key not in seen and amount:
            kind, code, state, locality = key
            groups[kind].append({"description": describe(code, state, locality, p.tax_year), "current": ZERO,
                                 "ytd": amount})
    # a manual check (payroll/services/checks.py) has no account: the stub names it by its number
    deposits = [{"bank_name": "Direct deposit", "account_type": pay.account_type,
                 "account_number": pay.account_last4, "amount": pay.amount} if pay.method != "check" else
                {"bank_name": f"Paper check no. {pay.check_number}", "account_type": "", "account_number": "",
                 "amount": pay.amount}
                for pay in s.execute(sa.select(Payment).where(Payment.paycheck_id == p.id,
                                                              Payment.status.in_(("pending", "sent")))
                                     .order_by(Payment.id)).scalars()]
    return {
        "paycheck_id": p.id, "check_number": f"{p.run_id}-{p.id}",
        "agency": {"legal_name": agency.legal_name, "ein": agency.ein,
                   "address": _addr(agency.address_line1, agency.city, agency.state, agency.postal_code)},
        "worker": {"name": worker.full_name, "worker_id": str(worker.id), "ssn": worker.tin_last4,
                   "address": _addr(worker.address_line1, worker.city, worker.state, worker.postal_code,
                                    worker.address_line2)},
        "client_name": ", ".join(client_names), "worker_type": "w2" if p.worker_type == "employee" else "1099",
        "period_start": p.period_start, "period_end": p.period_end, "pay_date": p.pay_date,
        "earnings": groups["earning"], "employee_taxes": groups["employee_tax"],
        "pre_tax_deductions": groups["pretax_deduction"], "post_tax_deductions": groups["posttax_deduction"],
        "employer_contributions": groups["employer_tax"] + groups["employer_contribution"],
        "gross": {"current": p.gross, "ytd": gross_ytd}, "net": {"current": p.net, "ytd": net_ytd},
        "deposits": deposits if p.net > 0 else [],
        "qualified_overtime_premium": {"current": p.qualified_overtime_premium, "ytd": premium_ytd},
        "notes": list((p.inputs or {}).get("notes", [])) + [n for n in (locality_note(p.inputs),) if n],
        # paid leave: per policy, hours accrued and used in this paycheck and the balance after it
        "leave": hooks.collect(hooks.PAYSTUB_LEAVE, p),
    }
