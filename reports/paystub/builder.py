"""Paystub view model from plain dicts: paystub_from_dict names every bad field at once (pure)."""
from __future__ import annotations

from decimal import Decimal
from typing import Any, Callable, Mapping, Sequence

from backoffice.dates import parse_date
from backoffice.errors import Issue, ValidationFailed, raise_if
from backoffice.money import D
from reports.paystub.display import WORKER_TYPE_LABELS, last4_digits
from reports.paystub.records import (Address, AgencyInfo, AmountLine, DepositLine, EarningLine, LeaveLine,
                                     LineExplanation, PaystubView, WorkerInfo)

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
                     account_number: full number or just its last 4 digits; "" for a paper check (no account,
                     its number in bank_name)
  notes              optional [str]: how the paycheck was computed when something was missing or unusual
  leave              optional [{policy, accrued, used, balance}]: paid-leave hours per policy (this paycheck's
                     accrual and use, the balance after it)
  qualified_overtime_premium  optional {current, ytd}: the FLSA overtime premium (W-2 box 12 code TT, 2026+)
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


def _hours(value: Any) -> Decimal:
    return D(value)


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"must be text, got {type(value).__name__}")
    return value


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
        acct4 = c.get(dep, "account_number", w, lambda v: "" if v == "" else last4_digits(v))
        deposits.append(c.build(DepositLine, w, bank_name=c.get(dep, "bank_name", w, _text),
                                account_type=c.get(dep, "account_type", w, _text, optional=True, default=""),
                                account_last4=acct4, amount=c.get(dep, "amount", w, _money))
                        if acct4 is not None else None)

    gross = c.get(data, "gross", "", default={})
    net = c.get(data, "net", "", default={})
    premium = c.get(data, "qualified_overtime_premium", "", optional=True, default=None)
    if premium is not None:
        extra = {"qualified_overtime_premium_current": c.get(premium, "current", "qualified_overtime_premium", _money),
                 "qualified_overtime_premium_ytd": c.get(premium, "ytd", "qualified_overtime_premium", _money)}
    else:
        extra = {}
    extra["notes"] = tuple(str(n) for n in (c.get(data, "notes", "", optional=True, default=()) or ()))
    extra["leave"] = tuple(
        LeaveLine(c.get(row, "policy", f"leave[{i}]", _text), *(c.get(row, k, f"leave[{i}]", _hours)
                                                               for k in ("accrued", "used", "balance")))
        for i, row in enumerate(c.get(data, "leave", "", optional=True, default=()) or ()))
    fields = dict(
        agency=agency, worker=worker,
        client_name=c.get(data, "client_name", "", _text),
        worker_type=c.get(data, "worker_type", "", _worker_type),
        period_start=c.get(data, "period_start", "", parse_date),
        period_end=c.get(data, "period_end", "", parse_date),
        pay_date=c.get(data, "pay_date", "", parse_date),
        check_number=c.get(data, "check_number", "", str),
        earnings=tuple(earnings), **{g: tuple(v) for g, v in groups.items()},
        gross_current=c.get(gross, "current", "gross", _money), gross_ytd=c.get(gross, "ytd", "gross", _money),
        net_current=c.get(net, "current", "net", _money), net_ytd=c.get(net, "ytd", "net", _money),
        deposits=tuple(deposits), explanations=tuple(explanations),
        paycheck_id=data.get("paycheck_id"),
        engagement=c.get(data, "engagement", "", _text, optional=True, default=""), **extra,
    )
    raise_if(c.issues)  # shape problems first: sums over missing fields would only add noise
    view = c.build(PaystubView, "", **fields)
    raise_if(c.issues)
    return view
