"""Local payroll taxes: city, county, school-district, PA EIT/LST and transit taxes, from the worker's localities."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_DOWN, Decimal
from typing import Final, Mapping, NamedTuple, Sequence

from backoffice.errors import Issue, ValidationFailed
from backoffice.money import D, ZERO, fmt_pct, fmt_qty, fmt_share, fmt_usd, round_cents

from ..hotpath import Replay
from ..model import QUIET, Steps, quick_init
from ..shares import fractions
from .rules import LocalRules, UnsupportedLocality, localities_for_year, norm

__all__ = ["Locality", "LocalContext", "LocalTaxLine", "UnsupportedLocality", "compute_local_taxes", "locality_name",
           "compute_site_local_taxes",
           "local_taxes_due", "place_names",
           "localities_for_year", "coverage", "locality_from_json", "locality_refusal", "locality_issues", "LOCALITY_FIELDS",
           "LOCAL_CERTIFICATE_FIELDS", "TRANSIT_DISTRICTS"]

LOCALITY_FIELDS = ("state", "city", "county", "psd_code", "school_district", "transit_district")
# local certificate fields: city_exemptions (Detroit DW-4 and other Michigan city certificates), city_allowances
# (IT-2104 line 2, New York City), filing_status (else the state certificate's), school_district_exemptions (Ohio
# IT 4), lst_exempt (PA LST exemption certificate), withhold_residence_city (Ohio: withhold the residence city's tax)
LOCAL_CERTIFICATE_FIELDS = ("city_exemptions", "city_allowances", "filing_status", "school_district_exemptions",
                            "lst_exempt", "withhold_residence_city")
TRANSIT_DISTRICTS = ("TRIMET", "LTD")


@quick_init
@dataclass(frozen=True)
class Locality:
    """Where a worker lives or works, as far as local taxes need it (set by HR or derived from the address)."""

    state: str
    city: str = ""                # the municipality that taxes (not the postal city: suburbs share postal names)
    county: str = ""
    psd_code: str = ""            # Pennsylvania political subdivision code (DCED register, 6 digits)
    school_district: str = ""     # Ohio school district number (4 digits, as on IT 4 / SD 100)
    transit_district: str = ""    # Oregon: TRIMET or LTD when the site is inside the district

    def describe(self) -> str:
        parts = [p for p in (self.city.title() if self.city else "", self.county and f"{self.county.title()} County",
                             self.psd_code and f"PSD {self.psd_code}",
                             self.school_district and f"school district {self.school_district}",
                             self.transit_district and f"{self.transit_district} district") if p]
        return ", ".join(parts + [self.state.upper()])


@quick_init
@dataclass(frozen=True)
class LocalContext:
    pay_date: date
    periods_per_year: int
    residence: Locality | None
    work: Locality | None
    gross: Decimal                                   # wages this period (supplemental included)
    pretax: Mapping[str, Decimal] = field(default_factory=dict)         # by treatment code
    certificate: Mapping[str, object] = field(default_factory=dict)     # local certificate fields (see _cert)
    state_certificates: Mapping[str, Mapping[str, object]] = field(default_factory=dict)
    state_income_tax: Mapping[str, Decimal] = field(default_factory=dict)   # this paycheck's state withholding
    ytd_local: Mapping[str, Decimal] = field(default_factory=dict)      # withheld so far this year, by locality code
    # this calendar month (the pay date's) before this paycheck, from this employer: the wages paid (None: not
    # stated, taken as none: this is the month's first paycheck) and the head taxes withheld, by locality code
    month_wages: Decimal | None = None
    mtd_local: Mapping[str, Decimal] = field(default_factory=dict)
    # a paycheck earned at several work sites (compute_site_local_taxes): "once" computes the taxes that fall on the
    # whole paycheck once (with `work` the main site), "site" those that follow each site's wages (`gross` and
    # `pretax` are then the site's share, `share` its fraction of the paycheck, `site_words` how it was counted);
    # "" (one work site) computes every tax
    portion: str = ""
    share: Decimal = Decimal(1)
    site_words: str = ""


@quick_init
@dataclass(frozen=True)
class LocalTaxLine:
    code: str                 # local_income_tax | local_services_tax | school_district_tax | transit_tax
    locality: str             # the locality's code in the data ("NYC", "PA-510101", ...)
    name: str                 # the locality's name, for the paystub and W-2 box 20
    state: str
    amount: Decimal
    explanation: tuple        # its words; from compute_local_taxes(ctx, explain=False) one deferred step
    employer: bool = False
    wages: Decimal | None = None     # W-2 box 18


def locality_issues(raw: Mapping[str, object], where: str) -> list[Issue]:
    """What is wrong with a locality's fields (each issue names its field), as HR or the quote API gives them."""
    from backoffice.geo import STATES
    issues = []
    for key in raw:
        if key not in LOCALITY_FIELDS:
            issues.append(Issue(f"{where}.{key}", f"unknown field (expected one of {', '.join(LOCALITY_FIELDS)})"))
    state = str(raw.get("state") or "").upper()
    if state not in STATES:
        issues.append(Issue(f"{where}.state", "must be a two-letter US state or DC"))
    psd = str(raw.get("psd_code") or "").strip()
    if psd and not (len(psd) == 6 and psd.isdigit()):
        issues.append(Issue(f"{where}.psd_code", "must be the 6-digit Pennsylvania PSD code (DCED register)"))
    if psd and state and state != "PA":
        issues.append(Issue(f"{where}.psd_code", "is for a Pennsylvania locality only"))
    sd = str(raw.get("school_district") or "").strip().upper()
    if sd and not (sd == "NONE" or (len(sd) == 4 and sd.isdigit())):
        issues.append(Issue(f"{where}.school_district", "must be the 4-digit Ohio school district number, or NONE"))
    if sd and state and state != "OH":
        issues.append(Issue(f"{where}.school_district", "is for an Ohio locality only"))
    transit = str(raw.get("transit_district") or "").strip().upper()
    if transit and transit not in TRANSIT_DISTRICTS:
        issues.append(Issue(f"{where}.transit_district", f"must be one of {', '.join(TRANSIT_DISTRICTS)}"))
    for key in ("city", "county"):
        value = raw.get(key)
        if value is not None and (not isinstance(value, str) or len(value) > 100):
            issues.append(Issue(f"{where}.{key}", "must be text of at most 100 characters"))
    return issues


