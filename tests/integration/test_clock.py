"""The app's clock is the one source of today and now: entry points pass it on, record stamps follow it."""
from __future__ import annotations

from datetime import date, datetime, timezone

from backoffice.cli import main


def test_the_rechecks_command_runs_as_of_the_app_clocks_day(runner, fixed_clock):
    result = runner.invoke(main, args=["classification", "rechecks"])
    assert result.exit_code == 0, result.output
    assert "as of 2026-11-22" in result.output
    fixed_clock.set(date(2027, 3, 1))
    assert "as of 2027-03-01" in runner.invoke(main, args=["classification", "rechecks"]).output


def test_the_rechecks_command_names_a_bad_day(runner):
    result = runner.invoke(main, args=["classification", "rechecks", "--today", "2026-02-30"])
    assert result.exit_code != 0
    assert "'2026-02-30' is not a date (YYYY-MM-DD)" in result.output


def test_records_are_stamped_with_the_app_clocks_time(db, make_user, fixed_clock):
    """created_at is a column default (backoffice.db.utcnow): under a fixed clock it is that clock's noon."""
    user = make_user("hr")
    assert user.created_at == datetime(2026, 11, 22, 12, 0, tzinfo=timezone.utc)
