"""Portable benefits services: contribution rules, credits from paid pay (and their reversal), uses toward a
pooled plan's premium, payout requests and their approval — every write in one unit of work, every balance
change with the account row locked."""
from __future__ import annotations

from collections import defaultdict
from datetime import date

import sqlalchemy as sa

from backoffice.db import utcnow
from backoffice.errors import DomainError, Issue, NotFound, PermissionDenied, raise_if
from backoffice.extensions import db
from backoffice.money import PERCENT, ZERO, D, from_cents
from backoffice.security.access import can
from backoffice.uow import for_update, transaction
from backoffice.validation import a_date, amount as an_amount, choice, is_record_id
from backoffice.workers.models import Client, Engagement
from benefits.engine.portable import FUNDERS, METHODS, EarningLine, Terms, credit_for, payout_line_code, \
    reporting_category, reversal_amount
from payroll.models import Paycheck, PaycheckLine, PayrollAdjustment, PayrollRun

from .models import PortableAccount, PortableEntry, PortablePayout, PortableRule

RULE_FIELDS = ("engagement_id", "method", "amount_per_hour", "percent", "funded_by", "start_date", "end_date",
               "note")


def _raw_sum(column):
    """SUM of a cents column as raw integer cents (0 when no rows)."""
    return sa.func.coalesce(sa.func.sum(sa.cast(column, sa.BigInteger)), 0, type_=sa.BigInteger)


def _user_id(user):
    return getattr(user, "id", None)


# --- rules ---------------------------------------------------------------------------------------------------------

def _clean_rule(data: dict, old: PortableRule | None) -> dict:
    issues: list[Issue] = []
    for key in sorted(k for k in data if k not in RULE_FIELDS):
        issues.append(Issue(str(key), "is not a field of a portable-benefit rule", "unknown_field"))
    merged = {k: getattr(old, k) for k in RULE_FIELDS} if old is not None else {}
    merged.update({k: v for k, v in data.items() if k in RULE_FIELDS})
    out: dict = {}
    eng_id = merged.get("engagement_id")
    if not is_record_id(eng_id) or db.session.get(Engagement, int(eng_id)) is None:
        issues.append(Issue("engagement_id", "no such engagement", "required" if eng_id in (None, "") else
                            "invalid"))
    else:
        out["engagement_id"] = int(eng_id)
    out["method"] = choice("method", merged.get("method"), METHODS, issues)
    out["funded_by"] = choice("funded_by", merged.get("funded_by"), FUNDERS, issues)
    if out["method"] == "per_hour":
        per_hour = an_amount("amount_per_hour", merged.get("amount_per_hour"), issues, minimum=D("0.01"))
        if merged.get("percent") not in (None, ""):
            issues.append(Issue("percent", "a per-hour rule has no percent; give amount_per_hour only"))
        out.update(amount_per_hour=per_hour, percent=None)
    elif out["method"] == "percent_of_pay":
        pct = an_amount("percent", merged.get("percent"), issues, minimum=D("0.000001"), kind=PERCENT)
        if pct is not None and pct > 1:
            issues.append(Issue("percent", "is a fraction: at most 1 (100%); 0.02 is 2%", "too_large"))
        if merged.get("amount_per_hour") not in (None, ""):
            issues.append(Issue("amount_per_hour", "a percent-of-pay rule has no amount per hour; give percent only"))
        out.update(percent=pct, amount_per_hour=None)
    out["start_date"] = a_date("start_date", merged.get("start_date"), issues)
    out["end_date"] = a_date("end_date", merged.get("end_date"), issues, required_=False)
    if out["start_date"] and out["end_date"] and out["end_date"] < out["start_date"]:
        issues.append(Issue("end_date", "is before start_date"))
    note = merged.get("note") or ""
    if not isinstance(note, str) or len(note) > 500:
        issues.append(Issue("note", "must be text of at most 500 characters"))
    out["note"] = note if isinstance(note, str) else ""
    raise_if(issues)
    # one rule in force per engagement on any day: a new rate starts after the old rule's end date
    s, e = out["start_date"], out["end_date"] or date.max
    clash = db.session.execute(sa.select(PortableRule.id).where(
        PortableRule.engagement_id == out["engagement_id"], PortableRule.id != (old.id if old else -1),
        PortableRule.start_date <= e,
        sa.or_(PortableRule.end_date.is_(None), PortableRule.end_date >= s))).scalar()
    if clash is not None:
        raise_if([Issue("start_date", f"overlaps rule #{clash} of this engagement: end that one the day before",
                        "overlap")])
    return out


