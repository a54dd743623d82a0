"""Field validators shared by services: each returns Issue records naming the field, never raises."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from email_validator import EmailNotValidError, validate_email
from stdnum import exceptions as stdnum_exc
from stdnum.us import ein as us_ein
from stdnum.us import ssn as us_ssn

from backoffice.dates import parse_date
from backoffice.errors import Issue
from backoffice.geo import STATES
from backoffice.money import MONEY, D, NumberKind, number_problem


# Record ids are PostgreSQL `integer`s: an id outside 1..MAX_ID names no record, and would overflow the query's
# parameter (OverflowError on SQLite, an out-of-range error on PostgreSQL) if it reached the database.
MAX_ID = 2**31 - 1


def is_record_id(value) -> bool:
    """True for a whole number (not a bool) from 1 to MAX_ID: one that may name a record, so may be looked up."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID


def required(data: dict, fields, issues: list[Issue]) -> None:
    for f in fields:
        v = data.get(f)
        if v is None or (isinstance(v, str) and not v.strip()):
            issues.append(Issue(f, "is required", "required"))


def state_code(field: str, value, issues: list[Issue], *, required_: bool = True) -> str | None:
    if value in (None, ""):
        if required_:
            issues.append(Issue(field, "is required", "required"))
        return None
    code = str(value).strip().upper()
    if code not in STATES:
        issues.append(Issue(field, f"{value!r} is not a US state code (two letters, e.g. CA)", "invalid_state"))
        return None
    return code


def ssn(field: str, value, issues: list[Issue]) -> str | None:
    try:
        return us_ssn.validate(str(value))
    except stdnum_exc.ValidationError as exc:
        issues.append(Issue(field, f"is not a valid SSN ({exc.message.lower()})", "invalid_ssn"))
        return None


def ein(field: str, value, issues: list[Issue]) -> str | None:
    try:
        return us_ein.validate(str(value))
    except stdnum_exc.ValidationError as exc:
        issues.append(Issue(field, f"is not a valid EIN ({exc.message.lower()})", "invalid_ein"))
        return None


def email(field: str, value, issues: list[Issue]) -> str | None:
    try:
        return validate_email(str(value or ""), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        issues.append(Issue(field, f"is not a valid email address ({exc})", "invalid_email"))
        return None


def a_date(field: str, value, issues: list[Issue], *, required_: bool = True) -> date | None:
    if value in (None, ""):
        if required_:
            issues.append(Issue(field, "is required", "required"))
        return None
    try:
        return parse_date(value)
    except ValueError as exc:
        issues.append(Issue(field, str(exc), "invalid_date"))
        return None


def amount(field: str, value, issues: list[Issue], *, minimum: Decimal | None = D(0),
           places: int | None = None, kind: NumberKind = MONEY, required_: bool = True) -> Decimal | None:
    """A Decimal of a kind (money unless told: its range and scale in backoffice.money), or an Issue naming the
    field: never an exception, however absurd the input ("1e30", "NaN", "1e-30", "12,50")."""
    if value in (None, ""):
        if required_:
            issues.append(Issue(field, "is required", "required"))
        return None
    if isinstance(value, float):
        value = repr(value)
    try:
        d = D(value if isinstance(value, (int, Decimal)) and not isinstance(value, bool) else str(value))
    except ValueError:
        issues.append(Issue(field, f"{value!r} is not a number" if not _is_nan_text(value)
                            else "must be a finite number", "invalid_number"))
        return None
    problem = number_problem(d, kind, places)
    if problem is not None:
        issues.append(Issue(field, problem[1], problem[0]))
        return None
    if minimum is not None and d < minimum:
        issues.append(Issue(field, f"must be at least {minimum} (got {d})", "too_small"))
        return None
    return d


def _is_nan_text(value) -> bool:
    return str(value).strip().lstrip("+-").lower() in ("nan", "snan", "inf", "infinity")


def choice(field: str, value, allowed, issues: list[Issue], *, required_: bool = True):
    if value in (None, ""):
        if required_:
            issues.append(Issue(field, "is required", "required"))
        return None
    if not isinstance(value, (str, int)) or value not in allowed:     # a list or object is never a choice
        issues.append(Issue(field, f"{value!r} is not one of {', '.join(allowed)}", "invalid_choice"))
        return None
    return value
