"""The W-4 what-if: one paycheck quoted by the payroll engine with the W-4 the worker is typing."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from backoffice.errors import DomainError, Issue, ValidationFailed
from backoffice.money import ZERO, D, round_cents
from backoffice.periods import PayFrequency
from payroll.engine.quote import quote

W4_INPUT_FIELDS = ("step3_credits", "step4a_other_income", "step4b_deductions", "step4c_extra")
HOURS_PER_WEEK = D(40)


def estimated_gross(engagement) -> Decimal | None:
    """A typical paycheck's gross pay for the engagement (40 hours a week for hourly pay); None when unknown."""
    periods = D(PayFrequency(engagement.pay_frequency).periods_per_year)
    rate = D(engagement.pay_rate)
    if engagement.pay_unit == "hour":
        return round_cents(rate * HOURS_PER_WEEK * 52 / periods)
    if engagement.pay_unit == "week":
        return round_cents(rate * 52 / periods)
    if engagement.pay_unit == "year":
        return round_cents(rate / periods)
    return None


def w4_preview(worker, engagement, form: dict, *, state_certificate: dict | None = None,
               pay_date: date) -> dict:
    """Withholding per paycheck for this W-4, paid on `pay_date`. Bad inputs raise ValidationFailed with the form's
    field names.

    Answer: {"pay_date", "pay_frequency", "gross", "federal_income_tax", "state_income_tax", "taxes": [{"code",
    "amount"}], "net", "explanation": [federal steps]}."""
    issues: list[Issue] = []
    w4: dict = {"version": 2020, "filing_status": form.get("filing_status") or "single",
                "step2_checkbox": _flag(form.get("step2_checkbox")), "exempt": _flag(form.get("exempt"))}
    for f in W4_INPUT_FIELDS:
        text = str(form.get(f) or "0").strip().replace(",", "").lstrip("$") or "0"
        try:
            amount = D(text)
        except ValueError:
            issues.append(Issue(f, f"{text!r} is not an amount", "invalid_number"))
            continue
        if not amount.is_finite() or amount < 0:
            issues.append(Issue(f, f"must be at least 0 (got {text})", "too_small"))
            continue
        w4[f] = str(amount)
    gross = None
    if form.get("gross") not in (None, ""):
        try:
            gross = D(str(form["gross"]))
            if not gross.is_finite() or gross <= 0:
                raise ValueError
        except ValueError:
            issues.append(Issue("gross", "must be an amount above 0", "invalid_number"))
            gross = None
    else:
        gross = estimated_gross(engagement)
        if gross is None:
            issues.append(Issue("gross", "enter your usual gross pay per paycheck", "required"))
    if issues:
        raise ValidationFailed(issues)
    payload = {"pay_date": pay_date.isoformat(), "pay_frequency": engagement.pay_frequency,
               "worker_type": "employee", "work_state": engagement.work_state,
               "residence_state": worker.state or engagement.work_state,
               "earnings": [{"code": "salary", "amount": f"{round_cents(gross):.2f}"}], "w4": w4}
    if state_certificate:
        payload["state_certificates"] = state_certificate
    office = getattr(engagement, "office_state", None)
    if office and office != engagement.work_state:      # as a run passes it (payroll/services/paycheck_inputs.py)
        payload["office_state"] = office
        if getattr(engagement, "remote_for_convenience", False):
            payload["remote_for_convenience"] = True
    try:
        result = quote(payload)
    except ValidationFailed as exc:
        raise ValidationFailed([Issue(i.field.removeprefix("w4."), i.message, i.code) for i in exc.issues]) from exc
    except DomainError as exc:
        raise DomainError(f"No preview for this paycheck: {exc.message}", code="preview_unavailable") from exc
    taxes = result["employee_taxes"]
    by_code = {t["code"]: t for t in taxes}
    state_total = sum((D(t["amount"]) for t in taxes if t.get("state") and "income" in t["code"]),
                      ZERO)
    return {"pay_date": result["pay_date"], "pay_frequency": engagement.pay_frequency, "gross": result["gross"],
            "federal_income_tax": by_code.get("federal_income_tax", {}).get("amount", "0.00"),
            "state_income_tax": f"{state_total:.2f}",
            "taxes": [{"code": t["code"], "amount": t["amount"], "state": t.get("state")} for t in taxes],
            "net": result["net"],
            "explanation": by_code.get("federal_income_tax", {}).get("explanation", [])}


def _flag(value) -> bool:
    if isinstance(value, bool):
        return value
    return str(value or "").strip().lower() in ("1", "true", "on", "yes")


def state_certificate_preview(worker, engagement, w4: dict, typed: dict, on_file: dict | None, *,
                              pay_date: date, gross: object = None) -> dict:
    """The state W-4 what-if: one paycheck's state withholding with the certificate on file (`on_file`, None: the
    state's no-certificate default) and with the one being typed (`typed`, already cleaned), the W-4 on file (`w4`,
    the quote's fields) unchanged. Answer: {"state", "gross", "before", "after", "difference", "net_before",
    "net_after"}."""
    state = engagement.work_state.upper()
    form = {**{k: v for k, v in w4.items()}, "gross": gross}
    before = w4_preview(worker, engagement, form, state_certificate={state: dict(on_file)} if on_file else None,
                        pay_date=pay_date)
    after = w4_preview(worker, engagement, form, state_certificate={state: dict(typed)}, pay_date=pay_date)
    difference = D(after["state_income_tax"]) - D(before["state_income_tax"])
    return {"state": state, "pay_date": after["pay_date"], "gross": after["gross"],
            "before": before["state_income_tax"], "after": after["state_income_tax"],
            "difference": f"{difference:.2f}", "net_before": before["net"], "net_after": after["net"]}