def locality_from_json(raw: Mapping[str, object] | None) -> Locality | None:
    """A Locality from its JSON form (validated before with locality_issues)."""
    if not raw:
        return None
    return Locality(state=str(raw.get("state") or "").upper(), city=str(raw.get("city") or "").strip(),
                    county=str(raw.get("county") or "").strip(), psd_code=str(raw.get("psd_code") or "").strip(),
                    school_district=str(raw.get("school_district") or "").strip().upper(),
                    transit_district=str(raw.get("transit_district") or "").strip().upper())


def _in(rule: LocalRules, loc: Locality | None) -> bool:
    if loc is None or loc.state.upper() != rule.state:
        return False
    m = rule.match
    return bool(("whole_state" in m)
                or ("cities" in m and norm(loc.city) in m["cities"])
                or ("psd_codes" in m and norm(loc.psd_code) in m["psd_codes"])
                or ("school_districts" in m and norm(loc.school_district) in m["school_districts"])
                or ("counties" in m and norm(loc.county) in m["counties"])
                or ("transit_districts" in m and norm(loc.transit_district) in m["transit_districts"]))


def _source(rule: LocalRules) -> str:
    dates = ""
    if rule.effective_from or rule.effective_until:
        dates = (f", pay dates {rule.effective_from.isoformat() if rule.effective_from else 'from January 1'}"
                 f" to {rule.effective_until.isoformat() if rule.effective_until else 'December 31'}")
    return f"Source: {rule.publication}{dates} ({rule.confidence})."


def _wages(rule: LocalRules, ctx: LocalContext, steps: Steps) -> Decimal:
    excluded = sum((a for c, a in ctx.pretax.items() if c in rule.exempt_pretax and a), ZERO)
    wages = ctx.gross - excluded if ctx.gross > excluded else ZERO
    if steps is QUIET:
        pass
    elif excluded:
        steps.append(f"Wages {fmt_usd(ctx.gross)} less pre-tax deductions {rule.name} excludes "
                     f"({', '.join(sorted(c for c in ctx.pretax if c in rule.exempt_pretax))}) "
                     f"{fmt_usd(excluded)} = {fmt_usd(wages)}")
    else:
        steps.append(f"{rule.name} wages: {fmt_usd(wages)}")
    return wages


def _count(raw: Mapping[str, object], key: str, default: int = 0) -> int:
    value = raw.get(key)
    if value in (None, ""):
        return default
    try:
        n = int(str(value))
    except ValueError:
        raise ValidationFailed([Issue(f"local_certificate.{key}", f"must be a whole number, got {value!r}")])
    if n < 0:
        raise ValidationFailed([Issue(f"local_certificate.{key}", "must not be negative")])
    return n


def _line(rule: LocalRules, amount: Decimal, steps: Steps, wages: Decimal | None) -> LocalTaxLine:
    words: tuple[str, ...] = () if steps is QUIET else (
        *steps, *[f"Not modelled: {n}" for n in rule.not_modelled], _source(rule))
    return LocalTaxLine(rule.kind, rule.code, rule.name, rule.state, round_cents(amount), words, rule.employer, wages)


# --- methods -------------------------------------------------------------------------------------------------

def _flat(rule: LocalRules, ctx: LocalContext, rate: Decimal, who: str, quiet: bool = False) -> LocalTaxLine:
    steps: Steps = QUIET if quiet else [f"{rule.name} {who}: {fmt_pct(rate)} of wages"]
    wages = _wages(rule, ctx, steps)
    taxable = wages
    per = rule.params.get("exemption_per_allowance")
    if per is not None:
        n = _count(ctx.certificate, "city_exemptions", 0)
        if steps is not QUIET and ctx.certificate.get("city_exemptions") in (None, ""):
            steps.append(f"No city withholding certificate on file: no exemptions "
                         f"({rule.params.get('default_certificate', 'the city withholds at its rate on all wages')})")
        share = ctx.share
        allowance = round_cents(per * n / D(ctx.periods_per_year) * share)
        taxable = max(ZERO, wages - allowance)
        if steps is not QUIET:
            of_site = "" if share == 1 else f" x this work site's share {fmt_share(share)}"
            steps.append(f"Less {n} exemption(s) x {fmt_usd(per)} a year / {ctx.periods_per_year} periods"
                         f"{of_site} = {fmt_usd(allowance)}: taxable {fmt_usd(taxable)}")
    amount = taxable * rate
    if steps is not QUIET:
        steps.append(f"{fmt_usd(taxable)} x {fmt_pct(rate)} = {fmt_usd(round_cents(amount))}")
    return _line(rule, amount, steps, wages)


def _period_table(rule: LocalRules, ctx: LocalContext) -> LocalTaxLine:
    """NYS-50-T-NYC Method II: per-period deduction and exemption allowances, then the period's rate table."""
    ny = ctx.state_certificates.get(rule.state) or {}
    status_raw = str(ctx.certificate.get("filing_status") or ny.get("filing_status") or "single").lower()
    status = "married" if status_raw.startswith("married") and status_raw != "married_single_rate" else "single"
    n = _count(ctx.certificate, "city_allowances", _count(ny, "allowances", 0))
    prm = rule.params
    periods, factor = ctx.periods_per_year, 1
    if f"{periods}:{status}" not in rule.tables and str(periods) in prm.get("converted_to_monthly", {}):
        # the publication's "Conversion of Tables": a payroll period without its own table is worked on the
        # monthly one (quarterly wages / 3, the monthly table, the result x 3; semiannual / 6, x 6)
        factor, periods = int(prm["converted_to_monthly"][str(periods)]), 12
    key = f"{periods}:{status}"
    table = rule.tables.get(key)
    if table is None:
        have = ", ".join(sorted(rule.tables)) or "none"
        raise UnsupportedLocality(
            f"{rule.name} withholding: the {status} table for {ctx.periods_per_year} pay periods a year is not in "
            f"the data yet (tables held, periods:status: {have}); source {rule.publication}")
    steps = [f"{rule.name} resident tax, {rule.params.get('method_label', 'exact calculation method')}: "
             f"{status}, {n} allowance(s), {ctx.periods_per_year} pay periods a year"]
    wages = _wages(rule, ctx, steps)
    taxed = wages
    if factor != 1:
        taxed = wages / factor
        steps.append(f"No table for {ctx.periods_per_year} pay periods a year: {fmt_usd(wages)} / {factor} = "
                     f"{fmt_usd(taxed)} on the monthly table, the result x {factor} (conversion of tables)")
    deduction = prm["deduction"][key]
    exemption = prm["exemption"][str(periods)] * n
    net = max(ZERO, taxed - deduction - exemption)
    steps.append(f"Less deduction allowance {fmt_usd(deduction)} and {n} x "
                 f"{fmt_usd(prm['exemption'][str(periods)])} exemption allowance(s): net wages "
                 f"{fmt_usd(net)}")
    i = table.row_for(net)
    product = round_cents((net - table.overs[i]) * table.rates[i])
    amount = product + table.adds[i]
    steps.append(f"Line {i + 1}: ({fmt_usd(net)} - {fmt_usd(table.overs[i])}) x {table.rates[i]} = "
                 f"{fmt_usd(product)}; plus {fmt_usd(table.adds[i])} = {fmt_usd(amount)}")
    if factor != 1:
        steps.append(f"{fmt_usd(amount)} x {factor} = {fmt_usd(amount * factor)}")
        amount *= factor
    return _line(rule, amount, steps, wages)


