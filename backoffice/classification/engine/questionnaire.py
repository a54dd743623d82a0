"""The classification questionnaire: its schema (groups, fields, allowed values), frozen answers and their parser."""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping

from backoffice.dates import parse_date
from backoffice.errors import Issue

NOT_STATED = "not_stated"
YES_NO = ("yes", "no", NOT_STATED)
FREE_TEXT = None  # marker: any string

# Groups, fields and allowed values exactly as the reference questionnaire names them
# (/work/shared/reference/worker-classification.md, "Questionnaire schema").
SCHEMA: Mapping[str, Mapping[str, tuple[str, ...] | None]] = {
    "engagement": {
        "arrangement": ("direct", "staffing_firm_placement", "platform_or_referral", "lease_or_franchise",
                        NOT_STATED),
        "hiring_entity_type": ("business", "household_or_individual", "public_agency", NOT_STATED),
        "industry": ("construction", "trucking_delivery", "software_it", "automotive", "legal",
                     "passenger_transport", "healthcare", "cleaning", "agriculture", "landscaping",
                     "household_services", "manufacturing", "other", NOT_STATED),
        "hiring_entity_business": FREE_TEXT,
        "work_performed": FREE_TEXT,
        "work_location": ("hiring_entity_premises", "customer_or_client_premises", "worker_own_premises_or_home",
                          "on_the_road", "mixed", NOT_STATED),
        "work_in_usual_course_of_hiring_business": YES_NO,
        "integral_to_hiring_business": YES_NO,
        # The ABC tests' threshold (issue 20): does the worker perform services *for* this business at all?
        # Not in the reference questionnaire; added so the threshold can be answered directly (Sebago).
        "worker_serves_hiring_entity": ("yes", "no_only_leases_or_licenses_to_worker", "no_only_serves_the_worker",
                                        NOT_STATED),
    },
    "behavioral_control": {
        "schedule_set_by": ("hiring_entity", "worker", "negotiated", "end_customer", NOT_STATED),
        "methods_controlled_by": ("hiring_entity", "worker", NOT_STATED),
        "supervision": ("close", "periodic_inspection_or_review", "results_only", "none", NOT_STATED),
        "training_by_hiring_entity": ("methods_training", "orientation_or_platform_info_only", "none", NOT_STATED),
        "may_decline_assignments": YES_NO,
        "reporting_required": YES_NO,
    },
    "financial_control": {
        "tools_equipment_by": ("hiring_entity", "worker", "both", NOT_STATED),
        "materials_supplied_by": ("hiring_entity", "worker", "end_customer", NOT_STATED),
        "worker_investment": ("none", "minor", "significant", NOT_STATED),
        "worker_investment_relative_to_entity": ("much_smaller", "comparable_or_larger", NOT_STATED),
        "unreimbursed_business_expenses": ("none", "some", "significant", NOT_STATED),
        "pay_basis": ("hourly", "salary", "flat_fee_per_project", "per_unit_or_piece", "commission",
                      "percentage_of_revenue", "share_of_proceeds", "fares_minus_lease_fee",
                      "hourly_billed_to_clients", NOT_STATED),
        "pay_rate_set_by": ("hiring_entity", "worker", "negotiated", "regulator_or_third_party", NOT_STATED),
        "paid_by": ("hiring_entity", "staffing_firm", "end_customer", "platform", NOT_STATED),
        "profit_or_loss_opportunity": ("none", "more_hours_or_jobs_only", "managerial_skill_or_investment",
                                       NOT_STATED),
        "hires_helpers": ("no", "yes_worker_controls_and_pays", "yes_hiring_entity_controls", NOT_STATED),
        "liable_for_defects_or_losses": YES_NO,
    },
    "relationship": {
        "written_contract": ("none", "ic_agreement", "employment", "lease", "franchise", "platform_terms",
                             "project_contract", NOT_STATED),
        "contract_says_ic": YES_NO,
        "employee_benefits": YES_NO,
        "insurance_carried_by": ("hiring_entity", "worker", NOT_STATED),
        "duration": ("single_project", "short_fixed_term", "seasonal_recurring", "indefinite_continuing",
                     "sporadic", NOT_STATED),
        "exclusivity": ("exclusive_required", "exclusive_in_practice", "non_exclusive", NOT_STATED),
        "termination": ("at_will_either_party", "per_contract_terms", NOT_STATED),
        "liable_if_quits_before_completion": YES_NO,
    },
    "independent_business": {
        "own_business_name_or_entity": YES_NO,
        "licensed_or_registered": YES_NO,
        "advertises_or_markets": YES_NO,
        "other_clients": YES_NO,
        "business_location": YES_NO,
        "customarily_engaged_independent_business_same_nature": YES_NO,
        "skill": ("low", "specialized_used_as_employee", "specialized_used_business_like", NOT_STATED),
        "previously_employee_of_hiring_entity": YES_NO,
    },
    "state_specific": {
        "ca_exemption_claimed": ("none", "b2b_lab_2776", "professional_services_lab_2778",
                                 "referral_agency_lab_2777", "prop22_app_based_driver_bp_7451", NOT_STATED),
        "ca_exemption_conditions_met": ("yes", "no", "partial", NOT_STATED),
        # The reference names the key but not its values; these are the Pub 15-A categories.
        "irs_statutory_category": ("none", "agent_or_commission_driver", "full_time_life_insurance_agent",
                                   "homeworker", "traveling_or_city_salesperson", "direct_seller",
                                   "licensed_real_estate_agent", NOT_STATED),
        "motor_carrier_faaaa": YES_NO,
        "hiring_entity_is_placement_business": YES_NO,
    },
}

