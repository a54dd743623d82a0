"""The determination, risk and employer policy (docs/classification.md, 'Determination'), table-driven over
synthetic test results so each rule is checked on its own."""
from __future__ import annotations

import datetime as dt

import pytest

from backoffice.classification.engine.determination import FactorResult, TestResult, determine, find_employer
from backoffice.classification.engine.questionnaire import parse_answers
from backoffice.classification.engine.rulesets import default_catalog

DAY = dt.date(2026, 11, 22)


def result(test_id: str, outcome: str, role: str = "decisive", leaning: tuple[str, ...] = ()) -> TestResult:
    catalog = default_catalog()
    rule_set = catalog.version_on(test_id, DAY) or catalog.latest(test_id)
    factors = tuple(FactorResult(f"f{i}", "t", "finding", d, {}, True, 1) for i, d in enumerate(leaning))
    return TestResult(test_id, rule_set.version, rule_set.title, "", outcome, role, True, "", factors, rule_set)


@pytest.mark.parametrize("tests, determination, risk", [
    # every decisive test finds an employee
    ([result("irs_common_law", "employee", leaning=("employee",))], "leased_employee", "low"),
    # a statutory employee counts as an employee
    ([result("irs_common_law", "inconclusive"), result("irs_statutory_employee", "statutory_employee")],
     "leased_employee", "medium"),
    # one state test finds an employee, the IRS a contractor: employment satisfies both, but the risk is medium
    ([result("irs_common_law", "independent_contractor"), result("ca_abc", "employee", leaning=("employee",))],
     "leased_employee", "medium"),
    # an ABC employee by presumption only (no prong actually failed)
    ([result("ca_abc", "employee", leaning=("neutral", "independent_contractor"))], "leased_employee", "medium"),
    # all decisive tests find a contractor and nothing leans the other way
    ([result("irs_common_law", "independent_contractor", leaning=("independent_contractor",))], "contractor", "low"),
    # contractor, but a decisive test has a factor pointing to employment
    ([result("irs_common_law", "independent_contractor", leaning=("independent_contractor", "employee"))],
     "contractor", "medium"),
    # contractor, but a comparison standard (e.g. the 2024 rule private litigants invoke) finds an employee
    ([result("irs_common_law", "independent_contractor"),
      result("dol_flsa_2024_six_factor", "employee", role="comparison")], "contractor", "high"),
    # nothing decided and nothing points to employment
    ([result("irs_common_law", "inconclusive"), result("nj_abc", "independent_contractor")], "needs_review", "high"),
    ([], "needs_review", "high"),
])
def test_determination_and_risk(tests, determination, risk):
    got_determination, got_risk, reasons = determine(tests)
    assert (got_determination, got_risk) == (determination, risk)
    assert bool(reasons) is (risk != "low")


@pytest.mark.parametrize("determination, engagement, paid_by, control, expected", [
    ("leased_employee", "staffing_firm_placement", "staffing_firm", "hiring_entity",
     ("staffing_firm", "client", "possible")),
    ("leased_employee", "staffing_firm_placement", "staffing_firm", "worker", ("staffing_firm", "client", "unlikely")),
    ("leased_employee", "staffing_firm_placement", "not_stated", "worker", ("staffing_firm", "client", "unlikely")),
    ("leased_employee", "direct", "hiring_entity", "hiring_entity", ("hiring_entity", None, None)),
    ("leased_employee", "platform_or_referral", "platform", "worker", ("platform", None, None)),
    ("contractor", "staffing_firm_placement", "staffing_firm", "worker", ("none", None, None)),
    ("needs_review", "direct", "hiring_entity", "worker", ("undetermined", None, None)),
])
def test_who_employs_whom(determination, engagement, paid_by, control, expected):
    """IRC 3401(d)(1): the person controlling the payment of wages is the employer for withholding, so a staffing
    firm paying a placed worker is the W-2 employer of record; the client directing the work is the worksite and
    a possible joint employer. A contractor has no employer."""
    answers, issues = parse_answers({"engagement": {"arrangement": engagement},
                                     "financial_control": {"paid_by": paid_by},
                                     "behavioral_control": {"schedule_set_by": control}})
    assert issues == []
    employer = find_employer(determination, answers)
    assert (employer.party, employer.worksite, employer.joint_employer) == expected