def _state_surcharge(rule: LocalRules, ctx: LocalContext) -> LocalTaxLine:
    rate = rule.rates["resident"]
    state_tax = ctx.state_income_tax.get(rule.state, ZERO)
    steps = [f"{rule.name} resident income tax surcharge: {fmt_pct(rate)} of the {rule.state} income tax "
             f"withheld this period ({fmt_usd(state_tax)})"]
    wages = _wages(rule, ctx, [])
    amount = state_tax * rate
    steps.append(f"{fmt_usd(state_tax)} x {fmt_pct(rate)} = {fmt_usd(round_cents(amount))}")
    return _line(rule, amount, steps, wages)


def _pa_lst(rule: LocalRules, ctx: LocalContext, quiet: bool = False) -> LocalTaxLine:
    annual = rule.params["annual_amount"]
    steps: Steps = QUIET if quiet else [
        f"{rule.name} Local Services Tax: {fmt_usd(annual)} a year, withheld pro rata each pay period at the "
        f"place of employment"]
    if ctx.certificate.get("lst_exempt"):
        threshold = rule.params.get("low_income_exemption")
        if steps is not QUIET:
            steps.append("Exempt: the employee filed the LST exemption certificate"
                         + (f" (earned income from all sources in {rule.name} under {fmt_usd(threshold)} a year)"
                            if threshold is not None else ""))
        return _line(rule, ZERO, steps, None)
    # the Local Tax Enabling Act (Act 7 of 2007) and the ordinances under it: the pro rata share is the year's tax
    # divided by the employer's payroll periods, rounded DOWN to the cent (DCED's LST page: $52 monthly -> $4.33)
    per = (annual / D(ctx.periods_per_year)).quantize(D("0.01"), rounding=ROUND_DOWN)
    done = ctx.ytd_local.get(rule.code, ZERO)
    room = max(ZERO, annual - done)
    if steps is not QUIET:
        steps.append(f"{fmt_usd(annual)} / {ctx.periods_per_year} pay periods = {fmt_usd(per)} (rounded down to "
                     f"the cent)")
    if per > room:
        if steps is not QUIET:
            steps.append(f"Withheld so far this year {fmt_usd(done)}: limited to the {fmt_usd(room)} left")
        per = room
    return _line(rule, per, steps, ctx.gross)


def _monthly_head_tax(rule: LocalRules, ctx: LocalContext) -> LocalTaxLine:
    """A Colorado occupational privilege tax ("head tax"): a fixed amount for each calendar month in which the
    employee earns at least the city's threshold for work in the city, once a month whatever the pay frequency.
    It is taken on the month's first paycheck that brings the month's wages to the threshold (a later paycheck of
    the same month takes nothing); the employer's matching part is its own line on the same paycheck."""
    amount = rule.params["monthly_amount"]
    threshold = rule.params["monthly_wage_threshold"]
    strictly = bool(rule.params.get("threshold_exclusive", False))
    who = "employer's part" if rule.employer else "employee's part"
    month = ctx.pay_date.strftime("%B %Y")
    steps = [f"{rule.name} occupational privilege tax, {who}: {fmt_usd(amount)} for each calendar month in which "
             f"the employee earns {'more than' if strictly else 'at least'} {fmt_usd(threshold)} for work in the city"]
    done = ctx.mtd_local.get(rule.code, ZERO)
    if done >= amount:
        steps.append(f"Already taken this month ({month}): {fmt_usd(done)}; nothing more")
        return _line(rule, ZERO, steps, None)
    before = ctx.month_wages
    if before is None:
        steps.append(f"Wages paid earlier in {month} not stated: this is taken as the month's first paycheck")
        before = ZERO
    total = before + ctx.gross
    reached = total > threshold if strictly else total >= threshold
    steps.append(f"Wages in {month}: {fmt_usd(before)} before this paycheck + {fmt_usd(ctx.gross)} = "
                 f"{fmt_usd(total)}")
    if not reached:
        steps.append(f"Under the {fmt_usd(threshold)} threshold so far this month: nothing withheld (a later "
                     f"paycheck this month takes it if the month's wages reach it)")
        return _line(rule, ZERO, steps, None)
    steps.append(f"Threshold reached: {fmt_usd(amount)} for {month}")
    return _line(rule, amount, steps, ctx.gross)


