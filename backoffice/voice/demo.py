"""Demo worker voice: a closed poll with its results and an open one, a proposal past its threshold with the
agency's answer (and one overdue, one collecting signatures), anonymous feedback over and under the floor, and
client ratings — cast through the same services as the portal, by demo workers."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

import sqlalchemy as sa

from backoffice.extensions import db
from backoffice.security.models import User
from backoffice.voice import feedback_services, proposal_services, services
from backoffice.voice.models import Poll
from backoffice.workers.models import Client, Engagement, Worker


@dataclass(frozen=True)
class _As:
    """A signed-in user as the services see one: a demo worker, or the demo's HR person."""

    id: int | None
    role: str
    worker_id: int | None = None
    is_authenticated: bool = True
    is_active: bool = True


def _workers(limit: int) -> list[int]:
    return list(db.session.execute(sa.select(Worker.id).where(Worker.status == "active", Worker.id.in_(
        sa.select(Engagement.worker_id).where(Engagement.status == "active"))).order_by(Worker.id)
        .limit(limit)).scalars())


def seed(rng, today: date) -> list[str]:
    if db.session.execute(sa.select(Poll.id).limit(1)).first() is not None:
        return []                                   # seeded already
    hr_id = db.session.execute(sa.select(User.id).where(User.role == "hr").order_by(User.id)).scalar()
    hr = _As(hr_id, "hr")
    now = datetime.combine(today, time(15, 0), tzinfo=timezone.utc)
    workers = _workers(60)
    if len(workers) < 8:
        return []
    demo_worker = db.session.execute(sa.select(User.worker_id).where(User.email == "worker@tandem.example")).scalar()
    voters = [w for w in workers if w != demo_worker]   # the demo login has a vote left to cast

    closed = services.create_poll(hr, title="Dental plan for next year",
                                  question="Which dental option should the pooled plan offer from January?",
                                  options=["Keep the PPO", "Switch to the DHMO (lower premium)", "Offer both"],
                                  eligible_types=["leased_employee", "contractor"], closes_on=today - timedelta(days=3))
    services.open_poll(hr, closed.id, now - timedelta(days=14))
    for w in voters[: len(voters) * 2 // 3]:
        services.cast_vote(_As(None, "worker", w), closed.id, rng.choice(closed.options))
    services.close_poll(hr, closed.id, now - timedelta(days=2))

    services.create_poll(hr, title="Four-day week pilot",
                         question="Should the agency ask clients for a four-day week pilot (4 × 10 hours)?",
                         options=["Yes", "No", "Only where I choose it"], eligible_types=["leased_employee"],
                         closes_on=today + timedelta(days=10))
    open_poll = db.session.execute(sa.select(Poll).where(Poll.title == "Four-day week pilot")).scalar_one()
    services.open_poll(hr, open_poll.id, now - timedelta(days=1))
    for w in voters[:5]:
        try:
            services.cast_vote(_As(None, "worker", w), open_poll.id, rng.choice(open_poll.options))
        except services.DomainError:
            pass                                    # a contractor: not eligible

    threshold = services.rules.cosign_threshold(services.settings().proposal_threshold_share,
                                                proposal_services.active_workers())
    answered = proposal_services.post_proposal(_As(None, "worker", voters[0]), title="Paid time for site safety briefings",
                                      body="Safety briefings before a shift are work: pay them at the regular rate.",
                                      today=today - timedelta(days=20))
    overdue = proposal_services.post_proposal(_As(None, "worker", voters[1]), title="Pay stubs in Spanish",
                                     body="Offer the paystub and its explanations in Spanish.",
                                     today=today - timedelta(days=45))
    proposal_services.post_proposal(_As(None, "worker", voters[2]), title="Mileage between client sites",
                           body="Reimburse the miles driven between two client sites on the same day.", today=today)
    for w in voters[3:3 + threshold]:
        proposal_services.cosign(_As(None, "worker", w), answered.id, today - timedelta(days=18))
    for w in voters[3:3 + threshold]:
        proposal_services.cosign(_As(None, "worker", w), overdue.id, today - timedelta(days=44))
    proposal_services.answer_proposal(hr, answered.id, "Agreed: from next month briefings are logged as paid time on every "
                             "timesheet (code SAFETY). Clients have been told.", now - timedelta(days=5))

    lines = _feedback(rng, today, hr, voters)
    return [f"voice: polls '{closed.title}' (closed, results published) and '{open_poll.title}' (open)",
            f"voice: 3 proposals (threshold {threshold} signatures): one answered, one overdue, one new",
            *lines]


def _feedback(rng, today: date, hr, voters) -> list[str]:
    by_client: dict[int, list[int]] = {}
    for cid, wid in db.session.execute(sa.select(Engagement.client_id, Engagement.worker_id)
                                       .where(Engagement.worker_id.in_(voters)).order_by(Engagement.id)).all():
        if wid not in by_client.setdefault(cid, []):
            by_client[cid].append(wid)
    ranked = sorted(by_client.items(), key=lambda kv: -len(kv[1]))
    if not ranked or len(ranked[0][1]) < 6:
        return []
    (big, big_workers), small = ranked[0], (ranked[1] if len(ranked) > 1 else None)
    texts = [("safety", "No gloves at the loading dock on the night shift."),
             ("respect", "A supervisor shouts at temps in front of everyone."),
             ("pay", "Overtime approved late, so it lands a paycheck later."),
             ("safety", "The forklift aisle has no marked walkway."),
             ("other", "No place to eat lunch out of the rain."),
             ("respect", "Temps are not told when a shift is cancelled.")]
    for w, (topic, text) in zip(big_workers[:6], texts):
        feedback_services.report_feedback(_As(None, "worker", w), subject="client", client_id=big, topic=topic, body=text,
                                 site="Main warehouse", today=today - timedelta(days=rng.randint(1, 20)))
        feedback_services.rate_client(_As(None, "worker", w), big, {"timely_approval": rng.randint(2, 4),
                                                           "respect": rng.randint(1, 3), "clarity": rng.randint(3, 5)},
                             today)
    if small and len(small[1]) >= 2:
        for w in small[1][:2]:
            feedback_services.report_feedback(_As(None, "worker", w), subject="client", client_id=small[0], topic="pay",
                                     body="Time approved late again.", today=today - timedelta(days=3))
    feedback_services.report_feedback(_As(None, "worker", voters[0]), subject="agency", topic="pay",
                             body="The paystub does not show how the overtime was computed.", today=today)
    feedback_services.respond_to_feedback(hr, subject="client", client_id=big, topic="safety",
                                 body="We inspected the warehouse with the client: gloves are stocked at the dock and "
                                      "the walkway is being marked this week.")
    name = db.session.get(Client, big).name
    return [f"voice: anonymous feedback (6 reports about {name}, shown; 2 about another client, counted only), "
            f"ratings of {name}, and one public response"]


def seed_transparency(rng, today: date) -> list[str]:
    """Last month's margins per hour by kind of work, published by the demo's HR person (the portal's "Agency
    margins"); every demo worker's engagement has its rate breakdown ("Where my hour goes")."""
    from backoffice.voice import breakdown_services
    from backoffice.voice.models import TransparencyMonth

    if db.session.execute(sa.select(TransparencyMonth.id).limit(1)).first() is not None:
        return []
    hr_id = db.session.execute(sa.select(User.id).where(User.role == "hr").order_by(User.id)).scalar()
    month = (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    rec = breakdown_services.publish_transparency(_As(hr_id, "hr"), month, today)
    demo = db.session.execute(sa.select(User.worker_id).where(User.email == "worker@tandem.example")).scalar()
    eng = db.session.execute(sa.select(Engagement.id).where(Engagement.worker_id == demo).order_by(Engagement.id)
                             .limit(1)).scalar() if demo else None
    out = [f"voice: margins per hour for {rec.month} published ({len(rec.rows)} kinds of work shown from "
           f"{rec.engagements} engagements; {rec.hidden_engagements} left out under the floor)"]
    if eng:
        out.append(f"voice: the demo worker's hour: /portal/my-hour/{eng} (API GET /api/v1/engagements/{eng}/"
                   "rate-breakdown)")
    return out
