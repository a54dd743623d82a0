"""The paycheck quote's request: the fields it may hold, parsed into a PaycheckInput with every bad field named."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from backoffice.dates import parse_date
from backoffice.errors import Issue
from backoffice.geo import STATES
from backoffice.money import HOURS, MONEY, PERCENT, RATE, UNITS, ZERO, D, NumberKind, number_problem
from backoffice.periods import PayFrequency

from .model import (COMMUTER_KINDS, CONTRACTOR_POSTTAX_CODES, EARNING_CODES, EMPLOYER_CONTRIBUTION_CODES,
                    FILING_STATUSES, HOURLY_CODES, MAKEUP_CODES, MARITAL_STATUSES, POSTTAX_CODES, PREMIUM_CODES,
                    PRETAX_TREATMENT, Deduction, EmployerContribution, Earning, PaycheckInput, W4, W4Legacy, YearToDate)
from .locals import LOCAL_CERTIFICATE_FIELDS, locality_from_json, locality_issues
from .tables import supported_tax_years

FREQUENCIES = tuple(f.value for f in PayFrequency)
AMOUNT_CODES = ("salary", "bonus", "commission", "reimbursement")
YTD_FIELDS = ("gross", "federal_wages", "social_security_wages", "medicare_wages", "futa_wages", "suta_wages",
              "deferrals_401k", "hsa", "fsa", "supplemental", "qualified_overtime_premium", "dcfsa", "employer_401k")
TOP_FIELDS = ("pay_date", "period_start", "period_end", "pay_frequency", "worker_type", "work_state", "residence_state", "birth_date", "earnings",
              "w4", "state_certificates", "pretax_deductions", "posttax_deductions", "employer_contributions", "ytd",
              "suta_rate",
              "tin_missing_or_flagged", "aggregate_supplemental", "prior_year_fica_wages",
              "work_shares", "office_state", "remote_for_convenience",
              "residence_locality", "work_locality", "local_certificate", "ytd_local_taxes", "work_sites", "employer_size",
              "month_wages", "mtd_local_taxes")
W4_2020_FIELDS = ("version", "filing_status", "step2_checkbox", "step3_credits", "step4a_other_income",
                  "step4b_deductions", "step4c_extra", "exempt")
W4_2019_FIELDS = ("version", "marital_status", "allowances", "additional", "exempt")
QUOTE_PLACES = 6
MAX_ALLOWANCES = 99         # a 2019 W-4 allowance count; more is a typo (each is worth $4,300 a year)


class _Collector:
    def __init__(self, prefix: str):
        self.prefix = prefix
        self.issues: list[Issue] = []

    def add(self, path: str, message: str, code: str = "invalid") -> None:
        self.issues.append(Issue(self.prefix + path, message, code))

    def unknown(self, obj: dict, allowed: tuple, path: str) -> None:
        for k in obj:
            if k not in allowed:
                self.add(f"{path}.{k}" if path else str(k), "unknown field", "unknown")

    def number(self, obj: dict, key: str, path: str, required: bool = False, maximum: Decimal | None = None,
               kind: NumberKind = MONEY) -> Decimal | None:
        """A non-negative number of a kind (its range from backoffice.money; up to QUOTE_PLACES decimal places:
        the engine rounds each line itself), or an issue naming the path."""
        if key not in obj or obj[key] is None:
            if required:
                self.add(path, "is required", "required")
            return None
        v = obj[key]
        if isinstance(v, bool) or isinstance(v, float):
            self.add(path, "give numbers as strings (\"12.50\") or integers, never JSON floats")
            return None
        if not isinstance(v, (int, Decimal, str)):
            self.add(path, "must be a number as a string")
            return None
        try:
            d = D(v)
        except ValueError:
            self.add(path, f"not a number: {v!r}" if isinstance(v, str) else "must be a non-negative number")
            return None
        if d < 0:
            self.add(path, "must be a non-negative number")
            return None
        problem = number_problem(d, kind, QUOTE_PLACES)
        if problem is not None:
            self.add(path, problem[1], problem[0])
            return None
        if maximum is not None and d > maximum:
            self.add(path, f"must be at most {maximum}")
            return None
        return d

    def boolean(self, obj: dict, key: str, path: str) -> bool:
        v = obj.get(key, False)
        if v is None:
            return False
        if not isinstance(v, bool):
            self.add(path, "must be true or false")
            return False
        return v

    def iso_date(self, obj: dict, key: str, path: str, required: bool) -> date | None:
        v = obj.get(key)
        if v is None:
            if required:
                self.add(path, "is required", "required")
            return None
        if not isinstance(v, str):
            self.add(path, "must be a date YYYY-MM-DD")
            return None
        try:
            return parse_date(v)
        except ValueError:
            self.add(path, f"not a date YYYY-MM-DD: {v!r}")
            return None

    def state(self, obj: dict, key: str, path: str, required: bool) -> str:
        v = obj.get(key)
        if v is None or v == "":
            if required:
                self.add(path, "is required", "required")
            return ""
        if not isinstance(v, str) or len(v) != 2 or not v.isalpha() or not v.isascii():
            self.add(path, "must be a two-letter state code")
            return ""
        if v.upper() not in STATES:
            self.add(path, f"{v!r} is not a US state or DC")
            return ""
        return v.upper()


_MAX_RATE = D(1)


def parse_input(obj: object, prefix: str = "") -> tuple[PaycheckInput | None, list[Issue]]:
    """Turn one JSON object into a PaycheckInput, or collect every issue with its path."""
    c = _Collector(prefix)
    if not isinstance(obj, dict):
        c.add("", "must be an object")
        return None, c.issues
    c.unknown(obj, TOP_FIELDS, "")
    pay_date = c.iso_date(obj, "pay_date", "pay_date", True)
    if pay_date is not None and pay_date.year not in supported_tax_years():
        c.add("pay_date", f"tax year {pay_date.year} is not supported (supported: "
              f"{', '.join(map(str, supported_tax_years()))})", "unsupported")
    freq = None
    fv = obj.get("pay_frequency")
    if fv is None:
        c.add("pay_frequency", "is required", "required")
    elif fv not in FREQUENCIES:
        c.add("pay_frequency", f"must be one of {', '.join(FREQUENCIES)}")
    else:
        freq = PayFrequency(fv)
    worker_type = obj.get("worker_type")
    if worker_type is None:
        c.add("worker_type", "is required", "required")
    elif worker_type not in ("employee", "contractor"):
        c.add("worker_type", "must be employee or contractor")
    employee = worker_type == "employee"
    work_state = c.state(obj, "work_state", "work_state", employee)
    residence_state = c.state(obj, "residence_state", "residence_state", employee)
    birth_date = c.iso_date(obj, "birth_date", "birth_date", False)
    period_start, period_end = _parse_period(obj, c, pay_date)
    if birth_date and pay_date and birth_date > pay_date:
        c.add("birth_date", "is after the pay date")

    earnings = []
    ev = obj.get("earnings")
    if not isinstance(ev, list) or not ev:
        c.add("earnings", "must be a non-empty list", "required" if ev is None else "invalid")
        ev = []
    for i, e in enumerate(ev):
        p = f"earnings[{i}]"
        if not isinstance(e, dict):
            c.add(p, "must be an object")
            continue
        code = e.get("code")
        if code not in EARNING_CODES:
            c.add(f"{p}.code", f"must be one of {', '.join(sorted(EARNING_CODES))}",
                  "required" if code is None else "invalid")
            continue
        if code in HOURLY_CODES:
            c.unknown(e, ("code", "hours", "rate", "regular_rate"), p)
            hours = c.number(e, "hours", f"{p}.hours", True, D(24 * 366), kind=HOURS)
            rate = c.number(e, "rate", f"{p}.rate", True, kind=RATE)
            rr = c.number(e, "regular_rate", f"{p}.regular_rate", kind=RATE)
            earnings.append(Earning(code, hours=hours, rate=rate, regular_rate=rr))
        elif code in PREMIUM_CODES:
            c.unknown(e, ("code", "amount", "hours", "regular_rate", "qualified_premium"), p)
            amount = c.number(e, "amount", f"{p}.amount", True)
            qp = c.number(e, "qualified_premium", f"{p}.qualified_premium")
            if amount is not None and qp is not None and qp > amount:
                c.add(f"{p}.qualified_premium", "must not be more than the amount")
            earnings.append(Earning(code, amount=amount,
                                    hours=c.number(e, "hours", f"{p}.hours", False, D(24 * 366), kind=HOURS),
                                    regular_rate=c.number(e, "regular_rate", f"{p}.regular_rate", kind=RATE),
                                    qualified_premium=qp))
        elif code in MAKEUP_CODES:
            c.unknown(e, ("code", "amount", "hours"), p)
            earnings.append(Earning(code, amount=c.number(e, "amount", f"{p}.amount", True),
                                    hours=c.number(e, "hours", f"{p}.hours", False, D(24 * 366), kind=HOURS)))
        elif code == "piece":
            c.unknown(e, ("code", "units", "rate"), p)
            earnings.append(Earning(code, units=c.number(e, "units", f"{p}.units", True, kind=UNITS),
                                    rate=c.number(e, "rate", f"{p}.rate", True, kind=RATE)))
        else:
            c.unknown(e, ("code", "amount"), p)
            earnings.append(Earning(code, amount=c.number(e, "amount", f"{p}.amount", True)))

    w4 = None
    wv = obj.get("w4")
    if wv is not None:
        if not employee:
            if worker_type == "contractor":
                c.add("w4", "contractors have no Form W-4 (remove it)")
        elif not isinstance(wv, dict):
            c.add("w4", "must be an object")
        else:
            w4 = _parse_w4(wv, c)

    certs = obj.get("state_certificates") or {}
    if not isinstance(certs, dict) or not all(isinstance(v, dict) for v in certs.values()):
        c.add("state_certificates", "must be an object of state code -> certificate object")
        certs = {}
    else:
        for k in certs:
            if not (isinstance(k, str) and len(k) == 2 and k.isalpha()):
                c.add(f"state_certificates.{k}", "must be keyed by a two-letter state code")
        certs = {k.upper(): v for k, v in certs.items() if isinstance(k, str)}

    pretax = _parse_deductions(obj, "pretax_deductions", tuple(PRETAX_TREATMENT), c)
    posttax = _parse_deductions(obj, "posttax_deductions", tuple(sorted(POSTTAX_CODES)), c)
    if pretax and worker_type == "contractor":
        c.add("pretax_deductions", "contractors have no pre-tax deductions")
    if worker_type == "contractor":
        for i, d in enumerate(posttax):
            if d.code not in CONTRACTOR_POSTTAX_CODES:
                c.add(f"posttax_deductions[{i}].code", "contractors have no 401(k) deferrals")
    employer = _parse_contributions(obj, c)
    if employer and worker_type == "contractor":
        c.add("employer_contributions", "contractors have no employer contributions")

    ytd = YearToDate()
    yv = obj.get("ytd")
    if yv is not None:
        if not isinstance(yv, dict):
            c.add("ytd", "must be an object")
        else:
            c.unknown(yv, YTD_FIELDS, "ytd")
            values = {f: c.number(yv, f, f"ytd.{f}") for f in YTD_FIELDS if f in yv}
            ytd = YearToDate(**{k: v for k, v in values.items() if v is not None})

    suta_rate = c.number(obj, "suta_rate", "suta_rate", False, _MAX_RATE, kind=PERCENT)
    tin_flag = c.boolean(obj, "tin_missing_or_flagged", "tin_missing_or_flagged")
    if tin_flag and employee:
        c.add("tin_missing_or_flagged", "backup withholding applies to contractors only")
    aggregate = c.boolean(obj, "aggregate_supplemental", "aggregate_supplemental")
    prior_fica = c.number(obj, "prior_year_fica_wages", "prior_year_fica_wages")
    if prior_fica is not None and not employee:
        c.add("prior_year_fica_wages", "is for employees (the Roth catch-up rule of a 401(k))")

    shares, measure = _parse_work_shares(obj, c, employee)
    office_state = c.state(obj, "office_state", "office_state", False)
    convenience = c.boolean(obj, "remote_for_convenience", "remote_for_convenience")
    localities = {}
    for key in ("residence_locality", "work_locality"):
        raw = obj.get(key)
        if raw is None:
            continue
        if not isinstance(raw, dict):
            c.add(key, "must be an object (state, city, county, psd_code, school_district, transit_district)")
            continue
        c.issues.extend(locality_issues(raw, prefix + key))
        localities[key] = locality_from_json(raw)
    local_cert = obj.get("local_certificate") or {}
    if not isinstance(local_cert, dict):
        c.add("local_certificate", "must be an object")
        local_cert = {}
    for key in local_cert:
        if key not in LOCAL_CERTIFICATE_FIELDS:
            c.add(f"local_certificate.{key}", f"unknown field (expected one of {', '.join(LOCAL_CERTIFICATE_FIELDS)})")
    ytd_local = {}
    yl = obj.get("ytd_local_taxes")
    if yl is not None:
        if not isinstance(yl, dict):
            c.add("ytd_local_taxes", "must be an object of locality code -> amount")
        else:
            ytd_local = {str(k): v for k, v in ((k, c.number(yl, k, f"ytd_local_taxes.{k}")) for k in yl)
                         if v is not None}
    month_wages = c.number(obj, "month_wages", "month_wages")
    mtd_local = {}
    ml = obj.get("mtd_local_taxes")
    if ml is not None:
        if not isinstance(ml, dict):
            c.add("mtd_local_taxes", "must be an object of locality code -> amount")
        else:
            mtd_local = {str(k): v for k, v in ((k, c.number(ml, k, f"mtd_local_taxes.{k}")) for k in ml)
                         if v is not None}
    if localities and not employee:
        c.add("residence_locality", "local taxes are withheld from employees only")
    for key, state in (("residence_locality", residence_state), ("work_locality", work_state)):
        place = localities.get(key)
        if place is not None and state and place.state.upper() != state:
            c.add(f"{key}.state", f"is {place.state.upper()}, but {key.split('_')[0]}_state is {state}: the "
                                  f"locality must be in that state")
    sites, site_measure = _parse_work_sites(obj, c, employee)
    employer_size = _parse_employer_size(obj, c)

    if c.issues:
        return None, c.issues
    return PaycheckInput(
        pay_date=pay_date, pay_frequency=freq, worker_type=worker_type, work_state=work_state,
        residence_state=residence_state, birth_date=birth_date, earnings=tuple(earnings), w4=w4,
        state_certificates=certs, pretax_deductions=pretax, posttax_deductions=posttax,
        employer_contributions=employer, ytd=ytd,
        suta_rate=suta_rate, tin_missing_or_flagged=tin_flag, aggregate_supplemental=aggregate,
        prior_year_fica_wages=prior_fica, work_shares=shares, share_measure=measure, office_state=office_state,
        remote_for_convenience=convenience, residence_locality=localities.get("residence_locality"),
        work_locality=localities.get("work_locality"), local_certificate=dict(local_cert),
        ytd_local_taxes=ytd_local, period_start=period_start, period_end=period_end, month_wages=month_wages,
        mtd_local_taxes=mtd_local, work_sites=sites, site_measure=site_measure, employer_size=employer_size), []


MAX_PERIOD_DAYS = 366       # an annual pay period in a leap year


def _parse_period(obj: dict, c: _Collector, pay_date: date | None) -> tuple[date | None, date | None]:
    """The pay period's first and last day (both optional): the start on or before the end and the pay date, the
    period at most a year long. Utah chooses its tables by the start (Pub 14: pay periods beginning on or after)."""
    start = c.iso_date(obj, "period_start", "period_start", False)
    end = c.iso_date(obj, "period_end", "period_end", False)
    if start is not None and end is not None:
        if end < start:
            c.add("period_end", "is before period_start")
        elif (end - start).days >= MAX_PERIOD_DAYS:
            c.add("period_end", f"the period is longer than a year ({(end - start).days + 1} days)")
    if start is not None and pay_date is not None and start > pay_date:
        c.add("period_start", "is after the pay date: a paycheck pays for a period that has begun")
    return start, end


def _measured(obj: dict, c: _Collector, employee: bool, field: str, place: str, what: str) -> tuple[list, str]:
    """The objects of a `field` list [{<place>, hours} ...] or [{<place>, wages} ...] (one measure for all), each
    with its path, and the measure; the list's own problems are added to `c` (and give no objects)."""
    raw = obj.get(field)
    if raw in (None, []):
        return [], "hours"
    if not isinstance(raw, list) or not employee:
        c.add(field, f"must be a list of {{{place}, hours}} or {{{place}, wages}}, for employees")
        return [], "hours"
    measures = {k for item in raw if isinstance(item, dict) for k in item if k in ("hours", "wages")}
    if len(measures) != 1:
        c.add(field, f"give hours for every {what} or wages for every {what}")
        return [], "hours"
    measure = measures.pop()
    items = []
    for i, item in enumerate(raw):
        where = f"{field}[{i}]"
        if not isinstance(item, dict):
            c.add(where, "must be an object")
            continue
        c.unknown(item, (place, measure), where)
        items.append((where, item))
    return items, measure


