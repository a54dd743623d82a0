"""State ABC tests against documented cases: California (Dynamex, Borello, exemptions, Prop 22), Massachusetts,
New Jersey (Carpet Remnant, East Bay Drywall) and Illinois (AFM Messenger, IWPCA placement rule)."""
from __future__ import annotations

import datetime as dt

from backoffice.classification.engine.determination import run_test
from backoffice.classification.engine.questionnaire import parse_answers
from backoffice.classification.engine.rulesets import default_catalog
from tests.unit.classification.helpers import answers, factor_of, pick_test, run

# A worker who runs a real business: free from control and customarily engaged in an independent trade.
FREE_AND_INDEPENDENT = dict(
    behavioral_control={"methods_controlled_by": "worker", "schedule_set_by": "worker", "supervision": "results_only",
                        "may_decline_assignments": "yes", "training_by_hiring_entity": "none",
                        "reporting_required": "no"},
    financial_control={"pay_basis": "flat_fee_per_project", "tools_equipment_by": "worker",
                       "worker_investment": "significant", "worker_investment_relative_to_entity":
                           "comparable_or_larger", "profit_or_loss_opportunity": "managerial_skill_or_investment",
                       "unreimbursed_business_expenses": "significant", "paid_by": "hiring_entity"},
    relationship={"duration": "single_project", "exclusivity": "non_exclusive", "written_contract": "project_contract",
                  "insurance_carried_by": "worker", "liable_if_quits_before_completion": "yes"},
    independent_business={"own_business_name_or_entity": "yes", "licensed_or_registered": "yes",
                          "advertises_or_markets": "yes", "other_clients": "yes", "business_location": "yes",
                          "customarily_engaged_independent_business_same_nature": "yes",
                          "skill": "specialized_used_business_like"},
)


def with_engagement(**engagement) -> dict:
    return answers(engagement=engagement, **FREE_AND_INDEPENDENT)


def test_dynamex_home_seamstress_for_a_clothing_maker_fails_prong_b_even_though_she_works_at_home():
    """Dynamex Operations West v. Superior Court, 4 Cal.5th 903 (2018): a clothing manufacturer that hires a
    work-at-home seamstress to make dresses from cloth and patterns it supplies, for sale by the company, has
    her doing work in its usual course of business; California's B prong has no places-of-business alternative.
    Expected: ca_abc employee on prong B, so a leased employee."""
    ans = with_engagement(industry="manufacturing", work_location="worker_own_premises_or_home",
                          work_in_usual_course_of_hiring_business="yes", integral_to_hiring_business="yes")
    ans["financial_control"]["materials_supplied_by"] = "hiring_entity"
    out = run("CA", ans)
    abc = pick_test(out, "ca_abc")
    assert abc["result"] == "employee" and abc["role"] == "decisive"
    prong_b = factor_of(abc, "b_outside_usual_course")
    assert prong_b["points_to"] == "employee"
    assert "working at home does not help" in prong_b["finding"]
    assert factor_of(abc, "a_free_from_control")["points_to"] == "independent_contractor"
    assert out["determination"] == "leased_employee"


def test_dynamex_outside_plumber_for_a_retail_store_meets_all_three_prongs():
    """Dynamex (2018): a retail store that hires an outside plumber to repair a leak in its bathroom is not in
    the plumbing business, so the plumber's work is outside its usual course (prong B met); a plumber with his own
    business meets A and C. Expected: ca_abc independent contractor, a contractor with no employer."""
    out = run("CA", with_engagement(industry="other", hiring_entity_business="retail store",
                                    work_performed="repair a bathroom leak", work_location="hiring_entity_premises",
                                    work_in_usual_course_of_hiring_business="no", integral_to_hiring_business="no"))
    abc = pick_test(out, "ca_abc")
    assert abc["result"] == "independent_contractor"
    assert [f["points_to"] for f in abc["factors"]] == ["independent_contractor"] * 3
    assert out["determination"] == "contractor" and out["employer"]["party"] == "none"


def test_ca_abc_unproven_prong_presumes_an_employee_with_medium_risk():
    """Lab. Code 2775(b)(1): an employee 'unless the hiring entity demonstrates' all three conditions. With prong
    C unanswered the worker is presumed an employee, and the risk is raised because more answers may change it."""
    ans = with_engagement(work_in_usual_course_of_hiring_business="no", integral_to_hiring_business="no")
    ans["independent_business"] = {}
    out = run("CA", ans)
    abc = pick_test(out, "ca_abc")
    assert abc["result"] == "employee"
    assert abc["explanation"].count("Presumed employee") == 1
    assert factor_of(abc, "c_independent_trade")["points_to"] == "neutral"
    assert out["determination"] == "leased_employee" and out["risk"] == "medium"


