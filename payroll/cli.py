"""`backoffice payroll ...`: NACHA file, pre-run checks, calculation and resume from the command line."""
from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from backoffice.clitools import handle_domain_errors
from backoffice.clock import clock
from payroll.cli_engine import paycheck
from payroll.services.payments import generate_nacha
from payroll.services.runs import paycheck_exceptions, pre_run_checks, resume_approval, resume_calculation


def register(cli) -> None:
    from payroll.cli_money import register as register_money

    from payroll.cli_workers_comp import register as register_workers_comp

    register_money(payroll)         # payroll returns import / payroll deposits plan|list|pay
    register_workers_comp(cli)      # workers-comp rates | seed-rates | report
    cli.add_command(payroll)
    cli.add_command(paycheck)


@click.group()
def payroll():
    """Payroll runs."""


@payroll.command("nacha")
@click.argument("run_id", type=int)
@click.option("--output", "output", required=True, type=click.Path(dir_okay=False, writable=True),
              help="file to write (- for standard output)")
@click.option("--effective-date", "effective_date", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="settle on this banking day (YYYY-MM-DD) when the pay date is past or too close for the bank's "
                   "cut-off; without it such a file is refused")
@with_appcontext
@handle_domain_errors
def nacha_cmd(run_id, output, effective_date):
    """Write the NACHA file of an approved run, settling on its pay date (made on first request, the same bytes
    afterwards); a pay date past or too close for the bank's cut-off needs --effective-date."""
    f = generate_nacha(run_id, now=clock().now(), effective_date=effective_date.date() if effective_date else None)
    if output == "-":
        click.echo(f.content, nl=False)
        return
    with open(output, "w", newline="") as fh:
        fh.write(f.content)
    click.echo(f"wrote {output}: {f.entry_count} entries, total {f.total_credit}", err=True)


@payroll.command("checks")
@click.argument("run_id", type=int)
@with_appcontext
@handle_domain_errors
def checks_cmd(run_id):
    """List the run's blocking issues and its paychecks' exceptions (hold or note); exit status 1 when blocked."""
    issues = pre_run_checks(run_id)
    for issue in issues:
        click.echo(f"{issue.code}\t{issue.field}\t{issue.message}")
    exceptions = paycheck_exceptions(run_id)
    for e in exceptions:
        click.echo(f"{e.action}{' (held)' if e.held else ''}\t{e.code}\tworker {e.worker_id} {e.worker_name}\t"
                   f"{e.message}")
    click.echo(f"{len(issues)} blocking issue(s), {len(exceptions)} paycheck exception(s)", err=True)
    sys.exit(1 if issues else 0)


def _user(email: str):
    import sqlalchemy as sa

    from backoffice.security.models import User
    from backoffice.extensions import db

    user = db.session.execute(sa.select(User).where(User.email == email.lower())).scalar_one_or_none()
    if user is None:
        raise click.ClickException(f"no user with email {email}")
    return user


@payroll.command("hold")
@click.argument("run_id", type=int)
@click.argument("worker_id", type=int)
@click.option("--reason", required=True, help="why the paycheck is held (shown on the run)")
@click.option("--user", "as_user", required=True, help="email of the HR user holding it (rights checked, audited)")
@with_appcontext
@handle_domain_errors
def hold_cmd(run_id, worker_id, reason, as_user):
    """Hold a worker's paycheck out of a draft run; the run goes on without it."""
    from payroll.services.holds import hold_paycheck

    hold = hold_paycheck(run_id, worker_id, reason, _user(as_user))
    click.echo(f"hold {hold.id}: worker {worker_id} held out of run {run_id}")


@payroll.command("pay-holds")
@click.argument("run_id", type=int)
@click.option("--pay-date", required=True, type=click.DateTime(formats=["%Y-%m-%d"]))
@click.option("--user", "as_user", required=True, help="email of the HR user creating the run")
@with_appcontext
@handle_domain_errors
def pay_holds_cmd(run_id, pay_date, as_user):
    """Create an off-cycle run paying the paychecks held out of RUN_ID."""
    from payroll.services.holds import pay_holds

    run = pay_holds(run_id, pay_date.date(), _user(as_user))
    click.echo(f"run {run.id}: pays the held paychecks of run {run_id} on {run.pay_date}")


@payroll.command("resume")
@click.argument("run_id", type=int)
@with_appcontext
@handle_domain_errors
def resume_cmd(run_id):
    """Re-send the chunks of a calculating run that are not done (after a worker died)."""
    sent = resume_calculation(run_id)
    click.echo(f"re-sent {len(sent)} chunk(s)")


@payroll.command("resume-approval")
@click.argument("run_id", type=int)
@with_appcontext
@handle_domain_errors
def resume_approval_cmd(run_id):
    """Re-send the chunks of an approved (or paid) run whose share of the approval is not done (the leave its
    workers accrue), after a worker died."""
    sent = resume_approval(run_id)
    click.echo(f"re-sent the approval of {len(sent)} chunk(s)")


