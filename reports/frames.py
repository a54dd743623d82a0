"""Finance-export frames in pure pandas: the payroll register pivot, the tax-liability summary and the GL journal.

Inputs are DataFrames shaped like reports.queries returns them (built by hand in the unit tests). Money is integer
cents (int64) throughout — exact, vectorised, never float; reports.exports turns cents into Decimal text.
"""
from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd

# ------------------------------------------------------------------------------------------------ labels
# Column prefix per line kind, in register order.
KIND_PREFIX = {"earning": "earning", "employee_tax": "ee_tax", "employer_tax": "er_tax",
               "pretax_deduction": "pretax", "posttax_deduction": "posttax", "employer_contribution": "er_contrib"}
# Codes listed first within their kind (the rest follow alphabetically).
CODE_ORDER = {
    "earning": ("regular", "overtime", "double_time", "overtime_premium", "double_time_premium", "salary", "piece",
                "min_wage_makeup", "project", "bonus", "commission", "retro",
                "correction", "final_pay", "reimbursement"),
    "employee_tax": ("federal_income_tax", "social_security", "medicare", "additional_medicare",
                     "backup_withholding"),
    "employer_tax": ("social_security", "medicare", "futa"),
    "pretax_deduction": ("401k", "section125", "hsa", "fsa", "dcfsa", "commuter"),
    "posttax_deduction": ("roth_401k", "529", "child_support", "garnishment", "student_loan", "tax_levy", "loan",
                          "other"),
    "employer_contribution": ("401k_match", "hsa_employer", "health_employer"),
}
REGISTER_HEAD = ("paycheck_id", "run_id", "kind", "pay_date", "period_start", "period_end", "worker_id", "worker",
                 "worker_type", "engagement_id", "client", "agency", "work_state")
REGISTER_TOTALS = ("gross", "employee_taxes", "employer_taxes", "deductions", "net")
REGISTER_MEMO = ("qualified_overtime_premium",)   # after the totals when read: the FLSA premium, W-2 box 12 TT
REGISTER_DATES = ("pay_date", "period_start", "period_end")

# Tax codes: the human name and who collects it. State codes are collected by the state named on the line.
TAX_NAMES = {
    "federal_income_tax": "Federal income tax",
    "social_security": "Social Security (OASDI)",
    "medicare": "Medicare (HI)",
    "additional_medicare": "Additional Medicare",
    "backup_withholding": "Backup withholding (1099)",
    "futa": "Federal unemployment (FUTA)",
    "suta": "State unemployment (SUTA)",
    "state_income_tax": "State income tax",
    "state_disability": "State disability insurance",
    "state_family_leave": "State paid family leave",
    "state_pfml": "State paid family and medical leave",
    "state_pfml_employer": "State paid family and medical leave (employer share)",
    "vt_child_care": "Vermont child care contribution",
    "state_ltc": "State long-term care",
    "state_unemployment_employee": "State unemployment (employee share)",
}
FEDERAL = "US"
TAX_ORDER = ("federal_income_tax", "social_security", "medicare", "additional_medicare", "backup_withholding",
             "futa", "state_income_tax", "suta")
LIABILITY_COLUMNS = ("agency", "jurisdiction", "authority", "tax_code", "tax", "employee_withheld", "employer",
                     "total", "taxable_wages")
LIABILITY_MONEY = ("employee_withheld", "employer", "total", "taxable_wages")
BY_STATE_COLUMNS = ("agency", "jurisdiction", "authority", "employee_withheld", "employer", "total")
GL_COLUMNS = ("entry_id", "entry_date", "entry_kind", "run_id", "paycheck_id", "account", "account_name", "detail",
              "state", "agency", "debit", "credit", "memo")


def line_label(kind: str, code: str, state: str = "") -> str:
    """The register column for one (kind, code, state): `ee_tax:state_income_tax:CA`, `earning:regular`."""
    label = f"{KIND_PREFIX[kind]}:{code}"
    return f"{label}:{state}" if state else label


def _column_sort_key(kind: str, code: str, state: str) -> tuple:
    kinds = list(KIND_PREFIX)
    order = CODE_ORDER.get(kind, ())
    known = order.index(code) if code in order else len(order)
    return (kinds.index(kind), 1 if state else 0, state, known, code)


