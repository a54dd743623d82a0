"""`backoffice benefits ...`: a worker's offers (eligibility in words, cost per tier), open-enrollment windows
(schedule, open, close)."""
from __future__ import annotations

import csv
import io
import sys

import click
from flask.cli import with_appcontext

from backoffice.clitools import emit_json, handle_domain_errors
from backoffice.clock import clock
from backoffice.errors import Issue, ValidationFailed
from benefits import carriers, plan_services as plans_svc, recon_services as recon, retirement_services as retirement
from benefits import services as svc

DAY = click.DateTime(formats=["%Y-%m-%d"])


@click.command("carriers")
@with_appcontext
def carriers_cmd():
    """The carriers' codes, one per line (for `edi834 --carrier` and `reconcile --carrier`)."""
    for c in carriers.carriers():
        click.echo(c.code)


@click.command("offers")
@click.argument("worker_id", type=int)
@click.option("--on", "on", type=DAY, default=None, help="The day to judge (YYYY-MM-DD); default: today.")
@with_appcontext
@handle_domain_errors
def offers_cmd(worker_id, on):
    """The plans a worker may enroll in, why (or why not), and each tier's cost per paycheck."""
    day = on.date() if on else clock().today()
    for o in svc.plan_offers(worker_id, day):
        click.echo(f"{o.plan} [{o.plan.kind}]: {'eligible' if o.eligible else 'not eligible'}. {o.reason}")
        for t in o.tiers:
            click.echo(f"    {t.tier}: premium {t.monthly_premium}/mo, employer {t.employer_monthly}/mo; per paycheck"
                       f" you {t.per_paycheck_employee}, employer {t.per_paycheck_employer}")


@click.command("window")
@click.argument("plan_year_start", type=DAY)
@click.argument("opens_on", type=DAY)
@click.argument("closes_on", type=DAY)
@with_appcontext
@handle_domain_errors
def window_cmd(plan_year_start, opens_on, closes_on):
    """Schedule open enrollment for the plan year starting PLAN_YEAR_START (dates YYYY-MM-DD)."""
    w = plans_svc.create_window(plan_year_start.date(), opens_on.date(), closes_on.date())
    click.echo(f"window {w.id}: {w}")


@click.command("open-window")
@click.argument("window_id", type=int)
@with_appcontext
@handle_domain_errors
def open_cmd(window_id):
    """Open a scheduled open-enrollment window."""
    click.echo(str(plans_svc.open_enrollment(window_id)))


@click.command("close-window")
@click.argument("window_id", type=int)
@with_appcontext
@handle_domain_errors
def close_cmd(window_id):
    """Close open enrollment: who did nothing keeps their elections or gets the plan's default."""
    emit_json(svc.close_enrollment(window_id))


@click.command("escalate")
@click.option("--on", "on", type=DAY, default=None, help="The day (YYYY-MM-DD); default: today.")
@with_appcontext
@handle_domain_errors
def escalate_cmd(on):
    """Raise auto-enrolled workers' 401(k) percent on their anniversaries (the plan's step, up to its cap)."""
    day = on.date() if on else clock().today()
    click.echo(f"{retirement.escalate_deferrals(day)} worker(s) raised on {day.isoformat()}")


@click.command("true-up")
@click.option("--year", type=int, required=True, help="The plan year (calendar year) to true up.")
@with_appcontext
@handle_domain_errors
def true_up_cmd(year):
    """The 401(k) match each worker is still owed for YEAR (plans with match_true_up), as CSV."""
    rows = retirement.true_up_due(year)
    buf = io.StringIO()
    out = csv.writer(buf)
    out.writerow(("worker_id", "worker", "plan", "year_pay", "deferrals", "match_paid", "true_up"))
    for r in rows:
        out.writerow((r["worker_id"], r["worker"], r["plan"], r["year_pay"], r["deferrals"], r["match_paid"],
                      r["true_up"]))
    click.echo(buf.getvalue(), nl=False)
    click.echo(f"{len(rows)} worker(s), {retirement.total(rows)} in all", err=True)


@click.command("reconcile")
@click.option("--carrier", "carrier", required=True, help="The carrier's code (see `backoffice benefits carriers`).")
@click.option("--month", "month", required=True, help="The bill's month, YYYY-MM.")
@click.option("--bill", "bill_path", required=True, type=click.Path(dir_okay=False),
              help="The carrier's bill as CSV (docs/premium-reconciliation.md), or - for stdin.")
@with_appcontext
@handle_domain_errors
def reconcile_cmd(carrier, month, bill_path):
    """Import a carrier's monthly bill (the same file again re-uses its import) and reconcile it with the
    enrollments, member by member: one line per variance. Exit 0 when every variance is explained, 1 when any is
    not, 2 when the file or an option is refused (the errors name the row and column, on stderr)."""
    try:
        if bill_path == "-":
            content = sys.stdin.buffer.read()
        else:
            with open(bill_path, "rb") as f:
                content = f.read()
    except OSError as exc:
        raise ValidationFailed([Issue("bill", f"cannot read {bill_path}: {exc.strerror}", "unreadable")]) from exc
    bill = recon.import_bill(carrier, month, content, filename=bill_path)
    result = recon.reconcile(bill.id)
    rows = recon.variances(bill.id)
    for v in rows:
        click.echo(recon.variance_line(v))
    unexplained = [v for v in rows if not v.explained]
    click.echo(f"{bill}: {bill.line_count} line(s), billed {result.billed_total}, enrollments {result.expected_total}; "
               f"{len(rows)} variance(s), {len(unexplained)} unexplained", err=True)
    sys.exit(1 if unexplained else 0)


def register(cli) -> None:
    """Add the `benefits` command group."""
    @cli.group("benefits")
    def group():
        """Benefits: offers, open enrollment, 401(k) escalation and true-up."""
    for cmd in (carriers_cmd, offers_cmd, window_cmd, open_cmd, close_cmd, escalate_cmd, true_up_cmd, reconcile_cmd):
        group.add_command(cmd)
