"""The agency's reports in pure pandas: gross margin and labor cost, headcount and turnover, classification mix,
benefits participation and cost.

Inputs are DataFrames shaped like reports.queries returns them (built by hand in the unit tests); money is integer
cents (int64) throughout, never float. Dates arrive as ISO text. Rates (margin %, turnover %, participation %) are
exact Decimal text with one rounding, half up. Each public function returns one frame a page, a file or a chart can
show: its columns are listed in the function's docstring.
"""
from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

GRAINS = ("week", "month", "quarter")
COST_COLUMNS = ("wages", "contractor_pay", "employer_taxes", "benefits", "workers_comp")
MARGIN_MONEY = ("revenue",) + COST_COLUMNS + ("cost", "margin")
LABOR_MONEY = COST_COLUMNS + ("total_cost",)
# The dimension a margin or cost report is broken down by, and the columns that name one of its rows.
GROUPS = {"client": ("client_id", "client"), "worker": ("worker_id", "worker"), "state": ("state",),
          "period": ()}


# ------------------------------------------------------------------------------------------------ small pieces
def period_of(day: date, grain: str) -> str:
    """The period a day falls in: week -> the Monday's date ('2026-11-09'), month -> '2026-11', quarter ->
    '2026-Q4'."""
    if grain == "week":
        return (day - timedelta(days=day.weekday())).isoformat()
    if grain == "month":
        return f"{day.year:04d}-{day.month:02d}"
    if grain == "quarter":
        return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"
    raise ValueError(f"unknown grain {grain!r}")


def periods(iso_days: pd.Series, grain: str) -> pd.Series:
    """period_of for a column of ISO dates (each distinct day computed once)."""
    if iso_days.empty:
        return pd.Series([], dtype=object, index=iso_days.index)
    distinct = {d: period_of(date.fromisoformat(d), grain) for d in pd.unique(iso_days.astype(object))}
    return iso_days.astype(object).map(distinct)


