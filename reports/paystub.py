"""Paystub view model: every figure a US paystub shows, masked and checked to add up (pure; no PDF library)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Callable, Mapping, Sequence

from backoffice.errors import Issue, ValidationFailed, raise_if
from backoffice.money import D, ZERO, fmt_usd, round_cents

WORKER_TYPE_LABELS = {
    "w2": "W-2 leased employee",
    "1099": "1099 independent contractor",
}

_LAST4 = re.compile(r"^\d{4}$")
_RATE_ROUNDING = Decimal("0.00005")   # half the last digit of a rate kept to 4 decimals


# --------------------------------------------------------------------------- display helpers

def mask_ssn(last4: str) -> str:
    """SSN as shown on a paystub: ***-**-1234."""
    return f"***-**-{last4}"


def mask_ein(last4: str) -> str:
    """EIN with only its last four digits: **-***6789."""
    return f"**-***{last4}"


def mask_account(last4: str) -> str:
    """Bank account with only its last four digits: *****6789."""
    return f"*****{last4}"


def fmt_hours(hours: Decimal | None) -> str:
    """Hours with two decimals (40.00); blank for salaried or flat lines."""
    return "" if hours is None else f"{D(hours).quantize(Decimal('0.01')):,.2f}"


def fmt_rate(rate: Decimal | None) -> str:
    """Pay rate in dollars with 2 to 4 decimals ($25.00, $25.1250 -> $25.125); blank when none."""
    if rate is None:
        return ""
    r = D(rate)
    places = max(2, min(4, -r.normalize().as_tuple().exponent))
    return f"${r:,.{places}f}"


def fmt_date(d: date) -> str:
    """US date form: 11/20/2026."""
    return d.strftime("%m/%d/%Y")


def last4_digits(value: str) -> str:
    """Last four digits of an SSN, EIN or account number given in any punctuation ('123-45-6789' -> '6789')."""
    digits = re.sub(r"\D", "", str(value))
    if len(digits) < 4:
        raise ValueError("needs at least 4 digits")
    return digits[-4:]


# --------------------------------------------------------------------------- records

def _last4_issues(value: object, name: str) -> list[Issue]:
    if not isinstance(value, str) or not _LAST4.match(value):
        return [Issue(name, "must be exactly the last 4 digits (the full number is never put on a paystub)",
                      code="not_last4")]
    return []


def _money_issues(value: object, name: str) -> list[Issue]:
    if not isinstance(value, Decimal):
        return [Issue(name, f"must be a Decimal amount, got {type(value).__name__}", code="not_decimal")]
    if not value.is_finite() or round_cents(value) != value:
        return [Issue(name, f"{value} is not a whole number of cents", code="sub_cent")]
    return []


def _text_issues(value: object, name: str) -> list[Issue]:
    if not isinstance(value, str) or not value.strip():
        return [Issue(name, "is required", code="required")]
    return []


@dataclass(frozen=True)
class Address:
    """A US postal address."""

    line1: str
    city: str
    state: str
    postal_code: str
    line2: str = ""

    def lines(self) -> tuple[str, ...]:
        street = (self.line1, self.line2) if self.line2 else (self.line1,)
        return street + (f"{self.city}, {self.state} {self.postal_code}",)


@dataclass(frozen=True)
class AgencyInfo:
    """The employer of record (or payer, for contractors)."""

    legal_name: str
    address: Address
    ein_last4: str

    def __post_init__(self) -> None:
        raise_if(_text_issues(self.legal_name, "legal_name") + _last4_issues(self.ein_last4, "ein_last4"))

    @property
    def masked_ein(self) -> str:
        return mask_ein(self.ein_last4)


@dataclass(frozen=True)
class WorkerInfo:
    """The person paid: only the last four SSN digits are ever held here."""

    name: str
    worker_id: str
    ssn_last4: str
    address: Address

    def __post_init__(self) -> None:
        raise_if(_text_issues(self.name, "name") + _text_issues(self.worker_id, "worker_id")
                 + _last4_issues(self.ssn_last4, "ssn_last4"))

    @property
    def masked_ssn(self) -> str:
        return mask_ssn(self.ssn_last4)


@dataclass(frozen=True)
class EarningLine:
    """One earning: hours x rate for hourly lines, a flat amount otherwise."""

    description: str
    current: Decimal
    ytd: Decimal
    hours: Decimal | None = None
    rate: Decimal | None = None


@dataclass(frozen=True)
class AmountLine:
    """One tax, deduction or employer contribution: this paycheck and year to date."""

    description: str
    current: Decimal
    ytd: Decimal


@dataclass(frozen=True)
class DepositLine:
    """Where part of the net pay went; only the account's last four digits are held."""

    bank_name: str
    account_type: str
    account_last4: str
    amount: Decimal

    def __post_init__(self) -> None:
        raise_if(_last4_issues(self.account_last4, "account_last4"))

    @property
    def masked_account(self) -> str:
        return mask_account(self.account_last4)