def _parse_work_shares(obj: dict, c: _Collector, employee: bool) -> tuple[tuple, str]:
    """[{state, hours} ...] or [{state, wages} ...]: where the period's work was done (one measure for all)."""
    items, measure = _measured(obj, c, employee, "work_shares", "state", "state")
    out = []
    for where, item in items:
        state = c.state(item, "state", f"{where}.state", True)
        amount = c.number(item, measure, f"{where}.{measure}", True)
        if state and amount is not None:
            out.append((state, amount))
    return tuple(out), measure


def _parse_employer_size(obj: dict, c: _Collector) -> dict[str, int]:
    """{state: number of employees}: the employer's size in each state whose programs' rates depend on it."""
    raw = obj.get("employer_size")
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        c.add("employer_size", "must be an object of state code -> number of employees")
        return {}
    out = {}
    for key, value in raw.items():
        state = str(key).upper()
        if state not in STATES:
            c.add(f"employer_size.{key}", "is not a US state or DC")
        elif isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).isdigit():
            c.add(f"employer_size.{key}", "must be a whole number of employees, 0 or more")
        else:
            out[state] = int(value)
    return out


def _parse_work_sites(obj: dict, c: _Collector, employee: bool) -> tuple[tuple, str]:
    """[{locality, hours} ...] or [{locality, wages} ...]: the work sites of the period (one measure for all); the
    local taxes that follow the place of work split the wages by them."""
    items, measure = _measured(obj, c, employee, "work_sites", "locality", "work site")
    out = []
    for where, item in items:
        amount = c.number(item, measure, f"{where}.{measure}", True)
        place = item.get("locality")
        if not isinstance(place, dict):
            c.add(f"{where}.locality", "is required: an object (state, city, county, psd_code, school_district, "
                                       "transit_district)", "required")
            continue
        found = locality_issues(place, c.prefix + f"{where}.locality")
        c.issues.extend(found)
        if amount is not None and not found:
            out.append((locality_from_json(place), amount))
    return tuple(out), measure


