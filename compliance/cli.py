"""`backoffice filings ...`: build the year's drafts, move them through their lifecycle, export them."""
from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from backoffice.clitools import handle_domain_errors
from backoffice.errors import Issue, NotFound, ValidationFailed
from compliance import registry, services as svc


@click.command("build")
@click.option("--year", type=int, required=True, help="The tax year (YYYY).")
@click.option("--form", "forms", multiple=True, help="Only this form (repeatable); default: every form.")
@with_appcontext
@handle_domain_errors
def build_cmd(year, forms):
    """Create or refresh every draft filing for YEAR and print one line each: form, period, status, what
    happened (created, refreshed, unchanged, back_to_draft; locked_same / locked_differs for a final or filed
    one: differs means the books changed since, so it needs a correction), id and key totals."""
    for r in svc.build_year(year, list(forms) or None):
        click.echo(r.line())


@click.command("list")
@click.option("--year", type=int, required=True)
@with_appcontext
def list_cmd(year):
    """The year's filings, one line each."""
    import sqlalchemy as sa

    from backoffice.extensions import db
    from compliance.models import Filing
    for f in db.session.execute(sa.select(Filing).where(Filing.tax_year == year)
                                .order_by(Filing.form, Filing.quarter, Filing.state, Filing.revision)).scalars():
        click.echo(f"#{f.id:<6} {f.form:<10} {f.period_label:<12} r{f.revision} {f.status:<9} "
                   f"due {f.due_date or '-'}  {f.summary}")


def _period_options(fn):
    fn = click.option("--state", default="", help="Two-letter state, for state forms.")(fn)
    fn = click.option("--quarter", type=click.IntRange(1, 4), default=None, help="1–4, for quarterly forms.")(fn)
    fn = click.option("--year", type=int, required=True, help="The tax year (YYYY).")(fn)
    return click.option("--form", "form", required=True, help="The form code, e.g. 941, w2, 1099-nec.")(fn)


def _find(form, year, quarter, state, *, latest=False):
    base = next((x for x in registry.specs() if x.correction_form == form and x.code != form), None)
    if base is not None:             # a correcting form (e.g. 1099-nec-c): the latest correction of its base form
        f = _find(base.code, year, quarter, state, latest=True)
        if not f.revision:
            raise NotFound(f"{f} has no correction yet: correct the filed {base.title} first (`backoffice "
                           f"filings correct --form {base.code} --year {year}` once it is filed)")
        return f
    s = registry.spec(form)
    if s is None:
        raise ValidationFailed([Issue("--form", f"no form {form!r}; the forms are: "
                                      + ", ".join(x.code for x in registry.specs()), code="unknown_form")])
    quarterly = any(p.quarter for p in s.periods(year))
    if quarterly and quarter is None:
        raise ValidationFailed([Issue("--quarter", f"{s.title} is filed per quarter: give --quarter 1–4",
                                      code="required")])
    if not quarterly and quarter is not None:
        raise ValidationFailed([Issue("--quarter", f"{s.title} is a yearly form: leave --quarter out",
                                      code="not_allowed")])
    return svc.find(form, year, quarter or 0, (state or "").upper(), latest=latest)


@click.command("export")
@_period_options
@click.option("--format", "fmt", required=True, help="The format, e.g. json, pdf, csv, efw2, fire, iris-csv.")
@click.option("--output", required=True, help="The file to write; - for standard output.")
@click.option("--test-file", is_flag=True, help="Mark the e-file as a test file (EFW2/FIRE test indicator).")
@with_appcontext
@handle_domain_errors
def export_cmd(form, year, quarter, state, fmt, output, test_file):
    """Write one filing in FORMAT to OUTPUT (the latest correction's content for a corrected return is exported
    with --form of the correcting form, e.g. 941-x). Full TINs appear only in these exports; each export is in
    the audit log."""
    f = _find(form, year, quarter, state, latest=False)
    data = svc.export(f, fmt, {"test_file": test_file})
    if output == "-":
        sys.stdout.buffer.write(data)
    else:
        with open(output, "wb") as fh:
            fh.write(data)
    click.echo(f"{f}: {fmt} written to {output} ({len(data):,} bytes)", err=True)


def _move(name, fn, help_text):
    @click.command(name, help=help_text)
    @_period_options
    @with_appcontext
    @handle_domain_errors
    def cmd(form, year, quarter, state, **kw):
        f = _find(form, year, quarter, state, latest=True)
        f = fn(f.id, **kw)
        click.echo(f"{f}: {f.status}" + (f" (#{f.id})" if f.revision else ""))
    return cmd


review_cmd = _move("review", svc.review, "Mark the filing reviewed (draft → reviewed).")
finalize_cmd = _move("finalize", svc.finalize, "Lock the filing's content with its hash (reviewed → final).")
file_cmd = click.option("--confirmation", required=True, help="The agency's acknowledgement or receipt number.")(
    _move("mark-filed", svc.mark_filed, "Record that the filing was filed, with its confirmation (final → filed)."))
correct_cmd = _move("correct", svc.correct,
                    "After filing: make the correcting return (941-X, W-2c, corrected 1099-NEC) from the differences "
                    "between what was filed and the books now.")


@click.command("check")
@click.option("--year", type=int, required=True, help="The tax year (YYYY).")
@with_appcontext
@handle_domain_errors
def check_cmd(year):
    """Run the reconciliation checks of YEAR (941s = W-3 = ledger, wage base, Schedule B, deposits, 1099 TINs, W-2
    FICA, I-9s, classification re-checks, ACA affordability): one line per finding; exit 0 when clean, 1 when
    anything was found."""
    from compliance.check_services import run_checks
    found = run_checks(year)
    for f in found:
        click.echo(str(f))
    errors = sum(1 for f in found if f.severity == "error")
    click.echo(f"{year}: {len(found)} finding(s), {errors} error(s)" if found else f"{year}: clean", err=True)
    sys.exit(1 if found else 0)


@click.command("calendar")
@click.option("--year", type=int, required=True, help="The tax year (YYYY); yearly forms fall due in the next.")
@click.option("--status", type=click.Choice(["done", "late", "due_soon", "upcoming"]), multiple=True,
              help="Only these statuses (repeatable).")
@with_appcontext
@handle_domain_errors
def calendar_cmd(year, status):
    """Every due date of YEAR (deposits, 941/940/945, W-2/W-3, 1099-NEC, 1095-C/1094-C, state reports), moved off
    weekends and holidays, with its status today: done, late, due_soon (14 days), upcoming."""
    from compliance.calendar_services import year_items
    for i in year_items(year):
        if status and i.status not in status:
            continue
        moved = f" (from {i.nominal})" if i.moved else ""
        amount = f"  {i.amount}" if i.amount else ""
        click.echo(f"{i.due}  {i.status:<9} {i.what}{amount}{moved}")


def register(cli) -> None:
    """Add the `filings` command group."""
    @cli.group("filings")
    def group():
        """Compliance filings: build the year's drafts, review, finalize, mark filed, correct, export; check and
        calendar."""
    for cmd in (build_cmd, list_cmd, export_cmd, review_cmd, finalize_cmd, file_cmd, correct_cmd, check_cmd,
                calendar_cmd):
        group.add_command(cmd)
