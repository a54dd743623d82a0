"""Services for clients, workers and engagements: validate every field, then write in one transaction."""
from __future__ import annotations

import re
from contextlib import contextmanager

import sqlalchemy as sa

from backoffice import validation as v
from backoffice.audit import record_event
from backoffice.crypto import blind_index
from backoffice.errors import Issue, NotFound, ValidationFailed, raise_if
from backoffice.extensions import db
from backoffice.money import PERCENT, RATE, D
from backoffice.uow import transaction
from backoffice.workers.models import (ENGAGEMENT_STATUSES, ENGAGEMENT_TYPES, PAY_FREQUENCIES, PAY_UNITS, Client,
                                       Engagement, Worker)

CLIENT_FIELDS = ("name", "legal_name", "ein", "billing_contact_name", "billing_email", "address_line1", "city",
                 "state", "postal_code", "payment_terms_days", "billing_method", "markup_rate", "invoice_frequency",
                 "invoice_grouping", "po_number", "active")
# how often a client is invoiced and whether one invoice covers all of its workers (backoffice/billing)
INVOICE_FREQUENCIES = ("weekly", "biweekly", "semimonthly", "monthly")
INVOICE_GROUPINGS = ("consolidated", "per_worker")
WORKER_FIELDS = ("first_name", "middle_name", "last_name", "tin_type", "tin", "birth_date", "email", "phone",
                 "address_line1", "address_line2", "city", "state", "postal_code", "status",
                 "municipality", "county", "psd_code", "school_district", "local_certificate")
ENGAGEMENT_FIELDS = ("worker_id", "client_id", "type", "title", "work_state", "pay_rate", "pay_unit", "bill_rate",
                     "ot_bill_rate", "dt_bill_rate",
                     "pay_frequency", "pay_schedule_id", "start_date", "end_date", "status", "overtime_exempt",
                     "office_state", "remote_for_convenience", "work_city", "work_county", "work_psd_code",
                     "work_transit_district", "wc_class_code", "normal_day_hours")
# local certificate fields (payroll.engine.locals.LOCAL_CERTIFICATE_FIELDS; named here, not imported: payroll sits
# above workers): whole numbers, yes/no flags and the NYC filing status
_LOCAL_COUNTS = ("city_exemptions", "city_allowances", "school_district_exemptions")
_LOCAL_FLAGS = ("lst_exempt", "withhold_residence_city")
TRANSIT_DISTRICTS = ("TRIMET", "LTD")
# the workers' comp class code an engagement is rated under (payroll prices it from its class table)
WC_CLASS_CODE = re.compile(r"^[0-9A-Z]{3,8}$")


def clean_locality(data: dict, out: dict, issues: list, prefix: str = "") -> None:
    """The local-tax place fields (a worker's home with no prefix, an engagement's work site with 'work_'): the
    municipality/city and county as text, the 6-digit Pennsylvania PSD code, the 4-digit Ohio school district number
    (or NONE), the Oregon transit district."""
    for f in (("city", "county") if prefix else ("municipality", "county")):
        key = prefix + f
        if key in data:
            text = str(data[key] or "").strip()
            if len(text) > (60 if f == "county" else 100):
                issues.append(Issue(key, "is too long"))
            out[key] = text
    psd = prefix + "psd_code"
    if psd in data:
        value = str(data[psd] or "").strip().replace("-", "")
        if value and not (len(value) == 6 and value.isdigit()):
            issues.append(Issue(psd, "must be the 6-digit Pennsylvania PSD code (DCED register), e.g. 510101"))
        out[psd] = value
    sd = prefix + "school_district"
    if sd in data:
        value = str(data[sd] or "").strip().upper()
        if value and not (value == "NONE" or (len(value) == 4 and value.isdigit())):
            issues.append(Issue(sd, "must be the 4-digit Ohio school district number (Ohio IT 4), or NONE"))
        out[sd] = value
    transit = prefix + "transit_district"
    if transit in data:
        value = str(data[transit] or "").strip().upper()
        if value and value not in TRANSIT_DISTRICTS:
            issues.append(Issue(transit, f"must be one of {', '.join(TRANSIT_DISTRICTS)} or empty"))
        out[transit] = value


def clean_local_certificate(value, issues: list) -> dict | None:
    if value in (None, "", {}):
        return None
    if not isinstance(value, dict):
        issues.append(Issue("local_certificate", "must be an object"))
        return None
    out = {}
    for k, x in value.items():
        if k in _LOCAL_COUNTS:
            try:
                n = int(str(x))
            except ValueError:
                n = -1
            if n < 0 or n > 99:
                issues.append(Issue(f"local_certificate.{k}", "must be a whole number from 0 to 99"))
            out[k] = n
        elif k in _LOCAL_FLAGS:
            out[k] = bool(x)
        elif k == "filing_status":
            out[k] = v.choice(f"local_certificate.{k}", x, ("single", "married"), issues)
        else:
            issues.append(Issue(f"local_certificate.{k}", "is not a known local certificate field", "unknown_field"))
    return out