def _oh_school_district(rule: LocalRules, ctx: LocalContext) -> LocalTaxLine:
    """Ohio school district income tax, withheld for a resident of a taxing district (Ohio IT 4 district number),
    wherever the work is. Traditional base: federal taxable wages less the Ohio exemptions prorated over the pay
    periods (the Department's computer formula prints the per-period figure), times the rate; earned-income base:
    federal taxable wages times the rate, no exemptions."""
    district = None
    if rule.districts:
        number = norm(ctx.residence.school_district if ctx.residence is not None else "")
        district = rule.districts[number]
        rate, base = district.rate, district.base
        label = f"{district.short_name} ({district.county} County), SD {district.number}"
    else:
        rate, base = rule.rates["resident"], str(rule.params.get("base", "traditional"))
        label = f"{rule.name} (SD {', '.join(sorted(rule.match.get('school_districts', ())))})"
    steps = [f"{label} school district income tax, {base.replace('_', ' ')} base: {fmt_pct(rate)}"]
    if district is not None and district.name != district.short_name:
        steps.append(f"The Department's list: {district.name}")
    wages = _wages(rule, ctx, steps)
    taxable = wages
    if base == "traditional":
        oh = ctx.state_certificates.get("OH") or {}
        n = _count(ctx.certificate, "school_district_exemptions",
                   _count(oh, "allowances", _count(oh, "personal_exemptions", 0)))
        printed = (rule.params.get("period_exemption") or {}).get(str(ctx.periods_per_year))
        if printed is not None:
            allowance = printed * n
            how = f"{n} Ohio exemption(s) x {fmt_usd(printed)} a period (the computer formula's figure)"
        else:
            per = rule.params["exemption_amount"]
            allowance = per * n / D(ctx.periods_per_year)
            how = f"{n} Ohio exemption(s) x {fmt_usd(per)} / {ctx.periods_per_year} periods"
        taxable = max(ZERO, wages - allowance)
        steps.append(f"Less {how} = {fmt_usd(round_cents(allowance))}: {fmt_usd(round_cents(taxable))}")
    amount = taxable * rate
    steps.append(f"{fmt_usd(round_cents(taxable))} x {fmt_pct(rate)} = {fmt_usd(round_cents(amount))}")
    line = _line(rule, amount, steps, wages)
    if district is None:
        return line
    return LocalTaxLine(line.code, f"OH-SD-{district.number}", f"{district.short_name} SD {district.number}",
                        line.state, line.amount, line.explanation, line.employer, line.wages)


def _county_key(text: object) -> str:
    return norm(str(text or "")).replace(" ", "_")


def _county_rate(rule: LocalRules, ctx: LocalContext) -> LocalTaxLine:
    """Indiana county income tax (Departmental Notice #1): the rate of the county on the WH-4 (the county of residence
    on January 1; for an Indiana nonresident, the county of principal work), on wages less the WH-4 exemptions a
    year divided by the pay periods; without a WH-4 county, the worker's home county, else the work county."""
    cert = ctx.state_certificates.get(rule.state) or {}
    rates = rule.params["county_rates"]
    home = ctx.residence
    lives_here = home is not None and home.state.upper() == rule.state
    if cert.get("county"):
        county, why = _county_key(cert["county"]), "the county on the WH-4"
    elif home is not None and lives_here and home.county:
        county, why = _county_key(home.county), "the county of residence on the worker's address"
    elif not lives_here and ctx.work is not None and ctx.work.county:
        county, why = _county_key(ctx.work.county), "the work county (the worker lives outside the state)"
    else:
        raise UnsupportedLocality(
            f"{rule.name}: the worker's county is not known (set the county on the {rule.state} withholding "
            f"certificate, or the county of the worker's {'address' if lives_here else 'work site'})")
    if county not in rates:
        raise UnsupportedLocality(f"{rule.name}: county {county} is not in the data for {ctx.pay_date.year} "
                                  f"(data/{ctx.pay_date.year}/locals/{rule.state}.json); source {rule.publication}")
    if county in rule.params.get("refused_counties", ()):
        raise UnsupportedLocality(f"{rule.name}: county {county} for a pay date of {ctx.pay_date.isoformat()} is "
                                  f"refused: {rule.params.get('refused_reason', 'its rate is not known')}")
    rate = rates[county]
    steps = [f"{rule.name}: {county.replace('_', ' ').title()} County ({why}), {fmt_pct(rate)}"]
    wages = _wages(rule, ctx, steps)
    if not cert:
        steps.append(f"No {rule.state} withholding certificate on file: no exemptions "
                     f"({rule.params.get('default_certificate', 'none allowed')})")
    annual = ZERO
    parts = []
    for key, per in rule.params.get("exemptions", {}).items():
        n = _count(cert, key, 0)
        if n:
            annual += per * n
            parts.append(f"{n} {key.replace('_', ' ')} x {fmt_usd(per)}")
    allowance = round_cents(annual / D(ctx.periods_per_year))
    taxable = max(ZERO, wages - allowance)
    if parts:
        steps.append(f"Less exemptions ({', '.join(parts)} = {fmt_usd(annual)} a year) / {ctx.periods_per_year} "
                     f"periods = {fmt_usd(allowance)}: taxable {fmt_usd(taxable)}")
    amount = taxable * rate
    steps.append(f"{fmt_usd(taxable)} x {fmt_pct(rate)} = {fmt_usd(round_cents(amount))}")
    return _line(rule, amount, steps, wages)


def _annualized_exclusion(rule: LocalRules, ctx: LocalContext, resident: bool) -> LocalTaxLine:
    """NYS-50-T-Y Method VIII (Yonkers nonresident earnings tax): annualize the period's wages; none withheld under
    the threshold; otherwise less the annual exclusion of the row the annualized pay falls in, times the rate, divided
    by the pay periods."""
    rate = rule.rates["resident" if resident and "resident" in rule.rates else "nonresident"]
    steps = [f"{rule.name}: {fmt_pct(rate)} of annualized wages less the annual exclusion (annualized method)"]
    wages = _wages(rule, ctx, steps)
    n = D(ctx.periods_per_year)
    annual = wages * n
    floor = D(rule.params["no_tax_below"])
    if annual < floor:
        steps.append(f"Annualized wages {fmt_usd(annual)} ({fmt_usd(wages)} x {ctx.periods_per_year}) are under "
                     f"{fmt_usd(floor)}: nothing withheld")
        return _line(rule, ZERO, steps, wages)
    exclusion = ZERO
    for over, amount in rule.params["annual_exclusions"]:
        if annual > D(over):
            exclusion = D(amount)
    amount = max(ZERO, annual - exclusion) * rate / n
    steps.append(f"Annualized wages {fmt_usd(annual)} less exclusion {fmt_usd(exclusion)} = "
                 f"{fmt_usd(annual - exclusion)}; x {fmt_pct(rate)} / {ctx.periods_per_year} periods = "
                 f"{fmt_usd(round_cents(amount))}")
    return _line(rule, amount, steps, wages)


