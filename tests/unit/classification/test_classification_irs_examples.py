"""IRS Publication 15-A industry examples and the leased-employee rule, run through the whole engine.

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
    obtained through advertisements. Publication: Vera is an independent contractor.
    """
    out = run("TX", answers(
        engagement={"industry": "construction", "work_location": "customer_or_client_premises",
                    "integral_to_hiring_business": "no"},
        behavioral_control={"methods_controlled_by": "worker", "schedule_set_by": "worker",
                            "supervision": "results_only"},
        financial_control={"pay_basis": "flat_fee_per_project", "profit_or_loss_opportunity":
                           "managerial_skill_or_investment", "tools_equipment_by": "worker"},
        relationship={"duration": "single_project", "exclusivity": "non_exclusive"},
        independent_business={"other_clients": "yes", "advertises_or_markets": "yes",
                              "own_business_name_or_entity": "yes", "skill": "specialized_used_business_like"},
    ))
    assert out["determination"] == "contractor"
    irs = pick_test(out, "irs_common_law")
    assert irs["result"] == "independent_contractor"
    assert factor_of(irs, "services_to_market")["points_to"] == "independent_contractor"
    assert factor_of(irs, "services_to_market")["answers"] == {
        "independent_business.advertises_or_markets": "yes", "independent_business.other_clients": "yes"}


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


def test_wallace_black_hourly_carpenter_with_company_approved_helpers_is_an_employee():
    """Pub 15-A, Building and Construction Industry, Example 3 (the excerpt retrieved ends "...Black and his
    assistants are employees of the Sawdust Co."; the facts are from the publication as recalled).

    Wallace Black supplies the construction labor for Sawdust Co., which pays all construction costs; he is paid
    an hourly wage, the company may select, approve or discharge any helper, makes frequent inspections, is
    reimbursed for the weekly statement of what he spent, and he is not responsible for defects.
    """
    out = run("TX", answers(
        engagement={"industry": "construction", "work_in_usual_course_of_hiring_business": "yes"},
        behavioral_control={"supervision": "periodic_inspection_or_review", "reporting_required": "yes"},
        financial_control={"pay_basis": "hourly", "hires_helpers": "yes_hiring_entity_controls",
                           "unreimbursed_business_expenses": "none", "liable_for_defects_or_losses": "no",
                           "profit_or_loss_opportunity": "none", "tools_equipment_by": "worker"},
    ))
    irs = pick_test(out, "irs_common_law")
    assert irs["result"] == "employee"
    # Supplying his own tools points the other way, but it does not outweigh the rest.
    assert factor_of(irs, "tools_and_materials")["points_to"] == "independent_contractor"
    assert out["determination"] == "leased_employee"


def test_steve_smith_laid_off_programmer_on_fixed_price_project_at_home_is_a_contractor():
    """Pub 15-A, Computer Industry example (facts as recalled; the text could not be retrieved to re-check).

    Steve Smith, laid off by Megabyte, Inc., is paid a flat amount for a one-time project, with no guaranteed
    minimum for his hours and no instructions beyond the product specifications; a written contract says he is
    an independent contractor with no benefits; he works at home on his own $7,000 computer and does not attend
    the company's meetings. Publication: Steve is an independent contractor.
    """
    out = run("TX", answers(
        engagement={"industry": "software_it", "work_location": "worker_own_premises_or_home"},
        behavioral_control={"methods_controlled_by": "worker", "supervision": "results_only",
                            "schedule_set_by": "worker", "training_by_hiring_entity": "none",
                            "reporting_required": "no"},
        financial_control={"pay_basis": "flat_fee_per_project", "tools_equipment_by": "worker",
                           "worker_investment": "significant", "profit_or_loss_opportunity":
                               "managerial_skill_or_investment"},
        relationship={"written_contract": "ic_agreement", "contract_says_ic": "yes", "employee_benefits": "no",
                      "duration": "single_project"},
        independent_business={"previously_employee_of_hiring_entity": "yes",
                              "skill": "specialized_used_business_like"},
    ))
    irs = pick_test(out, "irs_common_law")
    assert irs["result"] == "independent_contractor"
    assert factor_of(irs, "work_location")["points_to"] == "independent_contractor"
    assert out["determination"] == "contractor"


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
