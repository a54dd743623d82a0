"""Direct-deposit splits: fixed amounts, percentages and the remainder, always adding up to net pay."""
from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backoffice.errors import ValidationFailed
from backoffice.banking.splits import DepositInstruction as I
from backoffice.banking.splits import DepositPart, split_net_pay, validate_instructions

D = Decimal


def parts(net: str, instructions) -> list[tuple[str, str]]:
    return [(p.account_key, str(p.amount)) for p in split_net_pay(D(net), instructions)]


@pytest.mark.parametrize("net, instructions, expected, why", [
    ("1500.00", [I("chk", "remainder")], [("chk", "1500.00")], "one account takes everything"),
    ("1500.00", [I("sav", "fixed", 1, D("200")), I("chk", "remainder")],
     [("sav", "200.00"), ("chk", "1300.00")], "1500 - 200 = 1300"),
    ("1000.00", [I("inv", "percent", 1, percent=D("10")), I("sav", "fixed", 2, D("150.00")),
                 I("chk", "remainder")],
     [("sav", "150.00"), ("inv", "100.00"), ("chk", "750.00")],
     "fixed first: 150; 10% of net 1000 = 100; remainder 1000 - 150 - 100 = 750"),
    ("100.00", [I("a", "fixed", 2, D("80")), I("b", "fixed", 1, D("50")), I("chk", "remainder")],
     [("b", "50.00"), ("a", "50.00")],
     "net short of 130 in fixed: priority 1 (b) gets 50, priority 2 (a) the 50 left, remainder 0 left out"),
    ("333.33", [I("a", "percent", 1, percent=D("33.33")), I("b", "percent", 2, percent=D("33.33")),
                I("chk", "remainder")],
     [("a", "111.10"), ("b", "111.10"), ("chk", "111.13")],
     "333.33 x 33.33% = 111.0988... -> 111.10 each (half-up); 333.33 - 222.20 = 111.13"),
    ("0.05", [I("a", "percent", 1, percent=D("50")), I("chk", "remainder")],
     [("a", "0.03"), ("chk", "0.02")], "50% of 0.05 = 0.025 -> 0.03 half-up; remainder 0.02"),
    ("0.00", [I("sav", "fixed", 1, D("25")), I("chk", "remainder")], [], "nothing to deposit"),
    ("500.00", [I("a", "percent", 1, percent=D("100")), I("chk", "remainder")], [("a", "500.00")],
     "100% leaves the remainder nothing, so it is left out"),
])
def test_hand_calculated_splits(net, instructions, expected, why):
    assert parts(net, instructions) == expected, why


@pytest.mark.parametrize("instructions, fields", [
    ([], ["deposit_accounts"]),
    ([I("a", "fixed", 1, D("10"))], ["deposit_accounts"]),  # no remainder account
    ([I("a", "remainder"), I("b", "remainder")], ["deposit_accounts"]),
    ([I("a", "fixed", 1, D("-10")), I("b", "fixed", 2, None), I("c", "fixed", 3, D("1.001")),
      I("d", "percent", 4, percent=D("0")), I("e", "percent", 5, percent=D("101")), I("f", "bogus"),
      I("f", "remainder"), I("", "percent", 6, percent=None)],
     ["deposit_accounts[0].amount", "deposit_accounts[1].amount", "deposit_accounts[2].amount",
      "deposit_accounts[3].percent", "deposit_accounts[4].percent", "deposit_accounts[5].kind",
      "deposit_accounts[6].account_key", "deposit_accounts[7].account_key", "deposit_accounts[7].percent"]),
    ([I("a", "percent", 1, percent=D("60")), I("b", "percent", 2, percent=D("50")), I("c", "remainder")],
     ["deposit_accounts"]),  # 110% in percentages
])
def test_bad_instructions_name_every_field(instructions, fields):
    assert [i.field for i in validate_instructions(instructions)] == fields
    with pytest.raises(ValidationFailed):
        split_net_pay(D("100.00"), instructions)


@pytest.mark.parametrize("net", [D("-0.01"), D("10.001"), 10.5, None])
def test_bad_net_pay_is_refused(net):
    with pytest.raises(ValidationFailed) as excinfo:
        split_net_pay(net, [I("chk", "remainder")])
    assert [i.field for i in excinfo.value.issues] == ["net"]


cents = st.integers(min_value=0, max_value=10_000_000).map(lambda c: D(c) / 100)
fixed = st.integers(min_value=1, max_value=500_000).map(lambda c: D(c) / 100)
percents = st.integers(min_value=1, max_value=5000).map(lambda p: D(p) / 100)  # 0.01% .. 50.00%


@st.composite
def instruction_sets(draw):
    kinds = draw(st.lists(st.sampled_from(["fixed", "percent"]), max_size=5))
    result, total_percent = [], D(0)
    for n, kind in enumerate(kinds):
        priority = draw(st.integers(min_value=0, max_value=3))
        if kind == "fixed":
            result.append(I(f"f{n}", "fixed", priority, amount=draw(fixed)))
        else:
            percent = min(draw(percents), D(100) - total_percent)
            if percent <= 0:
                continue
            total_percent += percent
            result.append(I(f"p{n}", "percent", priority, percent=percent))
    result.insert(draw(st.integers(min_value=0, max_value=len(result))), I("rest", "remainder"))
    return result


@settings(max_examples=300, deadline=None)
@given(cents, instruction_sets())
def test_parts_always_add_up_to_net_to_the_cent_and_are_never_negative(net, instructions):
    result = split_net_pay(net, instructions)
    assert sum((p.amount for p in result), D("0.00")) == net
    assert all(p.amount > 0 and p.amount == p.amount.quantize(D("0.01")) for p in result)
    assert len({p.account_key for p in result}) == len(result)
    fixed_total = sum((i.amount for i in instructions if i.kind == "fixed"), D(0))
    amounts = {p.account_key: p.amount for p in result}
    for instruction in instructions:
        if instruction.kind == "fixed":
            assert amounts.get(instruction.account_key, D(0)) <= instruction.amount
            if net >= fixed_total:  # enough for every fixed amount: each gets exactly its amount
                assert amounts[instruction.account_key] == instruction.amount


def test_parts_are_records_with_the_account_key():
    assert split_net_pay(D("10.00"), [I("chk", "remainder")]) == [DepositPart("chk", D("10.00"))]
