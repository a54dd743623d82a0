"""`backoffice reports register|tax-liability|gl`: finance exports to a file (CSV or XLSX)."""
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
        """Finance exports: payroll register, tax liability, GL journal (CSV or XLSX)."""

    reports_group.add_command(_export_command(
        "register", "Payroll register: one row per paycheck, one column per earning, tax and deduction."))
    reports_group.add_command(_export_command(
        "tax-liability", "Taxes owed per agency, jurisdiction (US / state) and tax code."))
    reports_group.add_command(_export_command("gl", "General-ledger journal lines: account, debit, credit, memo."))
