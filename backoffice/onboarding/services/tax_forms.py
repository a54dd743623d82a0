"""A worker's payroll forms sent as JSON (the API): Form W-4 in the paycheck quote's fields, a state withholding
certificate, Form W-9 and a direct-deposit account. Each body is checked strictly (unknown fields, JSON types,
every bad field named at once); the records are written by the workers' profile services, the same ones the
wizard and the portal use."""
from __future__ import annotations

from datetime import date

from backoffice import validation as v
from backoffice.banking.routing import validate_bank_account
from backoffice.errors import DomainError, Issue, ValidationFailed, raise_if
from backoffice.geo import STATES
from backoffice.onboarding.steps import _data as certificate_data
from backoffice.onboarding.steps import clean_state_certificate, no_certificate_reason, state_form
from backoffice.uow import transaction
from backoffice.workers import profile_services
from backoffice.workers.profile import W9_ENTITY_TYPES, BankAccount, TaxProfile, W9Form
from payroll.engine.model import FILING_STATUSES, MARITAL_STATUSES
from payroll.engine.quote_input import MAX_ALLOWANCES, W4_2019_FIELDS, W4_2020_FIELDS
from payroll.engine.states import partially_supported_states, supported_states
from payroll.engine.states.inputs import read_certificate
from payroll.engine.tables import supported_tax_years

W4_EXTRA_FIELDS = ("effective_date", "signed_name")
W4_AMOUNTS = ("step3_credits", "step4a_other_income", "step4b_deductions", "step4c_extra")
# A state certificate without a form of its own in onboarding's data is read by the engine: these are the fields
# it understands (payroll.engine.states.inputs).
ENGINE_CERTIFICATE_FIELDS = ("filing_status", "allowances", "additional_allowances", "dependents",
                             "personal_exemptions", "adopted_dependents", "additional", "annual_allowance", "exempt",
                             "percentage", "reciprocity", "rate_table", "withholding_code", "county", "reduction",
                             "fixed_withholding", "nonresident_alien")
W9_FIELDS = ("legal_name", "business_name", "entity_type", "exempt_payee_code", "tin_type", "tin", "certified",
             "signed_name")
BANK_FIELDS = ("bank_name", "routing_number", "account_number", "account_type", "split_kind", "split_amount",
               "split_percent", "priority")
MAX_TEXT = 200          # names on forms: the columns' length
MAX_PRIORITY = 99


# ------------------------------------------------------------------ shared checks
def _unknown(data: dict, allowed, issues: list[Issue]) -> None:
    issues.extend(Issue(str(k), "unknown field", "unknown") for k in data if k not in allowed)


def _boolean(data: dict, key: str, issues: list[Issue]) -> bool:
    value = data.get(key, False)
    if value is None:
        return False
    if not isinstance(value, bool):
        issues.append(Issue(key, "must be true or false", "invalid_type"))
        return False
    return value


def _text(data: dict, key: str, issues: list[Issue], *, limit: int = MAX_TEXT, required: bool = False) -> str:
    value = data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            issues.append(Issue(key, "is required", "required"))
        return ""
    if not isinstance(value, str):
        issues.append(Issue(key, "must be a string", "invalid_type"))
        return ""
    text = " ".join(value.split())
    if len(text) > limit:
        issues.append(Issue(key, f"is longer than {limit} characters", "too_long"))
        return ""
    return text


def _amount(data: dict, key: str, issues: list[Issue], **kw):
    value = data.get(key)
    if isinstance(value, (bool, list, dict)):
        issues.append(Issue(key, "must be a number as a string, e.g. \"12.50\"", "invalid_type"))
        return None
    return v.amount(key, value, issues, **kw)


def _effective_date(data: dict, issues: list[Issue], *, today: date, self_service: bool) -> date | None:
    """`effective_date` (today when not given). A worker's own form applies from today on; HR may date a form
    received earlier (it changes no paycheck already calculated)."""
    day = v.a_date("effective_date", data.get("effective_date") or today, issues)
    if day is not None and self_service and day < today:
        issues.append(Issue("effective_date", f"your form applies from today ({today.isoformat()}) or later; "
                                              "ask HR to date it earlier", "too_early"))
        return None
    return day


