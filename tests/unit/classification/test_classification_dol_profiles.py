"""The three DOL FLSA profiles: which one is in force on a date, and what each says (FAB 2025-1, Fact Sheet #13,
29 CFR 795, the Feb. 2026 NPRM)."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings, strategies as st

from backoffice.classification.engine.questionnaire import SCHEMA
from tests.unit.classification.helpers import answers, factor_of, run

DOL_IDS = {"dol_flsa_economic_reality", "dol_flsa_2024_six_factor", "dol_flsa_enforcement_fs13_2008",
           "dol_flsa_2026_proposed_core_factors"}


def dol_tests(out: dict) -> dict[str, dict]:
    return {t["id"]: t for t in out["tests"] if t["id"] in DOL_IDS}


@pytest.mark.parametrize("as_of, in_force_profile", [
    ("2024-03-11", "dol_flsa_2024_six_factor"),        # 89 FR 1638: effective Mar. 11, 2024
    ("2025-04-30", "dol_flsa_2024_six_factor"),        # last day before FAB 2025-1
    ("2025-05-01", "dol_flsa_enforcement_fs13_2008"),  # FAB 2025-1: WHD enforces under Fact Sheet #13 from May 1
    ("2026-11-22", "dol_flsa_enforcement_fs13_2008"),  # no final rule found: the 2026 NPRM is only a proposal
])
def test_the_profile_in_force_is_chosen_by_the_assessment_date_and_the_others_are_comparisons(as_of,
                                                                                              in_force_profile):
    """The reference: 2024 rule effective Mar. 11, 2024; WHD stopped applying it on May 1, 2025 (FAB 2025-1) and
    uses Fact Sheet #13; the Feb. 27, 2026 NPRM is not law. Exactly one profile is in force and is reported as
    dol_flsa_economic_reality; the other two keep their own ids, in_force false, for comparison."""
    tests = dol_tests(run("TX", answers(), as_of=as_of))
    current = tests["dol_flsa_economic_reality"]
    assert current["profile"] == in_force_profile and current["in_force"] is True and current["role"] == "decisive"
    others = set(tests) - {"dol_flsa_economic_reality"}
    assert others == DOL_IDS - {"dol_flsa_economic_reality", in_force_profile}
    assert all(tests[o]["in_force"] is False and tests[o]["role"] == "comparison" for o in others)


def test_before_the_2024_rule_no_stored_profile_is_in_force_and_the_note_says_so():
    """Before Mar. 11, 2024 (the 2021 rule and earlier guidance) no profile is stored as in force: all three are
    shown for comparison and the output says so, rather than pretending."""
    out = run("TX", answers(), as_of="2023-06-01")
    assert "dol_flsa_economic_reality" not in dol_tests(out)
    assert any("No dol_flsa_economic_reality profile is in force on 2023-06-01" in n for n in out["notes"])


def test_2024_rule_earning_more_by_working_more_hours_is_not_managerial_profit():
    """29 CFR 795.110(b)(1): a worker whose only way to earn more is to work more hours or jobs does not have an
    opportunity for profit or loss based on managerial skill; that factor points to employee status."""
    out = run("TX", answers(financial_control={"profit_or_loss_opportunity": "more_hours_or_jobs_only"}),
              as_of="2024-06-01")
    f = factor_of(dol_tests(out)["dol_flsa_economic_reality"], "profit_or_loss")
    assert f["points_to"] == "employee" and "does not count" in f["finding"]


def test_2024_rule_compares_investments_relative_to_the_business():
    """29 CFR 795.110(b)(2): the worker's investment is compared with the potential employer's; a significant
    investment that is much smaller than the business's does not indicate independence."""
    ans = answers(financial_control={"worker_investment": "significant",
                                     "worker_investment_relative_to_entity": "much_smaller"})
    out = run("TX", ans, as_of="2024-06-01")
    assert factor_of(dol_tests(out)["dol_flsa_economic_reality"], "investments")["points_to"] == "employee"
    # Fact Sheet #13 has no relative comparison: the same significant investment points to independence.
    fs13 = dol_tests(run("TX", ans))["dol_flsa_economic_reality"]
    assert factor_of(fs13, "investment")["points_to"] == "independent_contractor"


def test_fact_sheet_13_lists_seven_factors_and_the_immaterial_facts():
    """Fact Sheet #13 (2008): seven factors; place of work, absence of a formal agreement, state or local
    licensing and the time or mode of pay are immaterial."""
    fs13 = dol_tests(run("TX", answers()))["dol_flsa_economic_reality"]
    counted = [f for f in fs13["factors"] if f["counts"]]
    assert len(counted) == 7
    note = factor_of(fs13, "immaterial_facts")
    assert note["counts"] is False and note["points_to"] == "neutral"
    assert set(note["answers"]) == {"engagement.work_location", "relationship.written_contract",
                                    "independent_business.licensed_or_registered", "financial_control.pay_basis"}