@transaction()
def create_rule(data: dict) -> PortableRule:
    """A contribution rule for one engagement (HR): `engagement_id`, `method` per_hour|percent_of_pay,
    `amount_per_hour` ("1.50") or `percent` (a fraction, "0.02"), `funded_by` client|agency, `start_date`,
    optional `end_date` and `note`. Bad fields: ValidationFailed naming each."""
    rule = PortableRule(**_clean_rule(data, None))
    db.session.add(rule)
    db.session.flush()
    return rule


@transaction()
def update_rule(rule_id: int, data: dict) -> PortableRule:
    """Change a rule (typically its `end_date`). Credits already made keep the figures they were made with."""
    rule = db.session.get(PortableRule, rule_id)
    if rule is None:
        raise NotFound(f"portable-benefit rule {rule_id} not found")
    for key, value in _clean_rule(data, rule).items():
        setattr(rule, key, value)
    db.session.flush()
    return rule


# --- the account and its ledger ------------------------------------------------------------------------------------

def _locked_account(worker_id: int, on: date) -> PortableAccount:
    """The worker's account, locked until the unit of work ends (opened on first use)."""
    acct = db.session.execute(for_update(sa.select(PortableAccount).where(PortableAccount.worker_id == worker_id))
                              ).scalar_one_or_none()
    if acct is None:
        acct = PortableAccount(worker_id=worker_id, balance=ZERO, opened_on=on)
        db.session.add(acct)
        db.session.flush()
    else:
        db.session.refresh(acct)
    return acct


def _post(worker_id: int, kind: str, amount, on: date, **cols) -> PortableEntry:
    acct = _locked_account(worker_id, on)
    new_balance = acct.balance + amount
    if new_balance < 0:
        raise DomainError(f"the portable-benefits balance is ${acct.balance}: it cannot go below zero",
                          code="insufficient_balance")
    acct.balance = new_balance
    entry = PortableEntry(account_id=acct.id, worker_id=worker_id, kind=kind, amount=amount,
                          balance_after=new_balance, entry_date=on, **cols)
    db.session.add(entry)
    db.session.flush()
    return entry


def _rule_on(rules: list[PortableRule], day: date) -> PortableRule | None:
    return next((r for r in rules if r.start_date <= day and (r.end_date is None or r.end_date >= day)), None)


def _account_adjustments():
    """Ids of the payroll adjustments that pay the account's own money back (payouts and premium uses)."""
    return sa.union(sa.select(PortablePayout.adjustment_id).where(PortablePayout.adjustment_id.is_not(None)),
                    sa.select(PortableEntry.adjustment_id).where(PortableEntry.adjustment_id.is_not(None)))


def _paid_from_account(paycheck_ids) -> dict[tuple[int, int], object]:
    """{(paycheck, engagement): the account's money those paychecks paid back} — not pay for work."""
    out: dict[tuple[int, int], object] = defaultdict(lambda: ZERO)
    for pid, eid, amount in db.session.execute(sa.select(
            PayrollAdjustment.paycheck_id, PayrollAdjustment.engagement_id, PayrollAdjustment.amount).where(
            PayrollAdjustment.paycheck_id.in_(paycheck_ids), PayrollAdjustment.id.in_(_account_adjustments()))).all():
        out[(pid, eid)] += amount
    return out