@dataclass(frozen=True)
class LineExplanation:
    """The engine's reasoning for one line, step by step; section tells apart lines of the same name
    (Social Security withheld vs. the employer's share)."""

    line: str
    steps: tuple[str, ...]
    section: str = ""


def _sum(amounts) -> Decimal:
    return sum(amounts, ZERO)


@dataclass(frozen=True)
class PaystubView:
    """Everything printed on one paystub. Construction refuses a stub whose figures do not add up.

    Checked (current and YTD alike): gross = sum of earnings; net = gross - employee taxes - pre-tax
    deductions - post-tax deductions; deposits add up to the current net; hours x rate = amount per line
    (allowing for a rate rounded to 4 decimals);
    amounts are whole cents; the period starts before it ends. Every failure is reported at once.
    """

    agency: AgencyInfo
    worker: WorkerInfo
    client_name: str
    worker_type: str
    period_start: date
    period_end: date
    pay_date: date
    check_number: str
    earnings: tuple[EarningLine, ...]
    employee_taxes: tuple[AmountLine, ...]
    pre_tax_deductions: tuple[AmountLine, ...]
    post_tax_deductions: tuple[AmountLine, ...]
    employer_contributions: tuple[AmountLine, ...]
    gross_current: Decimal
    gross_ytd: Decimal
    net_current: Decimal
    net_ytd: Decimal
    deposits: tuple[DepositLine, ...] = ()
    explanations: tuple[LineExplanation, ...] = ()
    paycheck_id: int | str | None = None
    engagement: str = ""

    def __post_init__(self) -> None:
        for name in ("earnings", "employee_taxes", "pre_tax_deductions", "post_tax_deductions",
                     "employer_contributions", "deposits", "explanations"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        raise_if(self._issues())

    # -- checks ---------------------------------------------------------------------------------------
    def _issues(self) -> list[Issue]:
        issues: list[Issue] = []
        issues += _text_issues(self.client_name, "client_name")
        issues += _text_issues(self.check_number, "check_number")
        if self.worker_type not in WORKER_TYPE_LABELS:
            issues.append(Issue("worker_type", f"must be one of {sorted(WORKER_TYPE_LABELS)}", code="choice"))
        if not all(isinstance(d, date) for d in (self.period_start, self.period_end, self.pay_date)):
            issues.append(Issue("period_start", "period_start, period_end and pay_date must be dates",
                                code="not_date"))
        elif self.period_start > self.period_end:
            issues.append(Issue("period_end", f"period ends ({self.period_end}) before it starts "
                                              f"({self.period_start})", code="bad_period"))
        money_ok = True
        for name in ("gross_current", "gross_ytd", "net_current", "net_ytd"):
            found = _money_issues(getattr(self, name), name)
            money_ok &= not found
            issues += found
        for group in ("earnings", "employee_taxes", "pre_tax_deductions", "post_tax_deductions",
                      "employer_contributions"):
            for i, line in enumerate(getattr(self, group)):
                where = f"{group}[{i}]"
                issues += _text_issues(line.description, f"{where}.description")
                for attr in ("current", "ytd"):
                    found = _money_issues(getattr(line, attr), f"{where}.{attr}")
                    money_ok &= not found
                    issues += found
        for i, dep in enumerate(self.deposits):
            found = _money_issues(dep.amount, f"deposits[{i}].amount")
            money_ok &= not found
            issues += found
            issues += _text_issues(dep.bank_name, f"deposits[{i}].bank_name")
        for i, line in enumerate(self.earnings):
            if (line.hours is None) != (line.rate is None):
                issues.append(Issue(f"earnings[{i}]", "hours and rate go together (both or neither)",
                                    code="hours_rate"))
            elif line.hours is not None and isinstance(line.current, Decimal):
                exact = D(line.hours) * D(line.rate)
                expected = round_cents(exact)
                # A rate stored to 4 decimals (e.g. half an FLSA regular rate) may be off by 0.00005 an hour
                # from the rate the engine multiplied by; that much, and no more, is not a mismatch.
                slack = Decimal("0.005") + abs(D(line.hours)) * _RATE_ROUNDING
                if expected != line.current and abs(exact - line.current) > slack:
                    issues.append(Issue(
                        f"earnings[{i}].current",
                        f"{line.description}: {fmt_hours(line.hours)} h x {fmt_rate(line.rate)} = "
                        f"{fmt_usd(expected)}, not {fmt_usd(line.current)}", code="does_not_add_up"))
        if not money_ok:
            return issues  # sums over non-Decimal amounts would only add noise
        for period in ("current", "ytd"):
            gross = getattr(self, f"gross_{period}")
            earned = _sum(getattr(e, period) for e in self.earnings)
            if earned != gross:
                issues.append(Issue(f"gross_{period}", f"earnings add up to {fmt_usd(earned)}, "
                                                       f"not the gross {fmt_usd(gross)}", code="does_not_add_up"))
            net = getattr(self, f"net_{period}")
            expected_net = (gross - self.total("employee_taxes", period) - self.total("pre_tax_deductions", period)
                            - self.total("post_tax_deductions", period))
            if expected_net != net:
                issues.append(Issue(f"net_{period}", f"gross - taxes - deductions = {fmt_usd(expected_net)}, "
                                                     f"not the net {fmt_usd(net)}", code="does_not_add_up"))
        if self.deposits:
            deposited = _sum(d.amount for d in self.deposits)
            if deposited != self.net_current:
                issues.append(Issue("deposits", f"deposits add up to {fmt_usd(deposited)}, not the net pay "
                                                f"{fmt_usd(self.net_current)}", code="does_not_add_up"))
        return issues

    # -- figures the template shows -------------------------------------------------------------------
    @property
    def key(self) -> int | str:
        """What bulk rendering yields each PDF under: the paycheck id, else the check number."""
        return self.paycheck_id if self.paycheck_id is not None else self.check_number

    @property
    def worker_type_label(self) -> str:
        return WORKER_TYPE_LABELS[self.worker_type]

    def total(self, group: str, period: str) -> Decimal:
        """Sum of one line group ('employee_taxes', ...) for 'current' or 'ytd'."""
        return _sum(getattr(line, period) for line in getattr(self, group))

    @property
    def total_hours(self) -> Decimal | None:
        """Hours over the hourly lines; None when no line is hourly (salary, fees), so none is printed."""
        hours = [e.hours for e in self.earnings if e.hours is not None]
        return sum(hours, Decimal(0)) if hours else None

    @property
    def taxes_current(self) -> Decimal:
        return self.total("employee_taxes", "current")

    @property
    def taxes_ytd(self) -> Decimal:
        return self.total("employee_taxes", "ytd")

    @property
    def deductions_current(self) -> Decimal:
        return self.total("pre_tax_deductions", "current") + self.total("post_tax_deductions", "current")

    @property
    def deductions_ytd(self) -> Decimal:
        return self.total("pre_tax_deductions", "ytd") + self.total("post_tax_deductions", "ytd")


# --------------------------------------------------------------------------- builder from plain dicts

PAYSTUB_DICT_KEYS = """
Keys of the dict given to paystub_from_dict (money, hours and rates as Decimal, int or str -- never float;
dates as datetime.date or 'YYYY-MM-DD'):

  paycheck_id        optional, int or str; the key bulk rendering yields the PDF under
  check_number       str, the paycheck / advice number printed on the stub
  agency             {legal_name, address, ein}                   ein: full EIN or just its last 4 digits
  worker             {name, worker_id, ssn, address}              ssn: full SSN or just its last 4 digits
  address            {line1, line2 (optional), city, state, postal_code}
  client_name        str, the client company of the engagement
  engagement         optional str, the engagement as the worker knows it (e.g. 'Warehouse associate, Aurora DC')
  worker_type        'w2' or '1099'
  period_start, period_end, pay_date
  earnings           [{description, hours (optional), rate (optional), current, ytd, explanation (optional)}]
  employee_taxes, pre_tax_deductions, post_tax_deductions, employer_contributions
                     [{description, current, ytd, explanation (optional)}]  (each list optional, default [])
  gross, net         {current, ytd}
  deposits           optional [{bank_name, account_type, account_number, amount}]
                     account_number: full number or just its last 4 digits
  explanation        on any line: list of the engine's explanation steps (str), printed only when
                     paystub_from_dict(..., include_explanations=True)
"""

_LINE_GROUPS = ("employee_taxes", "pre_tax_deductions", "post_tax_deductions", "employer_contributions")
_SECTION_TITLES = {"employee_taxes": "Employee taxes", "pre_tax_deductions": "Pre-tax deductions",
                   "post_tax_deductions": "Post-tax deductions", "employer_contributions": "Employer contributions"}


class _Collector:
    """Reads a nested dict, recording every missing or malformed field instead of stopping at the first."""

    def __init__(self) -> None:
        self.issues: list[Issue] = []

    def get(self, data: Any, key: str, where: str, convert: Callable[[Any], Any] = lambda v: v,
            optional: bool = False, default: Any = None) -> Any:
        path = f"{where}.{key}" if where else key
        if not isinstance(data, Mapping):
            return default
        if key not in data or data[key] is None:
            if not optional:
                self.issues.append(Issue(path, "is required", code="required"))
            return default
        try:
            return convert(data[key])
        except (TypeError, ValueError, ArithmeticError) as exc:
            self.issues.append(Issue(path, str(exc) or "is invalid", code="invalid"))
            return default

    def build(self, factory: Callable[..., Any], where: str, **kwargs) -> Any:
        """Construct a record; its own ValidationFailed issues are kept with the path prefixed."""
        try:
            return factory(**kwargs)
        except ValidationFailed as exc:
            self.issues += [Issue(f"{where}.{i.field}" if where else i.field, i.message, i.code, i.row)
                            for i in exc.issues]
            return None


def _money(value: Any) -> Decimal:
    return D(value)


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"must be text, got {type(value).__name__}")
    return value


