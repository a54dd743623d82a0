"""Demo classification: signed assessments for most engagements (through the real services, with the engine's
reasoning), a few the tests could not decide (left for HR to review), a re-check finding and a worker's review."""
from __future__ import annotations

import copy
import random
from datetime import date, timedelta

import sqlalchemy as sa

from backoffice.classification.services import questionnaire, rechecks, reviews
from backoffice.classification.services.common import OPEN_ENGAGEMENT_STATUSES
from backoffice.classification.models import Assessment
from backoffice.extensions import db
from backoffice.security.models import User
from backoffice.workers.models import Engagement

SIGNED_SHARE = 0.85         # of the open engagements; the rest stay unclassified (runs list them as "assess")
NEEDS_REVIEW = 4            # contractor engagements the tests cannot decide (drafts for HR)
ABC_STATES = ("CA", "IL", "NJ", "MA")   # an ABC test decides there; the undecided example is kept elsewhere

# A staffing placement: the client directs the work day to day and Tandem pays wages (employee under every test).
LEASED = {
    "engagement": {"arrangement": "staffing_firm_placement", "hiring_entity_type": "business",
                   "work_location": "customer_or_client_premises", "work_in_usual_course_of_hiring_business": "yes",
                   "integral_to_hiring_business": "yes"},
    "behavioral_control": {"schedule_set_by": "hiring_entity", "methods_controlled_by": "hiring_entity",
                           "supervision": "close", "training_by_hiring_entity": "methods_training",
                           "may_decline_assignments": "no", "reporting_required": "yes"},
    "financial_control": {"tools_equipment_by": "hiring_entity", "materials_supplied_by": "hiring_entity",
                          "worker_investment": "none", "unreimbursed_business_expenses": "none", "pay_basis": "hourly",
                          "pay_rate_set_by": "hiring_entity", "paid_by": "staffing_firm",
                          "profit_or_loss_opportunity": "none", "hires_helpers": "no",
                          "liable_for_defects_or_losses": "no"},
    "relationship": {"written_contract": "employment", "contract_says_ic": "no", "employee_benefits": "yes",
                     "insurance_carried_by": "hiring_entity", "duration": "indefinite_continuing",
                     "exclusivity": "exclusive_in_practice", "termination": "at_will_either_party"},
    "independent_business": {"own_business_name_or_entity": "no", "licensed_or_registered": "no",
                             "advertises_or_markets": "no", "other_clients": "no", "business_location": "no",
                             "customarily_engaged_independent_business_same_nature": "no",
                             "skill": "specialized_used_as_employee", "previously_employee_of_hiring_entity": "no"},
}
# An independent business: its own tools, clients, schedule and risk, work outside the client's usual course
# (a contractor under IRS, DOL and the ABC tests of CA, IL, MA and NJ).
CONTRACTOR = {
    "engagement": {"arrangement": "direct", "hiring_entity_type": "business",
                   "work_location": "worker_own_premises_or_home", "work_in_usual_course_of_hiring_business": "no",
                   "integral_to_hiring_business": "no"},
    "behavioral_control": {"schedule_set_by": "worker", "methods_controlled_by": "worker",
                           "supervision": "results_only", "training_by_hiring_entity": "none",
                           "may_decline_assignments": "yes", "reporting_required": "no"},
    "financial_control": {"tools_equipment_by": "worker", "materials_supplied_by": "worker",
                          "worker_investment": "significant", "worker_investment_relative_to_entity": "much_smaller",
                          "unreimbursed_business_expenses": "significant", "pay_basis": "flat_fee_per_project",
                          "pay_rate_set_by": "negotiated", "paid_by": "hiring_entity",
                          "profit_or_loss_opportunity": "managerial_skill_or_investment",
                          "hires_helpers": "yes_worker_controls_and_pays", "liable_for_defects_or_losses": "yes"},
    "relationship": {"written_contract": "ic_agreement", "contract_says_ic": "yes", "employee_benefits": "no",
                     "insurance_carried_by": "worker", "duration": "single_project", "exclusivity": "non_exclusive",
                     "termination": "per_contract_terms", "liable_if_quits_before_completion": "yes"},
    "independent_business": {"own_business_name_or_entity": "yes", "licensed_or_registered": "yes",
                             "advertises_or_markets": "yes", "other_clients": "yes", "business_location": "yes",
                             "customarily_engaged_independent_business_same_nature": "yes",
                             "skill": "specialized_used_business_like", "previously_employee_of_hiring_entity": "no"},
    "state_specific": {"irs_statutory_category": "none", "ca_exemption_claimed": "none",
                       "hiring_entity_is_placement_business": "no", "motor_carrier_faaaa": "no"},
}


