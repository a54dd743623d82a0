"""IRS Publication 15-A industry examples and the leased-employee rule, run through the whole engine.

Two examples whose facts could not be read in any stored copy of Pub 15-A (Wallace Black, Steve Smith) are replaced
by Supreme Court decisions under the same common-law rules whose text was read (Greyvan, CCNV v. Reid).

Texas is used as the work state so that only the federal tests (IRS common law, statutory employees, the DOL
profile in force) decide. Each test names its example; the expected answer is the one the publication gives.
"""
from __future__ import annotations

import pytest

from tests.unit.classification.helpers import answers, factor_of, pick_test, run


def test_jerry_jones_supervising_remodel_for_wilma_white_is_an_employee():
    """Pub 15-A, Building and Construction Industry, Example 1.

    Jerry Jones supervises the remodeling of Wilma White's house. She pays the suppliers for all materials,
    carries liability and workers' compensation insurance covering Jerry and his helpers, pays them an hourly
    rate and exercises almost constant supervision. Jerry cannot transfer his assistants to other jobs, may not
    work other jobs while working for Wilma, assumes no responsibility to complete the work and incurs no
    contractual liability if he does not. Publication: Jerry and his assistants are employees of Wilma White.
    """
    out = run("TX", answers(
        engagement={"hiring_entity_type": "household_or_individual", "industry": "construction",
                    "arrangement": "direct"},
        behavioral_control={"supervision": "close"},
        financial_control={"materials_supplied_by": "hiring_entity", "pay_basis": "hourly",
                           "paid_by": "hiring_entity", "hires_helpers": "yes_hiring_entity_controls",
                           "liable_for_defects_or_losses": "no"},
        relationship={"insurance_carried_by": "hiring_entity", "exclusivity": "exclusive_required",
                      "liable_if_quits_before_completion": "no"},
    ))
    assert out["determination"] == "leased_employee"
    assert out["employer"]["party"] == "hiring_entity"
    irs = pick_test(out, "irs_common_law")
    assert irs["result"] == "employee"
    for factor_id in ("instructions", "tools_and_materials", "method_of_payment", "assistants", "insurance",
                      "full_time_and_exclusive", "right_to_end"):
        assert factor_of(irs, factor_id)["points_to"] == "employee", factor_id
    assistants = factor_of(irs, "assistants")
    assert assistants["answers"] == {"financial_control.hires_helpers": "yes_hiring_entity_controls"}
    assert "controls the helpers" in assistants["finding"]


def test_bill_plum_licensed_roofer_with_flat_fee_and_own_crew_is_a_contractor():
    """Pub 15-A, Building and Construction Industry, Example 4.

    Bill Plum contracts with Elm Corporation to complete the roofing on a housing complex for a flat amount set
    in a signed contract. He is a licensed roofer, carries workers' compensation and liability insurance under
    the business name Plum Roofing, hires his own roofers (treated as his employees) and Plum Roofing pays for
    any repairs if there is a problem. Publication: Bill Plum, doing business as Plum Roofing, is an
    independent contractor.
    """
    out = run("TX", answers(
        engagement={"industry": "construction", "arrangement": "direct", "work_location": "customer_or_client_premises",
                    "integral_to_hiring_business": "no"},
        behavioral_control={"methods_controlled_by": "worker", "schedule_set_by": "worker",
                            "supervision": "results_only"},
        financial_control={"pay_basis": "flat_fee_per_project", "hires_helpers": "yes_worker_controls_and_pays",
                           "liable_for_defects_or_losses": "yes", "tools_equipment_by": "worker",
                           "worker_investment": "significant", "profit_or_loss_opportunity":
                               "managerial_skill_or_investment", "paid_by": "hiring_entity"},
        relationship={"written_contract": "project_contract", "insurance_carried_by": "worker",
                      "duration": "single_project"},
        independent_business={"own_business_name_or_entity": "yes", "licensed_or_registered": "yes",
                              "skill": "specialized_used_business_like", "business_location": "yes"},
    ))
    assert out["determination"] == "contractor"
    assert out["employer"]["party"] == "none"
    irs = pick_test(out, "irs_common_law")
    assert irs["result"] == "independent_contractor"
    for factor_id in ("method_of_payment", "assistants", "insurance", "profit_or_loss", "written_contract"):
        assert factor_of(irs, factor_id)["points_to"] == "independent_contractor", factor_id
    assert "flat fee" in factor_of(irs, "method_of_payment")["finding"]


