"""What every domain's commands share: JSON input (numbers as Decimal) and domain errors printed, exit code 2."""
from __future__ import annotations

import json
import sys
from decimal import Decimal

import click

from backoffice.errors import DomainError, ValidationFailed


def read_json(path: str):
    text = sys.stdin.read() if path == "-" else open(path, encoding="utf-8").read()
    try:
        return json.loads(text, parse_float=Decimal)  # money is never float
    except json.JSONDecodeError as exc:
        raise click.ClickException(f"input is not JSON: {exc}") from exc


def emit_or_fail(fn, payload):
    try:
        result = fn(payload)
    except ValidationFailed as exc:
        click.echo(json.dumps(exc.as_dict(), indent=2), err=True)
        sys.exit(2)
    except DomainError as exc:
        click.echo(json.dumps({"error": exc.code, "message": exc.message}, indent=2), err=True)
        sys.exit(2)
    click.echo(json.dumps(result, indent=2))
