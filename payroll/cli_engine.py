"""`backoffice paycheck quote`: the engine on the command line. It needs no database, so `backoffice.entry` runs it
without building the web app (start-up in a fraction of a second)."""
from __future__ import annotations

import sys

import click

from backoffice.batching import gc_paused
from backoffice.clitools import emit_json, handle_domain_errors, open_text, read_json, write_jsonl
from payroll.engine.quote import quote, quote_lines


@click.group()
def paycheck():
    """Paycheck calculations."""


@paycheck.command("quote")
@click.option("--input", "input_path", required=True,
              help="JSON file with one quote request or a list (JSON Lines with --jsonl); - for stdin")
@click.option("--jsonl", is_flag=True,
              help="Read one request per line and print one result per line as each is computed (constant memory); "
                   "a refused line prints its error in its place and the exit status is 2.")
@click.option("--no-explain", is_flag=True,
              help="Figures only: no explanation lines (the same figures, much faster for long lists).")
@handle_domain_errors
def quote_cmd(input_path, jsonl, no_explain):
    """Quote paychecks (gross to net), every line explained unless --no-explain; prints JSON."""
    explain = False if no_explain else None
    if not jsonl:
        # a list is held in memory whole: a bounded batch, quoted without the garbage collector's walks over it
        # (20,000 quotes: about a fifth less CPU; docs/benchmarks.md, "Session 10"). The streaming --jsonl form
        # keeps the collector: it has no bound.
        with gc_paused():
            emit_json(quote(read_json(input_path), explain=explain))
        return
    with open_text(input_path) as lines:
        refused = write_jsonl(quote_lines(lines, explain=explain))
    if refused:
        sys.exit(2)


@paycheck.command("states")
@click.option("--year", "tax_year", type=int, required=True, help="tax year, e.g. 2026")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option("--locals", "local_taxes", is_flag=True,
              help="list the local taxes instead (city, county, school district, PA EIT/LST, transit)")
@handle_domain_errors
def states_cmd(tax_year, fmt, local_taxes):
    """Every jurisdiction (50 states + DC) for a tax year: supported, partial or refused, with its method, source,
    confidence, pay dates, programs and what is not modelled. With --locals, every local tax in the year's data and
    the places refused by rule. Nothing is withheld as a silent zero."""
    from dataclasses import asdict

    from payroll.engine.states.coverage import coverage, coverage_csv, coverage_table

    if local_taxes:
        _locals_listing(tax_year, fmt)
        return
    rows = coverage(tax_year)
    if fmt == "json":
        emit_json([asdict(r) for r in rows])
    elif fmt == "csv":
        click.echo(coverage_csv(rows), nl=False)
    else:
        click.echo(coverage_table(rows), nl=False)


def _locals_listing(tax_year: int, fmt: str) -> None:
    from payroll.engine.locals.report import (local_coverage_csv, local_coverage_json, local_coverage_table,
                                              local_rows)
    from payroll.engine.states import UnsupportedState

    if not 2000 <= tax_year <= 2100:
        raise UnsupportedState(f"tax year {tax_year} is out of range")
    if fmt == "json":
        emit_json(local_coverage_json(tax_year))
    elif fmt == "csv":
        click.echo(local_coverage_csv(local_rows(tax_year)), nl=False)
    else:
        click.echo(local_coverage_table(local_rows(tax_year)), nl=False)


@paycheck.command("load-psd-register")
@click.option("--year", "tax_year", type=int, required=True, help="tax year whose PA local data is written")
@click.option("--file", "path", required=True, type=click.Path(exists=True, dir_okay=False),
              help="the DCED 'PSD Codes and EIT Rates' list saved as CSV (PSD code, county, municipality, school "
                   "district, total resident EIT, municipal non-resident EIT [, LST])")
@click.option("--published", required=True, help="the register's date as DCED prints it (YYYY-MM-DD)")
@click.option("--output", default=None, help="where to write the PA data (default: the year's locals/PA.json)")
@click.option("--dry-run", is_flag=True, help="check the file and say what would be loaded; write nothing")
@handle_domain_errors
def load_psd_register_cmd(tax_year, path, published, output, dry_run):
    """Load Pennsylvania's PSD register into the year's local-tax data: one earned income tax entry per PSD code
    (and its Local Services Tax when the file has one). Philadelphia's and Pittsburgh's hand-kept entries stay; a
    file with any bad row is refused, each row and column named."""
    import json
    from pathlib import Path

    from backoffice.dates import parse_date
    from backoffice.errors import Issue, ValidationFailed
    from payroll.engine.locals.psd_register import hand_kept, merge_register, read_register
    from payroll.engine.locals.rules import DATA_ROOT

    try:
        day = parse_date(published)
    except ValueError:
        raise ValidationFailed([Issue("published", f"not a date YYYY-MM-DD: {published!r}")])
    target = Path(output) if output else DATA_ROOT / str(tax_year) / "locals" / "PA.json"
    data = json.loads(target.read_text(encoding="utf-8")) if target.exists() else {
        "state": "PA", "tax_year": tax_year, "localities": []}
    with open(path, encoding="utf-8-sig", newline="") as f:
        entries, skipped, issues = read_register(f.read(), day, Path(path).name, hand_kept(data))
    if issues:
        raise ValidationFailed(issues)
    eit = sum(1 for e in entries if e["method"] == "pa_eit")
    click.echo(f"{eit} PSD codes with their EIT rates, {len(entries) - eit} Local Services Taxes"
               + (f"; kept as they are (hand-kept entries): {', '.join(sorted(set(skipped)))}" if skipped else ""))
    if dry_run:
        return
    target.write_text(json.dumps(merge_register(data, entries), indent=2, ensure_ascii=False) + "\n",
                      encoding="utf-8")
    click.echo(f"written: {target}")
