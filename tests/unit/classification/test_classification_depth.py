"""Issue 20: the ABC threshold step, derived factors, the questions that would decide a review, and coverage."""
from __future__ import annotations

import copy
import datetime
import json
from dataclasses import replace
from types import MappingProxyType

import pytest
from click.testing import CliRunner

from backoffice.classification.cli_engine import classify_cmd
from backoffice.classification.engine.deciding import DEFAULT_BUDGET, find_deciding_set
from backoffice.classification.engine.determination import AssessmentRequest, _tests_for, determine
from backoffice.classification.engine.questionnaire import allowed_values, parse_answers
from backoffice.classification.engine.rulesets import (
    RuleSetError, build_catalog, coverage, default_catalog, read_rule_files)
from tests.unit.classification.helpers import answers, factor_of, pick_test, run

ABC_TESTS = ("ca_abc", "ma_abc", "nj_abc", "il_abc_unemployment", "il_iwpca", "il_eca_construction")


# ------------------------------------------------------------------ point 1: the threshold step
def test_a_business_that_only_serves_the_worker_is_not_an_employer_under_massachusetts_law_even_if_a_prong_fails():
    """Sebago, 471 Mass. 321, 329-332 (2015): no service to the garage, so the prongs are never reached. The close
    supervision answered here would fail prong 1, but it is not applied: every prong is shown with counts false."""
    out = run("MA", answers(engagement={"worker_serves_hiring_entity": "no_only_serves_the_worker"},
                            behavioral_control={"supervision": "close"}))
    ma = pick_test(out, "ma_abc")
    assert ma["result"] == "independent_contractor"
    assert ma["threshold"]["met"] is False
    assert "Threshold not met" in ma["explanation"]
    assert [f["counts"] for f in ma["factors"]] == [False, False, False]
    assert factor_of(ma, "prong_1_free_from_control")["finding"].startswith("Not applied")


def test_a_lessor_only_relationship_fails_the_threshold_in_every_abc_jurisdiction():
    """Each ABC rule set carries the same step, defined by its own statute (MA 148B(a) 'performing any service',
    CA Lab. Code 2775(b)(1) 'providing labor or services', NJ 43:21-19(i)(6), IL 405/212, 115/2, 185/10)."""
    lessor = answers(engagement={"worker_serves_hiring_entity": "no_only_leases_or_licenses_to_worker",
                                 "industry": "construction"})
    seen = set()
    for state in ("MA", "CA", "NJ", "IL"):
        for t in run(state, lessor)["tests"]:
            if t["id"] in ABC_TESTS:
                assert t["threshold"]["met"] is False and t["result"] == "independent_contractor", t["id"]
                seen.add(t["id"])
    assert seen == set(ABC_TESTS)


def test_the_threshold_is_treated_as_met_until_answered_so_existing_outcomes_do_not_move():
    """No answer about the service relationship: the step is met and a failed prong still makes an employee."""
    out = run("MA", answers(engagement={"work_in_usual_course_of_hiring_business": "yes"}))
    ma = pick_test(out, "ma_abc")
    assert ma["threshold"]["met"] is True and ma["result"] == "employee"
    assert ma["threshold"]["finding"].startswith("Treated as met")


def test_a_lease_arrangement_flags_the_threshold_question_without_deciding_it():
    """A lease and fares-minus-lease-fee pay may mean no service at all (Sebago), but the SJC found the drivers
    arguably served the medallion owners, so the engine asks rather than decides."""
    out = run("MA", answers(engagement={"arrangement": "lease_or_franchise"},
                            financial_control={"pay_basis": "fares_minus_lease_fee"}))
    step = pick_test(out, "ma_abc")["threshold"]
    assert step["met"] is True and "Answer whether the worker does work for this business" in step["finding"]


def test_each_threshold_names_its_law_and_the_uncertain_ones_say_so():
    """Massachusetts' step rests on Sebago (read in the stored pages); the others quote statutes (checked against
    stored copies, except New Jersey's, read through its regulation) with no case on a lessor-only relationship,
    and are marked uncertain."""
    rows = {r["test"]: r for r in coverage(default_catalog())}
    assert "Sebago" in rows["ma_abc"]["threshold"]
    tests = {t["id"]: t for s in ("MA", "CA", "NJ", "IL") for t in run(s, answers(
        engagement={"industry": "construction"}))["tests"]}
    assert "uncertain" not in tests["ma_abc"]["threshold"]
    for test_id in ("ca_abc", "nj_abc", "il_abc_unemployment", "il_iwpca", "il_eca_construction"):
        assert tests[test_id]["threshold"]["uncertain"].startswith("uncertain"), test_id
    assert "2775(b)(1)" in tests["ca_abc"]["threshold"]["law"]