def test_borello_sharefarmers_are_employees_under_borello():
    """S. G. Borello & Sons v. Dep't of Industrial Relations, 48 Cal.3d 341 (1989): cucumber harvesters paid a
    share of the proceeds under a written 'sharefarmer' agreement, doing simple seasonal work that was an integral
    part of Borello's business, which controlled the whole operation; they had no investment beyond simple tools.
    Expected: employees under the Borello factors (applied here to the Borello rule set directly)."""
    catalog = default_catalog()
    rule_set = catalog.version_on("ca_borello", dt.date(2026, 11, 22))
    parsed, issues = parse_answers(answers(
        engagement={"industry": "agriculture", "work_in_usual_course_of_hiring_business": "yes",
                    "integral_to_hiring_business": "yes"},
        behavioral_control={"schedule_set_by": "hiring_entity", "supervision": "periodic_inspection_or_review"},
        financial_control={"pay_basis": "share_of_proceeds", "worker_investment": "minor",
                           "profit_or_loss_opportunity": "more_hours_or_jobs_only", "tools_equipment_by": "both"},
        relationship={"written_contract": "ic_agreement", "contract_says_ic": "yes", "duration": "seasonal_recurring"},
        independent_business={"skill": "low", "own_business_name_or_entity": "no", "advertises_or_markets": "no"},
    ))
    assert issues == []
    result, how, factors = run_test(rule_set, parsed)
    assert result == "employee"
    by_id = {f.id: f for f in factors}
    assert by_id["right_to_control"].points_to == "employee" and by_id["right_to_control"].weight == 3
    # The written label points the other way and is outweighed, as in Borello.
    assert by_id["parties_belief"].points_to == "independent_contractor"


def test_professional_services_exemption_with_all_six_conditions_sends_the_case_to_borello():
    """Lab. Code 2778 (e.g. a freelance graphic designer): when all six conditions hold, the ABC test does not
    apply and Borello decides (2775(b)(3)); ca_abc is kept for comparison only."""
    ans = with_engagement(work_in_usual_course_of_hiring_business="yes", integral_to_hiring_business="no")
    ans["state_specific"] = {"ca_exemption_claimed": "professional_services_lab_2778", "lab_2778_conditions": {
        k: True for k in ("separate_business_location", "business_license", "sets_or_negotiates_rates",
                          "sets_own_hours", "same_work_for_others_or_holds_out", "exercises_discretion_and_judgment")}}
    out = run("CA", ans)
    abc, borello = pick_test(out, "ca_abc"), pick_test(out, "ca_borello")
    assert abc["result"] == "employee" and abc["role"] == "comparison"  # prong B fails, but ABC is not applied
    assert borello["role"] == "decisive" and borello["result"] == "independent_contractor"
    assert "Borello test decides" in factor_of(borello, "exemption")["finding"]
    assert out["determination"] == "contractor"


def test_b2b_exemption_with_one_criterion_missing_leaves_the_abc_test_in_charge():
    """Lab. Code 2776: the business-to-business exemption requires all twelve criteria. One false criterion
    (rates set by the hiring business) means ABC decides and Borello is only shown for comparison."""
    criteria = {k: True for k in ("free_from_control", "services_directly_to_contracting_business",
                                  "written_contract", "business_license", "separate_business_location",
                                  "customarily_engaged_independent_business", "can_contract_with_other_businesses",
                                  "advertises_to_public", "provides_own_tools_and_equipment",
                                  "sets_own_hours_and_location", "no_contractors_state_license_work")}
    criteria["negotiates_own_rates"] = False
    ans = with_engagement(work_in_usual_course_of_hiring_business="yes")
    ans["state_specific"] = {"ca_exemption_claimed": "b2b_lab_2776", "ca_exemption_conditions_met": "yes",
                             "lab_2776_criteria": criteria}
    out = run("CA", ans)
    assert pick_test(out, "ca_abc")["role"] == "decisive"
    borello = pick_test(out, "ca_borello")
    assert borello["role"] == "comparison"
    assert "twelve criteria" in factor_of(borello, "exemption")["finding"]
    assert out["determination"] == "leased_employee"