def percent(part, whole, places: int = 1) -> str:
    """part / whole as a percentage with `places` decimals, half up, from exact integers ('' when whole is 0):
    percent(1, 3) -> '33.3'."""
    if not whole:
        return ""
    value = Decimal(int(part)) * 100 / Decimal(int(whole))
    return str(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def allocate(groups: np.ndarray, totals: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Split each group's total (integer cents) over its rows in proportion to |weight|, exactly: the shares of a
    group add up to its total to the cent (largest remainder; ties to the earlier row). A group whose weights are
    all zero gives everything to its first row. `totals` holds the group's total on each of its rows.

    allocate([1, 1, 1], [100, 100, 100], [1, 1, 1]) -> [34, 33, 33]."""
    groups = np.asarray(groups)
    totals = np.asarray(totals, dtype=np.int64)
    weights = np.abs(np.asarray(weights, dtype=np.int64))
    n = len(groups)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    frame = pd.DataFrame({"g": groups, "t": totals, "w": weights, "i": np.arange(n)})
    wsum = frame.groupby("g", sort=False)["w"].transform("sum").to_numpy(np.int64)
    first = ~frame.duplicated("g").to_numpy()
    zero = wsum == 0
    wsum_safe = np.where(zero, 1, wsum)
    weights = np.where(zero, first.astype(np.int64), weights)
    sign = np.where(totals < 0, -1, 1)
    magnitude = np.abs(totals)
    num = magnitude * weights                      # cents × cents: well inside int64 for payroll figures
    share = num // wsum_safe
    remainder = num % wsum_safe
    frame["share"] = share
    leftover = (frame.groupby("g", sort=False)["t"].transform("first").abs().to_numpy(np.int64)
                - frame.groupby("g", sort=False)["share"].transform("sum").to_numpy(np.int64))
    frame["r"] = remainder
    frame["rank"] = frame.sort_values(["g", "r", "i"], ascending=[True, False, True]).groupby(
        "g", sort=False).cumcount().reindex(frame.index)
    share = share + (frame["rank"].to_numpy() < leftover).astype(np.int64)
    return sign * share


# ------------------------------------------------------------------------------------------------ costs
COST_ROW_COLUMNS = ("pay_date", "paycheck_id", "worker_id", "worker", "worker_type", "engagement_id", "client_id",
                    "client", "state") + COST_COLUMNS


def cost_rows(paychecks: pd.DataFrame, earnings: pd.DataFrame, premiums: pd.DataFrame | None = None
              ) -> pd.DataFrame:
    """One row per (paycheck, engagement) with what it cost: wages (leased employees' gross) or contractor pay,
    employer taxes, employer benefit contributions and workers' comp premium, in cents.

    paychecks: paycheck_id, pay_date, worker_id, worker, worker_type, engagement_id, client_id, client, work_state,
    gross, employer_taxes, benefits (the paycheck's own figures, as the ledger posts them). earnings: paycheck_id,
    engagement_id, client_id, client, state, amount (earning lines summed per paycheck and engagement). A paycheck
    paying several engagements has its gross, taxes and benefits split over them in proportion to their earnings
    (allocate: exact to the cent); premiums (paycheck_id, engagement_id, premium) belong to their engagement."""
    pc = paychecks.copy()
    ea = earnings.loc[earnings["paycheck_id"].isin(pc["paycheck_id"])].copy() if len(earnings) else earnings.copy()
    # paychecks with no earning line naming an engagement: the paycheck's own engagement and client, weight 1
    missing = pc.loc[~pc["paycheck_id"].isin(ea["paycheck_id"]) if len(ea) else slice(None)]
    own = pd.DataFrame({"paycheck_id": missing["paycheck_id"].to_numpy(),
                        "engagement_id": missing["engagement_id"].to_numpy(),
                        "client_id": missing["client_id"].to_numpy(), "client": missing["client"].to_numpy(),
                        "state": missing["work_state"].to_numpy(), "amount": np.ones(len(missing), np.int64)})
    parts = [f for f in (ea.loc[:, list(own.columns)] if len(ea) else None, own) if f is not None and len(f)]
    rows = pd.concat(parts, ignore_index=True) if parts else own
    rows = rows.sort_values(["paycheck_id", "engagement_id"], kind="stable", na_position="last")
    head = pc.set_index("paycheck_id")
    out = pd.DataFrame({"paycheck_id": rows["paycheck_id"].to_numpy(np.int64)})
    for col in ("pay_date", "worker_id", "worker", "worker_type"):
        out[col] = head[col].reindex(out["paycheck_id"]).to_numpy()
    out["engagement_id"] = rows["engagement_id"].to_numpy()
    out["client_id"] = rows["client_id"].to_numpy()
    out["client"] = rows["client"].astype(object).to_numpy()
    out["state"] = rows["state"].astype(object).to_numpy()
    weights = rows["amount"].to_numpy(np.int64)
    ids = out["paycheck_id"].to_numpy()
    gross = allocate(ids, head["gross"].reindex(ids).to_numpy(np.int64), weights)
    employee = (out["worker_type"] == "employee").to_numpy()
    out["wages"] = np.where(employee, gross, 0)
    out["contractor_pay"] = np.where(employee, 0, gross)
    out["employer_taxes"] = allocate(ids, head["employer_taxes"].reindex(ids).to_numpy(np.int64), weights)
    out["benefits"] = allocate(ids, head["benefits"].reindex(ids).to_numpy(np.int64), weights)
    out["workers_comp"] = np.zeros(len(out), dtype=np.int64)
    if premiums is not None and len(premiums):
        prem = premiums.groupby(["paycheck_id", "engagement_id"], dropna=False)["premium"].sum()
        key = pd.MultiIndex.from_arrays([out["paycheck_id"], out["engagement_id"]])
        found = prem.reindex(key)
        out["workers_comp"] = found.fillna(0).to_numpy(np.int64)
        unmatched = prem.loc[~prem.index.isin(key)]
        if len(unmatched):          # a premium for an engagement the paycheck's earnings do not name: its own row
            extra = premiums.set_index(["paycheck_id", "engagement_id"]).loc[unmatched.index].reset_index()
            extra = extra.groupby(["paycheck_id", "engagement_id"], as_index=False).agg(
                premium=("premium", "sum"), client_id=("client_id", "first"), client=("client", "first"),
                state=("state", "first"))
            add = pd.DataFrame({"paycheck_id": extra["paycheck_id"].to_numpy(np.int64)})
            for col in ("pay_date", "worker_id", "worker", "worker_type"):
                add[col] = head[col].reindex(add["paycheck_id"]).to_numpy()
            for col in ("engagement_id", "client_id", "client", "state"):
                add[col] = extra[col].to_numpy()
            for col in COST_COLUMNS:
                add[col] = 0
            add["workers_comp"] = extra["premium"].to_numpy(np.int64)
            out = pd.concat([out, add], ignore_index=True)
    for col in COST_COLUMNS:
        out[col] = out[col].astype("int64")
    return out.loc[:, list(COST_ROW_COLUMNS)].reset_index(drop=True)


def _keep(frame: pd.DataFrame, client_id=None, state=None, worker_id=None) -> pd.DataFrame:
    mask = pd.Series(True, index=frame.index)
    if client_id is not None:
        mask &= frame["client_id"].astype("Int64") == int(client_id)
    if state:
        mask &= frame["state"].astype(object) == state
    if worker_id is not None:
        mask &= frame["worker_id"].astype("Int64") == int(worker_id)
    return frame.loc[mask.fillna(False).astype(bool)]


def _grouped(frame: pd.DataFrame, group: str, grain: str, money: tuple[str, ...], day: str) -> pd.DataFrame:
    """Sum money per (period, the group's columns); rows sorted by period then the group's name."""
    keys = list(GROUPS[group])
    work = frame.copy()
    work["period"] = periods(work[day], grain)
    for k in keys:
        work[k] = work[k].astype(object).where(work[k].notna(), None)
    if "client" in keys:
        work["client"] = work["client"].fillna("(no client)")
    if "worker" in keys:
        work["worker"] = work["worker"].fillna("")
    if "state" in keys:
        work["state"] = work["state"].fillna("")
    by = ["period"] + keys
    if work.empty:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c in money else object) for c in by + list(money)})
    out = work.groupby(by, dropna=False, sort=False)[list(money)].sum().reset_index()
    sort = ["period"] + [k for k in keys if not k.endswith("_id")]
    return out.sort_values(sort, kind="stable").reset_index(drop=True)


# ------------------------------------------------------------------------------------------------ margin
REVENUE_ROW_COLUMNS = ("issue_date", "invoice_id", "client_id", "client", "worker_id", "worker", "state",
                       "revenue")


def gross_margin(costs: pd.DataFrame, revenue: pd.DataFrame, *, group: str = "client", grain: str = "month",
                 client_id=None, state=None, worker_id=None) -> pd.DataFrame:
    """Gross margin per period and group (client, worker, state, or the period alone): revenue (invoice lines by
    issue date, credit notes negative) − wages − contractor pay − employer taxes − benefits − workers' comp (cost
    rows by pay date) = margin, and margin % of revenue.

    Columns: period, the group's columns (client_id, client | worker_id, worker | state), revenue, wages,
    contractor_pay, employer_taxes, benefits, workers_comp, cost, margin (cents), margin_pct (text)."""
    c = _keep(costs, client_id, state, worker_id).copy()
    r = _keep(revenue, client_id, state, worker_id).copy()
    c["revenue"] = 0
    for col in COST_COLUMNS:
        r[col] = 0
    c["day"] = c["pay_date"]
    r["day"] = r["issue_date"]
    cols = ["day", "client_id", "client", "worker_id", "worker", "state", "revenue"] + list(COST_COLUMNS)
    both = pd.concat([c.loc[:, cols], r.loc[:, cols]], ignore_index=True) if len(r) else c.loc[:, cols]
    for col in ("revenue",) + COST_COLUMNS:
        both[col] = both[col].astype("int64")
    out = _grouped(both, group, grain, ("revenue",) + COST_COLUMNS, "day")
    out["cost"] = out.loc[:, list(COST_COLUMNS)].sum(axis=1).astype("int64")
    out["margin"] = (out["revenue"] - out["cost"]).astype("int64")
    out["margin_pct"] = [percent(m, rv) for m, rv in zip(out["margin"], out["revenue"])]
    return out


def margin_totals(frame: pd.DataFrame) -> dict[str, int | str]:
    """Column totals of a margin frame (cents) with the overall margin %."""
    totals: dict[str, int | str] = {c: int(frame[c].sum()) for c in MARGIN_MONEY if c in frame}
    totals["margin_pct"] = percent(totals.get("margin", 0), totals.get("revenue", 0))
    return totals


# The ledger account each margin figure is posted to (revenue a credit, the costs debits).
LEDGER_ACCOUNTS = {"revenue": "4000", "wages": "6100", "contractor_pay": "6150", "employer_taxes": "6200",
                   "benefits": "6300", "workers_comp": "6400"}


def ledger_check(totals: dict, ledger: pd.DataFrame, accounts: dict[str, str] | None = None) -> pd.DataFrame:
    """The margin report's totals beside what the journal posted to the same accounts over the same days: one row
    per figure with its account, the report's amount, the ledger's (revenue credit − debit, costs debit −
    credit) and the difference (cents; 0 when they agree). Only meaningful for a report of the whole agency (no
    client, state or worker filter).

    ledger: account, debit, credit. Columns: figure, account, account_name, report, ledger, difference."""
    moved = {a: (int(d), int(c)) for a, d, c in ledger.loc[:, ["account", "debit", "credit"]].itertuples(
        index=False, name=None)}
    rows = []
    for figure, account in LEDGER_ACCOUNTS.items():
        debit, credit = moved.get(account, (0, 0))
        books = credit - debit if figure == "revenue" else debit - credit
        mine = int(totals.get(figure, 0))
        rows.append({"figure": figure, "account": account, "account_name": (accounts or {}).get(account, account),
                     "report": mine, "ledger": books, "difference": mine - books})
    margin_books = rows[0]["ledger"] - sum(r["ledger"] for r in rows[1:])
    mine = int(totals.get("margin", 0))
    rows.append({"figure": "margin", "account": "4000 − 6xxx", "account_name": "Revenue less costs",
                 "report": mine, "ledger": margin_books, "difference": mine - margin_books})
    return pd.DataFrame(rows, columns=["figure", "account", "account_name", "report", "ledger", "difference"])


def labor_cost(costs: pd.DataFrame, *, group: str = "client", grain: str = "month", client_id=None, state=None,
               worker_id=None) -> pd.DataFrame:
    """What labor cost per period and group: wages, contractor pay, employer taxes, benefits, workers' comp and
    their total (cents), and how many workers were paid.

    Columns: period, the group's columns, workers_paid, wages, contractor_pay, employer_taxes, benefits,
    workers_comp, total_cost."""
    c = _keep(costs, client_id, state, worker_id)
    out = _grouped(c, group, grain, COST_COLUMNS, "pay_date")
    out["total_cost"] = out.loc[:, list(COST_COLUMNS)].sum(axis=1).astype("int64")
    keys = ["period"] + list(GROUPS[group])
    if len(c):
        work = c.copy()
        work["period"] = periods(work["pay_date"], grain)
        for k in GROUPS[group]:
            work[k] = work[k].astype(object)
            if k == "client":
                work[k] = work[k].fillna("(no client)")
        paid = work.groupby(keys, dropna=False, sort=False)["worker_id"].nunique().rename("workers_paid")
        out = out.merge(paid.reset_index(), on=keys, how="left")
    else:
        out["workers_paid"] = pd.Series(dtype="int64")
    out["workers_paid"] = out["workers_paid"].fillna(0).astype("int64")
    return out.loc[:, keys + ["workers_paid"] + list(LABOR_MONEY)]


# ------------------------------------------------------------------------------------------------ headcount
def month_ends(start: date, end: date) -> list[tuple[date, date]]:
    """(first day, last day) of each calendar month from start's month to end's month."""
    out = []
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month):
        first = date(y, m, 1)
        nxt = date(y + (m == 12), m % 12 + 1, 1)
        out.append((first, nxt - timedelta(days=1)))
        y, m = nxt.year, nxt.month
    return out


def _worker_spans(engagements: pd.DataFrame) -> pd.DataFrame:
    """Each worker's time with the agency in the selection: first start, and last end (None while any engagement
    is open)."""
    e = pd.DataFrame({"worker_id": engagements["worker_id"].to_numpy(),
                      "start": engagements["start_date"].astype(object).to_numpy(),
                      "end": engagements["end_date"].astype(object).where(engagements["end_date"].notna(), None)
                      .to_numpy()})
    e["open"] = e["end"].isna()
    e["end"] = e["end"].where(~e["open"], "")       # text for max(); an open one makes the span open below
    spans = e.groupby("worker_id").agg(start=("start", "min"), end=("end", "max"), open=("open", "any"))
    spans["end"] = spans["end"].astype(object).where(~spans["open"], None)
    return spans.reset_index()


def headcount_turnover(engagements: pd.DataFrame, start: date, end: date, *, client_id=None, state=None
                       ) -> pd.DataFrame:
    """Headcount and turnover by month, counting people (a worker with two placements is one head): a worker is
    with the agency from their first engagement's start to their last one's end (open while any is). Hired in a
    month: started then; terminated: their last engagement ended then. Turnover % = terminations / average of
    the headcount on the day before the month and on its last day (the BLS separations-rate formula).

    engagements: worker_id, client_id, state, type, start_date, end_date (ISO text or None).
    Columns: month, headcount_start, hires, terminations, headcount_end, leased_end, contractors_end,
    turnover_pct."""
    e = _keep(engagements, client_id, state)
    spans = _worker_spans(e) if len(e) else pd.DataFrame(columns=["worker_id", "start", "end", "open"])
    starts = spans["start"].astype(object).tolist()
    ends = spans["end"].astype(object).tolist()
    rows = []
    for first, last in month_ends(start, end):
        before = (first - timedelta(days=1)).isoformat()
        f, la = first.isoformat(), last.isoformat()

        def on(day: str) -> int:
            return sum(1 for s, x in zip(starts, ends) if s <= day and (x is None or x >= day))
        head_start, head_end = on(before), on(la)
        hires = sum(1 for s in starts if f <= s <= la)
        terms = sum(1 for x in ends if x is not None and f <= x <= la)
        active = e.loc[(e["start_date"].astype(object) <= la)
                       & (e["end_date"].isna() | (e["end_date"].astype(object) >= la))]
        by_type = active.groupby("type")["worker_id"].nunique()
        avg2 = head_start + head_end            # twice the average: keeps the rate exact in integers
        rows.append({"month": f[:7], "headcount_start": head_start, "hires": hires, "terminations": terms,
                     "headcount_end": head_end, "leased_end": int(by_type.get("leased_employee", 0)),
                     "contractors_end": int(by_type.get("contractor", 0)),
                     "turnover_pct": percent(2 * terms, avg2)})
    return pd.DataFrame(rows, columns=["month", "headcount_start", "hires", "terminations", "headcount_end",
                                       "leased_end", "contractors_end", "turnover_pct"])


def engaged_workers(engagements: pd.DataFrame, day: date, kind: str | None = None) -> int:
    """How many people had an engagement (of `kind`, when given) running on `day`."""
    iso = day.isoformat()
    e = engagements.loc[(engagements["start_date"].astype(object) <= iso)
                        & (engagements["end_date"].isna() | (engagements["end_date"].astype(object) >= iso))]
    if kind is not None:
        e = e.loc[e["type"] == kind]
    return int(e["worker_id"].nunique())


# ------------------------------------------------------------------------------------------------ classification
def classification_mix(engagements: pd.DataFrame, as_of: date, *, group: str = "state", client_id=None,
                       state=None) -> pd.DataFrame:
    """Leased employees and contractors engaged on `as_of`, by state or client, with the contractor share and the
    signed determinations: classified (signed as engaged), reclassification due (signed as the other type),
    unclassified (no signed assessment).

    engagements: client_id, client, state, type, classification (the signed determination or None), start_date,
    end_date. Columns: state | client_id, client, leased, contractors, total, contractor_pct, classified,
    reclassification_due, unclassified."""
    day = as_of.isoformat()
    e = _keep(engagements, client_id, state)
    e = e.loc[(e["start_date"].astype(object) <= day) & (e["end_date"].isna() | (e["end_date"].astype(object) >= day))]
    keys = ["state"] if group == "state" else ["client_id", "client"]
    cols = keys + ["leased", "contractors", "total", "contractor_pct", "classified", "reclassification_due",
                   "unclassified"]
    if e.empty:
        return pd.DataFrame({c: pd.Series(dtype=object if c in keys or c == "contractor_pct" else "int64")
                             for c in cols})
    w = e.copy()
    signed = w["classification"].astype(object)
    w["leased"] = (w["type"] == "leased_employee").astype("int64")
    w["contractors"] = (w["type"] == "contractor").astype("int64")
    w["unclassified"] = signed.isna().astype("int64")
    w["classified"] = (signed.notna() & (signed == w["type"].astype(object))).astype("int64")
    w["reclassification_due"] = (signed.notna() & (signed != w["type"].astype(object))).astype("int64")
    out = w.groupby(keys, sort=True)[["leased", "contractors", "classified", "reclassification_due",
                                      "unclassified"]].sum().reset_index()
    out["total"] = out["leased"] + out["contractors"]
    out["contractor_pct"] = [percent(c, t) for c, t in zip(out["contractors"], out["total"])]
    return out.loc[:, cols]


# ------------------------------------------------------------------------------------------------ benefits
def benefits_participation(enrollments: pd.DataFrame, eligible: int, as_of: date) -> pd.DataFrame:
    """Who is enrolled in each plan on `as_of` and what it costs a month: enrolled and waived workers,
    participation % of the eligible headcount (leased employees engaged that day), the employee's and the
    employer's monthly cost (cents, as priced at election).

    enrollments: plan_id, plan, kind, worker_id, waived (bool), status, effective_date, end_date,
    employee_monthly, employer_monthly (cents). Columns: kind, plan, enrolled, waived, eligible,
    participation_pct, employee_monthly, employer_monthly, total_monthly."""
    day = as_of.isoformat()
    cols = ["kind", "plan", "enrolled", "waived", "eligible", "participation_pct", "employee_monthly",
            "employer_monthly", "total_monthly"]
    e = enrollments.loc[(enrollments["status"] != "cancelled")
                        & (enrollments["effective_date"].astype(object) <= day)
                        & (enrollments["end_date"].isna() | (enrollments["end_date"].astype(object) >= day))]
    if e.empty:
        return pd.DataFrame({c: pd.Series(dtype=object if c in ("kind", "plan", "participation_pct") else "int64")
                             for c in cols})
    w = e.copy()
    taken = ~w["waived"].astype(bool)
    w["enrolled"] = taken.astype("int64")
    w["waived_n"] = (~taken).astype("int64")
    w["employee_monthly"] = np.where(taken, w["employee_monthly"], 0).astype("int64")
    w["employer_monthly"] = np.where(taken, w["employer_monthly"], 0).astype("int64")
    out = w.groupby(["kind", "plan"], sort=True).agg(
        enrolled=("enrolled", "sum"), waived=("waived_n", "sum"), employee_monthly=("employee_monthly", "sum"),
        employer_monthly=("employer_monthly", "sum")).reset_index()
    out["eligible"] = int(eligible)
    out["participation_pct"] = [percent(n, eligible) for n in out["enrolled"]]
    out["total_monthly"] = (out["employee_monthly"] + out["employer_monthly"]).astype("int64")
    return out.loc[:, cols]


def contributions_paid(lines: pd.DataFrame) -> pd.DataFrame:
    """Employer benefit contributions paid through payroll in the period, per code (cents): code, paychecks,
    amount."""
    if lines.empty:
        return pd.DataFrame({"code": pd.Series(dtype=object), "paychecks": pd.Series(dtype="int64"),
                             "amount": pd.Series(dtype="int64")})
    out = lines.groupby("code", sort=True).agg(paychecks=("paycheck_id", "nunique"),
                                               amount=("amount", "sum")).reset_index()
    out["code"] = out["code"].astype(object)
    return out