def _parse_w4(wv: dict, c: _Collector):
    version = wv.get("version")
    if version == 2020:
        c.unknown(wv, W4_2020_FIELDS, "w4")
        status = wv.get("filing_status", "single")
        if status not in FILING_STATUSES:
            c.add("w4.filing_status", f"must be one of {', '.join(FILING_STATUSES)}")
        nums = {k: c.number(wv, k, f"w4.{k}") for k in
                ("step3_credits", "step4a_other_income", "step4b_deductions", "step4c_extra")}
        return W4(filing_status=status, step2_checkbox=c.boolean(wv, "step2_checkbox", "w4.step2_checkbox"),
                  exempt=c.boolean(wv, "exempt", "w4.exempt"),
                  **{k: v for k, v in nums.items() if v is not None})
    if version == 2019:
        c.unknown(wv, W4_2019_FIELDS, "w4")
        status = wv.get("marital_status", "single")
        if status not in MARITAL_STATUSES:
            c.add("w4.marital_status", f"must be one of {', '.join(MARITAL_STATUSES)}")
        allowances = wv.get("allowances", 0)
        if isinstance(allowances, bool) or not isinstance(allowances, int) or not 0 <= allowances <= MAX_ALLOWANCES:
            c.add("w4.allowances", f"must be a whole number from 0 to {MAX_ALLOWANCES}")
            allowances = 0
        additional = c.number(wv, "additional", "w4.additional")
        return W4Legacy(marital_status=status, allowances=allowances,
                        additional=additional if additional is not None else ZERO,
                        exempt=c.boolean(wv, "exempt", "w4.exempt"))
    c.add("w4.version", "must be 2020 (Form W-4 2020 or later) or 2019 (2019 or earlier)",
          "required" if version is None else "invalid")
    return None