# ------------------------------------------------------------------ points 2 and 3: derived factors
def test_an_unanswered_dol_control_factor_is_derived_from_who_sets_the_rate_and_marked_so():
    """29 CFR 795.110(b)(4): control includes control over prices or rates for services. Only the rate question
    is answered (by the business), so the FS13 control factor reads it and says where it came from."""
    out = run("TX", answers(financial_control={"pay_rate_set_by": "hiring_entity"}))
    control = factor_of(pick_test(out, "dol_flsa_economic_reality"), "control")
    assert control["points_to"] == "employee"
    assert control["derived_from"] == ["financial_control.pay_rate_set_by"]
    assert "795.110(b)(4)" in control["derivation_source"]
    assert control["finding"].startswith("Derived from other answers (financial_control.pay_rate_set_by)")
    assert control["answers"]["financial_control.pay_rate_set_by"] == "hiring_entity"


def test_the_factors_own_answer_wins_over_a_derivation():
    """The business directs the methods (FS13 control: employee, from its own question); the rate and marketing
    answers that would derive the opposite are not used."""
    out = run("TX", answers(behavioral_control={"methods_controlled_by": "hiring_entity"},
                            financial_control={"pay_rate_set_by": "worker"},
                            independent_business={"advertises_or_markets": "yes"}))
    control = factor_of(pick_test(out, "dol_flsa_economic_reality"), "control")
    assert control["points_to"] == "employee" and "derived_from" not in control


def test_statutory_employee_conditions_are_derived_and_decide():
    """Pub 15-A section 1: a commission driver whose three conditions are established by other answers
    (methods training -> personal services, Rev. Rul. 87-41 factor 5; the payer's equipment -> no substantial
    investment; exclusive in practice -> continuing) is a statutory employee."""
    out = run("TX", answers(behavioral_control={"training_by_hiring_entity": "methods_training"},
                            financial_control={"tools_equipment_by": "hiring_entity"},
                            relationship={"exclusivity": "exclusive_in_practice"},
                            state_specific={"irs_statutory_category": "agent_or_commission_driver"}))
    stat = pick_test(out, "irs_statutory_employee")
    assert stat["result"] == "statutory_employee" and stat["role"] == "decisive"
    for fid in ("personal_services", "no_substantial_investment", "continuing_relationship"):
        assert factor_of(stat, fid)["derived_from"], fid
    assert out["tax_treatment"] == "statutory_employee"


def test_a_derivation_that_reads_its_factors_own_question_is_refused():
    files = copy.deepcopy(read_rule_files())
    files["derivations.json"]["derivations"][0]["cases"][0]["when"] = {
        "field": "financial_control.hires_helpers", "in": ["yes_worker_controls_and_pays"]}
    with pytest.raises(RuleSetError) as caught:
        build_catalog(files)
    assert any("already reads" in p and "profit_or_loss" in p for p in caught.value.problems)


def test_every_derivation_cites_dol_or_irs_text():
    for entry in read_rule_files()["derivations.json"]["derivations"]:
        assert any(s in entry["citation"] for s in ("29 CFR 795.110", "Publication 15-A")), entry["id"]
        assert entry["text"].strip()


# ------------------------------------------------------------------ point 4: the questions that would decide it
def test_needs_review_names_the_single_question_that_decides_it_and_what_each_answer_gives():
    """Donna Lee (Pub 15-A, Automobile 1) without the methods answer: IRS has 4 employee factors (schedule,
    reports, benefits, location) of the 5 it needs; FS13 has 2 of 3. Methods by the business gives IRS 5-0
    (employee); methods by the worker gives 4-1, a margin of 3 (employee). Either way: leased employee."""
    out = run("TX", answers(engagement={"work_location": "hiring_entity_premises"},
                            behavioral_control={"schedule_set_by": "hiring_entity", "reporting_required": "yes"},
                            relationship={"employee_benefits": "yes", "exclusivity": "exclusive_in_practice"}))
    assert out["determination"] == "needs_review"
    d = out["deciding_questions"]
    assert d["fields"] == ["behavioral_control.methods_controlled_by"] and d["decides_either_way"] is True
    assert {o["answers"]["behavioral_control.methods_controlled_by"]: o["determination"] for o in d["outcomes"]} == {
        "hiring_entity": "leased_employee", "worker": "leased_employee"}
    assert any("would decide it, whatever the answers: behavioral_control.methods_controlled_by" in r
               for r in out["risk_reasons"])