values = lambda group, name: st.sampled_from(SCHEMA[group][name])  # noqa: E731


@settings(max_examples=60, deadline=None)
@given(location=values("engagement", "work_location"), contract=values("relationship", "written_contract"),
       licensed=values("independent_business", "licensed_or_registered"),
       pay=values("financial_control", "pay_basis"))
def test_fact_sheet_13_result_does_not_depend_on_its_immaterial_facts(location, contract, licensed, pay):
    """Property: under Fact Sheet #13 the four immaterial facts never change the result."""
    base = dict(behavioral_control={"methods_controlled_by": "worker", "schedule_set_by": "negotiated"},
                financial_control={"worker_investment": "minor"}, relationship={"duration": "sporadic"},
                engagement={"integral_to_hiring_business": "no"})
    varied = answers(**{g: dict(v) for g, v in base.items()})
    varied["engagement"]["work_location"] = location
    varied["relationship"]["written_contract"] = contract
    varied["independent_business"] = {"licensed_or_registered": licensed}
    varied["financial_control"]["pay_basis"] = pay
    a = dol_tests(run("TX", answers(**base)))["dol_flsa_economic_reality"]
    b = dol_tests(run("TX", varied))["dol_flsa_economic_reality"]
    assert a["result"] == b["result"]


@settings(max_examples=60, deadline=None)
@given(skill=values("independent_business", "skill"), duration=values("relationship", "duration"),
       integral=values("engagement", "integral_to_hiring_business"),
       location=values("engagement", "work_location"))
def test_2026_proposal_when_both_core_factors_agree_the_other_factors_cannot_change_the_result(
        skill, duration, integral, location):
    """The Feb. 2026 NPRM: when control and profit-or-loss both point the same way there is a substantial
    likelihood that is the right classification; skill, permanence and integration are less probative."""
    core_ic = dict(behavioral_control={"methods_controlled_by": "worker", "schedule_set_by": "worker",
                                       "supervision": "results_only"},
                   financial_control={"profit_or_loss_opportunity": "managerial_skill_or_investment"})
    ans = answers(**core_ic, independent_business={"skill": skill}, relationship={"duration": duration},
                  engagement={"integral_to_hiring_business": integral, "work_location": location})
    proposal = dol_tests(run("TX", ans))["dol_flsa_2026_proposed_core_factors"]
    assert proposal["result"] == "independent_contractor"
    assert proposal["status"] == "proposed" and proposal["effective_from"] is None


def test_2024_profile_window_is_inclusive_at_both_ends():
    """House rule 8: effective dates are inclusive ranges (Mar. 11, 2024 through Apr. 30, 2025)."""
    for day, expected in ((dt.date(2024, 3, 10), False), (dt.date(2024, 3, 11), True),
                          (dt.date(2025, 4, 30), True), (dt.date(2025, 5, 1), False)):
        tests = dol_tests(run("TX", answers(), as_of=day.isoformat()))
        current = tests.get("dol_flsa_economic_reality", {})
        assert (current.get("profile") == "dol_flsa_2024_six_factor") is expected, day


def test_2024_preamble_landscaper_who_only_earns_more_by_working_more_is_an_employee_on_profit_or_loss():
    """89 FR 1638 (2024 final rule preamble), opportunity-for-profit-or-loss example: a landscaping worker who does
    not independently choose assignments, solicit work from other clients, advertise, or try to reduce costs has
    earnings that only fluctuate with the work available and their willingness to work more; that indicates
    employee status on this factor."""
    out = run("TX", answers(
        engagement={"industry": "landscaping"},
        behavioral_control={"may_decline_assignments": "no"},
        financial_control={"profit_or_loss_opportunity": "more_hours_or_jobs_only", "pay_rate_set_by": "hiring_entity",
                           "hires_helpers": "no"},
        independent_business={"advertises_or_markets": "no", "other_clients": "no"},
    ), as_of="2024-06-01")
    rule = dol_tests(out)["dol_flsa_economic_reality"]
    assert rule["profile"] == "dol_flsa_2024_six_factor"
    f = factor_of(rule, "profit_or_loss")
    assert f["points_to"] == "employee"
    assert f["answers"]["financial_control.profit_or_loss_opportunity"] == "more_hours_or_jobs_only"
    assert factor_of(rule, "control")["points_to"] == "employee"  # cannot turn down assignments