# ------------------------------------------------------------------ Form W-4
def clean_w4_json(data: dict, *, today: date, self_service: bool = False) -> dict:
    """A W-4 in the paycheck quote's `w4` fields (2020+: version 2020, filing_status, step2_checkbox,
    step3_credits, step4a_other_income, step4b_deductions, step4c_extra, exempt; 2019 and earlier: version 2019,
    marital_status, allowances, additional, exempt) plus `effective_date` and `signed_name`, checked strictly;
    returns the fields profile_services.save_w4 stores. Version 2020 when not given."""
    issues: list[Issue] = []
    version = data.get("version", 2020)
    if version not in (2019, 2020) or isinstance(version, bool):
        raise_if([Issue("version", "must be 2020 (Form W-4 2020 or later) or 2019 (2019 or earlier)")])
    _unknown(data, (W4_2020_FIELDS if version == 2020 else W4_2019_FIELDS) + W4_EXTRA_FIELDS, issues)
    out: dict = {"version": version, "exempt": _boolean(data, "exempt", issues)}
    if version == 2020:
        out["filing_status"] = v.choice("filing_status", data.get("filing_status", "single"), FILING_STATUSES,
                                        issues)
        out["step2_checkbox"] = _boolean(data, "step2_checkbox", issues)
        for name in W4_AMOUNTS:
            out[name] = _amount(data, name, issues, required_=False) or 0
        entered = [name for name in ("step2_checkbox",) + W4_AMOUNTS if out[name]]
    else:
        out["marital_status"] = v.choice("marital_status", data.get("marital_status", "single"), MARITAL_STATUSES,
                                         issues)
        allowances = data.get("allowances", 0)
        if isinstance(allowances, bool) or not isinstance(allowances, int) or not 0 <= allowances <= MAX_ALLOWANCES:
            issues.append(Issue("allowances", f"must be a whole number from 0 to {MAX_ALLOWANCES}", "invalid"))
            allowances = 0
        out["allowances"] = allowances
        out["additional"] = _amount(data, "additional", issues, required_=False) or 0
        entered = [name for name in ("allowances", "additional") if out[name]]
    if out["exempt"] and entered:
        # Form W-4 (2026), "Exemption from withholding": an employee claiming exemption completes only Steps 1(a),
        # 1(b) and 5; Form W-4 (2019) line 7: write "Exempt" and leave lines 5 and 6 blank.
        issues.append(Issue("exempt", "a W-4 claiming exemption has nothing else filled in: remove "
                                      f"{', '.join(entered)}", "exempt_with_entries"))
    out["effective_date"] = _effective_date(data, issues, today=today, self_service=self_service)
    out["signed_name"] = _text(data, "signed_name", issues)
    raise_if(issues)
    return out


@transaction()
def put_w4(worker_id: int, data: dict, *, today: date, self_service: bool = False) -> TaxProfile:
    """A new W-4, effective from `effective_date`; the state certificates on file carry over to it."""
    clean = clean_w4_json(data, today=today, self_service=self_service)
    signed = clean.pop("signed_name")
    return profile_services.save_w4(worker_id, clean, today=today, signed_name=signed)


# ------------------------------------------------------------------ state withholding certificates
def _engine_year(day: date) -> int:
    years = supported_tax_years()
    return min(max(day.year, years[0]), years[-1])


def certificate_state(state: str, on: date) -> str:
    """The state of a certificate: a US state code whose withholding the engine computes in `on`'s tax year and
    that has a certificate at all; else ValidationFailed naming `state`."""
    code = str(state or "").strip().upper()
    if code not in STATES:
        raise_if([Issue("state", f"{str(state)[:20]!r} is not a US state code (two letters, e.g. CA)",
                        "invalid_state")])
    year = _engine_year(on)
    data = certificate_data()
    if code in data["no_income_tax_on_wages"]["states"] or code in data["no_certificate"] \
            or code in data["federal_w4"]:
        raise_if([Issue("state", no_certificate_reason(code), "no_certificate")])
    if code not in supported_states(year) and code not in partially_supported_states(year):
        raise_if([Issue("state", f"the payroll engine does not compute {code} withholding for {year} yet, so a "
                                 f"{code} certificate cannot be used", "unsupported_state")])
    return code


def clean_certificate_json(state: str, data: dict) -> dict:
    """The certificate fields of `state`: its form's fields (onboarding data) when it has one, else the fields
    the engine reads; strict JSON types; every bad field named."""
    issues: list[Issue] = []
    form = state_form(state)
    fields = [f["name"] for f in form.fields] if form else list(ENGINE_CERTIFICATE_FIELDS)
    body = {k: val for k, val in data.items() if k not in W4_EXTRA_FIELDS}
    _unknown(body, fields, issues)
    if form is None:
        for name in ("exempt", "reciprocity", "nonresident_alien"):
            if name in body:
                _boolean(body, name, issues)
        if not issues:
            try:
                read_certificate(state, body)
            except ValidationFailed as exc:      # the engine names fields `certificate.XX.field`
                issues.extend(Issue(i.field.rsplit(".", 1)[-1], i.message, i.code) for i in exc.issues)
        raise_if(issues)
        return dict(body)
    kinds = {f["name"]: f["type"] for f in form.fields}
    for name, value in body.items():
        kind = kinds.get(name)
        if value is None and kind in ("bool", "count", "money"):
            continue                        # null: the field left blank
        if kind == "bool" and not isinstance(value, bool):
            issues.append(Issue(name, "must be true or false", "invalid_type"))
        elif kind == "count" and (isinstance(value, bool) or not isinstance(value, (int, str))):
            issues.append(Issue(name, "must be a whole number, 0 or more", "invalid_type"))
        elif kind in ("choice", "money") and (isinstance(value, (bool, list, dict)) or value is None):
            issues.append(Issue(name, "must be a string", "invalid_type"))
    flagged = {i.field for i in issues}
    cert, more = clean_state_certificate(form, {k: ("true" if val is True else val) for k, val in body.items()
                                                if k not in flagged})
    raise_if(issues + [i for i in more if i.field not in flagged])
    return cert


