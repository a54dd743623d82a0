"""What state withholding starts from: the employee's state certificate, normalised, and the state's wages."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Final, Mapping

from backoffice.errors import Issue, ValidationFailed
from backoffice.money import D, ZERO


_STATUS_ALIASES = {
    "single": "single",
    "married": "married",
    "married_jointly": "married",
    "married_filing_jointly": "married",
    "head_of_household": "head_of_household",
    "married_single_rate": "single",
    "married_filing_separately": "single",
}
# adopted_dependents: IN WH-4, adopted dependents first claimed this year, $3,000 each (Departmental Notice #1).
_COUNT_FIELDS = ("allowances", "additional_allowances", "dependents", "personal_exemptions", "adopted_dependents")
# reduction: so much less a pay period (CT-W4 line 3, a negative L-4 line 7); fixed_withholding: an amount withheld
# each pay period instead of the standard calculation (MO W-4 line 3)
_MONEY_FIELDS = ("additional", "annual_allowance", "reduction", "fixed_withholding")
# Words a state's certificate carries (checked by the state's method against its own choices): NJ-W4's rate
# table letter, CT-W4's withholding code, the county (MD, IN) or other locality a state's rate depends on.
_TEXT_FIELDS = ("rate_table", "withholding_code", "county")
# Yes/no claims: only JSON true or false (or none given). A string such as "false" is refused by name, never read as
# a claim: bool("false") is True, which would exempt the worker from withholding. wa_cares_exempt is WA's program
# exemption (the data's `exemption_field`, read by the program line).
_FLAG_FIELDS = ("exempt", "reciprocity", "nonresident_alien", "wa_cares_exempt")
KNOWN_FIELDS: Final = frozenset(("filing_status", "percentage") + _COUNT_FIELDS + _MONEY_FIELDS + _TEXT_FIELDS
                                + _FLAG_FIELDS)


@dataclass(frozen=True)
class Certificate:
    """A state withholding certificate, normalised; `given` is False when none was on file."""

    given: bool
    filing_status: str
    counts: Mapping[str, int]
    additional: Decimal
    exempt: bool
    percentage: Decimal | None
    annual_allowance: Decimal | None
    reciprocity: bool
    text: Mapping[str, str] = field(default_factory=dict)    # _TEXT_FIELDS given, stripped and upper-cased
    reduction: Decimal = ZERO    # a per-period reduction the state's certificate allows (CT-W4 line 3, L-4 line 7)
    fixed_withholding: Decimal | None = None   # withheld each period instead of the calculation (MO W-4 line 3)
    nonresident_alien: bool = False    # a nonresident alien's certificate (NC-4 NRA)


def read_certificate(state: str, raw: Mapping[str, object]) -> Certificate:
    """Normalise the certificate fields; every bad field is reported at once (ValidationFailed)."""
    if not raw:
        return _NO_CERTIFICATE
    try:
        key = tuple(sorted(raw.items()))
        hash(key)
    except TypeError:
        return _read_certificate(state, raw)
    return _read_cached(state, key)


@lru_cache(maxsize=4096)
def _read_cached(state: str, items: tuple) -> Certificate:
    return _read_certificate(state, dict(items))


def _read_certificate(state: str, raw: Mapping[str, object]) -> Certificate:
    issues: list[Issue] = []
    # a key no certificate has (MI-W4's line 6 sent as "exemptions" instead of "allowances") would otherwise be
    # dropped and the paycheck withheld as if the line were blank: refused by name, as the certificates API does
    for name in sorted(str(k) for k in raw if k not in KNOWN_FIELDS):
        issues.append(Issue(f"certificate.{state}.{name}",
                            "unknown field: a state certificate has " + ", ".join(sorted(KNOWN_FIELDS)), "unknown"))
    for name in _FLAG_FIELDS:
        if raw.get(name) is not None and not isinstance(raw[name], bool):
            issues.append(Issue(f"certificate.{state}.{name}", "must be true or false", "invalid_type"))
    status = "single"
    if "filing_status" in raw and raw["filing_status"] not in (None, ""):
        status = _STATUS_ALIASES.get(str(raw["filing_status"]).strip().lower(), "")
        if not status:
            issues.append(Issue(f"certificate.{state}.filing_status",
                                f"unknown filing status {raw['filing_status']!r}"))
            status = "single"
    counts = {}
    for name in _COUNT_FIELDS:
        value = raw.get(name, 0) or 0
        if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).strip().isdigit():
            issues.append(Issue(f"certificate.{state}.{name}", "must be a whole number, 0 or more"))
            counts[name] = 0
        else:
            counts[name] = int(value)
    money: dict[str, Decimal | None] = {}
    for name in _MONEY_FIELDS:
        value = raw.get(name)
        if value in (None, ""):
            money[name] = None
            continue
        try:
            amount: Decimal | None = D(value)
        except (TypeError, ValueError):      # a float, a bool, or not a number at all
            amount = None
        if amount is None or not amount.is_finite() or amount < 0:
            issues.append(Issue(f"certificate.{state}.{name}", "must be an amount of 0 or more"))
            money[name] = None
        else:
            money[name] = amount
    percentage = None
    if raw.get("percentage") not in (None, ""):
        value = raw["percentage"]
        try:
            percentage = D(value)
        except (TypeError, ValueError):
            percentage = None
        if percentage is None or not percentage.is_finite() or percentage < 0:
            issues.append(Issue(f"certificate.{state}.percentage", "must be a percentage such as \"2.0\""))
            percentage = None
    text = {}
    for name in _TEXT_FIELDS:
        value = raw.get(name)
        if value in (None, ""):
            continue
        if not isinstance(value, str) or len(value.strip()) > 40:
            issues.append(Issue(f"certificate.{state}.{name}", "must be a short code such as \"A\""))
        else:
            text[name] = value.strip().upper()
    if issues:
        raise ValidationFailed(issues)
    return Certificate(
        given=bool(raw),
        filing_status=status,
        counts=counts,
        additional=money["additional"] or ZERO,
        exempt=raw.get("exempt") is True,
        percentage=percentage,
        annual_allowance=money["annual_allowance"],
        # a reciprocal exemption applies only when the certificate on file claims it (the work state's exemption
        # form: NJ-165, REV-420, IT 4NR, ...); with no claim the work state withholds (docs/multistate.md)
        reciprocity=raw.get("reciprocity") is True,
        text=text,
        reduction=money["reduction"] or ZERO,
        fixed_withholding=money["fixed_withholding"],
        nonresident_alien=raw.get("nonresident_alien") is True,
    )


_NO_CERTIFICATE = Certificate(given=False, filing_status="single",
                              counts={name: 0 for name in _COUNT_FIELDS}, additional=ZERO, exempt=False,
                              percentage=None, annual_allowance=None, reciprocity=False)


class Wages:
    """This period's wages for one state's income tax, after that state's pre-tax exclusions. Internal to the
    engine: a plain class with `Final` fields, a native class (built and read in C, read-only) in the compiled build
    (docs/compiled-engine.md, "Records")."""

    def __init__(self, regular: Decimal, supplemental: Decimal, excluded: Decimal, ytd_gross: Decimal = ZERO,
                 federal_income_tax: Decimal = ZERO, supplemental_other: Decimal = ZERO) -> None:
        self.regular: Final = regular
        self.supplemental: Final = supplemental
        self.supplemental_other: Final = supplemental_other   # the part of supplemental that is not a bonus
        self.excluded: Final = excluded
        self.ytd_gross: Final = ytd_gross      # wages paid this year before this paycheck (year-to-date caps, e.g. MA)
        self.federal_income_tax: Final = federal_income_tax   # this paycheck's federal withholding (AL, OR subtract it)