def test_vera_elm_electrician_with_fixed_job_price_and_other_customers_is_a_contractor():
    """Pub 15-A, Building and Construction Industry, Example 5.

    Vera Elm, an electrician, submitted a job estimate to a housing complex for electrical work at $16 an hour
    for 400 hours, to be paid $1,280 every 2 weeks for 10 weeks. This is not payment by the hour: she receives
    $6,400 (400 x $16) however long the work takes. She also does electrical installations for other companies,
    obtained through advertisements. Publication: Vera is an independent contractor. Only the printed facts are
    answered (until 2026-12-04 this test also answered methods, schedule, supervision, tools, business name and
    skill, which the example does not state); the estimate she submitted is her price (pay rate set by the worker).
    """
    out = run("TX", answers(
        engagement={"industry": "construction"},
        financial_control={"pay_basis": "flat_fee_per_project", "pay_rate_set_by": "worker",
                           "profit_or_loss_opportunity": "managerial_skill_or_investment"},
        relationship={"duration": "short_fixed_term", "exclusivity": "non_exclusive"},
        independent_business={"other_clients": "yes", "advertises_or_markets": "yes"},
    ))
    assert out["determination"] == "contractor"
    irs = pick_test(out, "irs_common_law")
    assert irs["result"] == "independent_contractor"
    assert factor_of(irs, "services_to_market")["points_to"] == "independent_contractor"
    assert factor_of(irs, "services_to_market")["answers"] == {
        "independent_business.advertises_or_markets": "yes", "independent_business.other_clients": "yes"}


def test_vera_elm_on_the_printed_facts_alone_is_a_contractor_and_without_her_estimate_the_price_question_is_named():
    """Pub 15-A (2020), Building and Construction Industry, Example 5, p. 9, only what is printed: a job estimate
    she submitted ($16 x 400 hours), $1,280 every 2 weeks for 10 weeks, "Vera Elm will receive $6,400" however long
    it takes, other companies' contracts obtained through advertisements. Publication: independent contractor.

    IRS: method of payment (flat fee), profit or loss (fixed price), services to the market (advertises, other
    clients), permanency (10 weeks), not exclusive: five decided factors, all independent contractor, 5-0. FS13 (in
    force on 2026-11-22): permanency and profit or loss from her own answers, control derived from her setting the
    price and advertising: 3-0. So: contractor. Left without the estimate (who sets the price unanswered), FS13 has
    2 of the 3 decided factors it needs and the engine says exactly which fact is missing: who set the pay rate
    (the worker or a negotiation gives contractor; the business gives review).
    """
    printed = answers(
        engagement={"industry": "construction"},
        financial_control={"pay_basis": "flat_fee_per_project", "pay_rate_set_by": "worker",
                           "profit_or_loss_opportunity": "managerial_skill_or_investment"},
        relationship={"exclusivity": "non_exclusive", "duration": "short_fixed_term"},
        independent_business={"other_clients": "yes", "advertises_or_markets": "yes"})
    out = run("TX", printed)
    assert out["determination"] == "contractor"
    irs = pick_test(out, "irs_common_law")
    assert irs["result"] == "independent_contractor"
    decided = [f["id"] for f in irs["factors"] if f["points_to"] == "independent_contractor"]
    assert sorted(decided) == ["full_time_and_exclusive", "method_of_payment", "permanency", "profit_or_loss",
                               "services_to_market"]
    dol = pick_test(out, "dol_flsa_economic_reality")
    assert dol["result"] == "independent_contractor"
    assert factor_of(dol, "control")["derived_from"] == [
        "financial_control.pay_rate_set_by", "independent_business.advertises_or_markets"]

    del printed["financial_control"]["pay_rate_set_by"]
    out = run("TX", printed)
    assert out["determination"] == "needs_review"
    assert pick_test(out, "irs_common_law")["result"] == "independent_contractor"
    assert pick_test(out, "dol_flsa_economic_reality")["result"] == "inconclusive"
    deciding = out["deciding_questions"]
    assert deciding["fields"] == ["financial_control.pay_rate_set_by"]
    assert {o["answers"]["financial_control.pay_rate_set_by"]: o["determination"] for o in deciding["outcomes"]} == {
        "hiring_entity": "needs_review", "worker": "contractor", "negotiated": "contractor",
        "regulator_or_third_party": "needs_review"}
    assert "financial_control.pay_rate_set_by" in out["risk_reasons"][-1]


def test_donna_lee_car_salesperson_on_commission_with_benefits_is_an_employee():
    """Pub 15-A, Automotive Industry, Example 1.

    Donna Lee sells cars full time for Bob Blue's dealership: on duty in the showroom on assigned days and
    times, appraisals subject to the sales manager's approval, customer lists belong to the dealer, she must
    report results to the sales manager. She is paid a commission, and Bob pays her health and group-term life
    insurance. Publication: Donna is an employee of Bob Blue.
    """
    out = run("TX", answers(
        engagement={"industry": "automotive", "work_location": "hiring_entity_premises",
                    "work_in_usual_course_of_hiring_business": "yes", "integral_to_hiring_business": "yes"},
        behavioral_control={"schedule_set_by": "hiring_entity", "methods_controlled_by": "hiring_entity",
                            "supervision": "periodic_inspection_or_review", "reporting_required": "yes"},
        financial_control={"pay_basis": "commission", "pay_rate_set_by": "hiring_entity", "paid_by": "hiring_entity"},
        relationship={"employee_benefits": "yes", "duration": "indefinite_continuing"},
    ))
    assert out["determination"] == "leased_employee"
    irs = pick_test(out, "irs_common_law")
    assert irs["result"] == "employee"
    assert factor_of(irs, "benefits")["points_to"] == "employee"
    assert factor_of(irs, "reports")["points_to"] == "employee"
    # Commission pay is used for both kinds of worker: it must not count either way.
    assert factor_of(irs, "method_of_payment")["points_to"] == "neutral"


