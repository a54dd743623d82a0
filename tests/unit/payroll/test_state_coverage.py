"""Coverage in the open: every jurisdiction listed, and every state either computes or refuses with a reason."""
from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from click.testing import CliRunner

from backoffice.geo import STATES
from payroll.cli_engine import paycheck
from payroll.engine.states import (StateContext, UnsupportedState, compute_state_taxes, partially_supported_states,
                                   supported_states)
from payroll.engine.states.coverage import coverage
from payroll.engine.states.rules import versions_for_year

YEARS = (2025, 2026)
FREQUENCIES = (1, 2, 4, 12, 24, 26, 52)


def _pay_dates(year):
    """The 1st and 15th of every month and the last day of the year: every version boundary in the data lies
    between two of these, so a covered span and a refused gap are both visited."""
    days = [date(year, m, d) for m in range(1, 13) for d in (1, 15)] + [date(year, 12, 31)]
    for versions in versions_for_year(year).values():   # and each version's first and last day, and the next
        for r in versions:
            days += [d for d in (r.effective_from, r.effective_until) if d is not None]
            if r.effective_until is not None:
                days.append(r.effective_until + timedelta(days=1))
    return sorted(set(d for d in days if d.year == year))


@pytest.mark.parametrize("year", YEARS)
def test_every_jurisdiction_is_listed_once_with_a_status(year):
    rows = coverage(year)
    assert [r.state for r in rows] == sorted(STATES) and len(rows) == 51
    by_state = {r.state: r for r in rows}
    for state in supported_states(year):     # the whole year; "partial" only where a filing status or an income
        row = by_state[state]                 # range (AR 2025 from $91,300 of net taxable income) is refused
        assert row.status == "supported" or (row.status == "partial" and (
            "filing status" in row.reason or "net taxable income" in row.reason))
    for state in partially_supported_states(year):
        assert by_state[state].status == "partial" and by_state[state].reason
    for r in rows:
        if r.status == "unsupported":
            assert r.reason and not r.pay_dates
        else:
            assert r.publication and r.source_url and r.method and r.confidence in ("example", "formula", "unconfirmed")


@pytest.mark.parametrize("year", YEARS)
def test_every_state_computes_or_refuses_with_a_reason_never_a_silent_zero(year):
    """Walk every state, every pay frequency and pay dates across the year (78,000 a year, no certificate).
    Each call either raises UnsupportedState with a message naming the state, or returns the state's income-tax
    line: more than zero where the state taxes wages, and zero only where its method is 'none' and the
    explanation says there is no income tax."""
    refused = computed = 0
    for state in sorted(STATES):
        for pay_date in _pay_dates(year):
            for periods in FREQUENCIES:
                ctx = StateContext(pay_date=pay_date, periods_per_year=periods, work_state=state,
                                   residence_state=state, gross=(Decimal(78000) / periods).quantize(Decimal("0.01")), supplemental=Decimal(0),
                                   pretax={}, ytd_gross=Decimal(0), certificate={}, federal_filing_status="single")
                try:
                    lines = compute_state_taxes(ctx)
                except UnsupportedState as exc:
                    assert state in exc.message and len(exc.message) > 30
                    refused += 1
                    continue
                computed += 1
                income = [x for x in lines if x.code == "state_income_tax" and x.state == state]
                assert len(income) == 1, (state, pay_date, periods)
                line = income[0]
                if line.amount == 0:
                    assert "no state income tax" in " ".join(line.explanation), (state, pay_date, periods)
                else:
                    assert line.amount > 0
    assert refused and computed


def test_the_states_command_lists_every_jurisdiction_as_json_csv_and_table():
    runner = CliRunner()
    out = runner.invoke(paycheck, ["states", "--year", "2026", "--format", "json"])
    assert out.exit_code == 0, out.output
    rows = json.loads(out.output)
    assert len(rows) == 51 and {r["state"] for r in rows} == set(STATES)
    pa = next(r for r in rows if r["state"] == "PA")
    assert pa["status"] == "supported" and pa["reciprocity_form"].startswith("REV-420")
    assert pa["convenience_rule"] == "all" and "NJ" in pa["reciprocal_states"]

    out = runner.invoke(paycheck, ["states", "--year", "2026", "--format", "csv"])
    assert out.exit_code == 0
    table = list(csv.DictReader(io.StringIO(out.output)))
    assert len(table) == 51 and table[0]["state"] == "AK"

    out = runner.invoke(paycheck, ["states", "--year", "2025"])
    assert out.exit_code == 0
    assert "jurisdictions (2025)" in out.output and "\nOR  supported" in out.output     # 2025 tables from session 23
    assert "\nAR  partial" in out.output and "annual net taxable income of 91,300 or more refused" in out.output


def test_the_states_command_refuses_a_silly_year():
    out = CliRunner().invoke(paycheck, ["states", "--year", "1066"])
    assert out.exit_code == 2 and "unsupported_state" in out.output


def test_the_console_script_runs_the_states_command_without_the_app():
    """`backoffice paycheck states --year 2026 --format csv` goes through backoffice.entry's app-free commands."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    out = subprocess.run([sys.executable, "-m", "backoffice.entry", "paycheck", "states", "--year", "2026",
                          "--format", "csv"], capture_output=True, text=True, cwd=root, timeout=60,
                         env={**os.environ, "PYTHONPATH": str(root)})
    assert out.returncode == 0, out.stderr
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert len(rows) == 51 and rows[-1]["state"] == "WY"
