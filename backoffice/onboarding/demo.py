"""Demo onboarding: invited workers at every stage, some stuck, so HR's board has something to show."""
from __future__ import annotations

import secrets
from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app

from backoffice.clock import FixedClock
from backoffice.errors import ValidationFailed
from backoffice.extensions import db
from backoffice.onboarding import steps
from backoffice.onboarding.services import cases, invitations, wizard
from backoffice.uow import transaction
from backoffice.onboarding.models import I9Record
from backoffice.workers.models import Client, Engagement, Worker

FIRST = ("Avery", "Jordan", "Riley", "Morgan", "Quinn", "Rowan", "Skyler", "Emerson", "Harper", "Sage")
LAST = ("Alvarez", "Brooks", "Chen", "Dubois", "Eze", "Fischer", "Gupta", "Haddad", "Ito", "Jensen")
# (engagement type, work state, steps to complete, days on the current step)
PLAN = (("contractor", "TX", 0, 1), ("contractor", "CA", 1, 5), ("leased_employee", "CA", 2, 2),
        ("leased_employee", "NY", 3, 8), ("leased_employee", "TX", 1, 4), ("contractor", "FL", 3, 0),
        ("leased_employee", "IL", 0, 9), ("contractor", "WA", 4, 0))


def _ssn(rng) -> str:
    return f"{rng.randint(100, 665):03d}-{rng.randint(1, 99):02d}-{rng.randint(1, 9999):04d}"


def seed(rng, today: date) -> list[str]:
    now = FixedClock(today).now()      # the demo's own day, not the machine's
    clients = list(db.session.execute(sa.select(Client).where(Client.active.is_(True)).order_by(Client.id)
                                      .limit(5)).scalars())
    if not clients:
        return []
    config = {k: v for k, v in current_app.config.items() if k != "SMTP_HOST"}  # demo: never send email
    made = 0
    for i, (kind, state, done, days) in enumerate(PLAN):
        first, last = FIRST[i % len(FIRST)], LAST[(i * 3) % len(LAST)]
        data = {"email": f"onboarding{i + 1}@demo.tandem.example", "first_name": first, "last_name": last,
                "client_id": clients[i % len(clients)].id, "type": kind, "work_state": state,
                "pay_rate": str(rng.choice((28, 35, 48, 62, 75))), "pay_unit": "hour", "pay_frequency": "biweekly",
                "start_date": (today + timedelta(days=rng.randint(-6, 14))).isoformat(), "title": "Specialist"}
        try:
            result = invitations.invite_worker(data, now=now, config=config)
        except ValidationFailed:
            continue  # already seeded
        case = result.case
        if done:
            invitations.accept_invitation(_accept_token(result), "demo-password-1", "demo-password-1", now=now)
        signed = f"{first} {last}"
        for step in [s.step for s in case.steps][:done]:
            _do(case, step, state, signed, rng, today)
        with transaction():
            case.step_since = now - timedelta(days=days, hours=rng.randint(0, 20))
        made += 1
    filed = _i9s_on_file(today)
    return [f"onboarding: {made} invited workers at various steps (see Admin > People > Onboarding)",
            f"onboarding: Forms I-9 on file for {filed} leased employees already at work"]


def _i9s_on_file(today: date) -> int:
    """The demo's leased employees at work were onboarded before the product: their Forms I-9 are on file (section
    1 signed on the start date, section 2 done by HR the next day with a List A document), so the compliance
    checks find none missing. Engagements that already have an I-9 (onboarding cases) are left as they are."""
    from backoffice.security.models import User

    hr = db.session.execute(sa.select(User.id).where(User.email == "hr@tandem.example")).scalar()
    have = sa.select(I9Record.engagement_id)
    rows = db.session.execute(
        sa.select(Engagement.id, Engagement.worker_id, Engagement.start_date, Worker.first_name, Worker.last_name)
        .join(Worker, Worker.id == Engagement.worker_id)
        .where(Engagement.type == "leased_employee", Engagement.start_date <= today, Engagement.id.not_in(have))
        .order_by(Engagement.id)).all()
    with transaction():
        for eng_id, worker_id, start, first, last in rows:
            signed = FixedClock(start).now()
            db.session.add(I9Record(
                worker_id=worker_id, engagement_id=eng_id, citizenship="citizen", section1_signed_name=f"{first} {last}",
                section1_signed_at=signed, start_date=start, section2_due=steps.i9_section2_due(start),
                section2_documents=[{"list": "A", "title": "U.S. Passport", "issuer": "U.S. Department of State",
                                     "number_last4": f"{eng_id % 10000:04d}", "expires": None}],
                section2_by_id=hr, section2_at=signed + timedelta(days=1)))
    return len(rows)


def _accept_token(result) -> str:
    """The demo never emails the link: give the invitation a known token so it can be accepted here."""
    token = secrets.token_urlsafe(32)
    with transaction():
        result.invitation.token_hash = cases.hash_token(token)
    return token


def _do(case, step: str, state: str, signed: str, rng, today: date) -> None:
    if step == "profile":
        first, last = signed.split(" ", 1)
        wizard.save_profile(case, {"first_name": first, "last_name": last, "tin": _ssn(rng), "birth_date": "1988-05-17",
                                "address_line1": f"{rng.randint(10, 999)} Market St", "city": "Springfield",
                                "state": state, "postal_code": f"{rng.randint(10000, 99999)}"}, today=today)
    elif step == "w4":
        wizard.save_w4(case, {"filing_status": "single", "signed_name": signed}, today=today)
    elif step == "state_certificate":
        form = steps.state_form(state)
        values = {f["name"]: f["choices"][0][0] for f in form.fields if f["type"] == "choice"}
        wizard.save_state_certificate(case, {**values, "signed_name": signed}, today=today)
    elif step == "i9":
        wizard.save_i9_section1(case, {"citizenship": "citizen", "attest": "1", "signed_name": signed}, today=today)
    elif step == "w9":
        wizard.save_w9(case, {"legal_name": signed, "entity_type": "individual", "tin_type": "ssn", "tin": "",
                           "certified": "1", "signed_name": signed})
    elif step == "direct_deposit":
        wizard.add_manual_account(case, {"routing_number": "011401533", "account_number": f"{rng.randint(10**7, 10**9)}",
                                      "split_kind": "remainder"})
        wizard.finish_direct_deposit(case)