def _payouts_paid_by(run: PayrollRun) -> int:
    """Payouts paid as a line of this run's paychecks become `paid` (date: the pay date; reference: the paycheck)."""
    rows = db.session.execute(sa.select(PortablePayout, PayrollAdjustment.paycheck_id).join(
        PayrollAdjustment, PayrollAdjustment.id == PortablePayout.adjustment_id).join(
        Paycheck, Paycheck.id == PayrollAdjustment.paycheck_id).where(
        Paycheck.run_id == run.id, PortablePayout.status == "approved")).all()
    for payout, paycheck_id in rows:
        payout.status, payout.paid_on, payout.payment_ref = "paid", run.pay_date, f"paycheck #{paycheck_id}"
    return len(rows)


def run_paid(run: PayrollRun) -> int:
    """payroll.hooks RUN_PAID: credit the run's pay (credit_run) and mark the payouts it carried as paid."""
    _payouts_paid_by(run)
    return credit_run(run)


def credit_run(run: PayrollRun) -> int:
    """Credit the portable accounts from a run that has just been paid (payroll.hooks RUN_PAID, inside
    mark_paid's unit of work): for each paycheck and each engagement with a rule in force on the paycheck's
    period end, the engine's credit from that engagement's earning lines. Idempotent: a (paycheck, engagement)
    already credited is skipped, and the database refuses a second one. Returns the number of credits made."""
    s = db.session
    ruled = sa.select(PortableRule.engagement_id)
    rows = s.execute(sa.select(
        PaycheckLine.paycheck_id, PaycheckLine.engagement_id, PaycheckLine.client_id, PaycheckLine.code,
        PaycheckLine.amount, PaycheckLine.hours, Paycheck.worker_id, Paycheck.worker_type, Paycheck.period_end,
        Paycheck.pay_date).join(Paycheck, Paycheck.id == PaycheckLine.paycheck_id).where(
        Paycheck.run_id == run.id, Paycheck.kind != "reversal", PaycheckLine.kind == "earning",
        PaycheckLine.engagement_id.in_(ruled)).order_by(PaycheckLine.id)).all()
    if not rows:
        return 0
    groups: dict[tuple[int, int], list] = defaultdict(list)
    for r in rows:
        groups[(r.paycheck_id, r.engagement_id)].append(r)
    rules: dict[int, list[PortableRule]] = defaultdict(list)
    for rule in s.execute(sa.select(PortableRule).where(PortableRule.engagement_id.in_(
            {e for _, e in groups})).order_by(PortableRule.start_date)).scalars():
        rules[rule.engagement_id].append(rule)
    back_from_account = _paid_from_account({p for p, _ in groups})
    done = {tuple(r) for r in s.execute(sa.select(PortableEntry.paycheck_id, PortableEntry.engagement_id).where(
        PortableEntry.paycheck_id.in_({p for p, _ in groups}))).all()}
    made = 0
    for (paycheck_id, engagement_id), lines in sorted(groups.items()):
        first = lines[0]
        rule = _rule_on(rules[engagement_id], first.period_end)
        if rule is None or (paycheck_id, engagement_id) in done:
            continue
        credit = credit_for(Terms(rule.method, rule.rate, rule.funded_by),
                            [EarningLine(ln.code, ln.amount, ln.hours) for ln in lines],
                            back_from_account.get((paycheck_id, engagement_id), ZERO))
        if credit.amount <= 0:
            continue
        _post(first.worker_id, "credit", credit.amount, first.pay_date, engagement_id=engagement_id,
              client_id=first.client_id, paycheck_id=paycheck_id, rule_id=rule.id, funded_by=rule.funded_by,
              basis=credit.basis, reporting_category=reporting_category(first.worker_type),
              tax_year=first.pay_date.year, memo=credit.explanation[:300])
        made += 1
    return made