@transaction()
def put_state_certificate(worker_id: int, state: str, data: dict, *, today: date,
                          self_service: bool = False) -> TaxProfile:
    """The worker's `state` certificate, effective from `effective_date`: a new tax-profile row copying the W-4
    in effect that day, with this state's certificate replaced (the other states' kept)."""
    issues: list[Issue] = []
    day = _effective_date(data, issues, today=today, self_service=self_service)
    signed = _text(data, "signed_name", issues)
    raise_if(issues)
    code = certificate_state(state, day)
    cert = clean_certificate_json(code, data)
    w4 = profile_services.current_tax_profile(worker_id, day)
    if w4 is None:
        raise DomainError(f"worker {worker_id} has no Form W-4 effective on {day.isoformat()}: send the W-4 first "
                          "(PUT /api/v1/workers/<id>/w4)", code="no_w4")
    return profile_services.save_w4(worker_id, {**w4.w4_json(), "effective_date": day,
                                                "state_certificate": {**(w4.state_certificate or {}), code: cert}},
                                    today=today, signed_name=signed or w4.signed_name)


# ------------------------------------------------------------------ Form W-9
@transaction()
def put_w9(worker_id: int, data: dict, *, self_service: bool = False) -> W9Form:
    """A contractor's W-9: legal name and entity type required; without a TIN, or not certified, backup
    withholding is flagged (24%). `self_service`: a worker typing an SSN on file for someone else is refused
    without being told so (workers.services.TIN_HELD)."""
    issues: list[Issue] = []
    _unknown(data, W9_FIELDS, issues)
    clean = {"legal_name": _text(data, "legal_name", issues, required=True),
             "business_name": _text(data, "business_name", issues),
             "entity_type": v.choice("entity_type", data.get("entity_type"), W9_ENTITY_TYPES, issues),
             "exempt_payee_code": _text(data, "exempt_payee_code", issues, limit=4),
             "tin_type": v.choice("tin_type", data.get("tin_type") or "ssn", ("ssn", "ein"), issues),
             "tin": _text(data, "tin", issues, limit=20) or None,
             "certified": _boolean(data, "certified", issues),
             "signed_name": _text(data, "signed_name", issues)}
    raise_if(issues)
    return profile_services.save_w9(worker_id, clean, self_service=self_service)


# ------------------------------------------------------------------ direct deposit
@transaction()
def post_bank_account(worker_id: int, data: dict) -> BankAccount:
    """A deposit account typed in (routing number by its ABA check digit) and its split of net pay: `remainder`
    (the new account takes the rest; the previous remainder account is replaced), `percent` (split_percent) or
    `fixed` (split_amount). The worker's accounts must still split net pay (percents at most 100)."""
    issues: list[Issue] = []
    _unknown(data, BANK_FIELDS, issues)
    for key in ("routing_number", "account_number", "bank_name", "account_type", "split_kind"):
        if key in data and data[key] is not None and not isinstance(data[key], str):
            issues.append(Issue(key, "must be a string", "invalid_type"))
    for key in ("split_amount", "split_percent"):
        if isinstance(data.get(key), (bool, list, dict)):
            issues.append(Issue(key, "must be a number as a string, e.g. \"25.00\"", "invalid_type"))
    priority = data.get("priority")
    if priority is not None and (isinstance(priority, bool) or not isinstance(priority, int)
                                 or not 0 <= priority <= MAX_PRIORITY):
        issues.append(Issue("priority", f"must be a whole number from 0 to {MAX_PRIORITY}", "invalid"))
    if isinstance(data.get("bank_name"), str) and len(data["bank_name"].strip()) > 120:
        issues.append(Issue("bank_name", "is longer than 120 characters", "too_long"))
    kind = data.get("split_kind") or "remainder"
    for key, needed in (("split_amount", "fixed"), ("split_percent", "percent")):
        if data.get(key) not in (None, "") and kind != needed:
            issues.append(Issue(key, f"is only for split_kind {needed}", "not_allowed"))
    if issues:          # name the numbers' problems too, not only the shape's
        numbers = [data.get(k) if isinstance(data.get(k), str) else None for k in ("routing_number",
                                                                                   "account_number")]
        named = {i.field for i in issues}
        issues += [i for i in validate_bank_account(*numbers) if i.field not in named]
    raise_if(issues)
    return profile_services.add_bank_account(worker_id, data, source="manual")



# ------------------------------------------------------------------ reading a worker's state certificates
def state_certificates(worker_id: int, *, on: date) -> list[dict]:
    """The state certificates in effect on `on`: one row per state, with its form (onboarding's data) or None, the
    tax profile they sit on and its effective date and signer."""
    profile = profile_services.current_tax_profile(worker_id, on)
    if profile is None:
        return []
    out = []
    for code, cert in sorted((profile.state_certificate or {}).items()):
        form = state_form(code)
        out.append({"worker_id": worker_id, "tax_profile_id": profile.id, "state": code,
                    "form": form.form if form else None, "effective_date": profile.effective_date,
                    "signed_name": profile.signed_name, "certificate": dict(cert)})
    return out
