"""`backoffice voice publish-transparency --month YYYY-MM [--user EMAIL]`: publish a month's margin per hour by kind of
work to workers (docs/rate-breakdown.md); `backoffice voice rate-breakdown ENGAGEMENT_ID`: one engagement's hour, as
JSON (what the API answers)."""
from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from backoffice.clitools import emit_json, handle_domain_errors
from backoffice.clock import clock
from backoffice.extensions import db
from backoffice.money import fmt
from backoffice.security.models import User
from backoffice.voice import breakdown_services


def _user(email: str | None) -> User:
    """--user EMAIL, else the first active admin."""
    stmt = sa.select(User).where(User.active.is_(True))
    stmt = stmt.where(User.email == email.lower()) if email else stmt.where(User.role == "admin").order_by(User.id)
    user = db.session.execute(stmt.limit(1)).scalar_one_or_none()
    if user is None:
        raise click.ClickException(f"no active user {email}" if email else "no active admin user: pass --user EMAIL")
    return user


@click.command("publish-transparency")
@click.option("--month", required=True, help="The month to publish (YYYY-MM); it must have ended.")
@click.option("--user", "email", default=None, help="Publish as this user (HR, finance or admin; default: the "
                                                    "first active admin).")
@with_appcontext
@handle_domain_errors
def publish_transparency_cmd(month, email):
    """Publish the agency's margin per hour by kind of work for a month that has ended, under the group-size floor
    (at least 3 clients and 5 workers a row). Prints one line per row shown: kind, median, 10th and 90th
    percentile, engagements. Once per month: a published month is never recomputed."""
    rec = breakdown_services.publish_transparency(_user(email), month, clock().today())
    for r in rec.rows:
        click.echo(f"{r.kind}\t{fmt(r.median_margin)}\t{fmt(r.p10_margin)}\t{fmt(r.p90_margin)}\t{r.engagements}")
    click.echo(f"{rec.month}: {rec.engagements} engagements, {len(rec.rows)} rows shown, {rec.pooled_kinds} kinds "
               f"pooled, {rec.hidden_engagements} engagements left out under the floor", err=True)


@click.command("rate-breakdown")
@click.argument("engagement_id", type=int)
@click.option("--user", "email", default=None, help="Ask as this user (default: the first active admin).")
@with_appcontext
@handle_domain_errors
def rate_breakdown_cmd(engagement_id, email):
    """Where an engagement's hour goes, as the API answers it (JSON)."""
    user = _user(email)
    e = breakdown_services.engagement_for(user, engagement_id)
    emit_json(breakdown_services.as_json(e, breakdown_services.breakdown_of(e, clock().today()), user))


def register(cli) -> None:
    @cli.group("voice")
    def group():
        """Worker voice: where the hour goes, published margins."""
    group.add_command(publish_transparency_cmd)
    group.add_command(rate_breakdown_cmd)
