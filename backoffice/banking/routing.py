"""Bank routing and account numbers: check-digit validation (python-stdnum), field issues and masking."""
from __future__ import annotations

import re
from functools import lru_cache

from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength
from stdnum.us import rtn

from backoffice.errors import Issue

# The first two digits of an ABA routing number are a Federal Reserve routing symbol: 00 (US government),
# 01-12 (the twelve Reserve Banks), 21-32 (thrift institutions), 61-72 (electronic transaction
# identifiers) or 80 (traveler's checks). Source: ABA Key to Routing Numbers, as summarised in the public
# ABA routing transit number references. Anything else cannot be a live routing number even if its
# check digit happens to work (for example 000000000 or 999999999).
_ROUTING_PREFIXES = frozenset(
    [f"{n:02d}" for n in range(0, 13)]
    + [f"{n:02d}" for n in range(21, 33)]
    + [f"{n:02d}" for n in range(61, 73)]
    + ["80"]
)

ACCOUNT_MIN_LENGTH = 4
ACCOUNT_MAX_LENGTH = 17  # the NACHA Entry Detail "DFI account number" field is 17 characters
_ACCOUNT_RE = re.compile(r"[0-9A-Za-z]+")


def _compact(value) -> str:
    if type(value) is str and value.isalnum():      # nothing to take out (the common case: a NACHA file's rows)
        return value
    return re.sub(r"[\s-]", "", str(value or ""))


def compact_routing_number(value: str) -> str:
    """The routing number without spaces or hyphens around and inside it."""
    return _compact(value)


def compact_account_number(value: str) -> str:
    """The account number without spaces or hyphens (banks ask for them to be left out in ACH files)."""
    return _compact(value)


def validate_routing_number(value: str | None, *, field: str = "routing_number") -> list[Issue]:
    """Issues with a 9-digit ABA routing number (empty list when it is valid)."""
    return [Issue(field, message, code) for message, code in _routing_problems(compact_routing_number(value or ""))]


@lru_cache(maxsize=4096)
def _routing_problems(number: str) -> tuple[tuple[str, str], ...]:
    """(message, code) of what is wrong with a compacted routing number; cached, since a payroll's 100,000
    payments go to a few thousand banks."""
    if not number:
        return (("routing number is required", "required"),)
    try:
        rtn.validate(number)
    except InvalidLength:  # a subclass of InvalidFormat in python-stdnum, so it is caught first
        return ((f"routing number must be 9 digits, not {len(number)}", "invalid_length"),)
    except InvalidChecksum:
        return (("routing number check digit is wrong (not a valid ABA routing number)", "bad_check_digit"),)
    except InvalidFormat:
        return (("routing number must contain digits only", "invalid_format"),)
    if number[:2] not in _ROUTING_PREFIXES or number == "000000000":
        return ((f"routing number cannot start with {number[:2]} (not a Federal Reserve routing symbol)",
                 "invalid_prefix"),)
    return ()


def is_valid_routing_number(value: str | None) -> bool:
    """True when the routing number passes every check of validate_routing_number."""
    return not validate_routing_number(value)


def validate_account_number(value: str | None, *, field: str = "account_number") -> list[Issue]:
    """Issues with a bank account number: letters and digits only, 4 to 17 characters.

    The messages never repeat the number itself, so they are safe to show and to log.
    """
    number = compact_account_number(value or "")
    if not number:
        return [Issue(field, "account number is required", "required")]
    issues = []
    if not _ACCOUNT_RE.fullmatch(number):
        issues.append(Issue(field, "account number may contain only letters and digits", "invalid_format"))
    if not ACCOUNT_MIN_LENGTH <= len(number) <= ACCOUNT_MAX_LENGTH:
        issues.append(Issue(field, f"account number must be {ACCOUNT_MIN_LENGTH} to {ACCOUNT_MAX_LENGTH} "
                                   f"characters, not {len(number)}", "invalid_length"))
    return issues


def validate_bank_account(routing: str | None, account: str | None, *,
                          routing_field: str = "routing_number",
                          account_field: str = "account_number") -> list[Issue]:
    """Every issue with a routing number and account number pair (manual entry of a deposit account)."""
    return (validate_routing_number(routing, field=routing_field)
            + validate_account_number(account, field=account_field))


def mask_account(number: str | None, *, visible: int = 4) -> str:
    """The account number with all but its last `visible` characters replaced by '*'.

    mask_account("123456789") == "*****6789". A number no longer than `visible` is masked whole, so a
    short number is never shown in full.
    """
    number = compact_account_number(number or "")
    if len(number) <= visible:
        return "*" * len(number)
    return "*" * (len(number) - visible) + number[-visible:]
