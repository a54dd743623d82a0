"""The enrollment wizard's draft: the steps, what each step keeps, and the confirmation that saves it all at once.

The draft is a plain dict the portal keeps in the worker's session (a dependent's SSN only encrypted); nothing is
written before `confirm`, which adds the new dependents and beneficiaries and makes every election through
`benefits.services` in one unit of work: all of it, or nothing with every refusal named. `check` runs the same
calls inside a savepoint that is rolled back, so each step can show the service's own refusals beside its fields.
"""
from __future__ import annotations

from datetime import date

from backoffice.crypto import decrypt, encrypt
from backoffice.errors import Issue, ValidationFailed
from backoffice.extensions import db
from backoffice.money import D
from backoffice.uow import transaction, write_lock
from benefits import services
from benefits.models import ACCOUNT_KINDS, HEALTH_KINDS, RELATIONSHIPS, TIERS  # noqa: F401  (the steps' choices)

STEPS = ("dependents", "tier", "plans", "retirement", "accounts", "beneficiaries", "review")
STEP_TITLES = {"dependents": "Dependents", "tier": "Coverage", "plans": "Health plans", "retirement": "401(k)",
               "accounts": "Accounts", "beneficiaries": "Beneficiaries", "review": "Review"}
TIER_LABELS = {"employee": "You only", "employee_spouse": "You and your spouse or partner",
               "employee_children": "You and your children", "family": "You and your family"}
DEPENDENT_FIELDS = ("first_name", "last_name", "relationship", "birth_date", "ssn")
BENEFICIARY_FIELDS = ("name", "relationship", "share_percent", "plan_kind", "level")


class _DryRun(Exception):
    """Raised inside the savepoint of `check` to roll it back."""


def new_draft(worker_id: int) -> dict:
    return {"worker_id": worker_id, "new_dependents": [], "tier": "employee", "covered": [], "plans": {},
            "waive_reasons": {}, "retirement": {}, "accounts": {}, "beneficiaries": [], "done": []}


def step_of(field: str) -> str:
    """The wizard step whose form holds a refused field (fields are named as on the forms: `dependents[0].ssn`,
    `medical.coverage_tier`, `401k.deferral_percent`, `hsa.annual_amount`, `beneficiaries[1].percent`)."""
    head = field.split(".", 1)[0]
    if head.startswith("dependents"):
        return "dependents"
    if head.startswith("beneficiaries"):
        return "beneficiaries"
    if head in HEALTH_KINDS:
        tail = field.split(".", 1)[1] if "." in field else ""
        return "tier" if tail in ("coverage_tier", "dependent_ids") else "plans"
    if head == "401k":
        return "retirement"
    if head in ACCOUNT_KINDS:
        return "accounts"
    return "review"


# ------------------------------------------------------------------------------------------------ each step's form
def add_new_dependent(draft: dict, form: dict) -> list[Issue]:
    """Keep a dependent typed on the first step (checked by the service at `check`); the SSN only encrypted."""
    i = len(draft["new_dependents"])
    issues = [Issue(f"dependents[{i}].{f}", "is required", "required")
              for f in ("first_name", "last_name", "relationship", "birth_date") if not str(form.get(f) or "").strip()]
    if issues:
        return issues
    row = {f: str(form.get(f) or "").strip() for f in DEPENDENT_FIELDS if f != "ssn"}
    ssn = str(form.get("ssn") or "").strip()
    row["ssn_enc"] = encrypt(ssn) if ssn else ""
    row["ssn_last4"] = ssn[-4:] if ssn else ""
    row["key"] = f"n{i + 1}"
    draft["new_dependents"].append(row)
    return []


def drop_new_dependent(draft: dict, key: str) -> None:
    draft["new_dependents"] = [d for d in draft["new_dependents"] if d["key"] != key]
    draft["covered"] = [c for c in draft["covered"] if c != f"n:{key}"]


def keep_tier(draft: dict, form) -> None:
    draft["tier"] = form.get("coverage_tier") or "employee"
    draft["covered"] = [c for c in form.getlist("covered")] if hasattr(form, "getlist") else list(form.get("covered")
                                                                                                or [])


