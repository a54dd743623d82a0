"""The forms the compliance officer files, as data: one `FormSpec` per form code. A form module registers its spec
(`register(...)` at import; compliance/forms_index.py imports them all) and the services do the rest: build every
period of a year (`filings build`), keep the lifecycle, export (`filings export`), correct after filing.

A spec's functions:
- `periods(year)` → the `Period`s the form is filed for (quarters, states); default: the year once.
- `gather(year, period)` → the builder's input, read from the database (service layer: may query).
- `build(data)` → the content: a JSON-ready dict (money as strings with two decimals), pure. `summary(content)` →
  one line of its key totals for the CLI and the admin list.
- `exports` → {format: function(content, context) → bytes}; context is an `ExportContext`.
- `correct(original_content, current_content)` → the correcting form's content from the differences (None when
  nothing differs), with `correction_form` its code (941 → 941-x, w2 → w2c, 1099-nec → 1099-nec; a corrected
  1099 is the same form flagged corrected).
- `due(year, period)` → the due date (compliance/engine/calendar.py holds the rules)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable


@dataclass(frozen=True)
class Period:
    quarter: int = 0            # 1–4; 0 for a yearly form
    state: str = ""             # '' for a federal form

    @property
    def label(self) -> str:
        return " ".join(x for x in (f"Q{self.quarter}" if self.quarter else "", self.state) if x)


def yearly(year: int) -> list[Period]:
    return [Period()]


def quarterly(year: int) -> list[Period]:
    return [Period(q) for q in (1, 2, 3, 4)]


@dataclass(frozen=True)
class ExportContext:
    """What an export needs besides the content: the employer and transmitter settings (EIN, name, address,
    contact, BACKOFFICE_IRS_TCC, BACKOFFICE_SSA_BSO_USER_ID), options (`test_file`), and a TIN lookup that decrypts
    (only exports that must print full TINs call it; each call is audited by the service)."""

    employer: dict
    settings: dict
    reveal_tin: Callable[[str, int], str]      # (kind 'worker', id) → the full TIN, digits only
    options: dict = field(default_factory=dict)


@dataclass(frozen=True)
class FormSpec:
    code: str                                   # '941', '940', '945', 'w2', 'w3', '1099-nec', '1095-c', ...
    title: str                                  # "Form 941"
    gather: Callable[[int, Period], Any]
    build: Callable[[Any], dict]
    periods: Callable[[int], list[Period]] = yearly
    summary: Callable[[dict], str] = lambda content: ""
    exports: dict[str, Callable[[dict, ExportContext], bytes]] = field(default_factory=dict)
    correction_form: str | None = None
    correct: Callable[[dict, dict], dict | None] | None = None
    due: Callable[[int, Period], date | None] = lambda year, period: None
    # the filing is built for the year only when this says so (e.g. 1099-NEC IRIS for 2026 on): year → bool
    applies: Callable[[int], bool] = lambda year: True
    # forms whose filing content carries one entry per worker: key of that list in the content, for copies
    worker_list: str | None = None
    order: int = 100                            # position in `filings build` output
    # export formats of this form that print full TINs (besides FULL_TIN_EXPORTS): compliance and admin only
    tin_formats: frozenset[str] = frozenset()


# The exports that print full SSNs/EINs (ctx.reveal_tin), whatever form registers them: (form or "*", format).
# Only users with the `filing` write right (compliance, admin) download these; HR and finance read the others.
FULL_TIN_EXPORTS: frozenset[tuple[str, str]] = frozenset({
    ("*", "efw2"), ("*", "fire"), ("*", "fire-late"), ("*", "iris-csv"), ("1099-nec", "csv"),
    ("1099-nec-c", "csv"), ("new-hire", "csv"), ("state-wage", "csv")})


def prints_full_tins(s: "FormSpec", fmt: str) -> bool:
    """Whether the export `fmt` of the form prints full TINs (see FULL_TIN_EXPORTS and FormSpec.tin_formats)."""
    return fmt in s.tin_formats or ("*", fmt) in FULL_TIN_EXPORTS or (s.code, fmt) in FULL_TIN_EXPORTS


_SPECS: dict[str, FormSpec] = {}


def register(spec: FormSpec) -> FormSpec:
    if spec.code in _SPECS and _SPECS[spec.code] is not spec:
        raise ValueError(f"form {spec.code!r} is registered twice")
    _SPECS[spec.code] = spec
    return spec


def specs() -> list[FormSpec]:
    from compliance import forms_index  # noqa: F401  (registers every form)
    return sorted(_SPECS.values(), key=lambda s: (s.order, s.code))


def spec(code: str) -> FormSpec | None:
    from compliance import forms_index  # noqa: F401
    return _SPECS.get(code)
