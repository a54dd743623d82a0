"""Shared setup for the classification persistence tests: people, engagements and two documented answer sets."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from tests.factories import ClientFactory, EngagementFactory, WorkerFactory

# Pub 15-A, section 1 "Leased employees" (IRC 3401(d)(1)): a staffing firm that hires, pays and may reassign the
# workers it places is their employer; the publication's answer is an employee (leased employee here).
LEASED = {
    "engagement": {"arrangement": "staffing_firm_placement", "work_location": "hiring_entity_premises",
                   "work_in_usual_course_of_hiring_business": "yes", "integral_to_hiring_business": "yes"},
    "behavioral_control": {"schedule_set_by": "hiring_entity", "methods_controlled_by": "hiring_entity",
                           "supervision": "close", "training_by_hiring_entity": "methods_training"},
    "financial_control": {"pay_basis": "hourly", "paid_by": "staffing_firm", "worker_investment": "none",
                          "tools_equipment_by": "hiring_entity", "profit_or_loss_opportunity": "none"},
    "relationship": {"employee_benefits": "yes", "duration": "indefinite_continuing",
                     "written_contract": "employment"},
}

# Pub 15-A, Building and Construction Industry, Example 4 (Bill Plum, licensed roofer, flat fee, own crew,
# own insurance): the publication's answer is an independent contractor. Work state TX: federal tests only.
CONTRACTOR = {
    "engagement": {"industry": "construction", "arrangement": "direct",
                   "work_location": "customer_or_client_premises", "integral_to_hiring_business": "no"},
    "behavioral_control": {"methods_controlled_by": "worker", "schedule_set_by": "worker",
                           "supervision": "results_only"},
    "financial_control": {"pay_basis": "flat_fee_per_project", "hires_helpers": "yes_worker_controls_and_pays",
                          "liable_for_defects_or_losses": "yes", "tools_equipment_by": "worker",
                          "worker_investment": "significant",
                          "profit_or_loss_opportunity": "managerial_skill_or_investment", "paid_by": "hiring_entity"},
    "relationship": {"written_contract": "project_contract", "insurance_carried_by": "worker",
                     "duration": "single_project"},
    "independent_business": {"own_business_name_or_entity": "yes", "licensed_or_registered": "yes",
                             "skill": "specialized_used_business_like", "business_location": "yes"},
}


def make_engagement(*, type_="contractor", state="TX", email=None, client=None, start=date(2026, 1, 5),
                    name=("Bill", "Plum")):
    client = client or ClientFactory(name=f"Client {name[1]}")
    worker = WorkerFactory(first_name=name[0], last_name=name[1],
                           email=email or f"{name[0].lower()}.{name[1].lower()}@example.com", state=state)
    return EngagementFactory(worker=worker, client=client, type=type_, work_state=state, pay_rate=Decimal("55.00"),
                             start_date=start, title="Roofer")


def signed(eng, answers, hr, *, as_of=date(2026, 3, 2), note=""):
    from backoffice.classification.services import questionnaire
    from backoffice.clock import clock

    a = questionnaire.start_assessment(eng.id, user=hr, as_of_date=as_of, answers=answers, today=clock().today())
    questionnaire.run_assessment(a.id, user=hr)
    return questionnaire.sign_off(a.id, user=hr, note=note)