def _pa_eit(home: LocalRules | None, work: LocalRules | None, ctx: LocalContext,
            quiet: bool = False) -> list[LocalTaxLine]:
    """Act 32: withhold the higher of the resident rate (home PSD) and the work PSD's nonresident rate; Philadelphia's
    wage tax instead where the worker lives or works in Philadelphia, the resident EIT credited with it."""
    lines = []
    if work is not None and work.params.get("philadelphia") and work is not home:
        rate = work.rates["nonresident"]
        lines.append(_flat(work, ctx, rate, "wage tax, nonresident working in the city", quiet))
        if home is not None:
            steps: Steps = QUIET if quiet else [
                f"{home.name} resident earned income tax: {fmt_pct(home.rates['resident'])}"]
            wages = _wages(home, ctx, steps)
            owed = wages * home.rates["resident"]
            credit = lines[0].amount
            if steps is not QUIET:
                steps.append(f"{fmt_usd(wages)} x {fmt_pct(home.rates['resident'])} = {fmt_usd(round_cents(owed))}, "
                             f"less the Philadelphia wage tax withheld {fmt_usd(credit)} (credited against the "
                             f"resident EIT)")
            lines.append(_line(home, max(ZERO, owed - credit), steps, wages))
        return lines
    if home is not None and home.params.get("philadelphia"):
        return [_flat(home, ctx, home.rates["resident"], "wage tax, resident", quiet)]
    res_rate = home.rates["resident"] if home is not None else None
    nr_rate = work.rates.get("nonresident") if work is not None and work is not home else None
    if home is not None and res_rate is not None and (nr_rate is None or res_rate >= nr_rate):
        line = _flat(home, ctx, res_rate, "earned income tax, resident", quiet)
        if quiet:
            return [line]
        why = (f"the resident rate {fmt_pct(res_rate)} is not below the work place's "
               f"({work.name}) nonresident rate "  # type: ignore[union-attr]  # a nonresident rate is the work rule's
               f"{fmt_pct(nr_rate)}" if nr_rate is not None else "lives and works in the same place, or works outside "
               "Pennsylvania's tax collection districts")
        return [LocalTaxLine(line.code, line.locality, line.name, line.state, line.amount,
                             (f"Act 32: withhold the higher of the resident and the work-place nonresident rate; {why}.",)
                             + line.explanation, line.employer, line.wages)]
    # here the work rule is there with a nonresident rate (the group has a rule, and a home rule alone took the branch
    # above)
    line = _flat(work, ctx, nr_rate, "earned income tax, nonresident rate of the work place",  # type: ignore[arg-type]
                 quiet)
    if quiet:
        return [line]
    why = (f"the work place's nonresident rate {fmt_pct(nr_rate)} "  # type: ignore[arg-type]
           f"is above the resident rate {fmt_pct(res_rate)} "  # type: ignore[arg-type]  # home is set: res_rate too
           f"({home.name})" if home is not None else "the worker does not live in Pennsylvania")
    return [LocalTaxLine(line.code, line.locality, line.name, line.state, line.amount,
                         (f"Act 32: withhold the higher of the resident and the work-place nonresident rate; {why}.",)
                         + line.explanation, line.employer, line.wages)]


def _oh_municipal(home: LocalRules | None, work: LocalRules | None, ctx: LocalContext,
                  quiet: bool = False) -> list[LocalTaxLine]:
    """Ohio (ORC 718): the work city's tax is withheld; a resident of another taxing city owes its tax less the credit
    it grants for the work city's tax, withheld when the employee asks for it (local certificate)."""
    lines = []
    if work is not None:
        who = "resident working in the city" if work is home else "tax on wages earned in the city"
        lines.append(_flat(work, ctx, work.rates["resident" if work is home else "nonresident"], who, quiet))
    if home is not None and home is not work:
        steps: Steps = QUIET if quiet else [f"{home.name} resident tax: {fmt_pct(home.rates['resident'])} of wages"]
        wages = _wages(home, ctx, steps)
        owed = wages * home.rates["resident"]
        work_tax = lines[0].amount if lines else ZERO
        credit = ZERO
        if work is not None and work_tax:       # a work city's tax is there only with the work city
            factor = home.params.get("credit_factor", ZERO)
            limit = home.params.get("credit_rate_limit", ZERO)
            credit = min(work_tax, wages * limit) * factor
            if steps is not QUIET:
                steps.append(f"Credit for the {work.name} tax {fmt_usd(work_tax)}: {fmt_pct(factor)} of it, on up "
                             f"to {fmt_pct(limit)} of wages = {fmt_usd(round_cents(credit))}")
        net = max(ZERO, owed - credit)
        if steps is not QUIET:
            steps.append(f"{fmt_usd(wages)} x {fmt_pct(home.rates['resident'])} = {fmt_usd(round_cents(owed))}, "
                         f"less credit = {fmt_usd(round_cents(net))}")
        if not ctx.certificate.get("withhold_residence_city"):
            if steps is not QUIET:
                steps.append("Not withheld: an Ohio employer withholds for the work city; the employee has not asked "
                             f"for {home.name} resident withholding, so it is settled on the employee's {home.name} "
                             "return.")
            net = ZERO
        lines.append(_line(home, net, steps, wages))
    return lines


def _mi_city(home: LocalRules | None, work: LocalRules | None, ctx: LocalContext,
             quiet: bool = False) -> list[LocalTaxLine]:
    """Michigan cities (City Income Tax Act, the Uniform City Income Tax Ordinance's section 51, MCL 141.651): a
    nonresident's wages are withheld at the work city's nonresident rate; a resident's at the residence city's rate,
    less, when the resident works in another taxing city, that city's rate on the same wages (section 51(1)(a)(ii)),
    each after the city's own exemptions."""
    lines = []
    if work is not None and work is not home:
        lines.append(_flat(work, ctx, work.rates["nonresident"], "nonresident", quiet))
    if home is not None:
        if work is None or work is home:
            lines.append(_flat(home, ctx, home.rates["resident"], "resident", quiet))
        else:
            rate = max(ZERO, home.rates["resident"] - work.rates["nonresident"])
            lines.append(_flat(home, ctx, rate,
                               f"resident working in {work.name} ({fmt_pct(home.rates['resident'])} less "
                               f"{work.name}'s {fmt_pct(work.rates['nonresident'])}, MCL 141.651(1)(a)(ii))", quiet))
    return lines