DEDUCTION_FIELDS = ("code", "amount", "percent", "goal_remaining", "ref", "options")
HSA_MONTH_COVERAGES = ("self_only", "family", "none")
# Inputs stored before migration 0092 name employer-paid health coverage by its old code; replaying one (a
# reversal, a retro recalculation) reads it under the new name.
LEGACY_CONTRIBUTION_CODES = {"premium_employer_share": "health_employer"}
CONTRIBUTION_FIELDS = ("code", "amount", "percent", "match", "ref", "options")
MAX_REF = 40


def _amount_or_percent(d: dict, p: str, c: _Collector, allow_match: bool = False) -> tuple:
    """Exactly one of `amount` (money) and `percent` (a fraction, 0.06 = 6%, at most 1) — or `match` tiers."""
    given = [k for k in (("amount", "percent", "match") if allow_match else ("amount", "percent"))
             if d.get(k) is not None]
    if len(given) != 1:
        c.add(f"{p}.amount", "give exactly one of " + (", ".join(("amount", "percent", "match")) if allow_match
                                                       else "amount and percent"),
              "required" if not given else "invalid")
        return None, None, False
    amount = c.number(d, "amount", f"{p}.amount")
    percent = c.number(d, "percent", f"{p}.percent", maximum=_MAX_RATE, kind=PERCENT)
    ok = (amount is not None) or (percent is not None) or given == ["match"]
    return amount, percent, ok


