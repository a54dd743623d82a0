"""`backoffice classify`: the classification engine on the command line, JSON in and out. It needs no database,
so `backoffice.entry` runs it without building the web app."""
from __future__ import annotations

import os
from datetime import date

import click
from flask import has_app_context

from backoffice.classification.engine.classify import classify
from backoffice.clitools import emit_json, handle_domain_errors, read_json
from backoffice.clock import clock, from_setting


def _today() -> date:
    """The app's clock inside the app; on its own, the same BACKOFFICE_CLOCK setting the app would read."""
    if has_app_context():
        return clock().today()
    return from_setting(os.environ.get("BACKOFFICE_CLOCK")).today()


@click.command("classify")
@click.option("--input", "input_path", required=True, help="JSON file with one assessment or a list; - for stdin")
@handle_domain_errors
def classify_cmd(input_path):
    """Classify an engagement (IRS, DOL and state tests) from questionnaire answers; prints JSON."""
    emit_json(classify(read_json(input_path), today=_today()))