def test_prop22_driver_meeting_all_four_conditions_is_a_contractor_in_california():
    """Cal. Bus. & Prof. Code 7451 (Proposition 22, upheld in Castellanos, 2024): an app-based driver is an
    independent contractor when the company sets no dates, times or minimum hours, the driver may refuse any
    request, and may work for other network companies and in any other occupation."""
    conditions = {"no_set_dates_times_or_minimum_hours": True, "not_required_to_accept_requests": True,
                  "free_to_work_for_other_network_companies": True, "free_to_work_in_any_lawful_occupation": True}
    ans = with_engagement(arrangement="platform_or_referral", industry="passenger_transport",
                          work_location="on_the_road", work_in_usual_course_of_hiring_business="yes")
    ans["state_specific"] = {"ca_exemption_claimed": "prop22_app_based_driver_bp_7451",
                             "prop22_conditions": conditions}
    out = run("CA", ans)
    prop22 = pick_test(out, "ca_prop22")
    assert prop22["result"] == "independent_contractor" and prop22["role"] == "decisive"
    assert pick_test(out, "ca_abc")["role"] == "comparison"
    # One condition fails (minimum hours set by the company): Prop 22 no longer applies and ABC decides.
    ans["state_specific"]["prop22_conditions"] = dict(conditions, no_set_dates_times_or_minimum_hours=False)
    out = run("CA", ans)
    assert pick_test(out, "ca_prop22")["role"] == "comparison"
    assert pick_test(out, "ca_abc")["role"] == "decisive"
    assert out["determination"] == "leased_employee"


def test_awuah_v_coverall_cleaning_franchisees_are_employees_under_massachusetts_prong_2():
    """Awuah v. Coverall North America, 707 F. Supp. 2d 80 (D. Mass. 2010): Coverall sold janitorial franchises
    and said it was in the franchising business, but the franchisees' commercial cleaning was Coverall's own
    business, so prong 2 failed; franchisees had mandatory training and Coverall did the billing."""
    ans = answers(
        engagement={"arrangement": "lease_or_franchise", "industry": "cleaning",
                    "work_location": "customer_or_client_premises",
                    "work_in_usual_course_of_hiring_business": "yes", "integral_to_hiring_business": "yes"},
        behavioral_control={"training_by_hiring_entity": "methods_training"},
        financial_control={"paid_by": "hiring_entity", "pay_rate_set_by": "hiring_entity"},
        relationship={"written_contract": "franchise"},
    )
    out = run("MA", ans)
    ma = pick_test(out, "ma_abc")
    assert ma["result"] == "employee"
    assert factor_of(ma, "prong_2_outside_usual_course")["points_to"] == "employee"
    assert factor_of(ma, "prong_1_free_from_control")["points_to"] == "employee"  # mandatory methods training
    assert out["determination"] == "leased_employee"
    # The same facts in New Jersey: cleaning at customers' sites meets the places-of-business alternative.
    nj = pick_test(run("NJ", ans), "nj_abc")
    assert factor_of(nj, "b_outside_usual_course_or_places")["points_to"] == "independent_contractor"


def test_massachusetts_motor_carrier_drivers_are_judged_on_prongs_1_and_3_only():
    """Chambers v. RDI Logistics, 476 Mass. 95 (Dec. 16, 2016): the FAAAA preempts prong 2 of 148B as applied to
    motor carriers, the prongs are severable, and prongs 1 and 3 still apply. A delivery driver whose work is in
    the carrier's usual course is therefore a contractor when prongs 1 and 3 are proven, and an employee when
    the carrier controls the work (RDI's drivers alleged uniforms, GPS routing and set delivery windows)."""
    ans = with_engagement(industry="trucking_delivery", work_location="on_the_road",
                          work_in_usual_course_of_hiring_business="yes")
    ans["state_specific"] = {"motor_carrier_faaaa": "yes"}
    ma = pick_test(run("MA", ans), "ma_abc")
    prong_2 = factor_of(ma, "prong_2_outside_usual_course")
    assert prong_2["points_to"] == "neutral" and "FAAAA" in prong_2["finding"]
    assert ma["result"] == "independent_contractor"
    assert "Not applied here: 2: service outside the usual course" in ma["explanation"]
    ans["behavioral_control"] = dict(ans["behavioral_control"], schedule_set_by="hiring_entity",
                                     methods_controlled_by="hiring_entity")
    assert pick_test(run("MA", ans), "ma_abc")["result"] == "employee"
    # Without the motor-carrier answer, prong 2 applies and fails.
    ans["state_specific"] = {"motor_carrier_faaaa": "no"}
    ans["behavioral_control"] = FREE_AND_INDEPENDENT["behavioral_control"]
    ma = pick_test(run("MA", ans), "ma_abc")
    assert ma["result"] == "employee"
    assert factor_of(ma, "prong_2_outside_usual_course")["points_to"] == "employee"