def test_sam_sparks_mechanic_paid_a_percentage_in_the_dealer_repair_shop_is_an_employee():
    """Pub 15-A, Automotive Industry, Example 2.

    Sam Sparks does auto repairs in a sales company's repair department, works regular hours and is paid on a
    percentage basis. He has no investment; the company supplies all facilities, parts and supplies, tells him
    what to charge, which parts to use and when each job must be done, and checks all estimates and repair
    orders. Publication: Sam is an employee of the sales company.
    """
    out = run("TX", answers(
        engagement={"industry": "automotive", "work_location": "hiring_entity_premises",
                    "work_in_usual_course_of_hiring_business": "yes"},
        behavioral_control={"schedule_set_by": "hiring_entity", "methods_controlled_by": "hiring_entity",
                            "supervision": "close"},
        financial_control={"pay_basis": "percentage_of_revenue", "worker_investment": "none",
                           "tools_equipment_by": "hiring_entity", "materials_supplied_by": "hiring_entity",
                           "pay_rate_set_by": "hiring_entity"},
    ))
    assert out["determination"] == "leased_employee"
    irs = pick_test(out, "irs_common_law")
    assert irs["result"] == "employee"
    assert factor_of(irs, "investment")["points_to"] == "employee"
    assert factor_of(irs, "tools_and_materials")["answers"] == {
        "financial_control.tools_equipment_by": "hiring_entity",
        "financial_control.materials_supplied_by": "hiring_entity"}


def test_greyvan_owner_drivers_stay_in_review_and_the_one_question_that_settles_them_is_named():
    """Harrison v. Greyvan Lines, decided with United States v. Silk, 331 U.S. 704 (1947), syllabus 3 (replaces Pub
    15-A's Wallace Black, Building 3, whose facts could not be read here; only its last line was stored).

    "Truck drivers who own their own trucks, pay the expenses of their operation, employ and pay their own helpers,
    and receive compensation on a piecework or percentage basis" are independent contractors for Social Security
    taxes. Those four facts give the IRS test four factors toward independent contractor (investment, unreimbursed
    expenses, tools, assistants); it needs five decided, so the engagement stays in review, and the explanation
    names the one question that decides it whatever the answer: who controls the methods (the business: 4-1, a
    margin of 3; the driver: 5-0). The DOL economic-reality profile, which restates the Silk factors, decides
    independent contractor already.
    """
    out = run("TX", answers(
        engagement={"industry": "trucking_delivery"},
        financial_control={"tools_equipment_by": "worker", "worker_investment": "significant",
                           "unreimbursed_business_expenses": "significant",
                           "hires_helpers": "yes_worker_controls_and_pays", "pay_basis": "percentage_of_revenue"},
    ))
    irs = pick_test(out, "irs_common_law")
    assert irs["result"] == "inconclusive"
    for factor_id in ("investment", "unreimbursed_expenses", "tools_and_materials", "assistants"):
        assert factor_of(irs, factor_id)["points_to"] == "independent_contractor", factor_id
    assert pick_test(out, "dol_flsa_economic_reality")["result"] == "independent_contractor"
    assert out["determination"] == "needs_review"
    deciding = out["deciding_questions"]
    assert deciding["fields"] == ["behavioral_control.methods_controlled_by"] and deciding["decides_either_way"]
    assert {o["determination"] for o in deciding["outcomes"]} == {"contractor"}
    assert any("would decide it, whatever the answers: behavioral_control.methods_controlled_by" in r
               for r in out["risk_reasons"])