def _ref(d: dict, p: str, c: _Collector) -> str | None:
    ref = d.get("ref")
    if ref is None:
        return None
    if not isinstance(ref, str) or not 0 < len(ref) <= MAX_REF:
        c.add(f"{p}.ref", f"must be a string of 1 to {MAX_REF} characters")
        return None
    return ref


def _objects(obj: dict, key: str, c: _Collector):
    """(path, item) for each object in the optional list obj[key]; a non-list or a non-object item is reported."""
    v = obj.get(key)
    if v is None:
        return
    if not isinstance(v, list):
        c.add(key, "must be a list")
        return
    for i, d in enumerate(v):
        p = f"{key}[{i}]"
        if isinstance(d, dict):
            yield p, d
        else:
            c.add(p, "must be an object")


def _parse_deductions(obj: dict, key: str, codes: tuple, c: _Collector) -> tuple[Deduction, ...]:
    out = []
    for p, d in _objects(obj, key, c):
        c.unknown(d, DEDUCTION_FIELDS, p)
        code = d.get("code")
        if code not in codes:
            c.add(f"{p}.code", f"must be one of {', '.join(codes)}", "required" if code is None else "invalid")
        amount, percent, ok = _amount_or_percent(d, p, c)
        goal = c.number(d, "goal_remaining", f"{p}.goal_remaining")
        ref = _ref(d, p, c)
        options = d.get("options") or {}
        if not isinstance(options, dict):
            c.add(f"{p}.options", "must be an object")
            options = {}
        else:
            options = _options(code, options, p, c)
        if code in codes and ok:
            out.append(Deduction(code, amount if amount is not None else ZERO, dict(options), percent=percent,
                                 goal_remaining=goal, ref=ref))
    return tuple(out)


