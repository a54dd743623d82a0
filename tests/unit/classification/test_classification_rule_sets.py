"""The rule sets are data: every reference test exists, bad files are refused with every problem named, and a new
version takes over from its effective date."""
from __future__ import annotations

import copy
import datetime as dt

import pytest

from backoffice.classification.engine.classify import classify
from backoffice.classification.engine.rulesets import (
    TEST_IDS, RuleSetError, build_catalog, default_catalog, read_rule_files)

REFERENCE_IDS = ("irs_common_law irs_statutory_employee dol_flsa_economic_reality dol_flsa_2024_six_factor "
                 "dol_flsa_enforcement_fs13_2008 dol_flsa_2026_proposed_core_factors ca_abc ca_borello ca_prop22 "
                 "ma_abc nj_abc il_abc_unemployment il_iwpca il_eca_construction").split()


def test_test_identifiers_are_exactly_the_reference_list_and_each_has_a_rule_set():
    """worker-classification.md, 'Test identifiers'. dol_flsa_economic_reality is the name of the in-force
    profile, not a rule file of its own."""
    assert list(TEST_IDS) == REFERENCE_IDS
    catalog = default_catalog()
    assert set(catalog.rule_sets) == set(REFERENCE_IDS) - {"dol_flsa_economic_reality"}
    for versions in catalog.rule_sets.values():
        for rs in versions:
            assert rs.sources and all(s["citation"] for s in rs.sources)
            assert rs.status in ("in_force", "enforcement_guidance", "proposed")


def test_a_broken_rule_file_is_refused_with_every_problem_named():
    files = read_rule_files()
    bad = copy.deepcopy(files["irs_common_law.2025-1.json"])
    bad["sources"] = []
    bad["factors"][0]["cases"][0]["when"] = {"field": "behavioral_control.mood", "in": ["happy"]}
    bad["factors"][1]["cases"][0]["when"] = {"field": "behavioral_control.schedule_set_by", "in": ["the moon"]}
    bad["factors"][2]["cases"][0]["points_to"] = "maybe"
    bad["factors"][3]["cases"][0]["when"] = {"python": "__import__('os')"}
    bad["decision"] = {"method": "eval"}
    files["irs_common_law.2025-1.json"] = bad
    with pytest.raises(RuleSetError) as caught:
        build_catalog(files)
    text = " | ".join(caught.value.problems)
    for expected in ("sources: at least one", "unknown field 'behavioral_control.mood'",
                     "'the moon' is not a value of behavioral_control.schedule_set_by", "points_to: must be one of",
                     "expected 'field' with one of", "decision.method: must be one of"):
        assert expected in text, expected
    assert len(caught.value.problems) == 6


def test_overlapping_versions_of_one_test_are_refused():
    files = read_rule_files()
    second = copy.deepcopy(files["irs_common_law.2025-1.json"])
    second["version"] = "2027-1"
    second["effective_from"] = "2027-01-01"
    files["irs_common_law.2027-1.json"] = second
    with pytest.raises(RuleSetError, match="versions 2025-1 and 2027-1 overlap"):
        build_catalog(files)


def test_a_new_version_takes_over_from_its_effective_date():
    """docs/classification.md 'Adding a version': close the old version the day before, add the new file."""
    files = read_rule_files()
    old = files["irs_common_law.2025-1.json"]
    old["effective_to"] = "2026-12-31"
    new = copy.deepcopy(old)
    new.update(version="2027-1", effective_from="2027-01-01", effective_to=None)
    # The new version (hypothetically) stops counting who pays for materials.
    for f in new["factors"]:
        if f["id"] == "tools_and_materials":
            f["weight"] = 0
    files["irs_common_law.2027-1.json"] = new
    catalog = build_catalog(files)
    assert catalog.version_on("irs_common_law", dt.date(2026, 12, 31)).version == "2025-1"
    assert catalog.version_on("irs_common_law", dt.date(2027, 1, 1)).version == "2027-1"
    payload = {"work_state": "TX", "answers": {}}
    before = classify(dict(payload, as_of_date="2026-12-31"), catalog=catalog)
    after = classify(dict(payload, as_of_date="2027-01-01"), catalog=catalog)
    assert before["rule_set_versions"]["irs_common_law"] == "2025-1"
    assert after["rule_set_versions"]["irs_common_law"] == "2027-1"


def test_a_test_with_no_version_for_the_date_is_left_out_with_a_note():
    """Prop 22 took effect Dec. 16, 2020: a California assessment dated before then cannot apply it."""
    out = classify({"work_state": "CA", "as_of_date": "2020-12-15", "answers": {
        "state_specific": {"ca_exemption_claimed": "prop22_app_based_driver_bp_7451"}}})
    assert "ca_prop22" not in [t["id"] for t in out["tests"]]
    assert "No version of ca_prop22 covers 2020-12-15; it was not applied." in out["notes"]


@pytest.mark.parametrize("state, expected", [
    ("TX", {"irs_common_law", "irs_statutory_employee", "dol_flsa_economic_reality", "dol_flsa_2024_six_factor",
            "dol_flsa_2026_proposed_core_factors"}),
    ("CA", {"ca_abc"}), ("MA", {"ma_abc"}), ("NJ", {"nj_abc"}), ("IL", {"il_abc_unemployment", "il_iwpca"}),
])
def test_tests_applied_by_work_state(state, expected):
    """Federal tests everywhere; ABC tests only in CA, MA, NJ and IL (Borello, Prop 22 and the construction
    act only when their conditions call for them)."""
    ids = {t["id"] for t in classify({"work_state": state, "as_of_date": "2026-11-22", "answers": {}})["tests"]}
    federal = {"irs_common_law", "irs_statutory_employee", "dol_flsa_economic_reality", "dol_flsa_2024_six_factor",
               "dol_flsa_2026_proposed_core_factors"}
    assert ids == (expected | federal)


def test_every_rev_rul_87_41_factor_is_read_by_the_irs_common_law_rule_set():
    """worker-classification.md maps each Rev. Rul. 87-41 factor to a schema field (instructions ->
    methods_controlled_by, ..., right to discharge/quit -> termination, liable_if_quits_before_completion). The IRS
    rule set must read every one of them, so none of the twenty factors is silently dropped."""
    rev_rul_fields = {
        "behavioral_control.methods_controlled_by", "behavioral_control.training_by_hiring_entity",
        "engagement.integral_to_hiring_business", "financial_control.hires_helpers", "relationship.duration",
        "behavioral_control.schedule_set_by", "relationship.exclusivity", "engagement.work_location",
        "behavioral_control.reporting_required", "financial_control.pay_basis",
        "financial_control.unreimbursed_business_expenses", "financial_control.tools_equipment_by",
        "financial_control.worker_investment", "financial_control.profit_or_loss_opportunity",
        "independent_business.other_clients", "independent_business.advertises_or_markets",
        "relationship.termination", "relationship.liable_if_quits_before_completion",
    }
    irs = default_catalog().version_on("irs_common_law", dt.date(2026, 11, 22))
    read = {path for f in irs.factors for path in f.fields}
    assert rev_rul_fields - read == set()