def test_carpet_remnant_installers_in_customers_homes_meet_nj_prong_b():
    """Carpet Remnant Warehouse v. N.J. Dep't of Labor, 125 N.J. 567 (1991): carpet installation is within a
    carpet retailer's usual course, but installers working in customers' homes work outside all of its places of
    business, so prong B can be met. With A and C shown, the installer is a contractor in New Jersey."""
    out = run("NJ", with_engagement(industry="construction", hiring_entity_business="carpet retailer",
                                    work_location="customer_or_client_premises",
                                    work_in_usual_course_of_hiring_business="yes"))
    nj = pick_test(out, "nj_abc")
    prong_b = factor_of(nj, "b_outside_usual_course_or_places")
    assert prong_b["points_to"] == "independent_contractor"
    assert "Carpet Remnant" in prong_b["finding"]
    assert prong_b["answers"]["engagement.work_location"] == "customer_or_client_premises"
    assert nj["result"] == "independent_contractor"


def test_east_bay_drywall_llc_registration_and_insurance_alone_do_not_meet_nj_prong_c():
    """East Bay Drywall, LLC v. Dep't of Labor & Workforce Dev., 251 N.J. 477 (2022): installers with their own
    LLCs, business registrations and certificates of insurance, without evidence of businesses that would survive
    the relationship, did not meet prong C; they were employees."""
    ans = with_engagement(industry="construction", work_location="customer_or_client_premises",
                          work_in_usual_course_of_hiring_business="yes")
    ans["independent_business"] = {"own_business_name_or_entity": "yes", "licensed_or_registered": "yes"}
    ans["relationship"]["insurance_carried_by"] = "worker"
    out = run("NJ", ans)
    nj = pick_test(out, "nj_abc")
    prong_c = factor_of(nj, "c_independent_business")
    assert prong_c["points_to"] == "neutral" and "East Bay Drywall" in prong_c["finding"]
    assert nj["result"] == "employee"
    # With evidence that the business has other customers and markets itself, prong C is met.
    ans["independent_business"].update(other_clients="yes", advertises_or_markets="yes",
                                       customarily_engaged_independent_business_same_nature="yes")
    assert pick_test(run("NJ", ans), "nj_abc")["result"] == "independent_contractor"


def test_afm_messenger_couriers_are_employees_under_illinois_unemployment_law():
    """AFM Messenger Service v. Dep't of Employment Security, 198 Ill. 2d 380 (2001): same-day delivery drivers
    labelled independent contractors were employees; AFM assigned the deliveries, the drivers announced
    themselves as AFM, delivery was AFM's business, and AFM did not show the drivers had independently
    established businesses."""
    out = run("IL", answers(
        engagement={"industry": "trucking_delivery", "work_location": "on_the_road",
                    "work_in_usual_course_of_hiring_business": "yes", "integral_to_hiring_business": "yes"},
        behavioral_control={"methods_controlled_by": "hiring_entity", "reporting_required": "yes"},
        financial_control={"pay_basis": "commission", "tools_equipment_by": "worker"},
        relationship={"written_contract": "ic_agreement", "contract_says_ic": "yes"},
        independent_business={"customarily_engaged_independent_business_same_nature": "no", "other_clients": "no",
                              "advertises_or_markets": "no"},
    ))
    il = pick_test(out, "il_abc_unemployment")
    assert il["result"] == "employee"
    assert factor_of(il, "c_independent_trade")["points_to"] == "employee"
    assert factor_of(il, "a_free_from_control")["points_to"] == "employee"
    assert out["determination"] == "leased_employee"
    assert "il_eca_construction" not in [t["id"] for t in out["tests"]]  # not construction


def test_illinois_iwpca_denies_prong_2_to_a_placement_business_and_eca_applies_in_construction():
    """820 ILCS 115/2 (the placement limit is from recollection; re-verify): a business that contracts with third
    parties for the placement of employees cannot rely on the usual-course/places prong, so a placed worker at a client's site is
    not excluded even where unemployment law's places alternative is met. 820 ILCS 185/10(b)(2) (Employee
    Classification Act, eff. Jan. 1, 2008) adds, for construction, 'outside the usual course of services performed
    by the contractor' with no places alternative."""
    ans = with_engagement(arrangement="staffing_firm_placement", industry="construction",
                          work_location="customer_or_client_premises", work_in_usual_course_of_hiring_business="yes")
    ans["state_specific"] = {"hiring_entity_is_placement_business": "yes"}
    out = run("IL", ans)
    iwpca = pick_test(out, "il_iwpca")
    assert factor_of(iwpca, "2_outside_usual_course_or_places")["points_to"] == "employee"
    assert iwpca["result"] == "employee"
    assert pick_test(out, "il_abc_unemployment")["result"] == "independent_contractor"
    eca = pick_test(out, "il_eca_construction")
    assert eca["result"] == "employee"  # usual course of the contractor's services, no places alternative
    assert factor_of(eca, "sole_proprietor_alternative")["counts"] is False
    assert out["determination"] == "leased_employee" and out["risk"] == "medium"
