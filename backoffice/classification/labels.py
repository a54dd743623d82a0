"""Classification services: plain-language questions and labels (admin form, portal, PDF) and form parsing."""
from __future__ import annotations

from backoffice.classification.engine.questionnaire import CRITERIA_MAPS, SCHEMA, answer_value  # noqa: F401  (templates)


# ------------------------------------------------------------------ plain-language labels (admin form, portal, PDF)
GROUP_TITLES = {
    "engagement": "The engagement", "behavioral_control": "Who controls how the work is done",
    "financial_control": "Money: pay, tools and expenses", "relationship": "The relationship",
    "independent_business": "The worker's own business", "state_specific": "State rules",
}
QUESTIONS = {
    "engagement.arrangement": "How is the work arranged?",
    "engagement.hiring_entity_type": "What kind of party hires the worker?",
    "engagement.industry": "Industry",
    "engagement.hiring_entity_business": "What is the hiring business's line of business?",
    "engagement.work_performed": "What work does the worker do?",
    "engagement.work_location": "Where is the work done?",
    "engagement.work_in_usual_course_of_hiring_business": "Is the work part of the business's usual line of work?",
    "engagement.integral_to_hiring_business": "Is the work integral to the business?",
    "engagement.worker_serves_hiring_entity": "Does the worker do work for this business at all (rather than only "
                                              "renting equipment or a licence from it, or buying a service from it)?",
    "behavioral_control.schedule_set_by": "Who sets the working schedule?",
    "behavioral_control.methods_controlled_by": "Who decides how the work is done?",
    "behavioral_control.supervision": "How closely is the work supervised?",
    "behavioral_control.training_by_hiring_entity": "Does the business train the worker in its methods?",
    "behavioral_control.may_decline_assignments": "May the worker turn down assignments?",
    "behavioral_control.reporting_required": "Must the worker report regularly to the business?",
    "financial_control.tools_equipment_by": "Who provides the tools and equipment?",
    "financial_control.materials_supplied_by": "Who supplies the materials?",
    "financial_control.worker_investment": "How much has the worker invested in their own business?",
    "financial_control.worker_investment_relative_to_entity": "How does that compare with the business's own?",
    "financial_control.unreimbursed_business_expenses": "Does the worker pay business expenses that are not "
                                                        "reimbursed?",
    "financial_control.pay_basis": "How is the worker paid?",
    "financial_control.pay_rate_set_by": "Who sets the rate of pay?",
    "financial_control.paid_by": "Who pays the worker?",
    "financial_control.profit_or_loss_opportunity": "Can the worker make a profit or a loss?",
    "financial_control.hires_helpers": "Does the worker hire helpers?",
    "financial_control.liable_for_defects_or_losses": "Is the worker liable for defects or losses?",
    "relationship.written_contract": "What written contract is there?",
    "relationship.contract_says_ic": "Does the contract call the worker an independent contractor?",
    "relationship.employee_benefits": "Does the worker get employee benefits?",
    "relationship.insurance_carried_by": "Who carries the insurance for the work?",
    "relationship.duration": "How long is the relationship expected to last?",
    "relationship.exclusivity": "May the worker work for others?",
    "relationship.termination": "How can the relationship be ended?",
    "relationship.liable_if_quits_before_completion": "Is the worker liable if they quit before the job is done?",
    "independent_business.own_business_name_or_entity": "Does the worker have their own business name or entity?",
    "independent_business.licensed_or_registered": "Is the worker's business licensed or registered?",
    "independent_business.advertises_or_markets": "Does the worker advertise their services?",
    "independent_business.other_clients": "Does the worker have other clients?",
    "independent_business.business_location": "Does the worker have their own place of business?",
    "independent_business.customarily_engaged_independent_business_same_nature":
        "Is the worker customarily in an independent business doing this kind of work?",
    "independent_business.skill": "What skill does the work need, and how is it used?",
    "independent_business.previously_employee_of_hiring_entity": "Was the worker an employee of the business "
                                                                  "before?",
    "state_specific.ca_exemption_claimed": "California exemption claimed",
    "state_specific.ca_exemption_conditions_met": "Are the exemption's conditions met?",
    "state_specific.irs_statutory_category": "IRS statutory employee category",
    "state_specific.motor_carrier_faaaa": "Is the hiring business a motor carrier (federal FAAAA)?",
    "state_specific.hiring_entity_is_placement_business": "Is the hiring entity a placement business (Illinois)?",
    "state_specific.lab_2776_criteria": "California business-to-business criteria (Lab. Code 2776)",
    "state_specific.lab_2778_conditions": "California professional-services conditions (Lab. Code 2778)",
    "state_specific.prop22_conditions": "Proposition 22 conditions (Bus. & Prof. Code 7451)",
}
VALUE_LABELS = {
    "hiring_entity": "the business (hiring entity)", "worker": "the worker", "not_stated": "not stated",
    "staffing_firm": "the staffing firm (Tandem)", "end_customer": "the end customer", "yes": "yes", "no": "no",
    "staffing_firm_placement": "placed by a staffing firm with a client", "software_it": "software / IT",
    "ic_agreement": "independent-contractor agreement",
    "no_only_leases_or_licenses_to_worker": "no: the business only leases equipment or a licence to the worker",
    "no_only_serves_the_worker": "no: the business only provides a service to the worker (e.g. a garage), who "
                                 "sells the work to the public",
}
DIRECTION_LABELS = {"employee": "points toward employment", "independent_contractor": "points toward "
                    "independent contracting", "neutral": "neutral", "statutory_employee": "statutory employee"}
