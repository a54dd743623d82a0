"""The ACA look-back engine (Treas. Reg. §54.4980H-3) on cases worked by hand: every date and average below is
computed in the docstring. Policy unless said otherwise: the defaults (standard measurement period from Nov 1 for
12 months, an administrative period of at most 90 days ending on a month end, 12-month stability periods,
12-month initial measurement periods from the first of the month after the start)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from benefits.engine.aca import (FULL_TIME_MONTHLY_HOURS, MeasureInput, MeasurementPolicy, add_months, measure,
                                 monthly_status)
from backoffice.errors import ValidationFailed

D = Decimal


def months(first: str, values) -> list[dict]:
    """[{"month": ..., "hours": ...}] for consecutive months from `first` ("YYYY-MM"), one value each."""
    start = date(int(first[:4]), int(first[5:]), 1)
    return [{"month": f"{add_months(start, i):%Y-%m}", "hours": str(v)} for i, v in enumerate(values)]


def run(**fields):
    return measure(MeasureInput.from_json(fields))


def period(r, name):
    p = getattr(r, name)
    return None if p is None else (p[0].isoformat(), p[1].isoformat())


# ------------------------------------------------------------------------------------------ the monthly line


def test_130_hours_in_a_month_is_full_time_by_the_monthly_method():
    """§54.4980H-1(a)(21): 130 hours of service in a calendar month is the monthly equivalent of 30 a week."""
    assert FULL_TIME_MONTHLY_HOURS == 130
    assert monthly_status(D("130")) and monthly_status(D("130.01")) and not monthly_status(D("129.99"))


# ------------------------------------------------------------------------------------------ ongoing employees


def test_an_ongoing_employee_averaging_131_is_full_time_for_the_whole_stability_period():
    """Standard measurement period Nov 1, 2024 – Oct 31, 2025: six months of 150 and six of 112 hours,
    6 × 150 + 6 × 112 = 900 + 672 = 1,572; 1,572 / 12 = 131.00 ≥ 130: full time. Administrative period Nov 1 –
    Dec 31, 2025 (61 days: Jan 29 would be day 90, so the last month end within 90 days is Dec 31). Stability
    period Jan 1 – Dec 31, 2026. In November 2026 the employee works only 60 hours and is still full time."""
    hours = months("2024-11", [150] * 6 + [112] * 6) + [{"month": "2026-11", "hours": "60"}]
    r = run(hire_date="2019-04-01", employee_kind="ongoing", as_of="2026-11-20", hours=hours)
    assert r.status == "full_time" and r.average_monthly_hours == D("131.00")
    assert period(r, "measurement_period") == ("2024-11-01", "2025-10-31")
    assert period(r, "stability_period") == ("2026-01-01", "2026-12-31")
    text = " ".join(r.explanation)
    assert "Administrative period November 1, 2025 to December 31, 2025 (61 days" in text
    assert "Total 1,572.00 hours; average 131.00" in text
    assert "The 60.00 hours in 2026-11 are below 130, but the status is fixed for the stability period" in text


def test_the_next_measurement_period_ends_the_full_time_status_with_its_stability_period():
    """The same employee in 2027: Nov 1, 2025 – Oct 31, 2026 at 100 hours a month (1,200 / 12 = 100.00) is
    not full time, for the stability period Jan 1 – Dec 31, 2027; Dec 31, 2026 was still the 2026 stability period
    (the 131.00 above)."""
    hours = months("2024-11", [150] * 6 + [112] * 6) + months("2025-11", [100] * 12)
    late = run(hire_date="2019-04-01", employee_kind="ongoing", as_of="2027-01-01", hours=hours)
    assert late.status == "not_full_time" and late.average_monthly_hours == D("100.00")
    assert period(late, "stability_period") == ("2027-01-01", "2027-12-31")
    last_day = run(hire_date="2019-04-01", employee_kind="ongoing", as_of="2026-12-31", hours=hours)
    assert last_day.status == "full_time" and period(last_day, "stability_period") == ("2026-01-01", "2026-12-31")


def test_hours_that_move_between_two_clients_are_summed_by_the_caller_before_measuring():
    """A leased employee at client A 80 hours a month and at client B 55 (Nov 2024 – Oct 2025): neither client's
    hours alone reach 130, the employee's do: (80 + 55) × 12 = 1,620; 1,620 / 12 = 135.00, full time. With only
    client A's hours the average would be 80.00, not full time — the engine is given the agency's monthly total."""
    client_a = {m["month"]: D(m["hours"]) for m in months("2024-11", [80] * 12)}
    client_b = {m["month"]: D(m["hours"]) for m in months("2024-11", [55] * 12)}
    summed = [{"month": k, "hours": str(client_a[k] + client_b[k])} for k in sorted(client_a)]
    both = run(hire_date="2022-06-01", employee_kind="ongoing", as_of="2026-02-01", hours=summed)
    assert both.status == "full_time" and both.average_monthly_hours == D("135.00")
    only_a = run(hire_date="2022-06-01", employee_kind="ongoing", as_of="2026-02-01",
                 hours=[{"month": k, "hours": str(v)} for k, v in client_a.items()])
    assert only_a.status == "not_full_time" and only_a.average_monthly_hours == D("80.00")


def test_an_average_of_exactly_130_is_full_time_and_129_99_is_not():
    """11 × 130 + 129.89 = 1,559.89; / 12 = 129.99 (129.9908…): not full time. 12 × 130 = 1,560: 130.00, full."""
    low = run(hire_date="2020-01-01", employee_kind="ongoing", as_of="2026-06-01",
              hours=months("2024-11", [130] * 11 + ["129.89"]))
    assert low.status == "not_full_time" and low.average_monthly_hours == D("129.99")
    exact = run(hire_date="2020-01-01", employee_kind="ongoing", as_of="2026-06-01",
                hours=months("2024-11", [130] * 12))
    assert exact.status == "full_time" and exact.average_monthly_hours == D("130.00")


def test_a_month_without_reported_hours_counts_as_zero_and_is_named():
    """Eleven months of 140 and no report for 2025-03: 1,540 / 12 = 128.33, not full time."""
    hours = [h for h in months("2024-11", [140] * 12) if h["month"] != "2025-03"]
    r = run(hire_date="2020-01-01", employee_kind="ongoing", as_of="2026-06-01", hours=hours)
    assert r.status == "not_full_time" and r.average_monthly_hours == D("128.33")
    assert "No hours were reported for 2025-03: counted as 0 hours." in r.explanation


def test_a_shorter_standard_cycle_six_months_measured_six_stable():
    """standard_start 05-01, 6-month measurement periods, 6-month stability, 31 administrative days at most:
    cycles every 6 months from May 1 (May 1 and Nov 1). Measurement May 1 – Oct 31, 2025; Nov 1 + 30 days = Dec 1,
    the last month end within 31 days is Nov 30: administrative period Nov 1 – Nov 30; stability Dec 1, 2025 –
    May 31, 2026. Hours 6 × 132 = 792 / 6 = 132.00: full time on Feb 10, 2026."""
    r = run(hire_date="2021-01-01", employee_kind="ongoing", as_of="2026-02-10",
            measurement={"standard_start": "05-01", "standard_months": 6, "stability_months": 6,
                         "administrative_days": 31, "initial_months": 6},
            hours=months("2025-05", [132] * 6))
    assert r.status == "full_time" and r.average_monthly_hours == D("132.00")
    assert period(r, "measurement_period") == ("2025-05-01", "2025-10-31")
    assert period(r, "stability_period") == ("2025-12-01", "2026-05-31")


def test_an_ongoing_employee_who_has_not_been_through_a_standard_period_is_refused_by_name():
    """Hired Mar 2, 2025: the first standard measurement period the employee works through entirely is Nov 1,
    2025 – Oct 31, 2026, whose stability period begins Jan 1, 2027; on Feb 1, 2026 the employee is a new
    employee, not `ongoing` (§54.4980H-1(a)(31))."""
    with pytest.raises(ValidationFailed) as exc:
        run(hire_date="2025-03-02", employee_kind="ongoing", as_of="2026-02-01")
    issue = exc.value.issues[0]
    assert issue.field == "employee_kind" and "2027-01-01" in issue.message and "§54.4980H-1(a)(31)" in issue.message


# ------------------------------------------------------------------------------------------ new employees


def test_a_new_variable_hour_worker_whose_initial_measurement_straddles_a_year_end():
    """Start Sep 10, 2025; initial measurement period from the first of the next month: Oct 1, 2025 – Sep 30, 2026
    (12 months, across the year end). Hours Oct–Dec 2025 140 (420), Jan–Sep 2026 128 (1,152): 1,572 / 12 =
    131.00, full time. Administrative period: the 21 days Sep 10 – Sep 30 count toward the 90, leaving 69
    (Sep 30 + 69 = Dec 8, month end Nov 30), but the (d)(3)(vi) cap is the end of the first calendar month
    beginning on or after the first anniversary (Sep 10, 2026): October 2026, Oct 31. So Oct 1 – Oct 31, 2026
    (31 days); initial stability Nov 1, 2026 – Oct 31, 2027 (12 months, as the ongoing employees')."""
    hours = months("2025-10", [140] * 3 + [128] * 9)
    r = run(hire_date="2025-09-10", employee_kind="new_variable_hour", as_of="2026-12-01", hours=hours)
    assert r.status == "full_time" and r.average_monthly_hours == D("131.00")
    assert period(r, "measurement_period") == ("2025-10-01", "2026-09-30")
    assert period(r, "stability_period") == ("2026-11-01", "2027-10-31")
    text = " ".join(r.explanation)
    assert "The 21 days from the start date to the initial measurement period count" in text
    assert "Administrative period October 1, 2026 to October 31, 2026 (31 days)" in text
    assert "no later than October 31, 2026" in text


def test_during_the_initial_measurement_the_status_is_not_yet_decided():
    """The same worker on Jan 15, 2026: Oct, Nov and Dec 2025 reported (3 × 140 = 420, average 140.00 so far);
    the status is `in_initial_measurement`, no stability period yet."""
    r = run(hire_date="2025-09-10", employee_kind="new_variable_hour", as_of="2026-01-15",
            hours=months("2025-10", [140] * 3))
    assert r.status == "in_initial_measurement" and r.average_monthly_hours == D("140.00")
    assert period(r, "measurement_period") == ("2025-10-01", "2026-09-30") and r.stability_period is None
    assert "The status is decided for a stability period from November 1, 2026." in r.explanation


def test_a_full_time_initial_determination_outlasts_a_lower_overlapping_standard_period():
    """§54.4980H-3(d)(4): the worker above has been employed through the whole standard measurement period
    Nov 1, 2025 – Oct 31, 2026 (started Sep 10, 2025): Nov–Dec 2025 140 (280), Jan–Sep 2026 128 (1,152), Oct 2026
    100: 1,532 / 12 = 127.67, not full time, for the standard stability period Jan 1 – Dec 31, 2027. On Mar 1, 2027
    the initial stability period (to Oct 31, 2027) still holds: full time. On Nov 15, 2027 it has ended and the
    standard determination applies: not full time."""
    hours = months("2025-10", [140] * 3 + [128] * 9 + [100])
    during = run(hire_date="2025-09-10", employee_kind="new_variable_hour", as_of="2027-03-01", hours=hours)
    assert during.status == "full_time" and period(during, "stability_period") == ("2026-11-01", "2027-10-31")
    assert any("averaged 127.67 (not full time), but a full-time initial determination holds" in s
               for s in during.explanation)
    after = run(hire_date="2025-09-10", employee_kind="new_variable_hour", as_of="2027-11-15", hours=hours)
    assert after.status == "not_full_time" and after.average_monthly_hours == D("127.67")
    assert period(after, "measurement_period") == ("2025-11-01", "2026-10-31")
    assert period(after, "stability_period") == ("2027-01-01", "2027-12-31")


def test_a_part_time_start_below_130_is_not_full_time_until_the_standard_period_takes_over():
    """New part-time employee, start Feb 1, 2025 (a first of the month: the initial period starts that day):
    Feb 1, 2025 – Jan 31, 2026 at 90 hours (1,080 / 12 = 90.00), not full time. The cap (first month beginning on
    or after Feb 1, 2026 is February: Feb 28, 2026) leaves Feb 1 – Feb 28 as the administrative period; the
    not-full-time stability period starts Mar 1, 2026, at most 13 months, but not past Dec 31, 2026: the first
    standard measurement period worked through entirely is Nov 1, 2025 – Oct 31, 2026, whose stability period
    starts Jan 1, 2027."""
    r = run(hire_date="2025-02-01", employee_kind="new_part_time", as_of="2026-06-01",
            hours=months("2025-02", [90] * 12))
    assert r.status == "not_full_time" and r.average_monthly_hours == D("90.00")
    assert period(r, "measurement_period") == ("2025-02-01", "2026-01-31")
    assert period(r, "stability_period") == ("2026-03-01", "2026-12-31")


def test_the_initial_administrative_period_is_capped_at_the_month_after_the_anniversary():
    """A worker hired on May 19, 2013 (the example in the IRS's and payroll providers' explanations of
    §54.4980H-3(d)(3)(vi)): a 12-month initial measurement period from Jun 1, 2013 to May 31, 2014; the 13 days
    before it count toward the 90; the cap is the end of June 2014 (the first calendar month beginning on or after
    May 19, 2014), so the administrative period is Jun 1 – Jun 30, 2014 and coverage (the stability period) starts
    Jul 1, 2014."""
    r = run(hire_date="2013-05-19", employee_kind="new_seasonal", as_of="2014-08-01",
            hours=months("2013-06", [135] * 12))
    assert r.status == "full_time"
    assert period(r, "measurement_period") == ("2013-06-01", "2014-05-31")
    assert period(r, "stability_period") == ("2014-07-01", "2015-06-30")


def test_an_initial_period_from_the_start_date_is_capped_too():
    """initial_start start_date: start Jan 15, 2025, initial measurement period Jan 15, 2025 – Jan 14, 2026 (the
    hours of January 2025 count whole, all being on or after the start). 90 days after Jan 14, 2026 is Apr 14
    (month end Mar 31) but the cap is Feb 28, 2026 (February is the first month beginning on or after
    Jan 15, 2026): administrative period Jan 15 – Feb 28, 2026 (45 days), stability from Mar 1, 2026."""
    r = run(hire_date="2025-01-15", employee_kind="new_variable_hour", as_of="2026-03-01",
            measurement={"initial_start": "start_date"}, hours=months("2025-01", [131] * 12))
    assert r.status == "full_time" and r.average_monthly_hours == D("131.00")
    assert period(r, "measurement_period") == ("2025-01-15", "2026-01-14")
    assert period(r, "stability_period") == ("2026-03-01", "2027-02-28")
    assert any("Administrative period January 15, 2026 to February 28, 2026 (45 days)" in s for s in r.explanation)


def test_a_new_full_time_employee_is_full_time_from_the_start_with_the_limited_non_assessment_period_said():
    """Start Feb 2, 2026: the first full calendar month is March, so the three full months are Mar–May 2026 and
    coverage is due by Jun 1, 2026. On Mar 10 with no March hours yet: full time as expected at hire. A month of
    120 hours is not full time by the monthly method (120 < 130)."""
    r = run(hire_date="2026-02-02", employee_kind="new_full_time", as_of="2026-03-10")
    assert r.status == "full_time" and period(r, "measurement_period") == ("2026-03-01", "2026-03-31")
    assert any("limited non-assessment period" in s and "to May 31, 2026" in s and "June 1, 2026" in s
               for s in r.explanation)
    low = run(hire_date="2026-02-02", employee_kind="new_full_time", as_of="2026-07-20",
              hours=[{"month": "2026-07", "hours": "120"}])
    assert low.status == "not_full_time" and low.average_monthly_hours == D("120.00")
    assert not any("limited non-assessment" in s for s in low.explanation)


# ------------------------------------------------------------------------------------------ breaks and leave


REHIRE_HOURS = months("2024-11", [150] * 7 + [0, 60] + [150] * 3)   # Jun 2025 0, Jul 2025 60


def test_a_rehire_after_13_weeks_is_a_new_employee():
    """An employee since 2018 with no hours from Jun 1 to Aug 31, 2025 (92 days, 13.1 weeks ≥ 13): a new
    employee from the return on Sep 1, 2025, measured in an initial period Sep 1, 2025 – Aug 31, 2026 (a first of
    the month: from that day); on Feb 10, 2026 still in initial measurement (the earlier standard period no longer
    counts)."""
    r = run(hire_date="2018-03-01", employee_kind="ongoing", as_of="2026-02-10", hours=REHIRE_HOURS,
            breaks=[{"start": "2025-06-01", "end": "2025-08-31"}])
    assert r.status == "in_initial_measurement"
    assert period(r, "measurement_period") == ("2025-09-01", "2026-08-31")
    assert any("13.1 weeks" in s and "new employee from the return on September 1, 2025" in s
               for s in r.explanation)


def test_a_break_of_six_weeks_leaves_a_continuing_employee_measured_with_the_zero_hours():
    """The same employee away Jun 1 – Jul 12, 2025 (42 days, 6 weeks: under 13, and not longer than seven years
    of employment, so no rule of parity): continuing, tested in Nov 1, 2024 – Oct 31, 2025:
    10 × 150 + 0 + 60 = 1,560; / 12 = 130.00, full time for 2026."""
    r = run(hire_date="2018-03-01", employee_kind="ongoing", as_of="2026-02-10", hours=REHIRE_HOURS,
            breaks=[{"start": "2025-06-01", "end": "2025-07-12"}])
    assert r.status == "full_time" and r.average_monthly_hours == D("130.00")
    assert period(r, "stability_period") == ("2026-01-01", "2026-12-31")
    assert any("6.0 weeks" in s and "continues" in s for s in r.explanation)


def test_thirteen_weeks_to_the_day_is_the_line():
    """91 days (Jun 1 – Aug 30) is 13 weeks: new employee. 90 days (Jun 1 – Aug 29): continuing."""
    new = run(hire_date="2018-03-01", employee_kind="ongoing", as_of="2026-02-10", hours=REHIRE_HOURS,
              breaks=[{"start": "2025-06-01", "end": "2025-08-30"}])
    assert new.status == "in_initial_measurement"
    assert period(new, "measurement_period") == ("2025-09-01", "2026-08-31")   # back Aug 31: Sep 1 start
    same = run(hire_date="2018-03-01", employee_kind="ongoing", as_of="2026-02-10", hours=REHIRE_HOURS,
               breaks=[{"start": "2025-06-01", "end": "2025-08-29"}])
    assert same.status == "full_time"


def test_the_rule_of_parity_makes_a_short_first_stint_a_new_start():
    """Start Mar 3, 2025, worked 3 weeks (Mar 3 – Mar 23: 21 days), then away Mar 24 – Apr 27 (35 days, 5 weeks:
    at least 4 and longer than the 3 worked): a new employee from Apr 28, so the initial period starts on the first
    of the next month, May 1, 2025. Away only Mar 24 – Apr 13 (3 weeks, under 4): continuing, initial period from
    Apr 1, 2025 (the month after the Mar 3 start). Away 5 weeks after 6 weeks worked (start Feb 10: 42 days before
    Mar 24): not longer than the employment, continuing, from Mar 1."""
    new = run(hire_date="2025-03-03", employee_kind="new_variable_hour", as_of="2025-09-01",
              breaks=[{"start": "2025-03-24", "end": "2025-04-27"}])
    assert period(new, "measurement_period") == ("2025-05-01", "2026-04-30")
    assert any("rule of parity" in s and "April 28, 2025" in s for s in new.explanation)
    short = run(hire_date="2025-03-03", employee_kind="new_variable_hour", as_of="2025-09-01",
                breaks=[{"start": "2025-03-24", "end": "2025-04-13"}])
    assert period(short, "measurement_period") == ("2025-04-01", "2026-03-31")
    longer_before = run(hire_date="2025-02-10", employee_kind="new_variable_hour", as_of="2025-09-01",
                        breaks=[{"start": "2025-03-24", "end": "2025-04-27"}])
    assert period(longer_before, "measurement_period") == ("2025-03-01", "2026-02-28")


def test_special_unpaid_leave_is_left_out_of_the_average():
    """FMLA leave all of March and April 2025 (0 hours), 135 hours in the other ten months of Nov 2024 – Oct 2025:
    1,350 / 10 = 135.00, full time; counted as zeros it would be 1,350 / 12 = 112.50 (§54.4980H-3(d)(6))."""
    hours = months("2024-11", [135] * 4 + [0, 0] + [135] * 6)
    r = run(hire_date="2020-01-01", employee_kind="ongoing", as_of="2026-03-01", hours=hours,
            special_leave=[{"start": "2025-03-01", "end": "2025-04-30"}])
    assert r.status == "full_time" and r.average_monthly_hours == D("135.00")
    assert any("the average is over 10.00 months" in s for s in r.explanation)
    without = run(hire_date="2020-01-01", employee_kind="ongoing", as_of="2026-03-01", hours=hours)
    assert without.status == "not_full_time" and without.average_monthly_hours == D("112.50")


def test_part_of_a_month_on_leave_leaves_out_that_share_of_the_month():
    """Jury duty Jun 16 – 30, 2025 (15 of June's 30 days: half the month), 62 hours in June, 131 in each of the
    other 11 months: 11 × 131 + 62 = 1,503 over 11.5 months = 130.695… → 130.70, full time (over 12 months:
    125.25, not)."""
    hours = months("2024-11", [131] * 7 + [62] + [131] * 4)
    r = run(hire_date="2020-01-01", employee_kind="ongoing", as_of="2026-03-01", hours=hours,
            special_leave=[{"start": "2025-06-16", "end": "2025-06-30"}])
    assert r.status == "full_time" and r.average_monthly_hours == D("130.70")
    assert any("2025-06 (15 of 30 days)" in s for s in r.explanation)


# ------------------------------------------------------------------------------------------ the policy's limits


@pytest.mark.parametrize("measurement, field, words", [
    ({"administrative_days": 91}, "measurement.administrative_days", "between 0 and 90 days (§54.4980H-3(d)(1)"),
    ({"standard_months": 2}, "measurement.standard_months", "between 3 and 12 months (§54.4980H-3(d)(1)"),
    ({"standard_months": 13}, "measurement.standard_months", "between 3 and 12 months"),
    ({"initial_months": 13}, "measurement.initial_months", "between 3 and 12 months (§54.4980H-3(d)(3)"),
    ({"stability_months": 5, "standard_months": 3, "initial_months": 3}, "measurement.stability_months",
     "between 6 and 24 months"),
    ({"stability_months": 10}, "measurement.stability_months", "not be shorter than the standard measurement"),
    ({"stability_months": 6, "standard_months": 6}, "measurement.stability_months",
     "not be shorter than the initial measurement period (12 months)"),
    ({"standard_start": "11-15"}, "measurement.standard_start", "first of a month"),
    ({"standard_start": "13-01"}, "measurement.standard_start", "MM-DD"),
    ({"initial_start": "tomorrow"}, "measurement.initial_start", "first_of_next_month, start_date"),
    ({"standard_months": "12"}, "measurement.standard_months", "whole number"),
    ({"cadence": 3}, "measurement.cadence", "not a field"),
])
def test_a_policy_out_of_the_regulations_limits_is_refused_naming_the_field(measurement, field, words):
    with pytest.raises(ValidationFailed) as exc:
        MeasureInput.from_json({"hire_date": "2024-01-01", "employee_kind": "new_variable_hour",
                                "as_of": "2025-01-01", "measurement": measurement})
    hits = [i for i in exc.value.issues if i.field == field]
    assert hits and words in hits[0].message, exc.value.issues


def test_the_default_policy_is_within_the_limits():
    assert MeasurementPolicy().issues() == []
    assert MeasureInput.from_json({"hire_date": "2024-01-01", "employee_kind": "ongoing",
                                   "as_of": "2025-01-01"}).policy == MeasurementPolicy()


@pytest.mark.parametrize("obj, field", [
    ({"hours": [{"month": "2025-13", "hours": "1"}]}, "hours[0].month"),
    ({"hours": [{"month": "2025-01", "hours": "1"}, {"month": "2025-01", "hours": "2"}]}, "hours[1].month"),
    ({"hours": [{"month": "2025-01", "hours": 1.5}]}, "hours[0].hours"),
    ({"hours": [{"month": "2025-01", "hours": "-1"}]}, "hours[0].hours"),
    ({"hours": [{"month": "2025-01", "hours": "745"}]}, "hours[0].hours"),
    ({"hours": [{"month": "2025-01", "hours": "12,5"}]}, "hours[0].hours"),
    ({"hours": {"2025-01": "1"}}, "hours"),
    ({"hire_date": "2025-02-30"}, "hire_date"),
    ({"as_of": "2023-01-01"}, "as_of"),
    ({"employee_kind": "temp"}, "employee_kind"),
    ({"breaks": [{"start": "2024-05-01", "end": "2024-04-01"}]}, "breaks[0].end"),
    ({"breaks": [{"start": "2023-05-01", "end": "2023-06-01"}]}, "breaks[0].start"),
    ({"special_leave": [{"start": "2024-05-01"}]}, "special_leave[0].end"),
    ({"salary": "1"}, "salary"),
])
def test_bad_input_names_the_field(obj, field):
    base = {"hire_date": "2024-01-01", "employee_kind": "ongoing", "as_of": "2025-01-01"}
    with pytest.raises(ValidationFailed) as exc:
        MeasureInput.from_json({**base, **obj})
    assert field in [i.field for i in exc.value.issues], exc.value.issues


def test_a_break_under_way_on_the_day_asked_about_keeps_the_status_and_a_later_one_is_ignored():
    """Away since Aug 1, 2026 (still away on Aug 20): no return yet, so no new start; the 2026 stability period
    (from the 1,560 / 12 = 130.00 of Nov 2024 – Oct 2025, the six-week-break case) still holds. A break that
    starts after as_of changes nothing."""
    for breaks in ([{"start": "2026-08-01", "end": "2026-12-31"}], [{"start": "2026-09-01", "end": "2026-12-31"}]):
        r = run(hire_date="2018-03-01", employee_kind="ongoing", as_of="2026-08-20", hours=REHIRE_HOURS,
                breaks=breaks)
        assert r.status == "full_time" and period(r, "stability_period") == ("2026-01-01", "2026-12-31")
    away = run(hire_date="2018-03-01", employee_kind="ongoing", as_of="2026-08-20", hours=REHIRE_HOURS,
               breaks=[{"start": "2026-08-01", "end": "2026-12-31"}])
    assert any("no hours of service since August 1, 2026" in s for s in away.explanation)