def _unknown(data: dict, allowed, issues):
    for k in data:
        if k not in allowed:
            issues.append(Issue(k, "is not a known field", "unknown_field"))


# ---------------------------------------------------------------- clients
def clean_client(data: dict, *, partial: bool = False) -> dict:
    issues: list[Issue] = []
    _unknown(data, CLIENT_FIELDS, issues)
    out: dict = {}
    if not partial or "name" in data:
        v.required(data, ["name"], issues)
        out["name"] = str(data.get("name") or "").strip()
    for f in ("legal_name", "billing_contact_name", "address_line1", "city", "postal_code"):
        if f in data:
            out[f] = str(data[f] or "").strip()
    if data.get("ein"):
        out["ein"] = v.ein("ein", data["ein"], issues) or ""
    if data.get("billing_email"):
        out["billing_email"] = v.email("billing_email", data["billing_email"], issues) or ""
    if data.get("state"):
        out["state"] = v.state_code("state", data["state"], issues) or ""
    if "payment_terms_days" in data:
        try:
            days = int(data["payment_terms_days"])
            if not 0 <= days <= 365:
                raise ValueError
            out["payment_terms_days"] = days
        except (TypeError, ValueError):
            issues.append(Issue("payment_terms_days", "must be a whole number of days from 0 to 365"))
    if "billing_method" in data:
        out["billing_method"] = v.choice("billing_method", data["billing_method"], ("bill_rate", "cost_plus"), issues)
    if "markup_rate" in data:
        out["markup_rate"] = v.amount("markup_rate", data["markup_rate"], issues, kind=PERCENT, places=4)
    if "invoice_frequency" in data:
        out["invoice_frequency"] = v.choice("invoice_frequency", data["invoice_frequency"], INVOICE_FREQUENCIES,
                                            issues)
    if "invoice_grouping" in data:
        out["invoice_grouping"] = v.choice("invoice_grouping", data["invoice_grouping"], INVOICE_GROUPINGS, issues)
    if "po_number" in data:
        out["po_number"] = str(data["po_number"] or "").strip()
        if len(out["po_number"]) > 60:
            issues.append(Issue("po_number", "must be at most 60 characters", "too_long"))
    if "active" in data:
        out["active"] = bool(data["active"])
    raise_if(issues)
    return out


@transaction()
def create_client(data: dict) -> Client:
    client = Client(**clean_client(data))
    db.session.add(client)
    return client


@transaction()
def update_client(client_id: int, data: dict) -> Client:
    client = db.session.get(Client, client_id) or _raise_nf("client", client_id)
    for k, val in clean_client(data, partial=True).items():
        setattr(client, k, val)
    return client


def _raise_nf(kind, ident):
    raise NotFound(f"{kind} {ident} not found")


# ---------------------------------------------------------------- workers
# What a worker reads when the SSN they typed is already on file for someone else: the same words whoever holds
# it, so the form cannot be used to test numbers; HR is told instead (flag_tin_conflicts).
TIN_HELD = "this SSN cannot be used here; HR will contact you"


def clean_worker(data: dict, *, partial: bool = False, current: Worker | None = None,
                 self_service: bool = False) -> dict:
    """Validate a worker's fields. `self_service`: the worker is the one typing (portal, wizard, their own API
    token), so an SSN on file for another worker is refused without saying so (TIN_HELD, code tin_conflict)."""
    issues: list[Issue] = []
    _unknown(data, WORKER_FIELDS, issues)
    out: dict = {}
    for f in ("first_name", "last_name", "email"):
        if not partial or f in data:
            v.required(data, [f], issues)
    for f in ("first_name", "middle_name", "last_name", "phone", "address_line1", "address_line2", "city",
              "postal_code"):
        if f in data:
            out[f] = str(data[f] or "").strip()
    if data.get("email"):
        out["email"] = v.email("email", data["email"], issues)
    if "tin_type" in data:
        out["tin_type"] = v.choice("tin_type", data["tin_type"], ("ssn", "ein"), issues)
    tin_type = out.get("tin_type") or (current.tin_type if current else "ssn")
    if data.get("tin"):
        tin = (v.ein if tin_type == "ein" else v.ssn)("tin", data["tin"], issues)
        if tin:
            digits = tin.replace("-", "")
            out.update(tin=digits, tin_last4=digits[-4:], tin_index=blind_index(digits))
    if "birth_date" in data:
        out["birth_date"] = v.a_date("birth_date", data["birth_date"], issues, required_=False)
    if data.get("state"):
        out["state"] = v.state_code("state", data["state"], issues)
    if "status" in data:
        out["status"] = v.choice("status", data["status"], ("onboarding", "active", "inactive", "terminated"), issues)
    clean_locality(data, out, issues)
    if "local_certificate" in data:
        out["local_certificate"] = clean_local_certificate(data["local_certificate"], issues)
    if out.get("email"):
        q = sa.select(Worker.id).where(Worker.email == out["email"])
        if current is not None:
            q = q.where(Worker.id != current.id)
        if db.session.execute(q).first():
            issues.append(Issue("email", "is already used by another worker", "duplicate"))
    if out.get("tin_index"):
        q = sa.select(Worker.id).where(Worker.tin_index == out["tin_index"])
        if current is not None:
            q = q.where(Worker.id != current.id)
        if db.session.execute(q).first():
            issues.append(Issue("tin", TIN_HELD, "tin_conflict") if self_service else
                          Issue("tin", "is already on file for another worker", "duplicate"))
    raise_if(issues)
    return out