def keep_plans(draft: dict, form: dict) -> None:
    for kind in HEALTH_KINDS:
        choice = str(form.get(kind) or "")
        if choice:
            draft["plans"][kind] = choice          # a plan id, or "waive"
        else:
            draft["plans"].pop(kind, None)
        draft["waive_reasons"][kind] = str(form.get(f"{kind}_waive_reason") or "").strip()


def keep_retirement(draft: dict, form: dict) -> None:
    plan = str(form.get("plan_id") or "")
    draft["retirement"] = {"plan_id": plan, "deferral_percent": str(form.get("deferral_percent") or "").strip(),
                           "roth_percent": str(form.get("roth_percent") or "").strip()}


def keep_accounts(draft: dict, form: dict, plans_by_kind: dict) -> None:
    out = {}
    for kind in ACCOUNT_KINDS:
        amount = str(form.get(f"{kind}_annual_amount") or "").strip().replace(",", "").lstrip("$")
        plan = plans_by_kind.get(kind)
        if amount and plan is not None:
            out[kind] = {"plan_id": str(plan), "annual_amount": amount}
    draft["accounts"] = out


def keep_beneficiaries(draft: dict, form) -> None:
    rows = []
    for i in range(3):
        row = {f: str(form.get(f"b{i}_{f}") or "").strip() for f in BENEFICIARY_FIELDS}
        if row["name"]:
            rows.append(row)
    draft["beneficiaries"] = rows


# ------------------------------------------------------------------------------------------------ saving it
def _plan_calls(draft: dict, event: str, effective: date) -> list[tuple[str, dict]]:
    """(form prefix, enroll data) for every election of the draft; dependent ids filled in by `_apply`."""
    base = {"worker_id": draft["worker_id"], "event": event, "effective_date": effective.isoformat()}
    calls = []
    for kind in HEALTH_KINDS:
        choice = draft["plans"].get(kind)
        if not choice:
            continue
        plan_id, waive = (choice[len("waive:"):], True) if choice.startswith("waive:") else (choice, False)
        if waive:
            calls.append((kind, {**base, "plan_id": int(plan_id), "waive": True,
                                 "reason": draft["waive_reasons"].get(kind, "")}))
        else:
            calls.append((kind, {**base, "plan_id": int(plan_id), "coverage_tier": draft["tier"],
                                 "dependent_ids": list(draft["covered"])}))
    r = draft.get("retirement") or {}
    if r.get("plan_id") and not any(percent_issue("x", r.get(k)) for k in ("deferral_percent", "roth_percent")):
        calls.append(("401k", {**base, "plan_id": int(r["plan_id"]),
                               "deferral_percent": as_fraction(r.get("deferral_percent")),
                               "roth_percent": as_fraction(r.get("roth_percent"))}))
    for kind, a in (draft.get("accounts") or {}).items():
        calls.append((kind, {**base, "plan_id": int(a["plan_id"]), "annual_amount": a["annual_amount"]}))
    return calls


def percent_issue(field: str, text: str | None) -> Issue | None:
    """A percent as the worker types it (6 or 6.5, at most 100), or the issue naming the field."""
    text = (text or "").strip().rstrip("%").strip()
    if not text:
        return None
    try:
        value = D(text)
    except ValueError:
        return Issue(field, f"{text!r} is not a number: type the percent of pay, e.g. 6", "invalid_number")
    if not value.is_finite() or value < 0:
        return Issue(field, "must be 0 or more", "too_small")
    if value > 100:
        return Issue(field, f"{text}% is over 100% of pay", "over_100")
    return None


def as_fraction(text: str | None) -> str | None:
    """The services take percents as fractions ("0.06" is 6%); the forms as the worker types them ("6")."""
    text = (text or "").strip().rstrip("%").strip()
    return str(D(text) / 100) if text else None


