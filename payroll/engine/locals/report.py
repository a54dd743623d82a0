"""The local taxes' coverage as people read it: `backoffice paycheck states --year 2026 --locals` (table, CSV or
JSON). One row per local tax and dated version in the year's data, and the places refused by rule (a tax is certain
there but the data cannot say which rate), so nothing is withheld as a silent zero without it showing here."""
from __future__ import annotations

import csv
import io

from . import coverage

# Refusals that follow from a rule rather than from one data row (payroll/engine/locals/__init__.py,
# _check_required and the methods): the worker is held with `unsupported_locality` naming the field to set.
REFUSED_BY_RULE = (
    ("PA", "a home or work site in Pennsylvania without a PSD code, or with one not in the data: every Pennsylvania "
           "municipality levies an earned income tax (the DCED register is not loaded; docs/local-taxes.md)"),
    ("OH", "an Ohio work city not in the data (only Columbus, Cleveland, Cincinnati, Toledo, Akron and Dayton are)"),
    ("OH", "an Ohio home without a school district number (IT 4), or with one not on the Department's list of "
           "taxing districts for the year (set NONE for a district without the tax)"),
    ("IN", "an Indiana worker whose county (WH-4, address or work site) is not known"),
    ("NY", "New York City on annual payrolls (quarterly and semiannual ones are worked on the monthly table, as "
           "NYS-50-T-NYC's conversion of tables says; annual is not converted, as for the state)"),
    ("MI", "a Michigan home or work city is matched by name: a postal city that is not the taxing city (a township "
           "with a city's mailing name) must be set as the worker's municipality"),
)

# Local taxes known to exist that the data does not hold and no rule refuses: a worker there gets no line for them.
# Said here (and in docs/local-taxes.md) so the gap is in the open, not silent.
NOT_IN_DATA = (
    ("KY", "occupational license taxes of localities other than Louisville Metro, Lexington-Fayette, Bowling Green, "
           "Daviess County, Scottsville, Nortonville, Richmond, Munfordville, Warsaw and La Grange (e.g. Warren County "
           "and its schools, Owensboro, Covington, Frankfort, Shively, Kenton, Boone and Campbell Counties, whose "
           "rates, caps, tiers or credits were not read for the year)"),
    ("AL", "city and county occupational taxes other than Birmingham's and Gadsden's (e.g. Bessemer, Auburn, "
           "Attalla, Rainbow City, Glencoe, Macon County): their rates were not read from the localities' publications"),
    ("OH", "a resident's city tax when the work is outside Ohio or in no taxing city (withheld only on request)"),
    ("WV", "city user and service fees (e.g. Charleston, Huntington)"),
)

# The states above whose work-site taxes the data holds only in part: a paycheck earned there with no local line for
# the state says so on the paystub (payroll/services/paycheck_inputs.py, paycheck_notes).
PARTIAL_WORK_STATES = {"KY": "occupational license taxes", "AL": "occupational taxes", "WV": "city user fees"}

COLUMNS = ("code", "name", "state", "kind", "method", "status", "confidence", "pay_dates", "not_modelled",
           "publication", "source_url", "reason")


def _span(row: dict) -> str:
    start, end = row["effective_from"], row["effective_until"]
    if start is None and end is None:
        return "whole year"
    return f"{start.isoformat() if start else 'January 1'} to {end.isoformat() if end else 'December 31'}"


def local_rows(tax_year: int) -> list[dict]:
    """Every local tax version of the year, flattened for a listing: supported, or refused with its reason."""
    out = []
    for r in coverage(tax_year):
        out.append({"code": r["code"], "name": r["name"], "state": r["state"], "kind": r["kind"],
                    "method": r["method"], "status": "refused" if r["unsupported"] else "supported",
                    "confidence": r["confidence"], "pay_dates": _span(r), "not_modelled": r["not_modelled"],
                    "publication": r["publication"], "source_url": r["source_url"],
                    "reason": r["unsupported"] or "", "tax_year": tax_year})
    return out


def local_coverage_json(tax_year: int) -> dict:
    return {"tax_year": tax_year, "localities": local_rows(tax_year),
            "refused_by_rule": [{"state": s, "when": text} for s, text in REFUSED_BY_RULE],
            "not_in_data": [{"state": s, "tax": text} for s, text in NOT_IN_DATA]}


def local_coverage_csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(["; ".join(row[c]) if isinstance(row[c], list) else row[c] for c in COLUMNS])
    return out.getvalue()


def local_coverage_table(rows: list[dict]) -> str:
    head = f"{'code':<20} {'ST':<3} {'kind':<20} {'status':<10} {'confidence':<11} {'pay dates':<28} name"
    lines = [head, "-" * len(head)]
    for r in rows:
        lines.append(f"{r['code'][:20]:<20} {r['state']:<3} {r['kind'][:20]:<20} {r['status']:<10} "
                     f"{r['confidence']:<11} {r['pay_dates'][:28]:<28} {r['name']}")
        if r["reason"]:
            lines.append(f"    refused: {r['reason']}")
    lines.append("Refused by rule (the worker is held, never paid a zero):")
    lines.extend(f"    {state}: {text}" for state, text in REFUSED_BY_RULE)
    lines.append("Not in the data (no line is computed for them):")
    lines.extend(f"    {state}: {text}" for state, text in NOT_IN_DATA)
    year = rows[0]["tax_year"] if rows else ""
    refused = sum(1 for r in rows if r["status"] == "refused")
    lines.append(f"{len(rows) - refused} local taxes computed, {refused} refused by date ({year}); "
                 f"docs/local-taxes.md says what each holds")
    return "\n".join(lines) + "\n"