def reverse_credits(reversal_run: PayrollRun) -> int:
    """Take back the credits of the paychecks a reversal run reverses (payroll.hooks PAYCHECKS_REVERSED): one
    `reversal` entry per credit, dated like the reversal paycheck, for the credit or — when part was already
    used or paid out — what is left of the balance (the memo says how much could not be taken back). A credit
    is reversed once (unique reverses_entry_id). Returns the number of reversal entries."""
    s = db.session
    pairs = dict(s.execute(sa.select(Paycheck.reverses_id, Paycheck.id).where(
        Paycheck.run_id == reversal_run.id, Paycheck.reverses_id.is_not(None))).all())
    if not pairs:
        return 0
    credits = s.execute(sa.select(PortableEntry).where(
        PortableEntry.kind == "credit", PortableEntry.paycheck_id.in_(pairs)).order_by(PortableEntry.id)
    ).scalars().all()
    reversed_ids = set(s.execute(sa.select(PortableEntry.reverses_entry_id).where(
        PortableEntry.reverses_entry_id.in_([c.id for c in credits]))).scalars())
    made = 0
    for c in credits:
        if c.id in reversed_ids:
            continue
        acct = _locked_account(c.worker_id, reversal_run.pay_date)
        back, short = reversal_amount(c.amount, acct.balance)
        memo = f"Paycheck reversed: credit of ${c.amount} taken back"
        if short:
            memo = f"Paycheck reversed: ${back} of the ${c.amount} credit taken back; ${short} was already used"
        _post(c.worker_id, "reversal", -back, reversal_run.pay_date, engagement_id=c.engagement_id,
              client_id=c.client_id, paycheck_id=pairs[c.paycheck_id], rule_id=c.rule_id, funded_by=c.funded_by,
              reporting_category=c.reporting_category, tax_year=reversal_run.pay_date.year,
              reverses_entry_id=c.id, memo=memo)
        made += 1
    return made


@transaction()
def apply_to_premium(worker_id: int, enrollment_id: int, month: date, premium, *, user=None,
                     pay_back: bool = False) -> PortableEntry | None:
    """Use the balance toward one month's premium of a pooled-plan enrollment (the `portable_premium` use): takes
    min(premium, balance), once per enrollment and month (unique use_ref; a second call returns the first use).
    Returns None when the balance is zero. With `pay_back`, the amount is paid to the worker as a line of their
    next paycheck (payroll deducts the full premium; the account bears this part of it)."""
    ref = f"portable_premium:benefit_enrollment:{enrollment_id}:{month:%Y-%m}"
    existing = db.session.execute(sa.select(PortableEntry).where(PortableEntry.use_ref == ref)).scalar_one_or_none()
    if existing is not None:
        return existing
    premium = D(premium)
    if premium <= 0:
        raise_if([Issue("premium", "must be more than zero")])
    acct = _locked_account(worker_id, month)
    used = min(premium, acct.balance)
    if used <= 0:
        return None
    adj = _pay_line(worker_id, used, user, month, f"Portable benefits toward the {month:%B %Y} premium") \
        if pay_back else None
    return _post(worker_id, "use", -used, month, use_ref=ref, created_by_id=_user_id(user),
                 adjustment_id=adj.id if adj is not None else None,
                 memo=f"Toward the {month:%B %Y} premium (${premium}) of enrollment #{enrollment_id}"
                      + (": paid back with the next paycheck" if adj is not None else ""))


@transaction()
def set_use_for_premiums(worker_id: int, on: bool, *, today: date) -> PortableAccount:
    """The worker's choice to use the balance toward their pooled-plan premiums each month."""
    acct = _locked_account(worker_id, today)
    acct.use_for_premiums = bool(on)
    return acct