_GROUPED = {"pa_eit": _pa_eit, "oh_municipal": _oh_municipal, "mi_city": _mi_city}


def _one(rule: LocalRules, ctx: LocalContext, resident: bool, quiet: bool = False) -> LocalTaxLine:
    """One tax computed by itself. quiet: the figures only, as far as the method has a quiet path (flat rates and the
    Pennsylvania LST: what a run meets most); the others word their lines anyway (compute_local_taxes drops them)."""
    if rule.method == "period_table":
        return _period_table(rule, ctx)
    if rule.method == "state_tax_surcharge":
        return _state_surcharge(rule, ctx)
    if rule.method == "pa_lst":
        return _pa_lst(rule, ctx, quiet)
    if rule.method == "oh_school_district":
        return _oh_school_district(rule, ctx)
    if rule.method == "county_rate":
        return _county_rate(rule, ctx)
    if rule.method == "annualized_exclusion":
        return _annualized_exclusion(rule, ctx, resident)
    if rule.method == "monthly_head_tax":
        return _monthly_head_tax(rule, ctx)
    if rule.method == "flat":
        if rule.applies == "residents_or_workers":
            return _flat(rule, ctx, rule.rates["resident"], "tax", quiet)
        key = "resident" if resident else "nonresident"
        if key not in rule.rates:
            key = "resident" if "resident" in rule.rates else "nonresident"
        if rule.applies == "workers" and len(set(rule.rates.values())) == 1:
            return _flat(rule, ctx, rule.rates[key], "occupational tax on wages for work in the city", quiet)
        return _flat(rule, ctx, rule.rates[key], "resident" if resident else "nonresident", quiet)
    raise UnsupportedLocality(f"{rule.name}: method {rule.method} is not computed by itself")


# --- the paycheck's local lines ----------------------------------------------------------------------------------

class _Plan(NamedTuple):
    """What the local taxes of one pair of places on one pay date are, before any wage is looked at."""

    refusal: str | None                              # why they cannot be computed (UnsupportedLocality), or None
    singles: tuple[tuple[LocalRules, bool], ...]     # each tax computed by itself, and whether the worker lives there
    groups: tuple[tuple[str, LocalRules | None, LocalRules | None], ...]   # (method, home rule, work rule)


# (pay date, residence, work) -> (the year's rules, the plan for those places on that date): a run meets the same
# few places thousands of times, and matching them walks every rule of the year and checks the places' fields.
# Localities are frozen (hashable); an entry counts only for the very rules it was made from (held here, so compared
# by identity); the cache is emptied when it grows past _PLANS_KEPT.
_PLANS: dict[tuple[date, Locality | None, Locality | None], tuple[tuple[LocalRules, ...], _Plan]] = {}
_PLANS_KEPT: Final = 20_000
# The same, keyed by the places' identity, looked up first: a run's inputs share one Locality record per place
# (input_from_json's memo), and a Locality's hash is a Python function (@dataclass writes it) that ran 4-6 times a
# paycheck. An entry holds its two records, so their ids are not reused while it is kept.
_PLANS_BY_ID: dict[tuple[date, int, int], tuple[tuple[LocalRules, ...], _Plan, object, object]] = {}


def _plan(pay_date: date, residence: Locality | None, work: Locality | None) -> _Plan:
    rules = localities_for_year(pay_date.year)
    same = (pay_date, id(residence), id(work))
    hit = _PLANS_BY_ID.get(same)
    if hit is not None and hit[0] is rules:
        return hit[1]
    plan = _plan_by_value(pay_date, residence, work, rules)
    if len(_PLANS_BY_ID) >= _PLANS_KEPT:
        _PLANS_BY_ID.clear()
    _PLANS_BY_ID[same] = (rules, plan, residence, work)
    return plan


def _plan_by_value(pay_date: date, residence: Locality | None, work: Locality | None,
                   rules: tuple[LocalRules, ...]) -> _Plan:
    key = (pay_date, residence, work)
    hit = _PLANS.get(key)
    if hit is not None and hit[0] is rules:
        return hit[1]
    try:
        plan = _make_plan(pay_date, residence, work, rules)
    except UnsupportedLocality as exc:
        plan = _Plan(exc.message, (), ())
    if len(_PLANS) >= _PLANS_KEPT:
        _PLANS.clear()
    _PLANS[key] = (rules, plan)
    return plan


def _applies(rule: LocalRules, residence: Locality | None, work: Locality | None) -> bool:
    """Whether the rule can reach this worker: matched by the home or the work site, and by the one its `applies`
    names (a tax on work sites is not refused, nor levied, for a worker who only lives there). Grouped methods
    decide for themselves."""
    lives, works = _in(rule, residence), _in(rule, work)
    if not (lives or works):
        return False
    if rule.method in _GROUPED:
        return True
    if rule.applies == "residents":
        return lives
    if rule.applies == "nonresidents":
        return works and not lives
    if rule.applies == "workers":
        return works
    return True


def _make_plan(pay_date: date, residence: Locality | None, work: Locality | None,
               rules: tuple[LocalRules, ...]) -> _Plan:
    """The taxes of the places lived and worked in that cover the pay date; a locality whose tax is in the data but
    not for this pay date, or marked unsupported, or a place whose tax is certain but whose field is missing, raises
    UnsupportedLocality (never a silent zero)."""
    by_code: dict[str, list[LocalRules]] = {}
    for rule in rules:
        if _applies(rule, residence, work):
            by_code.setdefault(rule.code, []).append(rule)
    here, missing = [], []
    for versions in by_code.values():
        current = next((r for r in versions if r.covers(pay_date)), None)
        if current is None:
            missing.append(versions[0])
        else:
            here.append(current)
    for rule in missing:
        raise UnsupportedLocality(f"{rule.name} ({rule.state}) local tax is not in the data for a pay date of "
                                  f"{pay_date.isoformat()}; source {rule.publication}")
    for rule in here:
        if rule.unsupported:
            raise UnsupportedLocality(f"{rule.name} ({rule.state}) local tax is not supported yet: {rule.unsupported}")
    _check_required(pay_date.year, residence, work, here)
    singles: list[tuple[LocalRules, bool]] = []
    grouped: dict[str, list[LocalRules]] = {}
    for rule in here:
        if rule.method in _GROUPED:
            grouped.setdefault(rule.method, []).append(rule)
            continue
        lives = _in(rule, residence)
        singles.append((rule, lives))
    groups = tuple((method, next((r for r in members if _in(r, residence)), None),
                    next((r for r in members if _in(r, work)), None)) for method, members in grouped.items())
    return _Plan(None, tuple(singles), groups)


