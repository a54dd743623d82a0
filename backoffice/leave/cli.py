"""`backoffice leave accrue` and `backoffice leave policies`: the sick-leave engine on the command line. They need
no database, so `backoffice.entry` runs them without building the web app (like `backoffice paycheck quote`)."""
from __future__ import annotations

import json

import click

from backoffice.clitools import handle_domain_errors, name_the_field, read_json
from backoffice.leave.accrual_json import accrue_json, policies_json


@click.group()
def leave():
    """Paid leave."""


def _emit(result) -> None:
    """JSON as the other engine commands print it, but with "§" and "→" as themselves: the explanations cite
    statutes by section."""
    click.echo(json.dumps(result, indent=2, ensure_ascii=False))



@leave.command("accrue")
@click.option("--input", "input_path", required=True,
              help="JSON file with one accrual input or a list; - for stdin")
@handle_domain_errors
@name_the_field
def accrue_cmd(input_path):
    """Sick leave earned by hours worked in one jurisdiction, with caps, the waiting period and the law cited;
    prints JSON. See docs/leave-laws.md."""
    _emit(accrue_json(read_json(input_path)))


@leave.command("policies")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--jurisdiction", default=None, help="only this jurisdiction (e.g. CA, NYC)")
@handle_domain_errors
def policies_cmd(fmt, jurisdiction):
    """Every sick-leave law held: jurisdiction, version, dates, tiers, figures, confidence and sources."""
    rows = policies_json()
    if jurisdiction:
        rows = [r for r in rows if r["jurisdiction"] == jurisdiction.strip().upper()]
    if fmt == "json":
        _emit(rows)
        return
    click.echo(policies_table(rows), nl=False)


def policies_table(rows: list[dict]) -> str:
    head = ("code", "version", "from", "to", "tier", "accrual", "wait", "year cap", "use cap", "bal cap", "carry",
            "incr", "conf")
    lines = [head]
    for r in rows:
        lines.append((r["jurisdiction"], r["version"], r["effective_from"], r["effective_to"] or "-", r["tier"],
                      r["accrual"].replace(" hours worked", "").replace(" hour per ", "/"),
                      str(r["usable_after_days"]), r["annual_accrual_cap"] or "-", r["annual_usage_cap"] or "-",
                      r["balance_cap"] or "-", r["carryover_cap"] or "all", r["min_increment_max"] or "-",
                      r["confidence"]))
    widths = [max(len(row[i]) for row in lines) for i in range(len(head))]
    return "".join("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() + "\n" for row in lines)


def register(cli) -> None:
    """Add `leave` to the Flask command line (the `leave` domain's init_app calls this; its own commands may be
    added to the same group: `from backoffice.leave.cli import leave`)."""
    cli.add_command(leave)