@transaction()
def create_worker(data: dict) -> Worker:
    worker = Worker(**clean_worker(data))
    db.session.add(worker)
    return worker


@transaction()
def update_worker(worker_id: int, data: dict, *, self_service: bool = False) -> Worker:
    worker = db.session.get(Worker, worker_id) or _raise_nf("worker", worker_id)
    for k, val in clean_worker(data, partial=True, current=worker, self_service=self_service).items():
        setattr(worker, k, val)
    return worker


@contextmanager
def flag_tin_conflicts(worker_id: int):
    """Around a worker's own change, in the entry point (outside the service's unit of work): when it is refused
    because the SSN is on file for another worker, tell HR with an audit-log row `tin_conflict` on the worker,
    written in a unit of work of its own after the refused one was rolled back."""
    try:
        yield
    except ValidationFailed as exc:
        if any(i.code == "tin_conflict" for i in exc.issues):
            record_tin_conflict(worker_id)
        raise


@transaction()
def record_tin_conflict(worker_id: int) -> None:
    record_event("tin_conflict", "worker", worker_id,
                 {"tin": "the worker entered an SSN already on file for another worker; HR to follow up"})


# ---------------------------------------------------------------- engagements
def clean_engagement(data: dict, *, partial: bool = False, current: Engagement | None = None) -> dict:
    issues: list[Issue] = []
    _unknown(data, ENGAGEMENT_FIELDS, issues)
    out: dict = {}
    if not partial:
        v.required(data, ["worker_id", "client_id", "type", "work_state", "pay_rate", "start_date"], issues)
    for f, model in (("worker_id", Worker), ("client_id", Client)):
        if data.get(f) not in (None, ""):
            try:
                ident = int(data[f])
            except (TypeError, ValueError):
                issues.append(Issue(f, "must be an id"))
                continue
            if not v.is_record_id(ident) or db.session.get(model, ident) is None:
                issues.append(Issue(f, f"no {model.__tablename__[:-1]} with id {ident}", "not_found"))
            out[f] = ident
    if data.get("type"):
        out["type"] = v.choice("type", data["type"], ENGAGEMENT_TYPES, issues)
    if data.get("work_state"):
        out["work_state"] = v.state_code("work_state", data["work_state"], issues)
    if data.get("pay_rate") not in (None, ""):
        out["pay_rate"] = v.amount("pay_rate", data["pay_rate"], issues, kind=RATE)
    if data.get("bill_rate") not in (None, ""):
        out["bill_rate"] = v.amount("bill_rate", data["bill_rate"], issues, kind=RATE)
    for f in ("ot_bill_rate", "dt_bill_rate"):      # blank: 1.5x / 2x the bill rate
        if f in data:
            out[f] = None if data[f] in (None, "") else v.amount(f, data[f], issues, kind=RATE)
    if "pay_unit" in data:
        out["pay_unit"] = v.choice("pay_unit", data["pay_unit"], PAY_UNITS, issues)
    if "pay_frequency" in data:
        out["pay_frequency"] = v.choice("pay_frequency", data["pay_frequency"], PAY_FREQUENCIES, issues)
    if "pay_schedule_id" in data:
        # None or "" puts the engagement on the default schedule of its frequency (payroll keeps the pair right)
        if data["pay_schedule_id"] in (None, ""):
            out["pay_schedule_id"] = None
        else:
            try:
                out["pay_schedule_id"] = int(data["pay_schedule_id"])
            except (TypeError, ValueError):
                issues.append(Issue("pay_schedule_id", "must be the id of a pay schedule"))
    if "status" in data:
        out["status"] = v.choice("status", data["status"], ENGAGEMENT_STATUSES, issues)
    if "title" in data:
        out["title"] = str(data["title"] or "").strip()
    if "overtime_exempt" in data:
        out["overtime_exempt"] = bool(data["overtime_exempt"])
    if "wc_class_code" in data:
        code = str(data["wc_class_code"] or "").strip().upper()
        if code and not WC_CLASS_CODE.match(code):
            issues.append(Issue("wc_class_code", "must be a workers' comp class code: 3 to 8 letters or digits "
                                "(e.g. 8810)", "invalid"))
        out["wc_class_code"] = code or None
    if "normal_day_hours" in data:
        out["normal_day_hours"] = _normal_day(data["normal_day_hours"], issues)
    _clean_work_location(data, out, current, issues)
    clean_locality(data, out, issues, prefix="work_")
    if data.get("start_date") not in (None, ""):
        out["start_date"] = v.a_date("start_date", data["start_date"], issues)
    if "end_date" in data:
        out["end_date"] = v.a_date("end_date", data["end_date"], issues, required_=False)
    start = out.get("start_date", current.start_date if current else None)
    end = out.get("end_date", current.end_date if current else None)
    if start and end and end < start:
        issues.append(Issue("end_date", f"{end} is before the start date {start}", "before_start"))
    raise_if(issues)
    return out