def local_taxes_due(pay_date: date, residence: Locality | None, work: Locality | None) -> bool:
    """Whether the places lived and worked in levy a local tax on this pay date (compute_local_taxes has lines to
    make); raises UnsupportedLocality where compute_local_taxes would. A run's paycheck asks this before it builds
    the LocalContext: most places levy nothing."""
    plan = _plan(pay_date, residence, work)
    if plan.refusal is not None:
        raise UnsupportedLocality(plan.refusal)
    return bool(plan.singles or plan.groups)


# (residence, work) -> the two places in words (Locality.describe, "not stated" for none), as a paycheck's result
# names them: a run describes the same few places for every paycheck. Keyed by the places' identity, as
# _PLANS_BY_ID (the entry holds the records); emptied when it grows past _PLANS_KEPT.
_NAMES: dict[tuple[int, int], tuple[tuple[str, str], object, object]] = {}


def place_names(residence: Locality | None, work: Locality | None,
                sites: Sequence[tuple[Locality, Decimal]] = ()) -> tuple[str, str]:
    """The residence's and the work place's words (Locality.describe), each pair of records worded once; a paycheck
    earned at several work sites names them all ("; ")."""
    if sites:
        return (residence.describe() if residence is not None else "not stated",
                "; ".join(dict.fromkeys(site.describe() for site, _m in sites)))
    key = (id(residence), id(work))
    hit = _NAMES.get(key)
    if hit is not None:
        return hit[0]
    names = (residence.describe() if residence is not None else "not stated",
             work.describe() if work is not None else "not stated")
    if len(_NAMES) >= _PLANS_KEPT:
        _NAMES.clear()
    _NAMES[key] = (names, residence, work)
    return names


def local_line_explanation(ctx: LocalContext, index: int) -> tuple[str, ...]:
    """The words of line `index` of compute_local_taxes(ctx, explain=False) (hotpath.Replay)."""
    return _REPLAY.words(ctx, index)


def compute_local_taxes(ctx: LocalContext, explain: bool = True) -> list[LocalTaxLine]:
    """Every local tax line of one paycheck. A locality whose tax is in the data but not for this pay date, or
    marked unsupported, raises UnsupportedLocality (never a silent zero).

    explain=False computes the figures only and gives each line one deferred step (local_line_explanation) in place
    of its words, as compute_state_taxes does: a payroll run or a quote without explanations never formats them."""
    if ctx.periods_per_year < 1:
        raise ValidationFailed([Issue("periods_per_year", "must be 1 or more")])
    if ctx.residence is None and ctx.work is None:
        return []
    plan = _plan(ctx.pay_date, ctx.residence, ctx.work)
    if plan.refusal is not None:
        raise UnsupportedLocality(plan.refusal)
    quiet = not explain
    singles, groups = plan.singles, plan.groups
    if ctx.portion == "once":
        singles, groups = tuple(x for x in singles if not _by_site(*x)), ()
    elif ctx.portion == "site":
        singles = tuple(x for x in singles if _by_site(*x))
    lines = [_one(rule, ctx, lives, quiet) for rule, lives in singles]
    for method, home, work in groups:
        lines.extend(_GROUPED[method](home, work, ctx, quiet))
    if explain and ctx.portion == "site":
        lines = [replace(line, explanation=(ctx.site_words, *line.explanation)) for line in lines]
    if quiet:
        for i, line in enumerate(lines):
            # each line is new, made by this call and seen by no one yet: set its deferred step in place
            object.__setattr__(line, "explanation", ((local_line_explanation, ctx, i),))
    return lines


_REPLAY: Final = Replay(compute_local_taxes)   # the words of its lines computed with explain=False


# --- a paycheck earned at several work sites -----------------------------------------------------------------------

# taxes computed once on the whole paycheck whichever sites it was earned at: the residence's own (NYC, Yonkers
# residents, an Ohio school district), Indiana's county (the county of principal work on January 1 for a
# nonresident: the main site), and the per-person taxes the main site levies (Pennsylvania's LST goes to the primary
# place of employment, Act 32; a Colorado city's head tax, counted on the month's wages)
_ONCE_METHODS: Final = frozenset({"period_table", "state_tax_surcharge", "oh_school_district", "county_rate", "pa_lst",
                                  "monthly_head_tax"})


def _by_site(rule: LocalRules, lives: bool) -> bool:
    """Whether a tax computed by itself follows the wages earned at each work site (a nonresident's city tax, a
    transit district's payroll tax on wages for work in the district), rather than falling on the whole paycheck
    once (a resident's tax on all wages wherever earned, and the _ONCE_METHODS)."""
    if rule.method in _ONCE_METHODS:
        return False
    return not lives or rule.applies in ("workers", "nonresidents")


