"""`backoffice benefits aca-measure`: the ACA look-back engine on the command line. It needs no database, so
`backoffice.entry` runs it without building the web app (like `backoffice paycheck quote`)."""
from __future__ import annotations

import sys

import click

from backoffice.clitools import emit_json, handle_domain_errors, name_the_field, open_text, read_json, write_jsonl
from benefits.engine.aca import measure_json, measure_lines



@click.command("aca-measure")
@click.option("--input", "input_path", required=True,
              help="JSON file with one employee or a list (JSON Lines with --jsonl); - for stdin")
@click.option("--jsonl", is_flag=True,
              help="Read one employee per line and print one result per line as each is measured; a refused line "
                   "prints its error in its place and the exit status is 2.")
@handle_domain_errors
@name_the_field
def aca_measure_cmd(input_path, jsonl):
    """ACA full-time status by the look-back measurement method (Treas. Reg. §54.4980H-3); prints JSON.
    See docs/aca-measure.md."""
    if not jsonl:
        emit_json(measure_json(read_json(input_path)))
        return
    with open_text(input_path) as lines:
        refused = write_jsonl(measure_lines(lines))
    if refused:
        sys.exit(2)