RESULT_LABELS = {"employee": "employee", "independent_contractor": "independent contractor",
                 "statutory_employee": "statutory employee", "inconclusive": "could not decide",
                 "leased_employee": "leased employee (W-2)", "contractor": "independent contractor (1099)",
                 "needs_review": "needs review"}
RECHECK_LABELS = {"long_hours": "long hours", "dominant_client": "one client pays most",
                  "client_sets_schedule": "client sets the schedule"}
RECHECK_RUN_TRIGGERS = {"schedule": "daily schedule", "manual": "run by hand", "command": "command line"}


def humanize(value) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{humanize(k)}: {'yes' if f else 'no'}" for k, f in value.items()) or "not stated"
    text = str(value)
    return VALUE_LABELS.get(text) or text.replace("_", " ")


def question(path: str) -> str:
    return QUESTIONS.get(path) or path.rsplit(".", 1)[-1].replace("_", " ").capitalize()


def questionnaire_form() -> list[dict]:
    """The questionnaire as form groups: [{group, title, fields: [{path, name, label, kind, choices|criteria}]}]."""
    out = []
    for group, fields in SCHEMA.items():
        items = []
        for name, allowed in fields.items():
            path = f"{group}.{name}"
            if allowed is None:
                items.append({"path": path, "name": name, "label": question(path), "kind": "text"})
            else:
                items.append({"path": path, "name": name, "label": question(path), "kind": "choice",
                              "choices": [(a, humanize(a)) for a in allowed]})
        if group == "state_specific":
            for name, keys in CRITERIA_MAPS.items():
                path = f"{group}.{name}"
                items.append({"path": path, "name": name, "label": question(path), "kind": "criteria",
                              "criteria": [(k, humanize(k)) for k in keys]})
        out.append({"group": group, "title": GROUP_TITLES[group], "fields": items})
    return out


def answers_from_form(form) -> dict:
    """Form fields named `group.field` (and `group.map.key` = yes/no/blank) to the answers JSON."""
    answers: dict = {}
    for key in form.keys():
        parts = key.split(".")
        if parts[0] not in SCHEMA:
            continue
        value = form.get(key, "")
        if len(parts) == 2:
            answers.setdefault(parts[0], {})[parts[1]] = value
        elif len(parts) == 3 and value in ("yes", "no"):
            answers.setdefault(parts[0], {}).setdefault(parts[1], {})[parts[2]] = value == "yes"
    return answers