@transaction()
def apply_premiums(month: date, user) -> int:
    """For every account whose worker chose it (use_for_premiums) and has a balance: a `portable_premium` use per
    medical, dental or vision enrollment in force on the month's first day, for min(balance, the employee's
    monthly premium), once per enrollment and month. The premium is still deducted by payroll; the use is paid
    back to the worker as a line of their next paycheck (as a payout), so the account, not the worker, bears it.
    Returns the number of uses made."""
    from benefits.models import HEALTH_KINDS, BenefitPlan, Enrollment

    first = month.replace(day=1)
    s = db.session
    rows = s.execute(sa.select(Enrollment).join(BenefitPlan, BenefitPlan.id == Enrollment.plan_id).join(
        PortableAccount, PortableAccount.worker_id == Enrollment.worker_id).where(
        PortableAccount.use_for_premiums.is_(True), PortableAccount.balance > 0, BenefitPlan.kind.in_(HEALTH_KINDS),
        Enrollment.status == "active", Enrollment.waived.is_(False), Enrollment.employee_monthly > 0,
        Enrollment.effective_date <= first, sa.or_(Enrollment.end_date.is_(None), Enrollment.end_date >= first))
        .order_by(Enrollment.worker_id, Enrollment.id)).scalars().all()
    made = 0
    for e in rows:
        ref = f"portable_premium:benefit_enrollment:{e.id}:{first:%Y-%m}"
        if s.execute(sa.select(PortableEntry.id).where(PortableEntry.use_ref == ref)).first():
            continue
        if apply_to_premium(e.worker_id, e.id, first, e.employee_monthly, user=user, pay_back=True) is not None:
            made += 1
    return made


# --- payouts -------------------------------------------------------------------------------------------------------

@transaction()
def request_payout(worker_id: int, data: dict, user, *, today: date) -> PortablePayout:
    """A payout request for `amount` ("100.00") with an optional `reason`: at most the balance less payouts
    already requested; HR approves it (approve_payout)."""
    issues: list[Issue] = []
    for key in sorted(k for k in data if k not in ("amount", "reason")):
        issues.append(Issue(str(key), "is not a field of a payout request", "unknown_field"))
    amt = an_amount("amount", data.get("amount"), issues, minimum=D("0.01"))
    reason = data.get("reason") or ""
    if not isinstance(reason, str) or len(reason) > 500:
        issues.append(Issue("reason", "must be text of at most 500 characters"))
        reason = ""
    raise_if(issues)
    acct = _locked_account(worker_id, today)
    pending = from_cents(db.session.execute(sa.select(_raw_sum(PortablePayout.amount)).where(
        PortablePayout.worker_id == worker_id, PortablePayout.status == "requested")).scalar())
    available = acct.balance - pending
    if amt > available:
        raise_if([Issue("amount", f"is more than the ${max(available, ZERO)} available (balance ${acct.balance} "
                                  "less payouts already requested)", "too_large")])
    payout = PortablePayout(worker_id=worker_id, amount=amt, reason=reason, requested_on=today)
    db.session.add(payout)
    db.session.flush()
    return payout


def _payout(payout_id: int, status: str) -> PortablePayout:
    p = db.session.execute(for_update(sa.select(PortablePayout).where(PortablePayout.id == payout_id))
                           ).scalar_one_or_none()
    if p is None:
        raise NotFound(f"payout request {payout_id} not found")
    db.session.refresh(p)
    if p.status != status:
        raise DomainError(f"payout request #{p.id} is {p.status}, not {status}", code="bad_state")
    return p


def _paying_engagement(worker_id: int, today: date) -> Engagement | None:
    """The engagement whose next regular run pays the account's money back: the worker's active engagement on a
    pay schedule that started last."""
    return db.session.execute(sa.select(Engagement).where(
        Engagement.worker_id == worker_id, Engagement.status == "active", Engagement.pay_schedule_id.is_not(None),
        Engagement.start_date <= today, sa.or_(Engagement.end_date.is_(None), Engagement.end_date >= today))
        .order_by(Engagement.start_date.desc(), Engagement.id.desc()).limit(1)).scalar_one_or_none()