def _undecided() -> dict:
    """Half one way, half the other: the IRS test finds a contractor, the DOL test cannot decide (needs review)."""
    a = copy.deepcopy(CONTRACTOR)
    a["behavioral_control"].update({"schedule_set_by": "negotiated", "methods_controlled_by": "hiring_entity",
                                    "supervision": "periodic_inspection_or_review",
                                    "training_by_hiring_entity": "orientation_or_platform_info_only"})
    a["financial_control"].update({"tools_equipment_by": "both", "worker_investment": "minor", "pay_basis": "hourly",
                                   "profit_or_loss_opportunity": "more_hours_or_jobs_only",
                                   "unreimbursed_business_expenses": "some"})
    a["relationship"].update({"duration": "indefinite_continuing", "exclusivity": "exclusive_in_practice"})
    a["independent_business"].update({"advertises_or_markets": "no", "other_clients": "no", "business_location": "no"})
    return a


# A short intake call (issue 20): a few answers from the contractor template. The tests cannot decide yet, and the
# engine names the one unanswered question that decides it (who directs the methods), which the questionnaire
# then asks on its own (Admin > Classification > the draft > "Ask only these questions").
SPARSE_INTAKE_FIELDS = {
    "engagement": ("arrangement", "work_in_usual_course_of_hiring_business", "work_location"),
    "behavioral_control": ("may_decline_assignments", "supervision"),
    "financial_control": ("hires_helpers", "pay_rate_set_by"),
    "independent_business": ("advertises_or_markets", "licensed_or_registered", "previously_employee_of_hiring_entity",
                             "skill"),
    "relationship": ("duration",),
    "state_specific": ("ca_exemption_claimed", "hiring_entity_is_placement_business", "irs_statutory_category",
                       "motor_carrier_faaaa"),
}


# A contractor whose intake never asked about her investment (issue 20): the DOL investment factor in force (from
# 2024-03-11) is then read from her other answers (business location, expenses, materials) and marked "derived
# from …" with the DOL text it reads, in HR's result and in the worker's portal. Still a contractor under every test.
def _without_investment() -> dict:
    a = copy.deepcopy(CONTRACTOR)
    del a["financial_control"]["worker_investment"], a["financial_control"]["worker_investment_relative_to_entity"]
    return a


def _derived_factors(row: Assessment) -> list[str]:
    return [f"{t['id']}.{f['id']}" for t in (row.result or {}).get("tests", ()) if t.get("role") == "decisive"
            for f in t["factors"] if f.get("derived_from")]


def _sparse_intake() -> dict:
    return {g: {f: CONTRACTOR[g][f] for f in fields} for g, fields in SPARSE_INTAKE_FIELDS.items()}


def _answers(template: dict, eng: Engagement) -> dict:
    a = copy.deepcopy(template)
    a["engagement"]["work_performed"] = eng.title or "the placement's work"
    a["engagement"]["hiring_entity_business"] = eng.client.name
    return a


def _assess(eng: Engagement, template: dict, hr, as_of: date) -> Assessment:
    row = questionnaire.start_assessment(eng.id, user=hr, today=as_of, as_of_date=as_of.isoformat(),
                                         answers=_answers(template, eng))
    return questionnaire.run_assessment(row.id, user=hr)