def test_ccnv_v_reid_sculptor_in_his_own_studio_is_an_independent_contractor_under_the_common_law():
    """Community for Creative Non-Violence v. Reid, 490 U.S. 730 (1989), U.S. Supreme Court, general common law of
    agency (replaces Pub 15-A's Steve Smith, Computer Industry, whose text could not be read here).

    Reid "supplied his own tools, worked in his own studio in another city, was retained for less than two months,
    decided his own work schedule", was paid on completion, had sole discretion over hiring and paying assistants;
    CCNV paid no social security taxes and gave no benefits (Oyez's account of the opinion); CCNV paid for the
    materials and gave input, Reid kept creative control; the agreement was oral. The court: independent
    contractor. Here: six IRS factors toward independent contractor, one (CCNV's materials) toward employee.
    """
    out = run("TX", answers(
        engagement={"work_location": "worker_own_premises_or_home"},
        behavioral_control={"schedule_set_by": "worker", "methods_controlled_by": "worker"},
        financial_control={"tools_equipment_by": "worker", "materials_supplied_by": "hiring_entity",
                           "pay_basis": "flat_fee_per_project", "hires_helpers": "yes_worker_controls_and_pays"},
        relationship={"duration": "single_project", "employee_benefits": "no", "written_contract": "none"},
        independent_business={"business_location": "yes"},
    ))
    irs = pick_test(out, "irs_common_law")
    assert irs["result"] == "independent_contractor"
    for factor_id in ("instructions", "schedule", "method_of_payment", "assistants", "permanency", "work_location"):
        assert factor_of(irs, factor_id)["points_to"] == "independent_contractor", factor_id
    assert factor_of(irs, "tools_and_materials")["points_to"] == "employee"


def test_pub_15a_leased_employees_service_corporation_is_the_employer_of_record():
    """Pub 15-A, section 1 'Leased employees' (with IRC 3401(d)(1)).

    A service corporation furnishes workers to subscribers who specify the services; it hires the workers, has
    the right to control and discharge or reassign them, controls the payment of their wages and provides
    benefits: it is the employer for employment tax purposes. The client directing the daily work is the
    worksite and, under wage-and-hour law, a possible joint employer.
    """
    out = run("TX", answers(
        engagement={"arrangement": "staffing_firm_placement", "work_location": "hiring_entity_premises",
                    "work_in_usual_course_of_hiring_business": "yes", "integral_to_hiring_business": "yes"},
        behavioral_control={"schedule_set_by": "hiring_entity", "methods_controlled_by": "hiring_entity",
                            "supervision": "close", "training_by_hiring_entity": "methods_training"},
        financial_control={"pay_basis": "hourly", "paid_by": "staffing_firm", "worker_investment": "none",
                           "tools_equipment_by": "hiring_entity", "profit_or_loss_opportunity": "none"},
        relationship={"employee_benefits": "yes", "duration": "indefinite_continuing",
                      "written_contract": "employment"},
    ))
    assert out["determination"] == "leased_employee"
    assert out["risk"] == "low"
    assert out["employer"] == {
        "party": "staffing_firm", "worksite": "client", "joint_employer": "possible",
        "explanation": out["employer"]["explanation"]}
    assert "3401(d)(1)" in out["employer"]["explanation"]
    assert out["tax_treatment"] == "w2_employee"


@pytest.mark.parametrize("category, expected", [
    ("agent_or_commission_driver", "statutory_employee"),
    ("traveling_or_city_salesperson", "statutory_employee"),
])
def test_statutory_employee_needs_personal_services_no_investment_and_a_continuing_relationship(category, expected):
    """Pub 15-A 'Statutory Employees': a driver distributing beverages on commission (or a traveling salesperson)
    is a statutory employee when the services are personal, there is no substantial investment other than
    transportation, and the relationship is continuing. FICA applies; income tax is not withheld.
    """
    base = dict(engagement={"industry": "trucking_delivery"},
                financial_control={"hires_helpers": "no", "worker_investment": "minor", "pay_basis": "commission"},
                relationship={"duration": "indefinite_continuing"},
                state_specific={"irs_statutory_category": category})
    out = run("TX", answers(**base))
    stat = pick_test(out, "irs_statutory_employee")
    assert stat["result"] == expected and stat["role"] == "decisive"
    assert out["tax_treatment"] == "statutory_employee"
    assert out["determination"] == "leased_employee"
    # A single project breaks the continuing-relationship condition: no longer a statutory employee.
    base["relationship"] = {"duration": "single_project"}
    stat = pick_test(run("TX", answers(**base)), "irs_statutory_employee")
    assert stat["result"] == "inconclusive" and stat["role"] == "comparison"
    assert factor_of(stat, "continuing_relationship")["points_to"] == "independent_contractor"


def test_licensed_real_estate_agent_paid_on_commission_with_written_contract_is_a_statutory_nonemployee():
    """Pub 15-A 'Statutory Nonemployees' (IRC 3508): licensed real estate agents whose pay is substantially all
    tied to sales and who have a written contract saying they are not treated as employees."""
    out = run("TX", answers(
        financial_control={"pay_basis": "commission"}, relationship={"contract_says_ic": "yes"},
        state_specific={"irs_statutory_category": "licensed_real_estate_agent"}))
    stat = pick_test(out, "irs_statutory_employee")
    assert stat["result"] == "independent_contractor" and stat["role"] == "decisive"