def _normal_day(value, issues: list[Issue]):
    """The worker's normal workday in hours (blank: not recorded): more than 0 and at most 24, to the hundredth."""
    if value in (None, ""):
        return None
    try:
        hours = D(str(value).strip())
    except (ValueError, ArithmeticError):
        issues.append(Issue("normal_day_hours", "must be a number of hours", "invalid"))
        return None
    if not 0 < hours <= 24:
        issues.append(Issue("normal_day_hours", "must be more than 0 and at most 24 hours", "out_of_range"))
    elif hours != hours.quantize(D("0.01")):
        issues.append(Issue("normal_day_hours", "at most two decimal places", "too_precise"))
    return hours


def _clean_work_location(data: dict, out: dict, current: Engagement | None, issues: list[Issue]) -> None:
    """office_state (optional: the employer location a remote worker is assigned to) and remote_for_convenience
    (works away from it by choice): the convenience-of-the-employer rule needs both (docs/multistate.md)."""
    if "office_state" in data:
        out["office_state"] = (v.state_code("office_state", data["office_state"], issues)
                               if data["office_state"] not in (None, "") else None)
    if "remote_for_convenience" in data:
        flag = data["remote_for_convenience"]
        if isinstance(flag, str):
            flag = flag.strip().lower() in ("1", "true", "yes", "y", "on")
        out["remote_for_convenience"] = bool(flag)
    office = out.get("office_state", current.office_state if current else None)
    work = out.get("work_state", current.work_state if current else None)
    remote = out.get("remote_for_convenience", current.remote_for_convenience if current else False)
    if remote and not office:
        issues.append(Issue("remote_for_convenience", "needs office_state: the employer location in another state "
                                                      "that the worker works away from", "office_required"))
    elif remote and office and work and office == work:
        issues.append(Issue("remote_for_convenience", f"the office state {office} is the work state: a worker "
                                                      f"remote for their convenience works in another state than "
                                                      f"the office", "office_is_work_state"))


ENGAGEMENT_CHANGED = "engagement_changed_hooks"   # hook(engagement, previous): previous None for a new one, else
# {"status", "end_date"} before the change; called inside the change's unit of work (e.g. leave: separation when
# the last engagement ends, rehire when a new one starts)


def add_engagement_hook(app, hook) -> None:
    hooks = app.extensions.setdefault(ENGAGEMENT_CHANGED, [])
    if hook not in hooks:
        hooks.append(hook)


def _engagement_changed(eng: Engagement, previous: dict | None) -> None:
    from flask import current_app

    hooks = current_app.extensions.get(ENGAGEMENT_CHANGED, ()) if current_app else ()
    if hooks:
        db.session.flush()
    for hook in hooks:
        hook(eng, previous)


@transaction()
def create_engagement(data: dict) -> Engagement:
    eng = Engagement(**clean_engagement(data))
    if eng.bill_rate is None:
        eng.bill_rate = D(0)
    db.session.add(eng)
    _engagement_changed(eng, None)
    return eng


@transaction()
def update_engagement(engagement_id: int, data: dict) -> Engagement:
    eng = db.session.get(Engagement, engagement_id) or _raise_nf("engagement", engagement_id)
    previous = {"status": eng.status, "end_date": eng.end_date}
    for k, val in clean_engagement(data, partial=True, current=eng).items():
        setattr(eng, k, val)
    if previous != {"status": eng.status, "end_date": eng.end_date}:
        _engagement_changed(eng, previous)
    return eng


__all__ = ["ValidationFailed", "create_client", "update_client", "create_worker", "update_worker",
           "create_engagement", "update_engagement"]