def compute_site_local_taxes(ctx: LocalContext, sites: Sequence[tuple[Locality, Decimal]], measure: str = "hours",
                             explain: bool = True) -> list[LocalTaxLine]:
    """Every local tax line of a paycheck earned at several work sites, `sites` giving the hours (or wages, as
    `measure` says) worked at each; `ctx.work` is the main site.

    The rule used: a tax that follows the place of work (a city's tax on nonresidents' wages earned there, an Ohio
    work city's tax and the residence credit for it, Pennsylvania's EIT at the higher of the resident and the work
    place's nonresident rate, Michigan's nonresident rate, a transit district's payroll tax) is computed on each
    site's share of the wages (the last site takes what is left, so the shares add up to the paycheck) and the
    shares' lines of one locality added up; a city's exemptions are shared out the same way. A resident's own tax on
    all wages (NYC, Yonkers, an Ohio school district, Kansas City's or Oregon's statewide transit tax for a
    resident), Indiana's county tax and the per-person taxes (the LST, a monthly head tax) are computed once on the
    whole paycheck with the main site (_ONCE_METHODS). One site: compute_local_taxes(ctx) itself."""
    parts = fractions(sites, "work_sites", "work site")
    if len(parts) < 2:
        return compute_local_taxes(replace(ctx, work=parts[0][0]) if parts else ctx, explain)
    lines = compute_local_taxes(replace(ctx, portion="once"), explain)
    head = (f"Wages earned at {len(parts)} work sites this period, split by {measure} worked: "
            + ", ".join(f"{site.describe()} {fmt_usd(m) if measure == 'wages' else fmt_qty(m)} ({fmt_share(f)})"
                        for site, m, f in parts) + ".")
    allotted, pretax_allotted = ZERO, dict.fromkeys(ctx.pretax, ZERO)
    for i, (site, _m, fraction) in enumerate(parts):
        last = i == len(parts) - 1
        gross = ctx.gross - allotted if last else round_cents(ctx.gross * fraction)
        pretax = {k: v - pretax_allotted[k] if last else round_cents(v * fraction) for k, v in ctx.pretax.items()}
        allotted += gross
        for k, v in pretax.items():
            pretax_allotted[k] += v
        words = f"{head} This line's share: {site.describe()}, {fmt_share(fraction)}: wages {fmt_usd(gross)}."
        lines.extend(compute_local_taxes(replace(ctx, work=site, gross=gross, pretax=pretax, portion="site",
                                                 share=fraction, site_words=words), explain))
    return _merged(lines)


def _merged(lines: list[LocalTaxLine]) -> list[LocalTaxLine]:
    """One line per locality and kind (a locality's tax on two sites' shares added up, its words ending with the
    sum), in the order first met."""
    out: dict[tuple[str, str, bool], LocalTaxLine] = {}
    parts: dict[tuple[str, str, bool], list[Decimal]] = {}
    for line in lines:
        key = (line.code, line.locality, line.employer)
        parts.setdefault(key, []).append(line.amount)
        seen = out.get(key)
        if seen is None:
            out[key] = line
            continue
        wages = seen.wages if line.wages is None else line.wages if seen.wages is None else seen.wages + line.wages
        out[key] = replace(seen, amount=seen.amount + line.amount, explanation=seen.explanation + line.explanation,
                           wages=wages)
    for key, amounts in parts.items():
        if len(amounts) > 1:
            line = out[key]
            added = " + ".join(fmt_usd(a) for a in amounts)
            total = f"{line.name} over the work sites: {added} = {fmt_usd(line.amount)}"
            out[key] = replace(line, explanation=(*line.explanation, total))
    return list(out.values())


def _check_required(year: int, residence: Locality | None, work: Locality | None, here: list[LocalRules]) -> None:
    """Places where a local tax is certain but the worker's locality does not say which: refuse, naming the field."""
    for where, loc in (("residence", residence), ("work", work)):
        if loc is None:
            continue
        state = loc.state.upper()
        known = any(r.method == "pa_eit" and _in(r, loc) for r in here)
        if state == "PA" and not loc.psd_code and not known:
            raise UnsupportedLocality(f"Pennsylvania {where} locality {loc.city or ''} has no PSD code: every "
                                      f"Pennsylvania municipality levies an earned income tax, so the {where} PSD code "
                                      f"is needed (set it on the worker's "
                                      f"{'address' if where == 'residence' else 'work site'}; in a quote, "
                                      f"{where}_locality.psd_code)")
        if state == "PA" and not known:
            raise UnsupportedLocality(f"Pennsylvania PSD code {loc.psd_code} ({where}): its earned income tax rates "
                                      f"are not in the data yet (only the PSD codes listed in "
                                      f"data/{year}/locals/PA.json are)")
        if state == "OH" and where == "work" and not any(r.method == "oh_municipal" and _in(r, loc) for r in here):
            raise UnsupportedLocality(f"Ohio work city {loc.city or '(none given)'!s}: its municipal income tax rate "
                                      f"is not in the data yet (only the cities in data/{year}/locals/"
                                      f"OH.json are); set the work city or add the city's rate")
        if state == "OH" and where == "residence":
            district = norm(loc.school_district)
            if not district:
                raise UnsupportedLocality("Ohio residence has no school district number (Ohio IT 4): set it, or NONE "
                                          "for a district without a school district income tax")
            if district != "NONE" and not any(r.method == "oh_school_district" and _in(r, loc) for r in here):
                raise UnsupportedLocality(f"Ohio school district {district}: not among the districts with an income "
                                          f"tax in data/{year}/locals/OH.json (for 2026 the Department's "
                                          f"full list; none is held for {year} otherwise): check the "
                                          f"number on the IT 4 (The Finder), or set NONE for a district without one")


def locality_refusal(residence: Locality | None, work: Locality | None, pay_date: date,
                     periods_per_year: int,
                     state_certificates: Mapping[str, Mapping[str, object]] | None = None) -> str | None:
    """Why local taxes cannot be computed for this worker on this pay date (a run holds the worker), or None."""
    try:
        compute_local_taxes(LocalContext(pay_date=pay_date, periods_per_year=periods_per_year, residence=residence,
                                         work=work, gross=ZERO, state_certificates=state_certificates or {}))
    except UnsupportedLocality as exc:
        return exc.message
    return None


def locality_name(code: str, tax_year: int | None) -> str:
    """A local tax line's locality as people say it and W-2 box 20 prints it ("Detroit", "Canal Winchester LSD SD
    2502"), from the year's data; else the code itself."""
    if not code or not tax_year:
        return code
    for rule in localities_for_year(tax_year):
        if rule.code == code:
            return rule.name
        if rule.districts and code.startswith(rule.code + "-"):
            district = rule.districts.get(code[len(rule.code) + 1:])
            if district is not None:
                return f"{district.short_name} SD {district.number}"
    return code


def coverage(tax_year: int) -> list[dict]:
    """One row per local tax in the year's data: code, name, state, kind, method, confidence, source, dates, gaps."""
    return [{"code": r.code, "name": r.name, "state": r.state, "kind": r.kind, "method": r.method,
             "confidence": r.confidence, "publication": r.publication, "source_url": r.source_url,
             "effective_from": r.effective_from, "effective_until": r.effective_until,
             "unsupported": r.unsupported, "not_modelled": list(r.not_modelled), "unconfirmed": list(r.unconfirmed)}
            for r in localities_for_year(tax_year)]
