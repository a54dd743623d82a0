"""Charts as data: horizontal bars whose widths are proportional to their values, every category shown (or summed
into an "Other" row), and the same figures as a table and as CSV.

The product draws charts on the server as inline SVG (templates/admin/_chart.html), not with a JavaScript library:
the admin's Content-Security-Policy runs only nonce'd scripts of our own, the figures are exact Decimals that a
test can read straight from the HTML (a bar's width attribute is its share of the largest value), the page works
with scripts off and prints, and there is no vendored build to keep patched. The charts needed here are bars
(counts, amounts by date, grouped series per run); SVG covers them in a few lines of template."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from backoffice.money import fmt_usd

ONE_TENTH = Decimal("0.1")
UNITS = ("count", "usd", "days")


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

    def __post_init__(self):
        if self.unit not in UNITS:
            raise ValueError(f"unknown unit {self.unit!r}")
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


def _plain(value, unit: str) -> str:
    if unit == "usd":
        return f"{Decimal(value).quantize(Decimal('0.01'))}"
    return f"{Decimal(value).normalize():f}"


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
