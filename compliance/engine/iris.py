"""The IRIS Taxpayer Portal bulk-upload CSV for Form 1099-NEC (tax year 2026 on, when FIRE is retired), pure.

What is confirmed (public secondary descriptions of the portal, read 2026-12): the portal takes one CSV per form
type, one row per recipient's return, from a template the IRS publishes per form and tax year; a file holds at
most 250 returns; TINs are nine digits without dashes; amounts are dollars and cents; the row carries the payer's
TIN and name, the recipient's TIN, TIN type, name and address, the form's boxes (for 1099-NEC: box 1
nonemployee compensation, box 2 direct sales checkbox, box 4 federal income tax withheld, state boxes 5–7) and
the indicators (corrected, second TIN notice).

What is NOT confirmed: the template's verbatim header row, its column order, how checkboxes and the TIN type are
spelled, and whether the 2026 form's box numbering changed. The IRS template could not be read here. So
`COLUMNS` below are this product's names for those fields, in the order listed above; before the first upload,
download the 2026 1099-NEC template from the IRIS Taxpayer Portal and map (or rename) the columns to it. The
officer's docs (docs/compliance-1099.md) say the same."""
from __future__ import annotations

import csv
import io

MAX_ROWS = 250          # returns per IRIS portal CSV upload

COLUMNS = ["Form Type", "Tax Year", "Payer TIN", "Payer Name", "Payer Address", "Payer City", "Payer State",
           "Payer ZIP", "Payer Phone", "Recipient TIN Type", "Recipient TIN", "Recipient Name", "Recipient Address",
           "Recipient City", "Recipient State", "Recipient ZIP", "Account Number", "Corrected", "Second TIN Notice",
           "Box 1 Nonemployee Compensation", "Box 2 Direct Sales", "Box 4 Federal Income Tax Withheld",
           "Box 5 State Tax Withheld (1)", "Box 6 State/Payer State No. (1)", "Box 7 State Income (1)",
           "Box 5 State Tax Withheld (2)", "Box 6 State/Payer State No. (2)", "Box 7 State Income (2)"]


def rows(year: int, payer: dict, recipients: list[dict], tins: dict[int, str]) -> list[list]:
    """One row per recipient; `tins` maps worker id → full TIN digits ('' when none)."""
    out = []
    for r in recipients:
        states = (r.get("states") or [])[:2]
        state_cells: list[str] = []
        for i in range(2):
            s = states[i] if i < len(states) else None
            state_cells += ([s["box5"], f"{s['state']} {s['box6']}".strip(), s["box7"]] if s else ["", "", ""])
        out.append(["1099-NEC", str(year), payer["ein"], payer["name"], payer["address"], payer["city"],
                    payer["state"], payer["zip"], "".join(ch for ch in payer.get("phone", "") if ch.isdigit()),
                    r["tin_type"], tins.get(r["worker_id"], ""), r["name"], r["address"], r["city"], r["state"],
                    r["zip"], f"W{r['worker_id']}", "X" if r.get("corrected") else "", "",
                    r["box1"], "", r["box4"], *state_cells])
    return out


def write(year: int, payer: dict, recipients: list[dict], tins: dict[int, str]) -> bytes:
    """The CSV (header + rows). The portal takes 250 returns a file: more recipients than that must be split into
    several uploads; this writes them all and the caller says so."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(COLUMNS)
    w.writerows(rows(year, payer, recipients, tins))
    return buf.getvalue().encode("utf-8")