# ------------------------------------------------------------------------------------------------ register
def register(paychecks: pd.DataFrame, lines: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """The payroll register: one row per paycheck (in the order given) with its header columns, one column per
    (line kind, code, state) holding that paycheck's amount in cents (0 when it has none), then the stored totals.

    Returns (frame, money_columns). Lines of the same (kind, code, state) on one paycheck are added together."""
    n = len(paychecks)
    keys, key_of_line = _line_keys(lines)
    order = sorted(range(len(keys)), key=lambda i: _column_sort_key(*keys[i]))
    labels = [line_label(*keys[i]) for i in order]
    matrix = np.zeros((n, len(labels)), dtype=np.int64)
    if len(lines) and n:
        row_of = pd.Index(paychecks["paycheck_id"].to_numpy())
        rows = row_of.get_indexer(lines["paycheck_id"].to_numpy())
        column_of_key = np.empty(len(keys), dtype=np.int64)
        column_of_key[order] = np.arange(len(keys))
        cols = column_of_key[key_of_line]
        keep = rows >= 0                       # lines of paychecks outside the selection are ignored
        flat = rows[keep].astype(np.int64) * len(labels) + cols[keep]
        matrix = _sum_by(flat, lines["amount"].to_numpy(np.int64)[keep], n * len(labels)).reshape(n, len(labels))
    head = paychecks.loc[:, list(REGISTER_HEAD)].reset_index(drop=True)
    body = pd.DataFrame(matrix, columns=labels)
    tail = list(REGISTER_TOTALS) + [c for c in REGISTER_MEMO if c in paychecks.columns]
    totals = paychecks.loc[:, tail].reset_index(drop=True)
    frame = pd.concat([head, body, totals], axis=1)
    return frame, labels + tail


def _line_keys(lines: pd.DataFrame) -> tuple[list[tuple[str, str, str]], np.ndarray]:
    """The distinct (kind, code, state) of the lines and, for each line, the index of its key in that list: each
    column hashed once (pandas' factorize), the three codes combined into one integer per line, and those hashed
    (the keys in the order first met: the caller sorts the columns)."""
    if not len(lines):
        return [], np.zeros(0, dtype=np.int64)
    (kinds, k_of), (codes, c_of), (states, s_of) = (
        (uniques.tolist(), found.astype(np.int64))
        for found, uniques in (pd.factorize(lines[c], use_na_sentinel=False) for c in ("kind", "code", "state")))
    key_of_line, distinct = pd.factorize((k_of * len(codes) + c_of) * len(states) + s_of)
    keys = [(kinds[d // (len(codes) * len(states))], codes[d // len(states) % len(codes)], states[d % len(states)])
            for d in distinct.tolist()]
    return keys, key_of_line.astype(np.int64)


def _sum_by(flat: np.ndarray, amounts: np.ndarray, size: int) -> np.ndarray:
    """Exact integer sums of amounts per flat cell index (np.add.at keeps int64; bincount would go through float)."""
    out = np.zeros(size, dtype=np.int64)
    np.add.at(out, flat, amounts)
    return out


def register_totals(frame: pd.DataFrame, money_columns: list[str]) -> dict[str, int]:
    """Column totals of a register in cents (the footer of the XLSX and the checks in the tests)."""
    return {c: int(frame[c].sum()) for c in money_columns}


# ------------------------------------------------------------------------------------------------ tax liability
def tax_name(code: str) -> str:
    return TAX_NAMES.get(code, code.replace("_", " ").capitalize())


def authority(code: str, state: str) -> str:
    """Who the tax is owed to: the IRS for federal codes, the state's agency for state lines."""
    return f"{state} state tax agency" if state else "IRS"


def liability_summary(tax_lines: pd.DataFrame) -> pd.DataFrame:
    """Taxes owed per agency, jurisdiction (US or a state) and tax code: employee withholding, employer share,
    total and taxable wages (the employer line's wages when the tax has one, else the employee line's, so FICA
    wages are not counted twice). Input rows: agency_id, agency, kind (employee_tax|employer_tax), code, state,
    amount (cents), and optionally taxable_wages (cents) — one row per line or pre-summed per group."""
    df = tax_lines.loc[tax_lines["kind"].isin(("employee_tax", "employer_tax"))].copy()
    if "taxable_wages" not in df:
        df["taxable_wages"] = 0
    df["jurisdiction"] = df["state"].where(df["state"] != "", FEDERAL)
    df["agency"] = df["agency"].astype(object)
    keys = ["agency", "jurisdiction", "code"]
    if df.empty:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c in LIABILITY_MONEY else object)
                             for c in LIABILITY_COLUMNS})
    amounts = df.pivot_table(index=keys, columns="kind", values="amount", aggfunc="sum", fill_value=0)
    wages = df.pivot_table(index=keys, columns="kind", values="taxable_wages", aggfunc="sum", fill_value=0)
    for table in (amounts, wages):
        for kind in ("employee_tax", "employer_tax"):
            if kind not in table:
                table[kind] = 0
    has_er = df.loc[df["kind"] == "employer_tax"].groupby(keys).size().reindex(amounts.index, fill_value=0) > 0
    out = pd.DataFrame(index=amounts.index)
    out["employee_withheld"] = amounts["employee_tax"].astype("int64")
    out["employer"] = amounts["employer_tax"].astype("int64")
    out["total"] = out["employee_withheld"] + out["employer"]
    out["taxable_wages"] = np.where(has_er, wages["employer_tax"], wages["employee_tax"]).astype("int64")
    out = out.reset_index().rename(columns={"code": "tax_code"})
    out["authority"] = [authority(c, "" if j == FEDERAL else j) for c, j in zip(out["tax_code"], out["jurisdiction"])]
    out["tax"] = out["tax_code"].map(tax_name)
    order = {c: i for i, c in enumerate(TAX_ORDER)}
    out["_j"] = (out["jurisdiction"] != FEDERAL).astype(int)
    out["_t"] = out["tax_code"].map(lambda c: order.get(c, len(order)))
    out = out.sort_values(["agency", "_j", "jurisdiction", "_t", "tax_code"], kind="stable")
    return out.loc[:, list(LIABILITY_COLUMNS)].reset_index(drop=True)