def test_no_single_unanswered_question_decides_a_case_the_engine_says_needs_several():
    """Checked by brute force with the engine's own evaluation: for the Vera Elm facts (Pub 15-A, Building 5)
    no single unanswered question decides every way, and the one offered decides for some answers only."""
    raw = answers(financial_control={"pay_basis": "flat_fee_per_project",
                                     "profit_or_loss_opportunity": "managerial_skill_or_investment"},
                  relationship={"written_contract": "project_contract"},
                  independent_business={"other_clients": "yes", "advertises_or_markets": "yes"})
    out = run("TX", raw)
    d = out["deciding_questions"]
    assert out["determination"] == "needs_review" and d["decides_either_way"] is False
    assert {o["determination"] for o in d["outcomes"]} >= {"needs_review", "contractor"}
    parsed, _ = parse_answers(raw)
    catalog = default_catalog()
    base = dict(parsed.values)
    for path in [p for p, v in base.items() if v == "not_stated" and allowed_values(p)]:
        results = set()
        for value in allowed_values(path):
            if value == "not_stated":
                continue
            trial = replace(parsed, values=MappingProxyType({**base, path: value}))
            tests, _ = _tests_for(catalog, AssessmentRequest("TX", datetime.date(2026, 11, 22), trial))
            results.add(determine(tests)[0])
        assert "needs_review" in results, path


def test_the_search_finds_the_smallest_pair_when_no_single_question_decides():
    """A synthetic outcome (pure function): decided only when both engagement.industry and relationship.duration
    are answered. Every answer moves the signature (as an answered factor does in the engine); supervision never
    decides. The smallest deciding set is exactly the two, found within the budget."""
    parsed, _ = parse_answers({})
    cands = ["behavioral_control.supervision", "engagement.industry", "relationship.duration"]

    def outcome(a):
        both = a.get("engagement.industry") != "not_stated" and a.get("relationship.duration") != "not_stated"
        return ("contractor" if both else "needs_review"), tuple(a.get(p) for p in cands)

    found = find_deciding_set(parsed, cands, outcome)
    assert found.fields == ("engagement.industry", "relationship.duration") and found.decides_either_way
    industries = len(allowed_values("engagement.industry")) - 1
    durations = len(allowed_values("relationship.duration")) - 1
    assert len(found.outcomes) == industries * durations  # 13 x 5 = 65 combinations, all decided
    assert found.evaluations <= 1 + sum(len(allowed_values(c)) - 1 for c in cands) + DEFAULT_BUDGET


def test_nothing_is_offered_when_no_small_set_can_decide():
    """An empty questionnaire: IRS needs five decided factors, so no one to three answers decide it."""
    out = run("TX", {})
    assert out["determination"] == "needs_review" and out["deciding_questions"] is None
    assert "many more answers are needed" in out["risk_reasons"][-1]


def test_decided_outcomes_carry_no_deciding_questions():
    out = run("TX", copy.deepcopy(_LEASED))
    assert out["determination"] == "leased_employee" and out["deciding_questions"] is None


_LEASED = {
    "engagement": {"arrangement": "staffing_firm_placement", "work_in_usual_course_of_hiring_business": "yes"},
    "behavioral_control": {"schedule_set_by": "hiring_entity", "methods_controlled_by": "hiring_entity",
                           "supervision": "close", "training_by_hiring_entity": "methods_training"},
    "financial_control": {"pay_basis": "hourly", "paid_by": "staffing_firm", "worker_investment": "none"},
    "relationship": {"employee_benefits": "yes", "duration": "indefinite_continuing"},
}


# ------------------------------------------------------------------ point 5: coverage
def test_classify_rules_lists_every_test_jurisdiction_version_and_dates():
    """The 2024 DOL rule runs 2024-03-11 to 2025-04-30 (its file); Fact Sheet #13 from 2025-05-01 (FAB 2025-1)."""
    result = CliRunner().invoke(classify_cmd, ["--rules"])
    assert result.exit_code == 0, result.output
    text = result.output
    for row in coverage(default_catalog()):
        assert row["test"] in text and row["version"] in text
    line = next(x for x in text.splitlines() if x.startswith("dol_flsa_2024_six_factor"))
    assert "every state (federal)" in line and "2024-03-11" in line and "2025-04-30" in line
    assert "threshold: N.J.S.A. 43:21-19(i)(6)" in text
    as_json = json.loads(CliRunner().invoke(classify_cmd, ["--rules", "--format", "json"]).output)
    assert len(as_json) == sum(len(v) for v in default_catalog().rule_sets.values()) == 13
    ma = next(r for r in as_json if r["test"] == "ma_abc")
    assert ma["jurisdictions"] == ["MA"] and ma["effective_from"] == "2004-07-19" and ma["effective_to"] is None


def test_classify_without_input_or_rules_is_a_usage_error():
    result = CliRunner().invoke(classify_cmd, [])
    assert result.exit_code == 2 and "--input" in result.output

