"""`backoffice reports register|tax-liability|gl`: finance exports to a file (CSV or XLSX); `backoffice reports run
<name>`: an agency report (reports/catalog.py) as CSV, XLSX or JSON; `list`; `send-due` (scheduled reports)."""
from __future__ import annotations

import sys
import time

import click
from flask.cli import with_appcontext

from backoffice.clitools import handle_domain_errors


def _export_command(kind: str, help_text: str):
    @click.command(kind, help=help_text)
    @click.option("--run", "run_id", type=int, default=None, help="One payroll run id.")
    @click.option("--from", "start", default=None, help="First pay date (YYYY-MM-DD), with --to, instead of --run.")
    @click.option("--to", "end", default=None, help="Last pay date (YYYY-MM-DD), inclusive.")
    @click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv", show_default=True)
    @click.option("--output", "-o", "output", required=True, type=click.Path(dir_okay=False),
                  help="File to write ('-' for stdout, CSV only).")
    @with_appcontext
    @handle_domain_errors
    def command(run_id, start, end, fmt, output):
        from reports import exports

        args = {"run_id": run_id, "start": start or "", "end": end or ""}
        started = time.perf_counter()
        sel = exports.parse_selection(args)
        progress = None
        if fmt == "xlsx" and output != "-":
            def progress(done, total):
                click.echo(f"\r{done}/{total} rows", nl=False, err=True)
        out = exports.export(kind, sel, fmt, progress=progress)
        if output == "-":
            if fmt != "csv":
                raise click.ClickException("write XLSX to a file, not stdout")
            sys.stdout.buffer.write(out.content)
            return
        with open(output, "wb") as fh:
            fh.write(out.content)
        click.echo(f"{'' if fmt == 'csv' else chr(10)}wrote {output} ({len(out.content):,} bytes, "
                   f"{time.perf_counter() - started:.1f} s)", err=True)

    return command


def register(cli) -> None:
    @cli.group("reports")
    def reports_group():
        """Finance exports (register, tax liability, GL) and the agency's reports (run, list, send-due)."""

    reports_group.add_command(_export_command(
        "register", "Payroll register: one row per paycheck, one column per earning, tax and deduction."))
    reports_group.add_command(_export_command(
        "tax-liability", "Taxes owed per agency, jurisdiction (US / state) and tax code."))
    reports_group.add_command(_export_command("gl", "General-ledger journal lines: account, debit, credit, memo."))
    reports_group.add_command(run_command)
    reports_group.add_command(list_command)
    reports_group.add_command(send_due_command)


@click.command("run", help="Run one agency report (see `backoffice reports list`) over a date range.")
@click.argument("name")
@click.option("--from", "start", default=None, help="First day (YYYY-MM-DD); default 1 January of --to's year.")
@click.option("--to", "end", default=None, help="Last day, inclusive (the as-of day for point-in-time reports); "
                                                "default today.")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "json"]), default="csv", show_default=True)
@click.option("--client", "client_id", default=None, help="One client id.")
@click.option("--state", default=None, help="One state (two letters).")
@click.option("--worker", "worker_id", default=None, help="One worker id.")
@click.option("--grain", default=None, type=click.Choice(["week", "month", "quarter"]), help="Period (month).")
@click.option("--group", default=None, help="Break down by (client, worker, state, period: the report says which).")
@click.option("--output", "-o", "output", default="-", type=click.Path(dir_okay=False),
              help="File to write; '-' (the default) for stdout, CSV and JSON only.")
@with_appcontext
@handle_domain_errors
def run_command(name, start, end, fmt, client_id, state, worker_id, grain, group, output):
    from backoffice.clock import clock
    from reports import catalog

    report = catalog.get(name)
    end = end or clock().today().isoformat()
    start = start or f"{end[:4]}-01-01"
    filters = catalog.parse_filters(report, {"start": start, "end": end, "client_id": client_id, "state": state,
                                             "worker_id": worker_id, "grain": grain, "group": group})
    started = time.perf_counter()
    progress = None
    if fmt == "xlsx" and output != "-":
        def progress(done, total):
            click.echo(f"\r{done}/{total} rows", nl=False, err=True)
    out = catalog.render(report, filters, fmt, progress=progress)
    if output == "-":
        if fmt == "xlsx":
            raise click.ClickException("write XLSX to a file (--output), not stdout")
        sys.stdout.buffer.write(out.content)
        return
    with open(output, "wb") as fh:
        fh.write(out.content)
    click.echo(f"{'' if fmt != 'xlsx' else chr(10)}wrote {output} ({len(out.content):,} bytes, "
               f"{time.perf_counter() - started:.1f} s)", err=True)


@click.command("list", help="The agency reports, their filters and who may see them (the permission model).")
@with_appcontext
def list_command():
    from reports import catalog

    for r in catalog.REPORTS.values():
        groups = f" group={'|'.join(r.groups)}" if r.groups else ""
        click.echo(f"{r.name:20} {r.title} — filters: {', '.join(r.filters)}{groups}; right: {r.permission}")


@click.command("send-due", help="Send the scheduled reports that are due now (what the hourly beat does).")
@with_appcontext
@handle_domain_errors
def send_due_command():
    from reports import schedule_services
    from reports.models import ScheduledReportRun
    from backoffice.extensions import db

    made = schedule_services.run_due()
    for run_id in made:
        click.echo(str(db.session.get(ScheduledReportRun, run_id)))
    click.echo(f"{len(made)} scheduled report(s) sent or attempted")