def _options(code: object, options: dict, p: str, c: _Collector) -> dict:
    """Check the options the engine reads for a code (each problem named by its path); others pass unchanged."""
    out = dict(options)
    if code in ("hsa", "hsa_employer"):
        if options.get("coverage", "family") not in ("self_only", "family"):
            c.add(f"{p}.options.coverage", "must be self_only or family")
        months = options.get("coverage_by_month")
        if months is not None and (not isinstance(months, list) or len(months) != 12
                                   or any(m not in HSA_MONTH_COVERAGES for m in months)):
            c.add(f"{p}.options.coverage_by_month", "must be a list of 12 months, January first, each one of "
                  + ", ".join(HSA_MONTH_COVERAGES))
    elif code == "dcfsa":
        c.boolean(options, "married_filing_separately", f"{p}.options.married_filing_separately")
    elif code == "commuter":
        if options.get("kind", "transit") not in COMMUTER_KINDS:
            c.add(f"{p}.options.kind", "must be " + " or ".join(COMMUTER_KINDS))
        if "month_to_date" in options:
            mtd = c.number(options, "month_to_date", f"{p}.options.month_to_date", True)
            if mtd is not None:
                out["month_to_date"] = mtd
    return out


def _parse_contributions(obj: dict, c: _Collector) -> tuple[EmployerContribution, ...]:
    out = []
    for p, d in _objects(obj, "employer_contributions", c):
        c.unknown(d, CONTRIBUTION_FIELDS, p)
        code = d.get("code")
        if code not in EMPLOYER_CONTRIBUTION_CODES:
            c.add(f"{p}.code", f"must be one of {', '.join(EMPLOYER_CONTRIBUTION_CODES)}",
                  "required" if code is None else "invalid")
        amount, percent, ok = _amount_or_percent(d, p, c, allow_match=True)
        match = ()
        if d.get("match") is not None:
            match = _parse_match(d["match"], f"{p}.match", c)
            if code != "401k_match":
                c.add(f"{p}.match", "a match formula is for 401k_match only")
        ref = _ref(d, p, c)
        options = d.get("options") or {}
        if not isinstance(options, dict):
            c.add(f"{p}.options", "must be an object")
            options = {}
        else:
            options = _options(code, options, p, c)
        if code in EMPLOYER_CONTRIBUTION_CODES and ok:
            out.append(EmployerContribution(code, amount if amount is not None else ZERO, percent, match,
                                            dict(options), ref))
    return tuple(out)