def seed(rng, today: date) -> list[str]:
    # Its own random stream: drawing from the shared one would change every later domain's demo for a given seed.
    rng = random.Random(11)  # nosec B311 # demo data, reproducible
    hr = db.session.execute(sa.select(User).where(User.email == "hr@tandem.example")).scalar_one_or_none()
    worker_user = db.session.execute(sa.select(User).where(User.email == "worker@tandem.example")).scalar_one_or_none()
    if hr is None or db.session.execute(sa.select(Assessment.id).limit(1)).first():
        return []
    engagements = db.session.execute(sa.select(Engagement).where(Engagement.status.in_(OPEN_ENGAGEMENT_STATUSES))
                                     .order_by(Engagement.id)).scalars().all()
    mine = {e.id for e in engagements if worker_user is not None and e.worker_id == worker_user.worker_id}
    undecided = [e for e in engagements if e.type == "contractor" and e.work_state not in ABC_STATES
                 and e.id not in mine][:NEEDS_REVIEW]
    signed = drafts = 0
    signed_contractors: list[Engagement] = []
    deciding_line = derived_line = None
    for eng in engagements:
        as_of = min(today, eng.start_date + timedelta(days=rng.randint(0, 10)))
        if eng in undecided:
            sparse = eng is undecided[0]
            row = _assess(eng, _sparse_intake() if sparse else _undecided(), hr, as_of)  # needs review
            drafts += 1
            if sparse and row.result.get("deciding_questions"):
                deciding_line = (f"classification: draft #{row.id} needs review; its questionnaire asks only what "
                                 f"would decide it: {', '.join(row.result['deciding_questions']['fields'])}")
            continue
        if eng.id not in mine and rng.random() > SIGNED_SHARE:
            continue                                          # not assessed yet: unclassified
        # The demo worker's own contractor engagement, or the second other one signed, shows a derived factor.
        derived = eng.type == "contractor" and (eng.id in mine
                                                or (derived_line is None and len(signed_contractors) == 1))
        template = _without_investment() if derived else CONTRACTOR if eng.type == "contractor" else LEASED
        row = _assess(eng, template, hr, as_of)
        questionnaire.sign_off(row.id, user=hr, note="Demo: answers from the placement agreement and the "
                                                     "client's intake call.")
        signed += 1
        if derived and derived_line is None and _derived_factors(row):
            derived_line = (f"classification: assessment #{row.id} ({eng.worker.first_name} {eng.worker.last_name}) "
                            f"has no investment answer; its DOL investment factor is derived from other answers "
                            f"(marked \"derived from …\" in Admin > Classification and the worker's portal)")
        if eng.type == "contractor" and eng.id not in mine:
            signed_contractors.append(eng)
    lines = [f"classification: {signed} engagements signed off, {drafts} left for review (the tests could not "
             f"decide), {len(engagements) - signed - drafts} unclassified"]
    if deciding_line:
        lines.append(deciding_line)
    if derived_line:
        lines.append(derived_line)
    if signed_contractors:
        # The client has taken over the schedule since the sign-off: HR's later answers say so (a re-check finding).
        eng = signed_contractors[0]
        changed = copy.deepcopy(CONTRACTOR)
        changed["behavioral_control"]["schedule_set_by"] = "hiring_entity"
        _assess(eng, changed, hr, today - timedelta(days=12))
        run = rechecks.run_scheduled_rechecks(today=today)
        if run is not None:
            lines.append(f"classification: re-checks ran for {today.isoformat()}: {run.raised} finding(s)")
    if worker_user is not None and mine:
        a = db.session.execute(sa.select(Assessment).where(Assessment.engagement_id.in_(mine),
                                                           Assessment.status == "signed_off")
                               .order_by(Assessment.id)).scalars().first()
        if a is not None:
            reviews.request_review(a.id, user=worker_user, comment="I set my own hours on most weeks; could HR "
                                                                     "look at the schedule answer again?")
            lines.append("classification: the demo worker asked HR for a review (Admin > Classification > "
                         "Review requests)")
    return lines