def _form_issues(draft: dict) -> list[Issue]:
    """What is wrong with the typed percents before any service sees them (their messages speak of fractions)."""
    issues = []
    r = draft.get("retirement") or {}
    if r.get("plan_id"):
        issues += [i for i in (percent_issue("401k.deferral_percent", r.get("deferral_percent")),
                               percent_issue("401k.roth_percent", r.get("roth_percent"))) if i]
        if not issues and not (as_fraction(r.get("deferral_percent")) or as_fraction(r.get("roth_percent"))):
            issues.append(Issue("401k.deferral_percent", "enter a percent of pay (e.g. 6), or choose no 401(k) "
                                                         "for now", "required"))
        elif not issues and D(r.get("deferral_percent") or 0) + D(r.get("roth_percent") or 0) > 100:
            issues.append(Issue("401k.roth_percent", "traditional and Roth together are over 100% of pay",
                                "over_100"))
    for i, b in enumerate(draft["beneficiaries"]):
        problem = percent_issue(f"beneficiaries[{i}].share_percent", b.get("share_percent"))
        if problem:
            issues.append(problem)
    return issues


def _renamed(prefix: str, exc: ValidationFailed) -> list[Issue]:
    return [Issue(f"{prefix}.{i.field}" if i.field else prefix, i.message, i.code) for i in exc.issues]


def _apply(draft: dict, event: str, effective: date) -> list:
    """Make every call of the draft; each in a savepoint so that every refusal is collected, not just the first.
    Raises ValidationFailed with the fields named as on the wizard's forms."""
    worker_id = draft["worker_id"]
    issues: list[Issue] = _form_issues(draft)
    typed_wrong = {i.field.split(".", 1)[0] for i in issues}      # those calls are left out, the rest still checked
    ids: dict[str, int] = {}
    for i, dep in enumerate(draft["new_dependents"]):
        data = {f: dep.get(f, "") for f in DEPENDENT_FIELDS if f != "ssn"}
        if dep.get("ssn_enc"):
            data["ssn"] = decrypt(dep["ssn_enc"])
        try:
            with db.session.begin_nested():
                ids[f"n:{dep['key']}"] = services.add_dependent(worker_id, data).id
        except ValidationFailed as exc:
            issues += _renamed(f"dependents[{i}]", exc)
    enrollments = []
    for prefix, data in _plan_calls(draft, event, effective):
        if prefix in typed_wrong:
            continue
        if "dependent_ids" in data:
            data["dependent_ids"] = [ids[c] if c.startswith("n:") else int(c.removeprefix("d:"))
                                     for c in data["dependent_ids"] if not c.startswith("n:") or c in ids]
        try:
            with db.session.begin_nested():
                enrollments.append(services.enroll(data))
        except ValidationFailed as exc:
            issues += _renamed(prefix, exc)
    for i, b in enumerate(draft["beneficiaries"]):
        if f"beneficiaries[{i}]" in typed_wrong:
            continue
        try:
            with db.session.begin_nested():
                services.add_beneficiary(worker_id, {**b, "share_percent": as_fraction(b.get("share_percent"))})
        except ValidationFailed as exc:
            issues += _renamed(f"beneficiaries[{i}]", exc)
    if issues:
        raise ValidationFailed(issues)
    return enrollments


def check(draft: dict, event: str, effective: date) -> list[Issue]:
    """The refusals `confirm` would meet, without saving anything (the calls run in a savepoint rolled back)."""
    issues: list[Issue] = []
    with transaction():
        write_lock()            # SQLite: the savepoint must sit inside a real transaction
        try:
            with db.session.begin_nested():
                try:
                    _apply(draft, event, effective)
                except ValidationFailed as exc:
                    issues = exc.issues
                raise _DryRun
        except _DryRun:
            pass
    return issues


@transaction()
def confirm(draft: dict, event: str, effective: date) -> list:
    """Save the whole draft: new dependents, every election (as recurring deductions and employer contributions,
    by `services.enroll`) and the beneficiaries — or nothing, raising ValidationFailed naming each field."""
    if not any((draft["new_dependents"], draft["plans"], draft.get("retirement"), draft.get("accounts"),
                draft["beneficiaries"])):
        raise ValidationFailed([Issue("review", "nothing chosen yet: pick at least one plan or waive it", "required")])
    return _apply(draft, event, effective)
