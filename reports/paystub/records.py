"""Paystub view model records: agency, worker, lines, deposits and the PaystubView that checks they add up."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from backoffice.errors import Issue, raise_if
from backoffice.money import D, ZERO, fmt_usd, round_cents
from reports.paystub.display import (_LAST4, _RATE_ROUNDING, WORKER_TYPE_LABELS, fmt_hours, fmt_rate, mask_account,
                                     mask_ein, mask_ssn)


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
class LeaveLine:
    """Paid leave under one policy: hours accrued and used in this paycheck, and the balance after it."""

    policy: str
    accrued: Decimal
    used: Decimal
    balance: Decimal


@dataclass(frozen=True)
class DepositLine:
    """Where part of the net pay went; only the account's last four digits are held. A paper check has no account
    (`account_last4` empty): it is named by its number in `bank_name` ("Paper check no. 1042")."""

    bank_name: str
    account_type: str
    account_last4: str
    amount: Decimal

    def __post_init__(self) -> None:
        if self.account_last4 != "":
            raise_if(_last4_issues(self.account_last4, "account_last4"))

    @property
    def masked_account(self) -> str:
        return mask_account(self.account_last4) if self.account_last4 else ""


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
    notes: tuple[str, ...] = ()
    leave: tuple[LeaveLine, ...] = ()
    qualified_overtime_premium_current: Decimal | None = None   # W-2 box 12 code TT (2026+), shown when not None
    qualified_overtime_premium_ytd: Decimal | None = None

    def __post_init__(self) -> None:
        for name in ("earnings", "employee_taxes", "pre_tax_deductions", "post_tax_deductions",
                     "employer_contributions", "deposits", "explanations", "notes", "leave"):
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
                slack = D("0.005") + abs(D(line.hours)) * _RATE_ROUNDING
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
        return sum(hours, D(0)) if hours else None

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
