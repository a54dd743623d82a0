"""Charts as data: one model (`Chart`: categories, one value per series, a unit and a kind of drawing) that every
page renders three ways: drawn by Chart.js on a canvas, as a table with inline-SVG bars (what shows with scripts
off, and what screen readers and printers read), and as CSV ("Download data").

Chart.js is vendored into backoffice/static/vendor/chart.js (docs/dashboards.md: version, license, how to update)
and served from our own origin, so the Content-Security-Policy stays "scripts from us only": the figures travel as
JSON in a <script type="application/json"> block (`Chart.spec()`, data, never executed) and one small script of
ours (backoffice/static/js/tandem-charts.js) draws them. The figures stay exact Decimals here; a test reads them
from the table, the JSON or the CSV, which all come from the same `Bar` values."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from backoffice.exports import csv_lines
from backoffice.money import fmt_usd, round_cents

ONE_TENTH = Decimal("0.1")
UNITS = ("count", "usd", "days")
# How the canvas draws a chart: "bar" horizontal bars (long category names, read on a phone), "column" vertical
# bars side by side per category, "stacked" vertical bars stacked (parts of a whole per period), "line" one line
# per series, "doughnut" shares of one series.
KINDS = ("bar", "column", "stacked", "line", "doughnut")
# "category": categories in the order given; "time": categories are consecutive periods (months) oldest first,
# every period present (a month with nothing is a zero, not a gap), so distances on the axis are distances in time.
AXES = ("category", "time")


@dataclass(frozen=True)
class Bar:
    """One category: its label, one value per series, and the page listing what it counts (None: no such page
    this user may open)."""
    label: str
    values: tuple[Decimal, ...]
    url: str | None = None


@dataclass(frozen=True)
class Chart:
    """A titled bar chart. `series` names each value of a bar (one series: a simple bar chart); `unit` says how
    values read (count, usd). Widths are percent of the largest value of any series, so a net of 87.9% of the
    gross is drawn 87.9% as long."""
    name: str
    title: str
    bars: tuple[Bar, ...]
    series: tuple[str, ...] = ("Count",)
    unit: str = "count"
    empty: str = "Nothing to show yet."
    note: str = ""
    category: str = "Category"
    kind: str = "bar"
    axis: str = "category"

    def __post_init__(self):
        if self.unit not in UNITS:
            raise ValueError(f"unknown unit {self.unit!r}")
        if self.kind not in KINDS:
            raise ValueError(f"unknown kind {self.kind!r}")
        if self.axis not in AXES:
            raise ValueError(f"unknown axis {self.axis!r}")
        if self.kind == "doughnut" and len(self.series) != 1:
            raise ValueError("a doughnut draws one series")
        if self.axis == "time" and self.kind not in ("column", "stacked", "line"):
            raise ValueError(f"a time axis is drawn as columns or a line, not as {self.kind!r}")
        for bar in self.bars:
            if len(bar.values) != len(self.series):
                raise ValueError(f"bar {bar.label!r} has {len(bar.values)} values for {len(self.series)} series")

    @property
    def top(self) -> Decimal:
        return max((v for b in self.bars for v in b.values), default=Decimal(0))

    def width(self, value) -> Decimal:
        """The bar's length in percent of the largest value, to a tenth (negative values draw no bar)."""
        top = self.top
        if top <= 0 or value <= 0:
            return Decimal(0)
        return (Decimal(100) * Decimal(value) / top).quantize(ONE_TENTH, rounding=ROUND_HALF_UP)

    def text(self, value) -> str:
        """A value as a person reads it: 1,234 (count), $1,234.56 (usd), 2.5 days."""
        if self.unit == "usd":
            return fmt_usd(Decimal(value))
        if self.unit == "days":
            return f"{Decimal(value).normalize():f} days"
        return f"{int(value):,}"

    @property
    def total(self) -> tuple[Decimal, ...]:
        return tuple(sum((b.values[i] for b in self.bars), Decimal(0)) for i in range(len(self.series)))

    def csv_headers(self) -> list[str]:
        return [self.category, *self.series]

    def csv_rows(self) -> list[list]:
        """The chart's figures as plain numbers (no $ or thousands separators): one row per bar."""
        return [[b.label, *(_plain(v, self.unit) for v in b.values)] for b in self.bars]

    def csv_text(self) -> str:
        """The CSV as one text (each cell through backoffice.exports' formula escaping), for a page that has no
        download endpoint for its chart: the link carries it as a data: URL."""
        return "".join(csv_lines(self.csv_headers(), self.csv_rows()))

    def spec(self) -> dict:
        """What the page's script draws, as JSON-ready data: the labels, each series' values as the same plain
        decimal strings as the CSV (no float in Python; the browser parses them to draw), and each category's
        page (null: none this user may open)."""
        return {"name": self.name, "title": self.title, "kind": self.kind, "axis": self.axis, "unit": self.unit,
                "category": self.category, "labels": [b.label for b in self.bars],
                "series": [{"name": name, "values": [_plain(b.values[i], self.unit) for b in self.bars]}
                           for i, name in enumerate(self.series)],
                "urls": [b.url for b in self.bars]}


def _plain(value, unit: str) -> str:
    if unit == "usd":
        return f"{round_cents(Decimal(value))}"        # half-up, as fmt_usd shows it (was half-even)
    return f"{Decimal(value).normalize():f}"


def month_starts(last: date, count: int) -> list[date]:
    """The first days of the `count` months ending with `last`'s month, oldest first: (2026-11-22, 3) ->
    2026-09-01, 2026-10-01, 2026-11-01 (a time axis has every month, the empty ones too)."""
    index = last.year * 12 + last.month - 1
    return [date(i // 12, i % 12 + 1, 1) for i in range(index - count + 1, index + 1)]


def month_end(first: date) -> date:
    """The last day of `first`'s month: 2026-02-01 -> 2026-02-28, 2028-02-01 -> 2028-02-29."""
    nxt = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return date.fromordinal(nxt.toordinal() - 1)


def month_label(day: date) -> str:
    """A month as the axis and the CSV write it: 2026-11."""
    return f"{day.year:04d}-{day.month:02d}"


def top_with_other(rows, limit: int, other: str = "Other") -> list[tuple[str, Decimal]]:
    """The `limit` largest (label, value) rows, largest first (ties by label), and the rest summed into one row
    "Other (n more)" so that every category counts toward the chart: nothing is dropped."""
    ordered = sorted(((str(k), Decimal(v)) for k, v in rows), key=lambda kv: (-kv[1], kv[0]))
    if len(ordered) <= limit:
        return ordered
    head, rest = ordered[:limit - 1], ordered[limit - 1:]
    return head + [(f"{other} ({len(rest)} more)", sum((v for _k, v in rest), Decimal(0)))]


@dataclass(frozen=True)
class Card:
    """One figure on a dashboard and the page behind it (None: no page this user may open)."""
    label: str
    value: str
    url: str | None = None
    note: str = ""
    tone: str = field(default="")       # "warn" when the figure asks for action
