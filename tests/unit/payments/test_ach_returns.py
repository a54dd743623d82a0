"""ACH return reason codes: the codes payroll meets, and whether a returned payment may be re-issued."""
from __future__ import annotations

import achkit.codes
import pytest

from backoffice.errors import DomainError
from payroll.payments.returns import RETURN_REASONS, can_reissue, return_reason

REQUIRED = ["R01", "R02", "R03", "R04", "R05", "R06", "R07", "R08", "R09", "R10", "R11", "R12", "R13", "R14",
            "R15", "R16", "R17", "R20", "R23", "R24", "R29"]


def test_every_code_of_the_table_is_there():
    """Appendix Four's table runs R01-R85 with gaps (no R48/R49, R54-R60, R63-R66, R78/R79 are assigned)."""
    assert set(REQUIRED) <= set(RETURN_REASONS)
    gaps = {48, 49, *range(54, 61), 63, 64, 65, 66, 78, 79}
    assert sorted(RETURN_REASONS) == [f"R{n:02d}" for n in range(1, 86) if n not in gaps]


@pytest.mark.parametrize("code, title", [
    # Titles from the Nacha return reason code table as banks publish it.
    ("R01", "Insufficient funds"), ("R02", "Account closed"), ("R03", "No account/unable to locate account"),
    ("R04", "Invalid account number structure"), ("R16", "Account frozen/entry returned per OFAC instruction"),
    ("R20", "Non-transaction account"), ("R29", "Corporate customer advises not authorized"),
])
def test_titles(code, title):
    assert return_reason(code).title == title


def test_codes_agree_with_an_independent_table():
    """achkit (a third-party ACH library) lists return codes too; every one of ours it knows must exist there."""
    assert set(achkit.codes.RETURN_CODES) <= set(RETURN_REASONS)
    assert set(REQUIRED) - set(achkit.codes.RETURN_CODES) == {"R13"}  # achkit leaves R13 out


@pytest.mark.parametrize("code, same, other, new_account", [
    ("R01", True, True, False),    # funds: send again
    ("R09", True, True, False),
    ("R02", False, True, True),    # account closed: new account, then re-issue
    ("R03", False, True, True),
    ("R04", False, True, True),
    ("R20", False, True, True),
    ("R15", False, False, False),  # account holder deceased: not by ACH
    ("R24", False, False, False),  # duplicate: the money arrived once already
])
def test_reissue_rules(code, same, other, new_account):
    assert can_reissue(code, same_account=True) is same
    assert can_reissue(code, same_account=False) is other
    assert return_reason(code).needs_new_bank_account is new_account


def test_codes_are_read_loosely_but_unknown_codes_are_refused():
    assert return_reason(" r03 ").code == "R03"
    with pytest.raises(DomainError, match="unknown ACH return reason code R99"):
        return_reason("R99")
