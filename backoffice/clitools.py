"""What every domain's commands share: JSON input (numbers as Decimal) and domain errors printed, exit code 2."""
from __future__ import annotations

import contextlib
import functools
import json
import sys
from decimal import Decimal
from typing import IO, Iterable, Iterator

import orjson

import click

from backoffice.errors import DomainError, ValidationFailed


def handle_domain_errors(command):
    """The command line's one translation of a refused call: the error as JSON on stderr, exit status 2.

    Put it under the command's click decorators (next to the function), on every command."""
    @functools.wraps(command)
    def run(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except DomainError as exc:
            body = exc.as_dict() if isinstance(exc, ValidationFailed) else {"error": exc.code, "message": exc.message}
            click.echo(json.dumps(body, indent=2), err=True)
            sys.exit(2)
    return run


def name_the_field(command):
    """A refused input (error, message, issues) with its first bad field also at the top, `field`, so a script can
    read `{"error": ..., "field": ...}` without walking the issues; exit status 2. Under handle_domain_errors."""
    @functools.wraps(command)
    def run(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except ValidationFailed as exc:
            body = exc.as_dict()
            body["field"] = exc.issues[0].field if exc.issues else ""
            click.echo(json.dumps(body, indent=2), err=True)
            sys.exit(2)
    return run


def read_json(path: str):
    text = sys.stdin.read() if path == "-" else open(path, encoding="utf-8").read()
    try:
        return json.loads(text, parse_float=Decimal)  # money is never float
    except json.JSONDecodeError as exc:
        raise click.ClickException(f"input is not JSON: {exc}") from exc


def emit_json(result) -> None:
    click.echo(json.dumps(result, indent=2))


@contextlib.contextmanager
def open_text(path: str) -> Iterator[IO[str]]:
    """A text file to read line by line, or stdin for "-"."""
    if path == "-":
        yield sys.stdin
        return
    try:
        f = open(path, encoding="utf-8")
    except OSError as exc:
        raise click.ClickException(f"cannot read {path}: {exc.strerror}") from exc
    with f:
        yield f


def write_jsonl(results: Iterable[dict]) -> int:
    """Print each result as one line of compact JSON (orjson: the results are strings, numbers and lists) as it
    comes; returns how many were refusals (a result with an `error` and its `line`)."""
    out = sys.stdout.buffer
    refused = 0
    for result in results:
        if "error" in result and "line" in result:
            refused += 1
        out.write(orjson.dumps(result, default=str))
        out.write(b"\n")
    out.flush()
    return refused