def _pay_line(worker_id: int, amount, user, today: date, note: str) -> PayrollAdjustment | None:
    """A line of the worker's next regular paycheck paying `amount` out of the account (engine.payout_line_code:
    `reimbursement` for a contractor, `bonus` for a leased employee), or None when no engagement is on a pay
    schedule. Through payroll's own service, as any adjustment (rights, four eyes)."""
    from payroll.services.runs import add_adjustment

    eng = _paying_engagement(worker_id, today)
    if eng is None:
        return None
    adj = add_adjustment(eng.id, payout_line_code(eng.type), amount, user, note=note)
    db.session.flush()
    return adj


@transaction()
def approve_payout(payout_id: int, user, *, today: date, note: str = "") -> PortablePayout:
    """HR approves a requested payout: the amount leaves the account now (a `payout` entry; refused when the
    balance is short) and is paid as a line of the worker's next regular paycheck (method `next_paycheck`; the
    payout becomes `paid` when that run is paid) — or, when the worker has no engagement on a pay schedule, by an
    off-cycle ACH that finance records (method `off_cycle_ach`, mark_payout_paid)."""
    if not can(user, "portable_payout", "write"):
        raise PermissionDenied("only HR approves portable-benefit payouts")
    p = _payout(payout_id, "requested")
    adj = _pay_line(p.worker_id, p.amount, user, today, f"Portable benefits payout #{p.id}")
    p.method, p.adjustment_id = ("next_paycheck", adj.id) if adj is not None else ("off_cycle_ach", None)
    how = "paid with the next paycheck" if adj is not None else "paid by off-cycle ACH"
    _post(p.worker_id, "payout", -p.amount, today, payout_id=p.id, created_by_id=_user_id(user),
          memo=f"Payout request #{p.id} approved: {how}")
    p.status, p.decided_by_id, p.decided_at, p.decision_note = "approved", _user_id(user), utcnow(), note[:500]
    return p


@transaction()
def reject_payout(payout_id: int, user, *, note: str) -> PortablePayout:
    if not can(user, "portable_payout", "write"):
        raise PermissionDenied("only HR decides portable-benefit payouts")
    if not (note or "").strip():
        raise_if([Issue("note", "give the reason for the refusal", "required")])
    p = _payout(payout_id, "requested")
    p.status, p.decided_by_id, p.decided_at, p.decision_note = "rejected", _user_id(user), utcnow(), note[:500]
    return p


@transaction()
def mark_payout_paid(payout_id: int, user, *, paid_on, payment_ref: str) -> PortablePayout:
    """Finance records the off-cycle ACH (or check) that paid an approved payout: its date and trace number."""
    if not can(user, "payment", "create"):
        raise PermissionDenied("only finance records payments")
    issues: list[Issue] = []
    day = a_date("paid_on", paid_on, issues)
    if not (payment_ref or "").strip():
        issues.append(Issue("payment_ref", "give the ACH trace or check number", "required"))
    raise_if(issues)
    p = _payout(payout_id, "approved")
    if p.method != "off_cycle_ach":
        raise DomainError(f"payout request #{p.id} is paid with the next paycheck: it is marked paid when that run "
                          "is paid", code="bad_state")
    p.status, p.paid_on, p.payment_ref = "paid", day, payment_ref.strip()[:60]
    return p


# --- what people see -----------------------------------------------------------------------------------------------