def _parse_match(v: object, p: str, c: _Collector) -> tuple:
    """[{"up_to_percent": "0.03", "match_percent": "1"}, ...]: tiers of pay (fractions) and their match rates."""
    if not isinstance(v, list) or not v or len(v) > 5:
        c.add(p, "must be a list of 1 to 5 tiers {up_to_percent, match_percent}")
        return ()
    tiers = []
    for j, tier in enumerate(v):
        tp = f"{p}[{j}]"
        if not isinstance(tier, dict):
            c.add(tp, "must be an object")
            continue
        c.unknown(tier, ("up_to_percent", "match_percent"), tp)
        share = c.number(tier, "up_to_percent", f"{tp}.up_to_percent", True, _MAX_RATE, kind=PERCENT)
        rate = c.number(tier, "match_percent", f"{tp}.match_percent", True, _MAX_RATE, kind=PERCENT)
        if share is not None and rate is not None:
            tiers.append((share, rate))
    return tuple(tiers)


def deduction_kwargs(obj: dict) -> dict:
    """The deduction and contribution fields of an input built by the service layer, without re-validating them
    (the run's hot path; `parse_input` is the validating twin and unit tests check they agree)."""
    out = {}
    for key in ("pretax_deductions", "posttax_deductions"):
        items = obj.get(key)
        if items:
            out[key] = tuple(Deduction(d["code"], D(d.get("amount") or 0), d.get("options") or {},
                                       percent=D(d["percent"]) if d.get("percent") is not None else None,
                                       goal_remaining=D(d["goal_remaining"]) if d.get("goal_remaining") is not None
                                       else None, ref=d.get("ref")) for d in items)
    items = obj.get("employer_contributions")
    if items:
        out["employer_contributions"] = tuple(EmployerContribution(
            LEGACY_CONTRIBUTION_CODES.get(d["code"], d["code"]), D(d.get("amount") or 0),
            D(d["percent"]) if d.get("percent") is not None else None,
            tuple((D(m["up_to_percent"]), D(m["match_percent"])) for m in d.get("match") or ()),
            d.get("options") or {}, d.get("ref")) for d in items)
    return out
