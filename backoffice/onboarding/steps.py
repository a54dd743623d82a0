"""Which wizard steps a worker gets (by engagement type and work state), state certificate forms, I-9 deadline."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from backoffice.errors import Issue
from backoffice.money import D, CENT
from backoffice.periods import add_business_days

STEP_LABELS = {
    "profile": "Your profile",
    "w4": "Federal withholding (Form W-4)",
    "state_certificate": "State withholding certificate",
    "i9": "Employment eligibility (Form I-9, section 1)",
    "w9": "Taxpayer identification (Form W-9)",
    "direct_deposit": "Direct deposit",
    "agreement": "Agreement",
}
DATA_FILE = Path(__file__).with_name("data") / "state_certificates.json"
RULES_FILE = Path(__file__).with_name("data") / "onboarding_rules.json"


MAX_COUNT = 99          # the engine's largest allowance count (payroll.engine.quote_input.MAX_ALLOWANCES)


@dataclass(frozen=True)
class StateForm:
    state: str
    form: str
    title: str
    revision: str
    source_url: str
    fields: tuple[dict, ...]
    no_certificate: str = ""             # what the employer does when none is filed (the state's instructions)
    default: tuple[tuple[str, object], ...] = ()     # the certificate the engine is given when none is filed
    optional: bool = False               # offered, not required (CO DR 0004): no wizard step
    not_modelled: tuple[str, ...] = ()

    def field(self, name: str) -> dict | None:
        return next((f for f in self.fields if f["name"] == name), None)


@lru_cache(maxsize=1)
def _data() -> dict:
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def rules() -> dict:
    """Figures from law the wizard applies (minimum working age, I-9 section 2 business days), with sources."""
    return json.loads(RULES_FILE.read_text(encoding="utf-8"))


def state_form(state: str) -> StateForm | None:
    """The work state's withholding certificate, or None (no income tax on wages, or no certificate)."""
    raw = _data()["forms"].get((state or "").upper())
    if raw is None:
        return None
    return StateForm(state=state.upper(), form=raw["form"], title=raw["title"], revision=raw["revision"],
                     source_url=raw["source_url"], fields=tuple(raw["fields"]),
                     no_certificate=raw.get("no_certificate", ""), default=tuple(raw.get("default", {}).items()),
                     optional=bool(raw.get("optional")), not_modelled=tuple(raw.get("not_modelled", ())))


def state_forms() -> list[StateForm]:
    """Every state certificate onboarding collects, by state code."""
    return [state_form(code) for code in sorted(_data()["forms"])]


def uses_federal_w4(state: str) -> bool:
    """The state withholds from the employee's federal Form W-4 and has no certificate of its own (NM, ND, UT)."""
    return (state or "").upper() in _data()["federal_w4"]


def no_certificate_reason(state: str) -> str:
    """Why a state has no certificate step (shown to HR and the worker)."""
    data = _data()
    state = (state or "").upper()
    if state in data["no_income_tax_on_wages"]["states"]:
        return f"{state} has no income tax on wages: no state withholding certificate."
    if state in data["federal_w4"]:
        return data["federal_w4"][state]
    if state in data["no_certificate"]:
        return data["no_certificate"][state]
    form = state_form(state)
    if form is not None and form.optional:
        return f"The {state} {form.form} is optional: {form.no_certificate}"
    return f"No {state} withholding certificate is collected online yet: HR will send the paper form."


def plan_steps(engagement_type: str, work_state: str) -> list[str]:
    """The wizard's steps, in order, for an engagement of this type in this work state."""
    steps = ["profile"]
    if engagement_type == "leased_employee":
        steps.append("w4")
        form = state_form(work_state)
        if form is not None and not form.optional:
            steps.append("state_certificate")
        steps.append("i9")
    elif engagement_type == "contractor":
        steps.append("w9")
    else:
        raise ValueError(f"unknown engagement type {engagement_type!r}")
    steps += ["direct_deposit", "agreement"]
    return steps


def i9_section2_due(start_date: date, closed_days: frozenset[date] = frozenset()) -> date:
    """Last day for the employer's section 2: the third business day after the first day of work.

    USCIS example (M-274, 3.0): work starts Monday → section 2 due Thursday. `closed_days` are days the
    employer is not open for business (e.g. federal holidays it observes)."""
    return add_business_days(start_date, int(rules()["i9_section2_business_days"]), closed_days)


def clean_state_certificate(form: StateForm, data: dict) -> tuple[dict, list[Issue]]:
    """Validate a state certificate as submitted; keys are the engine's certificate fields. Every bad field is
    named by its key. A blank count is 0; a blank `additional` is 0.00; any other blank amount is left out (the
    engine then applies the state's own default, e.g. CO's allowance for the W-4 status)."""
    issues: list[Issue] = []
    out: dict = {}
    for f in form.fields:
        name, kind = f["name"], f["type"]
        raw = data.get(name)
        text = "" if raw is None else str(raw).strip()
        if kind == "choice":
            allowed = [c[0] for c in f["choices"]]
            if text not in allowed:
                issues.append(Issue(name, "choose one of the options" if not text else
                                    f"{text!r} is not one of the options", "invalid_choice"))
            elif text:                      # a blank choice the form allows (NJ-W4 line 3 not used) is left out
                out[name] = text
        elif kind == "count":
            if text == "":
                out[name] = 0
            elif not text.isdigit():
                issues.append(Issue(name, "must be a whole number, 0 or more", "invalid_number"))
            elif int(text) > int(f.get("max", MAX_COUNT)):
                issues.append(Issue(name, f"must be at most {f.get('max', MAX_COUNT)} ({f['label']})", "too_large"))
            else:
                out[name] = int(text)
        elif kind == "money":
            if text == "":
                if name == "additional":
                    out[name] = "0.00"
                continue
            try:
                amount = D(text)
            except ValueError:
                issues.append(Issue(name, f"{text!r} is not an amount", "invalid_number"))
                continue
            if not amount.is_finite() or amount < 0:
                issues.append(Issue(name, "must be an amount of 0 or more", "too_small"))
            elif amount != amount.quantize(CENT):
                issues.append(Issue(name, "has more than 2 decimal places", "too_precise"))
            else:
                out[name] = f"{amount:.2f}"
        elif kind == "bool":
            out[name] = text.lower() in ("1", "true", "on", "yes")
    return out, issues