# state_specific maps of criterion -> true/false; the keys each may hold.
CRITERIA_MAPS: Mapping[str, tuple[str, ...]] = {
    # Cal. Lab. Code 2776(a)(1)-(12), business-to-business exemption.
    "lab_2776_criteria": (
        "free_from_control", "services_directly_to_contracting_business", "written_contract",
        "business_license", "separate_business_location", "customarily_engaged_independent_business",
        "can_contract_with_other_businesses", "advertises_to_public", "provides_own_tools_and_equipment",
        "negotiates_own_rates", "sets_own_hours_and_location", "no_contractors_state_license_work",
    ),
    # Cal. Lab. Code 2778(a), professional-services exemption, six conditions.
    "lab_2778_conditions": (
        "separate_business_location", "business_license", "sets_or_negotiates_rates", "sets_own_hours",
        "same_work_for_others_or_holds_out", "exercises_discretion_and_judgment",
    ),
    # Cal. Bus. & Prof. Code 7451 (Proposition 22), four conditions.
    "prop22_conditions": (
        "no_set_dates_times_or_minimum_hours", "not_required_to_accept_requests",
        "free_to_work_for_other_network_companies", "free_to_work_in_any_lawful_occupation",
    ),
}
DATE_FIELDS = ("as_of_date",)  # state_specific.as_of_date (the reference lists it there too)
GROUPS = tuple(SCHEMA)

def known_field(path: str) -> bool:
    """Whether 'group.field' (or 'state_specific.map.key') names a questionnaire answer."""
    parts = path.split(".")
    if len(parts) == 2:
        group, name = parts
        return (group in SCHEMA and name in SCHEMA[group]) or (
            group == "state_specific" and (name in CRITERIA_MAPS or name in DATE_FIELDS))
    if len(parts) == 3 and parts[0] == "state_specific":
        return parts[1] in CRITERIA_MAPS and parts[2] in CRITERIA_MAPS[parts[1]]
    return False


def allowed_values(path: str) -> tuple[str, ...] | None:
    """The allowed values of an enumerated field; None for free text, maps and dates."""
    group, _, name = path.partition(".")
    return SCHEMA.get(group, {}).get(name)


