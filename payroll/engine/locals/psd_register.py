"""Pennsylvania's PSD register (DCED's "PSD Codes and EIT Rates" list) read into the local-tax data's PA entries."""
from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal, InvalidOperation

from backoffice.errors import Issue

REGISTER_URL = "https://dced.pa.gov/local-government/local-income-tax-information/psd-codes-and-eit-rates/"
# DCED's columns, matched by the words in their headers (case and punctuation aside), in the order tried
COLUMNS = {
    "psd_code": ("psd code", "psd"),
    "county": ("county",),
    "municipality": ("municipality",),
    "school_district": ("school district",),
    "resident": ("total resident eit", "resident eit"),
    "nonresident": ("municipal non resident eit", "non resident eit", "nonresident eit"),
    "lst": ("local services tax", "lst"),
}
REQUIRED = ("psd_code", "municipality", "resident", "nonresident")
MAX_EIT_PERCENT = Decimal(5)          # the highest resident rate in Pennsylvania is under 4% (Reading 3.6%)
LST_MAXIMUM = Decimal(52)             # Act 7 of 2007: at most $52 a year
LST_EXEMPTION_OVER = Decimal(10)      # an LST over $10 must exempt earned income under $12,000 (Act 7)
LST_LOW_INCOME = "12000"
# the PA personal income tax's pre-tax exclusions, as the Pittsburgh entry uses (EIT follows the PIT's base)
EIT_EXEMPT_PRETAX = ["section125", "hsa", "fsa"]


def _key(header: str) -> str:
    return " ".join("".join(ch if ch.isalnum() else " " for ch in header.lower()).split())


def _columns(headers: list[str]) -> tuple[dict[str, int], list[Issue]]:
    keys = [_key(h) for h in headers]
    found: dict[str, int] = {}
    for name, words in COLUMNS.items():
        for word in words:
            hit = next((i for i, k in enumerate(keys) if word in k and i not in found.values()
                        and not (name == "resident" and "non" in k)), None)
            if hit is not None:
                found[name] = hit
                break
    issues = [Issue(f"columns.{name}", f"no column for {name.replace('_', ' ')} (headers: {', '.join(headers)})")
              for name in REQUIRED if name not in found]
    return found, issues


def _percent(raw: str, where: str, issues: list[Issue]) -> Decimal | None:
    text = raw.strip().rstrip("%").strip()
    try:
        value = Decimal(text)
    except InvalidOperation:
        issues.append(Issue(where, f"not a percentage: {raw!r}"))
        return None
    if not (Decimal(0) <= value <= MAX_EIT_PERCENT):
        issues.append(Issue(where, f"{value}% is outside 0-{MAX_EIT_PERCENT}% (the register prints percent)"))
        return None
    return value


REGISTER = "Pennsylvania DCED, PSD Codes and EIT Rates register"     # the publication of every loaded entry


def _title(text: str) -> str:
    return " ".join(w if w in ("SD", "S", "D") else w.title() for w in text.split())


def read_register(text: str, published: date, source: str,
                  keep: frozenset[str] = frozenset()) -> tuple[list[dict], list[str], list[Issue]]:
    """(entries, PSD codes skipped because `keep` holds them, issues). One `pa_eit` entry per PSD code (its
    total resident EIT and municipal nonresident EIT, divided by 100), and one `pa_lst` entry where the register
    gives a Local Services Tax over $0. Every issue names the row and column; a register with any issue is not
    loaded."""
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    if not rows:
        return [], [], [Issue("file", "the register is empty")]
    cols, issues = _columns(rows[0])
    if issues:
        return [], [], issues
    entries: list[dict] = []
    skipped: list[str] = []
    seen: set[str] = set()
    publication = f"{REGISTER}, as published {published.isoformat()} ({source})"
    for n, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        where = f"row {n}"
        cell = {name: (row[i].strip() if i < len(row) else "") for name, i in cols.items()}
        psd = cell["psd_code"].replace("-", "").replace(" ", "")
        if psd.isdigit() and len(psd) < 6:
            psd = psd.zfill(6)           # spreadsheets drop the leading zero of Adams County's 01xxxx codes
        if not (len(psd) == 6 and psd.isdigit()):
            issues.append(Issue(f"{where}.psd_code", f"must be 6 digits, got {cell['psd_code']!r}"))
            continue
        if psd in seen:
            issues.append(Issue(f"{where}.psd_code", f"{psd} is listed twice"))
            continue
        seen.add(psd)
        resident = _percent(cell["resident"], f"{where}.resident", issues)
        nonresident = _percent(cell["nonresident"], f"{where}.nonresident", issues)
        if resident is None or nonresident is None:
            continue
        if psd in keep:
            skipped.append(psd)
            continue
        name = _title(cell["municipality"]) or f"PSD {psd}"
        district = _title(cell.get("school_district", ""))
        full = f"{name} ({district})" if district else name
        common = {"publication": publication, "source_url": REGISTER_URL, "confidence": "unconfirmed",
                  "examples": [],
                  "unconfirmed": [f"Loaded from the DCED register file ({source}); the rates were not checked "
                                  f"against the tax collection district's own notice."]}
        entries.append({"code": f"PA-{psd}", "name": full, "kind": "local_income_tax",
                        "applies": "residents_and_nonresidents", "match": {"psd_codes": [psd]}, "method": "pa_eit",
                        "rates": {"resident": str(resident / 100), "nonresident": str(nonresident / 100)},
                        "exempt_pretax": EIT_EXEMPT_PRETAX, **common,
                        "not_modelled": ["the municipality's and school district's shares are withheld together "
                                         "(one total resident rate)"]})
        if "lst" in cols and cell["lst"]:
            try:
                lst = Decimal(cell["lst"].lstrip("$").replace(",", ""))
            except InvalidOperation:
                issues.append(Issue(f"{where}.lst", f"not an amount: {cell['lst']!r}"))
                continue
            if not (Decimal(0) <= lst <= LST_MAXIMUM):
                issues.append(Issue(f"{where}.lst", f"${lst} is outside $0-${LST_MAXIMUM} (Act 7 of 2007)"))
                continue
            if lst:
                params: dict[str, str] = {"annual_amount": str(lst)}
                if lst > LST_EXEMPTION_OVER:
                    params["low_income_exemption"] = LST_LOW_INCOME
                entries.append({"code": f"PA-LST-{psd}", "name": full, "kind": "local_services_tax",
                                "applies": "workers", "match": {"psd_codes": [psd]}, "method": "pa_lst",
                                "params": params, **common,
                                "not_modelled": ["the refund when an employee pays LST to more than one place of "
                                                 "work"]})
    if issues:
        return [], skipped, issues
    return entries, skipped, []


def hand_kept(data: dict) -> frozenset[str]:
    """The PSD codes of the year's PA data that a register load leaves as they are: the entries kept by hand
    (Philadelphia's wage tax, Pittsburgh's), not an earlier load of the register nor a copy of it read elsewhere
    (an entry marked `register_copy`: the DCED file itself replaces it)."""
    return frozenset(code for e in data.get("localities", [])
                     if not e.get("publication", "").startswith(REGISTER) and not e.get("register_copy")
                     for code in e["match"].get("psd_codes", []))


def merge_register(data: dict, entries: list[dict]) -> dict:
    """The year's PA data with the register's entries replacing earlier register entries (same code) and the
    hand-kept entries (Philadelphia, Pittsburgh) left as they are."""
    loaded = {e["code"] for e in entries}
    kept = [e for e in data.get("localities", []) if e["code"] not in loaded]
    return {**data, "localities": kept + entries}