def liability_by_state(summary: pd.DataFrame) -> pd.DataFrame:
    """The summary rolled up per agency and jurisdiction (US first, then states alphabetically)."""
    if summary.empty:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c in LIABILITY_MONEY else object)
                             for c in BY_STATE_COLUMNS})
    grouped = summary.groupby(["agency", "jurisdiction"], sort=False)[["employee_withheld", "employer", "total"]]
    out = grouped.sum().reset_index()
    out["authority"] = np.where(out["jurisdiction"] == FEDERAL, "IRS", out["jurisdiction"] + " state tax agency")
    out["_j"] = (out["jurisdiction"] != FEDERAL).astype(int)
    out = out.sort_values(["agency", "_j", "jurisdiction"], kind="stable")
    return out.loc[:, list(BY_STATE_COLUMNS)].reset_index(drop=True)


# ------------------------------------------------------------------------------------------------ GL
def gl_journal(lines: pd.DataFrame, accounts: Mapping[str, str]) -> pd.DataFrame:
    """Journal lines for a general-ledger import: entry, date, account and its name, the tax/deduction detail,
    state and agency, debit and credit in cents, and a memo saying what the line is."""
    out = lines.copy()
    out["account_name"] = out["account"].map(lambda a: accounts.get(a, a)).astype(object)
    detail = out["detail"].astype(object)
    state = out["state"].astype(object)
    extra = np.where(detail != "", " — " + detail.str.replace("_", " ") + np.where(state != "", " " + state, ""),
                     np.where(state != "", " — " + state, ""))
    out["memo"] = out["entry_memo"].astype(object) + extra
    return out.loc[:, list(GL_COLUMNS)].reset_index(drop=True)


def gl_by_account(journal: pd.DataFrame, accounts: Mapping[str, str]) -> pd.DataFrame:
    """Debits, credits and the balance (debit − credit) per account: a trial balance of the exported lines."""
    if journal.empty:
        return pd.DataFrame({"account": pd.Series(dtype=object), "account_name": pd.Series(dtype=object),
                             "debit": pd.Series(dtype="int64"), "credit": pd.Series(dtype="int64"),
                             "balance": pd.Series(dtype="int64")})
    out = journal.groupby("account")[["debit", "credit"]].sum().reset_index()
    out["balance"] = out["debit"] - out["credit"]
    out["account_name"] = out["account"].map(lambda a: accounts.get(a, a))
    return out.loc[:, ["account", "account_name", "debit", "credit", "balance"]]
