"""Journal postings from paychecks balance (hypothesis), reversals mirror them; weekly overtime split."""
from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from payroll.engine.earnings import week_hours
from payroll.services.ledger import Posting, mirror, postings_for_paychecks

D = Decimal
cents = st.integers(min_value=0, max_value=500_000).map(lambda c: D(c) / 100)


def test_one_paycheck_posts_the_textbook_entry():
    """Gross 1,000.00; FIT 80.00, SS 62.00, Medicare 14.50 withheld; 401(k) 50.00; net 793.50;
    employer SS 62.00, Medicare 14.50, FUTA 6.00, TX SUTA 27.00 (109.50)."""
    lines = [("employee_tax", "federal_income_tax", "", D("80.00")), ("employee_tax", "social_security", "", D("62.00")),
             ("employee_tax", "medicare", "", D("14.50")), ("pretax_deduction", "401k", "", D("50.00")),
             ("employer_tax", "social_security", "", D("62.00")), ("employer_tax", "medicare", "", D("14.50")),
             ("employer_tax", "futa", "", D("6.00")), ("employer_tax", "suta", "TX", D("27.00"))]
    posts = postings_for_paychecks([("employee", 1, D("1000.00"), D("793.50"), lines)])
    by = {(p.account, p.detail, p.state): (p.debit, p.credit) for p in posts}
    assert by[("6100", "", "")] == (D("1000.00"), 0)
    assert by[("6200", "suta", "TX")] == (D("27.00"), 0)
    assert by[("2100", "federal_income_tax", "")] == (0, D("80.00"))
    assert by[("2200", "futa", "")] == (0, D("6.00"))
    assert by[("2300", "401k", "")] == (0, D("50.00"))
    assert by[("2400", "", "")] == (0, D("793.50"))
    assert sum(p.debit for p in posts) == sum(p.credit for p in posts) == D("1109.50")


@given(st.lists(st.tuples(st.sampled_from(("employee", "contractor")), cents, cents, cents, cents, cents),
                min_size=1, max_size=20))
def test_any_batch_of_paychecks_balances_and_its_reversal_mirrors_it(checks):
    batch, negated = [], []
    for kind, tax, ded, er1, er2, net in checks:
        gross = tax + ded + net
        lines = [("employee_tax", "federal_income_tax", "", tax), ("posttax_deduction", "other", "", ded),
                 ("employer_tax", "futa", "", er1), ("employer_tax", "suta", "CA", er2)]
        batch.append((kind, 1, gross, net, lines))
        negated.append((kind, 1, -gross, -net, [(k, c, s, -a) for k, c, s, a in lines]))
    posts = postings_for_paychecks(batch)
    assert sum(p.debit for p in posts) == sum(p.credit for p in posts)
    assert all((p.debit == 0) != (p.credit == 0) for p in posts)
    key = lambda p: (p.account, p.detail, p.state)  # noqa: E731
    assert sorted(postings_for_paychecks(negated), key=key) == sorted(mirror(posts), key=key)


def test_lines_given_already_summed_book_as_if_each_paycheck_carried_them():
    """Two paychecks: A gross 1,000.00, FIT 80.00, TX SUTA 27.00, net 920.00; B (contractor) gross 500.00, FIT
    30.00, net 470.00. Their lines given as chunk sums instead (FIT 80.00 + 30.00 = 110.00, SUTA 27.00): expense
    6100 1,000.00 and 6150 500.00, SUTA expense 6200 27.00 (debits 1,527.00); FIT 2100 110.00, SUTA 2200 27.00,
    net pay 2400 920.00 + 470.00 = 1,390.00 (credits 1,527.00) — the same postings, exponents included."""
    a = [("employee_tax", "federal_income_tax", "", D("80.00")), ("employer_tax", "suta", "TX", D("27.00"))]
    b = [("employee_tax", "federal_income_tax", "", D("30.00"))]
    per_paycheck = postings_for_paychecks([("employee", 1, D("1000.00"), D("920.00"), a),
                                           ("contractor", 1, D("500.00"), D("470.00"), b)])
    summed = postings_for_paychecks([("employee", 1, D("1000.00"), D("920.00"), []),
                                     ("contractor", 1, D("500.00"), D("470.00"), [])],
                                    [("employee_tax", "federal_income_tax", "", 1, D("110.00")),
                                     ("employer_tax", "suta", "TX", 1, D("27.00"))])
    assert summed == per_paycheck
    by = {(p.account, p.detail, p.state): (str(p.debit), str(p.credit)) for p in summed}
    assert by == {("2100", "federal_income_tax", ""): ("0.00", "110.00"), ("2200", "suta", "TX"): ("0.00", "27.00"),
                  ("2400", "", ""): ("0.00", "1390.00"), ("6100", "", ""): ("1000.00", "0.00"),
                  ("6150", "", ""): ("500.00", "0.00"), ("6200", "suta", "TX"): ("27.00", "0.00")}


def test_mirror_swaps_sides():
    assert mirror([Posting("1000", "", "", None, D("5.00"), D(0))]) == [Posting("1000", "", "", None, D(0), D("5.00"))]


def test_weekly_overtime_flsa_california_and_exempt():
    week = tuple(D(h) for h in (10, 10, 10, 10, 5, 0, 0))          # 45 h
    assert week_hours(week, "TX", True) == (D(40), D(5), D(0))        # FLSA: over 40 in the week
    # California: 2 h over 8 on each of four days = 8 h daily overtime; 37 straight-time hours → no weekly OT
    assert week_hours(week, "CA", True) == (D(37), D(8), D(0))
    assert week_hours(week, "TX", False) == (D(45), D(0), D(0))       # exempt or contractor