def account_view(worker_id: int) -> dict:
    """The worker's balance and every entry, newest first, with its engagement and client named; their payout
    requests. Read-only."""
    s = db.session
    acct = s.execute(sa.select(PortableAccount).where(PortableAccount.worker_id == worker_id)).scalar_one_or_none()
    rows = s.execute(sa.select(PortableEntry, Client.name, Engagement.title).outerjoin(
        Client, Client.id == PortableEntry.client_id).outerjoin(Engagement, Engagement.id == PortableEntry.engagement_id)
        .where(PortableEntry.worker_id == worker_id).order_by(PortableEntry.id.desc())).all()
    entries = [{"id": e.id, "kind": e.kind, "amount": e.amount, "balance_after": e.balance_after,
                "date": e.entry_date, "engagement_id": e.engagement_id, "engagement": title or "",
                "client_id": e.client_id, "client": client or "", "paycheck_id": e.paycheck_id,
                "funded_by": e.funded_by, "reporting_category": e.reporting_category, "memo": e.memo}
               for e, client, title in rows]
    payouts = s.execute(sa.select(PortablePayout).where(PortablePayout.worker_id == worker_id)
                        .order_by(PortablePayout.id.desc())).scalars().all()
    rules = s.execute(sa.select(PortableRule, Client.name).join(Engagement, Engagement.id == PortableRule.engagement_id)
                      .join(Client, Client.id == Engagement.client_id).where(Engagement.worker_id == worker_id)
                      .order_by(PortableRule.start_date)).all()
    credited = sum((e["amount"] for e in entries if e["kind"] in ("credit", "reversal")), ZERO)
    return {"worker_id": worker_id, "balance": acct.balance if acct else ZERO, "credited": credited,
            "use_for_premiums": bool(acct and acct.use_for_premiums),
            "entries": entries, "payouts": payouts,
            "rules": [{"rule": r, "client": name} for r, name in rules]}


def home_line_figures(worker_id: int) -> dict:
    """What home_line reads, as scalar expressions (the portal home asks them with its other figures)."""
    wid = sa.bindparam("wid", worker_id)
    return {"balance": sa.select(PortableAccount.balance).where(PortableAccount.worker_id == wid).scalar_subquery(),
            "has_entries": sa.exists().where(PortableEntry.worker_id == wid),
            "has_rules": sa.exists(sa.select(PortableRule.id)
                                   .join(Engagement, Engagement.id == PortableRule.engagement_id)
                                   .join(Client, Client.id == Engagement.client_id).where(Engagement.worker_id == wid))}


def home_line(worker_id: int, figures: dict | None = None) -> dict | None:
    """The portal home's line: {"balance"} when the worker has entries or rules (what account_view would show),
    else None; one statement instead of account_view's four, without reading every entry (issue 18 point 5), or
    none when `figures` (home_line_figures' values) were read with the home's other figures."""
    if figures is None:
        named = home_line_figures(worker_id)
        figures = dict(zip(named, db.session.execute(sa.select(*named.values())).one()))
    balance, has_entries, has_rules = figures["balance"], figures["has_entries"], figures["has_rules"]
    if not (has_entries or has_rules):
        return None
    return {"balance": balance if balance is not None else ZERO}


def nec_box1_totals(tax_year: int) -> dict[int, object]:
    """{worker_id: the year's portable credits less reversals reported as 1099-NEC box 1} — for the filings
    domain to add to each contractor's nonemployee compensation."""
    rows = db.session.execute(sa.select(PortableEntry.worker_id, _raw_sum(PortableEntry.amount)).where(
        PortableEntry.reporting_category == "1099_nec_box1", PortableEntry.tax_year == tax_year)
        .group_by(PortableEntry.worker_id)).all()
    return {w: from_cents(total) for w, total in rows}


@transaction()
def credit_paid_runs(since: date | None = None) -> int:
    """Credit every paid run (pay date on or after `since`) that has paychecks not credited yet: for rules added
    after a run was paid, and the demo. Idempotent like credit_run. Returns the number of credits made."""
    stmt = sa.select(PayrollRun).where(PayrollRun.state == "paid", PayrollRun.kind != "reversal")
    if since is not None:
        stmt = stmt.where(PayrollRun.pay_date >= since)
    return sum(credit_run(run) for run in db.session.execute(stmt.order_by(PayrollRun.id)).scalars().all())
