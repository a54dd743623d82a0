"""Charts that are right: bar widths in proportion to their values, every category counted (an "Other" row), and
the figures downloadable as plain numbers."""
from __future__ import annotations

from decimal import Decimal

import pytest

from backoffice.charts import Bar, Chart, top_with_other


def test_a_net_of_87_9_percent_of_the_gross_is_drawn_87_9_percent_as_long():
    """Gross $3,187.50, taxes $712.15, net $2,801.81 (the issue's run: net 87.9% of gross).
    Widths in percent of the largest value: 2801.81 / 3187.50 = 0.87900... -> 87.9; 712.15 / 3187.50 = 0.22342 ->
    22.3; the gross itself 100.0. (Before, the bars were flex items that shrank to the same width.)"""
    chart = Chart("run_totals", "Gross, taxes and net per run",
                  (Bar("Run #1", (Decimal("3187.50"), Decimal("712.15"), Decimal("2801.81"))),),
                  series=("Gross", "Taxes", "Net"), unit="usd")
    gross, taxes, net = chart.bars[0].values
    assert [chart.width(v) for v in (gross, taxes, net)] == [Decimal("100.0"), Decimal("22.3"), Decimal("87.9")]
    assert chart.text(net) == "$2,801.81"


def test_widths_are_shared_across_bars_so_half_the_value_draws_half_the_bar():
    """Counts 156 and 70 (leased employees, contractors): 70 / 156 = 0.44872 -> 44.9%."""
    chart = Chart("people_by_type", "By type", (Bar("Leased", (Decimal(156),)), Bar("Contractors", (Decimal(70),))))
    assert [chart.width(b.values[0]) for b in chart.bars] == [Decimal("100.0"), Decimal("44.9")]


def test_an_empty_or_all_zero_chart_draws_no_bar_and_negative_values_draw_none():
    chart = Chart("c", "t", (Bar("a", (Decimal(0),)), Bar("b", (Decimal(-5),))))
    assert chart.width(Decimal(0)) == 0 and chart.width(Decimal(-5)) == 0
    assert Chart("c", "t", ()).top == 0


def test_states_beyond_the_limit_are_summed_into_an_other_row_so_every_state_counts():
    """17 states with counts 17, 16, ..., 1 (total 153) and a limit of 15: the 14 largest (17 .. 4) are kept and
    the last three (3 + 2 + 1 = 6) become "Other (3 more)"; the chart still adds up to 153."""
    rows = [(f"S{n:02d}", n) for n in range(1, 18)]
    kept = top_with_other(rows, 15)
    assert len(kept) == 15
    assert kept[0] == ("S17", Decimal(17)) and kept[13] == ("S04", Decimal(4))
    assert kept[-1] == ("Other (3 more)", Decimal(6))
    assert sum(v for _k, v in kept) == sum(range(1, 18)) == 153


def test_no_other_row_when_every_category_fits():
    assert top_with_other([("TX", 3), ("CA", 5)], 15) == [("CA", Decimal(5)), ("TX", Decimal(3))]


def test_the_csv_has_plain_numbers_one_row_per_bar():
    chart = Chart("cash", "Cash out", (Bar("2026-11-13", (Decimal("1234.5"), Decimal("99"))),),
                  series=("Net pay", "Taxes"), unit="usd", category="Pay date")
    assert chart.csv_headers() == ["Pay date", "Net pay", "Taxes"]
    assert chart.csv_rows() == [["2026-11-13", "1234.50", "99.00"]]


def test_a_bar_must_have_one_value_per_series():
    with pytest.raises(ValueError, match="has 1 values for 2 series"):
        Chart("c", "t", (Bar("a", (Decimal(1),)),), series=("x", "y"))


def test_the_page_script_draws_the_same_figures_as_the_csv():
    """The JSON a canvas is drawn from holds the CSV's plain strings (1234.5 -> "1234.50", never a float), one
    list per series, the labels in order and each bar's page (None: no link)."""
    chart = Chart("cash", "Cash out", (Bar("2026-10", (Decimal("1234.5"), Decimal("99")), "/admin/x"),
                                       Bar("2026-11", (Decimal("0"), Decimal("12.345")))),
                  series=("Net pay", "Taxes"), unit="usd", category="Month", kind="stacked", axis="time")
    spec = chart.spec()
    assert spec["labels"] == ["2026-10", "2026-11"]
    assert spec["series"] == [{"name": "Net pay", "values": ["1234.50", "0.00"]},
                              {"name": "Taxes", "values": ["99.00", "12.35"]}]      # 12.345 half-up -> 12.35
    assert [row[1:] for row in chart.csv_rows()] == [["1234.50", "99.00"], ["0.00", "12.35"]]
    assert spec["urls"] == ["/admin/x", None] and spec["kind"] == "stacked" and spec["axis"] == "time"


def test_a_chart_kind_must_fit_its_data():
    """A doughnut shows shares of one series; a time axis is drawn as columns or a line, never horizontal bars."""
    with pytest.raises(ValueError, match="unknown kind"):
        Chart("c", "t", (), kind="pie3d")
    with pytest.raises(ValueError, match="one series"):
        Chart("c", "t", (), series=("a", "b"), kind="doughnut")
    with pytest.raises(ValueError, match="time axis"):
        Chart("c", "t", (), kind="bar", axis="time")
    assert Chart("c", "t", (), kind="line", axis="time").axis == "time"


def test_a_time_axis_has_every_month_even_across_a_new_year():
    """The 12 months ending 2026-11-22: 2025-12 .. 2026-11 (December of the year before first); 3 months ending
    2027-01-05: 2026-11, 2026-12, 2027-01."""
    from datetime import date

    from backoffice.charts import month_label, month_starts

    twelve = month_starts(date(2026, 11, 22), 12)
    assert [month_label(m) for m in (twelve[0], twelve[-1])] == ["2025-12", "2026-11"] and len(twelve) == 12
    assert [month_label(m) for m in month_starts(date(2027, 1, 5), 3)] == ["2026-11", "2026-12", "2027-01"]


def test_a_month_ends_on_its_last_day_leap_years_included():
    """February 2026 has 28 days, February 2028 29 (2028 is divisible by 4); December ends on the 31st."""
    from datetime import date

    from backoffice.charts import month_end

    assert month_end(date(2026, 2, 1)) == date(2026, 2, 28)
    assert month_end(date(2028, 2, 1)) == date(2028, 2, 29)
    assert month_end(date(2026, 12, 1)) == date(2026, 12, 31)