@dataclass(frozen=True)
class Answers:
    """One questionnaire, every field present (missing ones are 'not_stated'); maps are read-only."""

    values: Mapping[str, str] = field(default_factory=dict)
    criteria: Mapping[str, Mapping[str, bool]] = field(default_factory=dict)
    as_of_date: _dt.date | None = None

    def get(self, path: str) -> Any:
        """The answer at 'group.field'; a criteria map for 'state_specific.<map>'; a bool or None for a key."""
        parts = path.split(".")
        if len(parts) == 3:
            return self.criteria.get(parts[1], {}).get(parts[2])
        if parts[0] == "state_specific" and parts[1] in CRITERIA_MAPS:
            return self.criteria.get(parts[1], MappingProxyType({}))
        if path == "state_specific.as_of_date":
            return self.as_of_date.isoformat() if self.as_of_date else NOT_STATED
        return self.values[path]

    def group(self, name: str) -> dict[str, str]:
        """One group's answers as a plain dict (for display)."""
        prefix = name + "."
        return {k[len(prefix):]: v for k, v in self.values.items() if k.startswith(prefix)}


def parse_answers(raw: Any, *, where: str = "answers", row: int | None = None) -> tuple[Answers, list[Issue]]:
    """Parse the JSON answers; returns the answers (best effort) and every problem found, each named by path."""
    issues: list[Issue] = []

    def bad(path: str, message: str, code: str = "invalid") -> None:
        issues.append(Issue(f"{where}.{path}" if path else where, message, code, row))

    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        bad("", "must be an object with the questionnaire groups", "invalid_type")
        raw = {}
    values: dict[str, str] = {}
    criteria: dict[str, dict[str, bool]] = {}
    as_of: _dt.date | None = None
    for group in raw:
        if group not in SCHEMA:
            bad(str(group), f"unknown group; expected one of: {', '.join(GROUPS)}", "unknown_field")
    for group, fields in SCHEMA.items():
        given = raw.get(group, {})
        if given is None:
            given = {}
        if not isinstance(given, Mapping):
            bad(group, "must be an object", "invalid_type")
            given = {}
        for name in given:
            known = name in fields or (group == "state_specific" and (name in CRITERIA_MAPS or name in DATE_FIELDS))
            if not known:
                bad(f"{group}.{name}", "unknown field", "unknown_field")
        for name, allowed in fields.items():
            value = given.get(name, NOT_STATED)
            if value is None:
                value = NOT_STATED
            if not isinstance(value, str):
                bad(f"{group}.{name}", "must be a string", "invalid_type")
                value = NOT_STATED
            elif allowed is not None and value not in allowed:
                bad(f"{group}.{name}", f"{value!r} is not one of: {', '.join(allowed)}", "invalid_choice")
                value = NOT_STATED
            values[f"{group}.{name}"] = value
        if group == "state_specific":
            for map_name, keys in CRITERIA_MAPS.items():
                given_map = given.get(map_name)
                if given_map is None:
                    continue
                if not isinstance(given_map, Mapping):
                    bad(f"{group}.{map_name}", "must be an object of criterion: true/false", "invalid_type")
                    continue
                parsed: dict[str, bool] = {}
                for key, flag in given_map.items():
                    if key not in keys:
                        bad(f"{group}.{map_name}.{key}", f"unknown criterion; expected one of: {', '.join(keys)}",
                            "unknown_field")
                    elif not isinstance(flag, bool):
                        bad(f"{group}.{map_name}.{key}", "must be true or false", "invalid_type")
                    else:
                        parsed[key] = flag
                criteria[map_name] = MappingProxyType(parsed)
            if given.get("as_of_date") not in (None, NOT_STATED):
                try:
                    as_of = parse_date(given["as_of_date"])
                except ValueError:
                    bad(f"{group}.as_of_date", "must be a date written YYYY-MM-DD", "invalid_date")
    return Answers(MappingProxyType(values), MappingProxyType(criteria), as_of), issues


def answer_value(answers: dict, path: str):
    """The answer at 'group.name', or NOT_STATED."""
    group, _, name = path.partition(".")
    return (answers.get(group) or {}).get(name, NOT_STATED)
