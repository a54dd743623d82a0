"""`backoffice classify`: the classification engine on the command line, JSON in and out. It needs no database,
so `backoffice.entry` runs it without building the web app."""
from __future__ import annotations

import os
import re
from datetime import date

import click
from flask import has_app_context

from backoffice.classification.engine.classify import classify
from backoffice.classification.engine.rulesets import coverage, default_catalog
from backoffice.clitools import emit_json, handle_domain_errors, read_json
from backoffice.clock import clock, from_setting


def _today() -> date:
    """The app's clock inside the app; on its own, the same BACKOFFICE_CLOCK setting the app would read."""
    if has_app_context():
        return clock().today()
    return from_setting(os.environ.get("BACKOFFICE_CLOCK")).today()


def rules_table(rows: list[dict]) -> str:
    """The coverage as a plain-text table: one line per test version, then its threshold and derived factors."""
    head = ("test", "jurisdictions", "version", "status", "effective from", "effective to")
    body = [(r["test"], ", ".join(r["jurisdictions"]) or "-", r["version"], r["status"],
             r["effective_from"] or "-", r["effective_to"] or "open") for r in rows]
    widths = [max(len(str(x[i])) for x in [head, *body]) for i in range(len(head))]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(head, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    for r, cells in zip(rows, body):
        lines.append("  ".join(str(c).ljust(w) for c, w in zip(cells, widths)).rstrip())
        if r["threshold"]:
            lines.append(f"    threshold: {re.split(r':[ ](?=[^0-9])', r['threshold'])[0]}")
        if r["derived_factors"]:
            lines.append(f"    derivable factors: {', '.join(r['derived_factors'])}")
    lines.append(f"{len(rows)} rule-set versions of {len({r['test'] for r in rows})} tests.")
    return "\n".join(lines)


@click.command("classify")
@click.option("--input", "input_path", default=None, help="JSON file with one assessment or a list; - for stdin")
@click.option("--rules", "list_rules", is_flag=True,
              help="List every test, the jurisdictions it covers, each version and its effective dates.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="With --rules: a table, or JSON.")
@handle_domain_errors
def classify_cmd(input_path, list_rules, fmt):
    """Classify an engagement (IRS, DOL and state tests) from questionnaire answers; prints JSON.

    With --rules, list the tests the engine covers instead."""
    if list_rules:
        rows = coverage(default_catalog())
        if fmt == "json":
            emit_json(rows)
        else:
            click.echo(rules_table(rows))
        return
    if not input_path:
        raise click.UsageError("give --input FILE (or - for stdin), or --rules")
    emit_json(classify(read_json(input_path), today=_today()))