def _date(value: Any) -> date:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        return date.fromisoformat(value)
    raise TypeError(f"must be a date or 'YYYY-MM-DD', got {type(value).__name__}")


def _worker_type(value: Any) -> str:
    if value not in WORKER_TYPE_LABELS:
        raise ValueError(f"must be one of {sorted(WORKER_TYPE_LABELS)}")
    return value


def _steps(value: Any) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise TypeError("must be a list of steps (text)")
    return tuple(str(s) for s in value)


def _lines(c: _Collector, data: Mapping, key: str, optional: bool) -> list[Mapping]:
    value = c.get(data, key, "", optional=optional, default=[])
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        c.issues.append(Issue(key, "must be a list", code="invalid"))
        return []
    return list(value)


def _address(c: _Collector, data: Any, where: str) -> Address | None:
    a = c.get(data, "address", where, default={})
    w = f"{where}.address"
    parts = {k: c.get(a, k, w, _text) for k in ("line1", "city", "state", "postal_code")}
    parts["line2"] = c.get(a, "line2", w, _text, optional=True, default="")
    return None if any(v is None for v in parts.values()) else Address(**parts)


def paystub_from_dict(data: Mapping[str, Any], *, include_explanations: bool = False) -> PaystubView:
    """Build a PaystubView from plain dicts (keys in PAYSTUB_DICT_KEYS); raises ValidationFailed naming
    every missing, malformed or inconsistent field."""
    c = _Collector()
    if not isinstance(data, Mapping):
        raise ValidationFailed([Issue("paystub", "must be a mapping", code="invalid")])

    ag = c.get(data, "agency", "", default={})
    agency_address = _address(c, ag, "agency")
    ein4 = c.get(ag, "ein", "agency", last4_digits)
    agency = c.build(AgencyInfo, "agency", legal_name=c.get(ag, "legal_name", "agency", _text),
                     address=agency_address, ein_last4=ein4) if ein4 else None

    wk = c.get(data, "worker", "", default={})
    worker_address = _address(c, wk, "worker")
    ssn4 = c.get(wk, "ssn", "worker", last4_digits)
    worker_id = c.get(wk, "worker_id", "worker", str)
    worker = c.build(WorkerInfo, "worker", name=c.get(wk, "name", "worker", _text), worker_id=worker_id,
                     ssn_last4=ssn4, address=worker_address) if ssn4 else None

    explanations: list[LineExplanation] = []

    def note(line: Mapping, where: str, description: str | None, section: str) -> None:
        steps = c.get(line, "explanation", where, _steps, optional=True, default=())
        if include_explanations and steps and description:
            explanations.append(LineExplanation(description, steps, section))

    earnings = []
    for i, line in enumerate(_lines(c, data, "earnings", optional=False)):
        w = f"earnings[{i}]"
        desc = c.get(line, "description", w, _text)
        earnings.append(EarningLine(
            description=desc, current=c.get(line, "current", w, _money), ytd=c.get(line, "ytd", w, _money),
            hours=c.get(line, "hours", w, _money, optional=True), rate=c.get(line, "rate", w, _money, optional=True)))
        note(line, w, desc, "Earnings")

    groups: dict[str, list[AmountLine]] = {}
    for group in _LINE_GROUPS:
        groups[group] = []
        for i, line in enumerate(_lines(c, data, group, optional=True)):
            w = f"{group}[{i}]"
            desc = c.get(line, "description", w, _text)
            groups[group].append(AmountLine(desc, c.get(line, "current", w, _money), c.get(line, "ytd", w, _money)))
            note(line, w, desc, _SECTION_TITLES[group])

    deposits = []
    for i, dep in enumerate(_lines(c, data, "deposits", optional=True)):
        w = f"deposits[{i}]"
        acct4 = c.get(dep, "account_number", w, last4_digits)
        deposits.append(c.build(DepositLine, w, bank_name=c.get(dep, "bank_name", w, _text),
                                account_type=c.get(dep, "account_type", w, _text, optional=True, default=""),
                                account_last4=acct4, amount=c.get(dep, "amount", w, _money)) if acct4 else None)

    gross = c.get(data, "gross", "", default={})
    net = c.get(data, "net", "", default={})
    fields = dict(
        agency=agency, worker=worker,
        client_name=c.get(data, "client_name", "", _text),
        worker_type=c.get(data, "worker_type", "", _worker_type),
        period_start=c.get(data, "period_start", "", _date),
        period_end=c.get(data, "period_end", "", _date),
        pay_date=c.get(data, "pay_date", "", _date),
        check_number=c.get(data, "check_number", "", str),
        earnings=tuple(earnings), **{g: tuple(v) for g, v in groups.items()},
        gross_current=c.get(gross, "current", "gross", _money), gross_ytd=c.get(gross, "ytd", "gross", _money),
        net_current=c.get(net, "current", "net", _money), net_ytd=c.get(net, "ytd", "net", _money),
        deposits=tuple(deposits), explanations=tuple(explanations),
        paycheck_id=data.get("paycheck_id"),
        engagement=c.get(data, "engagement", "", _text, optional=True, default=""),
    )
    raise_if(c.issues)  # shape problems first: sums over missing fields would only add noise
    view = c.build(PaystubView, "", **fields)
    raise_if(c.issues)
    return view


__all__ = [
    "Address", "AgencyInfo", "WorkerInfo", "EarningLine", "AmountLine", "DepositLine", "LineExplanation",
    "PaystubView", "paystub_from_dict", "PAYSTUB_DICT_KEYS", "WORKER_TYPE_LABELS",
    "mask_ssn", "mask_ein", "mask_account", "fmt_hours", "fmt_rate", "fmt_date", "last4_digits",
]
