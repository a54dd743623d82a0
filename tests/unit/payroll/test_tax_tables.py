"""The data files: every Pub 15-T row re-derived from the Rev. Proc. brackets; sources and tax years named."""
from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal

import pytest

from backoffice.errors import DomainError
from payroll.engine import load_tables
from payroll.engine.tables import DATA_DIR

D = Decimal
RATES = [D(".10"), D(".12"), D(".22"), D(".24"), D(".32"), D(".35"), D(".37")]
# Rev. Proc. 2025-32 as amended by P.L. 119-21 (2026) and Rev. Proc. 2024-40 (2025): standard deduction and the tops
# of the 10/12/22/24/32/35% brackets.
REV_PROC = {
    2026: {"single": (16100, [12400, 50400, 105700, 201775, 256225, 640600]),
           "married_jointly": (32200, [24800, 100800, 211400, 403550, 512450, 768700]),
           "head_of_household": (24150, [17700, 67450, 105700, 201750, 256200, 640600])},
    2025: {"single": (15000, [11925, 48475, 103350, 197300, 250525, 626350]),
           "married_jointly": (30000, [23850, 96950, 206700, 394600, 501050, 751600]),
           "head_of_household": (22500, [17000, 64850, 103350, 197300, 250500, 626350])},
}
LINE_1G = {"single": 8600, "head_of_household": 8600, "married_jointly": 12900}


def tax_at(tops, k):
    """Income tax on taxable income equal to the top of bracket k (1-based)."""
    total, low = D(0), D(0)
    for i in range(k):
        total += (D(tops[i]) - low) * RATES[i]
        low = D(tops[i])
    return total


def expected_rows(year, kind, status):
    std, tops = REV_PROC[year][status]
    rows = [(D(0), D(0), D(0))]
    if kind == "standard":
        offset = D(std - LINE_1G[status])
        rows.append((offset, D(0), RATES[0]))
        rows += [(D(tops[k - 1]) + offset, tax_at(tops, k), RATES[k]) for k in range(1, 7)]
    else:
        half = lambda x: (D(x) / 2).quantize(D(1), rounding=ROUND_HALF_UP)  # noqa: E731
        rows.append((half(std), D(0), RATES[0]))
        rows += [(half(tops[k - 1] + std), (tax_at(tops, k) / 2).quantize(D("0.01"), rounding=ROUND_HALF_UP),
                  RATES[k]) for k in range(1, 7)]
    return rows


@pytest.mark.parametrize("year", [2025, 2026])
@pytest.mark.parametrize("kind", ["standard", "checkbox"])
@pytest.mark.parametrize("status", ["single", "married_jointly", "head_of_household"])
def test_every_percentage_table_row_rederives_from_the_rev_proc(year, kind, status):
    """Pub 15-T construction: STANDARD A = bracket top + (standard deduction − line 1g), C = tax at that top;
    Checkbox A = (top + standard deduction) ÷ 2 to the dollar, C = half that tax to the cent."""
    rows = load_tables(year).schedule(kind, status).rows
    assert [tuple(r) for r in rows] == expected_rows(year, kind, status)


@pytest.mark.parametrize("year", [2025, 2026])
def test_each_data_file_names_its_publication_and_year(year):
    for name in ("federal.json", "fica_futa.json", "limits.json"):
        data = json.loads((DATA_DIR / str(year) / name).read_text())
        assert data["tax_year"] == year
        text = json.dumps(data)
        assert "publication" in text


def test_2026_futa_credit_reductions_are_flagged_provisional():
    t26, t25 = load_tables(2026), load_tables(2025)
    assert t25.futa_credit_reduction == {"CA": D("0.012"), "VI": D("0.045")}
    assert not t25.futa_credit_reduction_provisional
    assert t26.futa_credit_reduction_provisional and "PROVISIONAL" in t26.futa_credit_reduction_note


def test_published_2026_and_2025_figures():
    """SSA wage base 184,500 / 176,100; 402(g) 24,500 / 23,500; HSA 4,400/8,750 and 4,300/8,550."""
    t26, t25 = load_tables(2026), load_tables(2025)
    assert (t26.ss_wage_base, t25.ss_wage_base) == (D(184500), D(176100))
    assert (t26.deferral_limit, t26.catch_up_50, t26.catch_up_60_63) == (D(24500), D(8000), D(11250))
    assert (t25.deferral_limit, t25.catch_up_50, t25.catch_up_60_63) == (D(23500), D(7500), D(11250))
    assert (t26.hsa_self_only, t26.hsa_family, t25.hsa_self_only, t25.hsa_family) == (D(4400), D(8750), D(4300),
                                                                                      D(8550))
    assert t26.allowance_2019 == t25.allowance_2019 == D(4300)


def test_a_year_without_data_is_a_domain_error():
    with pytest.raises(DomainError, match="2031"):
        load_tables(2031)
