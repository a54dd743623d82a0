"""The carrier bill read cell by cell, reconciled member by member, and the pool split to the cent (pure)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backoffice.errors import ValidationFailed
from benefits.engine.pool import largest_remainder
from benefits.engine.reconcile import TIERS, Coverage, parse_bill, reconcile

D = Decimal
NOV = date(2026, 11, 1)
HEAD = "member_id,last_name,first_name,plan,coverage_tier,coverage_month,premium,adjustment_type\n"


def cov(member_id, tier="employee", premium="600.00", plan_id=1, start=date(2026, 1, 1), end=None, client_id=None):
    w, _, d = member_id[1:].partition("D")
    return Coverage(member_id=member_id, subscriber_id=f"W{w}", worker_id=int(w), dependent_id=int(d) if d else None,
                    first_name="F", last_name=f"L{member_id}", plan_id=plan_id, plan_name="Pooled PPO",
                    coverage_tier=tier, monthly_premium=D(premium) if not d else D("0.00"), start=start, end=end,
                    client_id=client_id)


def lines(text, month=NOV, plan_id=1):
    from dataclasses import replace
    return [replace(ln, plan_id=plan_id) for ln in parse_bill(HEAD + text, month)]


def test_the_tiers_are_the_models_tiers():
    from benefits.models import TIERS as MODEL_TIERS

    assert TIERS == MODEL_TIERS


def test_a_bill_is_read_with_defaults_for_blank_cells():
    """A blank coverage month is the bill's month, a blank adjustment is current, a dependent's blank premium 0."""
    got = parse_bill(HEAD + "W1,Lee,Wen,Pooled PPO,family,,1800.00,\nw1d7,Lee,Ana,Pooled PPO,family,2026-11,,current\n",
                     NOV)
    assert [(ln.row, ln.member_id, ln.coverage_month, ln.premium, ln.adjustment_type) for ln in got] == [
        (2, "W1", NOV, D("1800.00"), "current"), (3, "W1D7", NOV, D("0.00"), "current")]
    assert got[1].subscriber_id == "W1" and got[1].is_dependent


def test_every_bad_cell_is_named_by_row_and_column():
    text = ("W1,Lee,Wen,Pooled PPO,family,2026-11,1800.00,current\n"
            "X9,Kim,,Pooled PPO,family,2026-11,10.00,current\n"           # row 3: member id
            "W2,,Bo,Pooled PPO,gold,2026-13,abc,\n"                        # row 4: last name, tier, month, premium
            "W3,Ng,,Pooled PPO,employee,2026-09,-5.00,retro_term\n"        # fine
            "W4,Ng,,Pooled PPO,employee,2026-11,5.00,retro_add\n"          # row 6: a retro for the bill's month
            "W5,Ng,,Pooled PPO,employee,2026-10,-5.00,current\n"           # row 7: month and negative charge
            "W1,Lee,Wen,pooled ppo,family,2026-11,1800.00,current\n")      # row 8: repeats row 2
    with pytest.raises(ValidationFailed) as exc:
        parse_bill(HEAD + text, NOV)
    assert sorted((i.row, i.field) for i in exc.value.issues) == [
        (3, "member_id"), (4, "coverage_month"), (4, "coverage_tier"), (4, "last_name"), (4, "premium"),
        (6, "coverage_month"), (7, "coverage_month"), (7, "premium"), (8, "member_id")]


def test_a_header_without_a_required_column_or_with_an_unknown_one_is_refused():
    with pytest.raises(ValidationFailed) as exc:
        parse_bill("member_id,last_name,plan,coverage_tier,amount\nW1,Lee,PPO,employee,1\n", NOV)
    assert {(i.row, i.field, i.code) for i in exc.value.issues} == {
        (1, "amount", "unknown_column"), (1, "premium", "missing_column")}
    with pytest.raises(ValidationFailed) as exc:
        parse_bill("", NOV)
    assert exc.value.issues[0].field == "file"


def test_a_bill_with_a_missing_member_an_extra_member_and_a_rate_difference_finds_exactly_those_three():
    """Enrolled in November: W1 employee 600.00, W2 family 1,800.00 with dependents D5 and D6, W3 employee 600.00,
    W4 employee_spouse 1,250.00 with D8. The bill leaves out W3, lists W9 (not enrolled) at 600.00, bills W2 at
    1,850.00, and has W1, W4 and the dependents right. Billed 600 + 1,850 + 1,250 + 600 = 4,300.00; expected
    600 + 1,800 + 600 + 1,250 = 4,250.00; the variances: W3 -600.00, W9 +600.00, W2 +50.00 (sum 50.00 = 4,300 -
    4,250)."""
    expected = {NOV: [cov("W1"), cov("W2", "family", "1800.00"), cov("W2D5", "family"), cov("W2D6", "family"),
                      cov("W3"), cov("W4", "employee_spouse", "1250.00"), cov("W4D8", "employee_spouse")]}
    bill = lines("W1,L,F,Pooled PPO,employee,2026-11,600.00,current\n"
                 "W2,L,F,Pooled PPO,family,2026-11,1850.00,current\n"
                 "W2D5,L,F,Pooled PPO,family,2026-11,0,current\n"
                 "W2D6,L,F,Pooled PPO,family,2026-11,0,current\n"
                 "W4,L,F,Pooled PPO,employee_spouse,2026-11,1250.00,current\n"
                 "W4D8,L,F,Pooled PPO,employee_spouse,2026-11,0,current\n"
                 "W9,L,F,Pooled PPO,employee,2026-11,600.00,current\n")
    r = reconcile(NOV, bill, expected)
    assert [(v.kind, v.member_id, v.amount, v.explained) for v in r.variances] == [
        ("rate_difference", "W2", D("50.00"), False),
        ("enrolled_not_billed", "W3", D("-600.00"), False),
        ("billed_not_enrolled", "W9", D("600.00"), False)]
    assert (r.billed_total, r.expected_total) == (D("4300.00"), D("4250.00"))
    assert sum(v.amount for v in r.variances) == r.billed_total - r.expected_total
    assert r.variances[0].reason == "premium 1,850.00 billed, 1,800.00 by the enrollment"


def test_a_missing_subscriber_carries_their_dependents_in_one_variance_and_a_tier_mismatch_is_a_rate_difference():
    """W2 (family 1,800.00, dependents D5 and D6) is not on the bill at all: one variance -1,800.00 naming both
    dependents. W4 is billed employee_spouse at 1,250.00 but enrolled employee at 600.00: +650.00."""
    expected = {NOV: [cov("W2", "family", "1800.00"), cov("W2D5", "family"), cov("W2D6", "family"), cov("W4")]}
    r = reconcile(NOV, lines("W4,L,F,Pooled PPO,employee_spouse,2026-11,1250.00,current\n"), expected)
    assert [(v.kind, v.member_id, v.amount, v.folded) for v in r.variances] == [
        ("enrolled_not_billed", "W2", D("-1800.00"), ("W2D5", "W2D6")),
        ("rate_difference", "W4", D("650.00"), ())]
    assert r.variances[0].reason.endswith("(with 2 dependents: W2D5, W2D6)")
    assert r.variances[1].reason == ("tier employee_spouse billed, employee enrolled; premium 1,250.00 billed, "
                                     "600.00 by the enrollment")


def test_retro_adds_and_terms_are_explained_when_the_enrollments_agree():
    """November's bill: W1 retro add for September at 600.00 (enrolled from Sep 1: explained); W2 retro add for
    September (enrolled only from October: not explained); W3 retro term credit for September (coverage ended
    Aug 31: explained); W4 retro term for September (still covered: not explained)."""
    sep = date(2026, 9, 1)
    expected = {NOV: [cov("W1", start=sep), cov("W2", start=date(2026, 10, 1))],
                sep: [cov("W1", start=sep), cov("W4")]}
    bill = lines("W1,L,F,Pooled PPO,employee,2026-11,600.00,current\n"
                 "W2,L,F,Pooled PPO,employee,2026-11,600.00,current\n"
                 "W1,L,F,Pooled PPO,employee,2026-09,600.00,retro_add\n"
                 "W2,L,F,Pooled PPO,employee,2026-09,600.00,retro_add\n"
                 "W3,L,F,Pooled PPO,employee,2026-09,-600.00,retro_term\n"
                 "W4,L,F,Pooled PPO,employee,2026-09,-600.00,retro_term\n")
    r = reconcile(NOV, bill, expected)
    assert [(v.kind, v.member_id, f"{v.coverage_month:%Y-%m}", v.amount, v.explained) for v in r.variances] == [
        ("retro_add", "W1", "2026-09", D("600.00"), True), ("retro_add", "W2", "2026-09", D("600.00"), False),
        ("retro_term", "W3", "2026-09", D("-600.00"), True), ("retro_term", "W4", "2026-09", D("-600.00"), False)]
    assert r.billed_total == D("1200.00")


def test_a_tier_changed_mid_month_is_billed_at_the_tier_in_force_at_the_months_end():
    """W1 moved from employee (to Nov 14) to family (from Nov 15, 1,800.00): billed family 1,800.00 is right."""
    expected = {NOV: [cov("W1", end=date(2026, 11, 14)), cov("W1", "family", "1800.00", start=date(2026, 11, 15))]}
    r = reconcile(NOV, lines("W1,L,F,Pooled PPO,family,2026-11,1800.00,current\n"), expected)
    assert r.variances == () and r.expected_total == D("1800.00")


def test_a_thousand_dollars_over_three_equal_clients_is_333_34_333_33_333_33():
    """1,000.00 / 3 = 333.333...: each gets 333.33 (99,999 cents), one cent is left; the remainders tie (1/3 each)
    and so do the weights, so it goes to the lowest client id."""
    assert largest_remainder(D("1000.00"), {3: D("600"), 1: D("600"), 2: D("600")}) == {
        1: D("333.34"), 2: D("333.33"), 3: D("333.33")}


def test_the_largest_remainder_gets_the_cent_not_the_first_client():
    """100.00 over weights 1, 2, 2 (total 5): exact 20.00, 40.00, 40.00 — no cent left. 100.01 over them: exact
    20.002, 40.004, 40.004 cents-floors 20.00, 40.00, 40.00, one cent left; remainders .2, .4, .4 cents: the two
    larger tie and carry the same weight, so client 2 (the lower id) gets it. 10.00 over 1, 1, 1, 7: exact 1.00,
    1.00, 1.00, 7.00."""
    assert largest_remainder(D("100.01"), {1: D(1), 2: D(2), 3: D(2)}) == {1: D("20.00"), 2: D("40.01"),
                                                                        3: D("40.00")}
    assert largest_remainder(D("10.00"), {1: D(1), 2: D(1), 3: D(1), 4: D(7)}) == {
        1: D("1.00"), 2: D("1.00"), 3: D("1.00"), 4: D("7.00")}
    assert largest_remainder(D("-1000.00"), {1: D(1), 2: D(1), 3: D(1)}) == {
        1: D("-333.34"), 2: D("-333.33"), 3: D("-333.33")}


def test_a_split_over_nothing_is_refused():
    with pytest.raises(ValueError):
        largest_remainder(D("10.00"), {1: D(0)})
    with pytest.raises(ValueError):
        largest_remainder(D("10.001"), {1: D(1)})
    assert largest_remainder(D("0.00"), {}) == {}


@settings(max_examples=300, deadline=None)
@given(total=st.integers(min_value=-10**9, max_value=10**9),
       weights=st.lists(st.integers(min_value=0, max_value=10**7), min_size=1, max_size=12).filter(any))
def test_the_parts_add_up_to_the_total_exactly_and_each_is_within_a_cent_of_its_exact_share(total, weights):
    amount = D(total).scaleb(-2)
    ws = {i: D(w).scaleb(-2) for i, w in enumerate(weights)}
    parts = largest_remainder(amount, ws)
    assert sum(parts.values()) == amount
    whole = sum(ws.values())
    for k, part in parts.items():
        exact = amount * ws[k] / whole
        assert abs(part - exact) < D("0.01")
        assert part == part.quantize(D("0.01"))


def test_the_documented_sample_bill_reads_as_eight_lines():
    """docs/samples/premium-bill-sample.csv: six current lines for November 2026, a retro add for September and a
    retro term for October; total 652 + 1,905 + 933 + 652 - 433 = 3,709.00."""
    from pathlib import Path

    text = (Path(__file__).parents[3] / "docs" / "samples" / "premium-bill-sample.csv").read_text()
    got = parse_bill(text, NOV)
    assert [ln.adjustment_type for ln in got] == ["current"] * 6 + ["retro_add", "retro_term"]
    assert sum(ln.premium for ln in got) == D("3709.00")
