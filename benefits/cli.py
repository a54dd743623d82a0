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
from backoffice.errors import Issue, NotFound, ValidationFailed
from benefits import carriers, cobra_services as cobra, edi_services as edi_svc, plan_services as plans_svc
from benefits import recon_services as recon, retirement_services as retirement, services as svc
from benefits.cli_engine import aca_measure_cmd

DAY = click.DateTime(formats=["%Y-%m-%d"])


@click.command("carriers")
@with_appcontext
def carriers_cmd():
    """The carriers' codes, one per line (for `edi834 --carrier` and `reconcile --carrier`)."""
    for c in carriers.carriers():
        click.echo(c.code)


@click.command("edi834")
@click.option("--carrier", "carrier_code", required=True, help="The carrier's code (see `backoffice benefits carriers`).")
@click.option("--kind", type=click.Choice(["full", "change"]), required=True,
              help="full: every current member (030); change: adds, changes and terms since the last file.")
@click.option("--output", "output", required=True, help="The file to write; - for standard output.")
@click.option("--as-of", "as_of", type=DAY, default=None, help="The day the file describes (YYYY-MM-DD); default: today.")
@click.option("--usage", type=click.Choice(["P", "T"]), default=None,
              help="ISA15: P production, T test; default: the EDI834_USAGE setting (P).")
@with_appcontext
@handle_domain_errors
def edi834_cmd(carrier_code, kind, output, as_of, usage):
    """Build and keep the carrier's next X12 834 file (005010X220A1) and write it to OUTPUT. A change file with
    nothing to send writes nothing and says so (exit 0)."""
    try:
        carrier = carriers.carrier_by_code(carrier_code)
    except NotFound:
        raise ValidationFailed([Issue("--carrier", f"no carrier has the code {carrier_code!r}; the codes are: "
                                      + (", ".join(c.code for c in carriers.carriers()) or "none"),
                                      code="not_found")]) from None
    result = edi_svc.build(carrier, kind, as_of=as_of.date() if as_of else None, usage=usage)
    if result.file is not None:
        if output == "-":
            click.echo(result.file.content, nl=False)
        else:
            with open(output, "w", encoding="ascii", newline="") as fh:
                fh.write(result.file.content)
    click.echo(result.message, err=True)


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


@click.command("aca-months")
@click.option("--year", type=int, required=True, help="The calendar year (YYYY).")
@click.option("--month", type=click.IntRange(1, 12), default=None, help="One month (1-12); default: every month "
                                                                          "of the year begun so far.")
@with_appcontext
@handle_domain_errors
def aca_months_cmd(year, month):
    """Build the monthly ACA records (status, 1095-C lines 14/15/16) from payroll's hours, open the windows of
    workers found full time and e-mail them (once)."""
    from benefits import aca_services

    n = aca_services.build_aca_months(year, month)
    sent = aca_services.notify_windows()
    click.echo(f"{n} ACA month(s) built for {year}" + (f"-{month:02d}" if month else "") + f"; {sent} e-mail(s) sent")


@click.command("cobra-due")
@click.option("--on", "on", type=DAY, default=None, help="The day (YYYY-MM-DD); default: today.")
@click.option("--within", type=click.IntRange(0, 3650), default=None,
              help="Only what is due within this many days (overdue included).")
@click.option("--json", "as_json", is_flag=True, help="A JSON list instead of lines.")
@with_appcontext
@handle_domain_errors
def cobra_due_cmd(on, within, as_json):
    """What is due next on each open COBRA case (notice, election deadline, premium grace end, maximum), soonest
    first: one line each, "<due date> (<days> d) case #<id> <beneficiary> [<status>]: <what>"."""
    day = on.date() if on else clock().today()
    rows = cobra.due_list(day, within)
    if as_json:
        emit_json(rows)
        return
    for r in rows:
        click.echo(f"{r['due_on']} ({r['days_left']:+d} d) case #{r['case_id']} {r['beneficiary']} [{r['status']}]: "
                   f"{r['next']}")
    click.echo(f"{len(rows)} case(s) with something due", err=True)


@click.command("cobra-run")
@click.option("--on", "on", type=DAY, default=None, help="The day (YYYY-MM-DD); default: today.")
@with_appcontext
@handle_domain_errors
def cobra_run_cmd(on):
    """Today's COBRA pass (what the beat task runs): events to cases, premiums billed, cases expired or ended."""
    emit_json(cobra.run_daily(on.date() if on else clock().today()))


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
        """Benefits: offers, open enrollment, 401(k) escalation and true-up, ACA status, COBRA, carriers, 834s and
        bills."""
    for cmd in (carriers_cmd, edi834_cmd, reconcile_cmd, offers_cmd, window_cmd, open_cmd, close_cmd, escalate_cmd,
                true_up_cmd, aca_months_cmd, cobra_due_cmd, cobra_run_cmd):
        group.add_command(cmd)
    group.add_command(aca_measure_cmd)      # listed in --help here; `backoffice.entry` runs it without the app
