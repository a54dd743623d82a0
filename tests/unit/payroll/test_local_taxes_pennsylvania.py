"""Pennsylvania EIT (Act 32: the higher of the home's total resident rate and the work place's municipal non-resident
rate) and LST for the PSD codes added in session 24 (pa31). Each figure is from HireTaxNexus's municipality pages
quoting the DCED register 'as of June 15, 2026' (data/2026/locals/PA.json, unconfirmed); each expected amount is a
hand calculation in the docstring. Weekly pay of $1,000.00 on 6 March 2026 unless said otherwise."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from payroll.engine.locals import (LocalContext, Locality, UnsupportedLocality, compute_local_taxes,
                                   localities_for_year)

D = Decimal
PAY = date(2026, 3, 6)
PHILA = Locality("PA", city="Philadelphia", psd_code="510101")
PGH = Locality("PA", city="Pittsburgh", psd_code="700102")


def ctx(residence: Locality, work: Locality, *, gross: str = "1000.00", periods: int = 52,
        pretax: dict | None = None, cert: dict | None = None, pay_date: date = PAY) -> LocalContext:
    return LocalContext(pay_date=pay_date, periods_per_year=periods, residence=residence, work=work, gross=D(gross),
                        pretax={k: D(v) for k, v in (pretax or {}).items()}, certificate=cert or {})


def amounts(context: LocalContext) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for line in compute_local_taxes(context):
        assert line.locality not in out
        out[line.locality] = line.amount
    return out


def psd(code: str) -> Locality:
    return Locality("PA", psd_code=code)


SPRING = psd("140204")        # Spring Township, Centre County: 1.55% / 0.5%, LST $52
HOWARD = psd("140104")        # Howard Township, Centre County: 2.55% / 0.5%, LST $10
MARION = psd("140203")        # Marion Township, Centre County: 1.55% / 0.5%, LST $10
MONTGOMERY = psd("280402")    # Montgomery Township, Franklin County: 1% / 0%, LST $52
KANE = psd("420204")          # Kane Borough, McKean County: 1.2% / 1%, LST $52
UPPER_OXFORD = psd("150705")  # Upper Oxford Township, Chester County: 1.5% / 1%, no LST
LIBERTY = psd("010304")       # Liberty Township, Adams County: 1.5% / 1%, no LST
WEST_BUFFALO = psd("600209")  # West Buffalo Township, Union County: 2.05% / 0%, no LST
CHERRY_TREE = psd("170504")   # Cherry Tree Borough, Indiana County: 1% / 0.5%, LST $10
NEW_JERSEY = Locality("NJ", city="Trenton")


def test_spring_township_resident_working_at_home_pays_the_resident_rate_and_the_lst():
    """$1,000 x 1.55% = $15.50; LST $52 / 52 weekly periods = $1.00."""
    assert amounts(ctx(SPRING, SPRING)) == {"PA-140204": D("15.50"), "PA-LST-140204": D("1.00")}


def test_spring_township_resident_working_in_pittsburgh_keeps_the_higher_resident_rate():
    """Act 32: resident 1.55% against Pittsburgh's 1% non-resident rate: 1.55% is higher, $1,000 x 1.55% = $15.50 to
    Spring Township; the LST follows the work place: Pittsburgh's $52 / 52 = $1.00."""
    assert amounts(ctx(SPRING, PGH)) == {"PA-140204": D("15.50"), "PA-LST-700102": D("1.00")}


def test_pittsburgh_resident_working_in_spring_township_pays_pittsburghs_resident_rate():
    """Pittsburgh resident 3% against Spring Township's 0.5% non-resident rate: $1,000 x 3% = $30.00; Spring
    Township's LST $52 / 52 = $1.00."""
    assert amounts(ctx(PGH, SPRING)) == {"PA-700102": D("30.00"), "PA-LST-140204": D("1.00")}


def test_ohio_resident_working_in_spring_township_pays_the_non_resident_rate():
    """No Pennsylvania resident rate: the work place's 0.5%, $1,000 x 0.5% = $5.00; LST $1.00."""
    got = amounts(ctx(Locality("OH", city="Steubenville", school_district="NONE"), SPRING))
    assert got == {"PA-140204": D("5.00"), "PA-LST-140204": D("1.00")}


def test_spring_township_eit_excludes_section_125_but_not_401k():
    """$1,000 less $100 Section 125 = $900 (the $50 401(k) deferral stays taxable) x 1.55% = $13.95."""
    got = amounts(ctx(SPRING, SPRING, pretax={"section125": "100", "401k": "50"}))
    assert got == {"PA-140204": D("13.95"), "PA-LST-140204": D("1.00")}


def test_howard_township_resident_working_in_kane_borough():
    """Howard 2.55% resident against Kane's 1% non-resident rate: $1,000 x 2.55% = $25.50; Kane's LST $52 / 52 =
    $1.00."""
    assert amounts(ctx(HOWARD, KANE)) == {"PA-140104": D("25.50"), "PA-LST-420204": D("1.00")}


def test_kane_borough_resident_working_in_pittsburgh():
    """Kane 1.2% resident against Pittsburgh's 1%: $1,000 x 1.2% = $12.00; Pittsburgh's LST $1.00."""
    assert amounts(ctx(KANE, PGH)) == {"PA-420204": D("12.00"), "PA-LST-700102": D("1.00")}


def test_upper_oxford_resident_working_in_philadelphia_has_the_wage_tax_credited():
    """Philadelphia's non-resident wage tax $1,000 x 3.43% = $34.30 (rate to 30 June 2026); Upper Oxford's resident
    EIT $1,000 x 1.5% = $15.00 less the $34.30 credited = $0.00. Neither place levies an LST in the data."""
    assert amounts(ctx(UPPER_OXFORD, PHILA)) == {"PA-510101": D("34.30"), "PA-150705": D("0.00")}


def test_new_jersey_resident_working_in_montgomery_township_owes_no_eit_but_the_lst():
    """Montgomery Township (Franklin) levies 0% on non-residents: $1,000 x 0% = $0.00; its LST $52 / 52 = $1.00."""
    assert amounts(ctx(NEW_JERSEY, MONTGOMERY)) == {"PA-280402": D("0.00"), "PA-LST-280402": D("1.00")}


def test_cherry_tree_resident_working_in_marion_township_pays_a_ten_dollar_lst_rounded_down():
    """Cherry Tree 1% resident against Marion's 0.5%: $1,000 x 1% = $10.00; Marion's LST $10 / 52 = $0.1923...,
    rounded down to $0.19."""
    assert amounts(ctx(CHERRY_TREE, MARION)) == {"PA-170504": D("10.00"), "PA-LST-140203": D("0.19")}


def test_west_buffalo_resident_working_in_liberty_township_pays_no_lst():
    """West Buffalo 2.05% resident against Liberty's 1%: $1,000 x 2.05% = $20.50; Liberty levies no LST ($0 in the
    register), so no LST line."""
    assert amounts(ctx(WEST_BUFFALO, LIBERTY)) == {"PA-600209": D("20.50")}


def test_liberty_resident_paid_biweekly_working_in_cherry_tree():
    """$2,000.00 biweekly: Liberty 1.5% resident against Cherry Tree's 0.5%: $2,000 x 1.5% = $30.00; Cherry Tree's
    LST $10 / 26 = $0.3846..., rounded down to $0.38."""
    got = amounts(ctx(LIBERTY, CHERRY_TREE, gross="2000.00", periods=26))
    assert got == {"PA-010304": D("30.00"), "PA-LST-170504": D("0.38")}


def test_lst_exemption_certificate_withholds_nothing_in_spring_township():
    """The employee's low-income exemption certificate (earned income under $12,000): LST $0.00; the EIT is
    unchanged, $15.50."""
    got = amounts(ctx(SPRING, SPRING, cert={"lst_exempt": True}))
    assert got == {"PA-140204": D("15.50"), "PA-LST-140204": D("0.00")}


@pytest.mark.parametrize("home, work", [(SPRING, SPRING), (NEW_JERSEY, KANE), (LIBERTY, PGH)])
def test_2025_pay_dates_are_refused_by_name_not_withheld_as_zero(home, work):
    """The source dates the figures 2026 only: a 2025 pay date for these PSD codes is refused, naming the code."""
    with pytest.raises(UnsupportedLocality, match="2025"):
        compute_local_taxes(ctx(home, work, pay_date=date(2025, 3, 7)))


def test_the_added_psd_codes_name_their_source_and_date():
    codes = {"140204", "140104", "140203", "280402", "420204", "150705", "010304", "600209", "170504"}
    rules = {r.code: r for r in localities_for_year(2026)}
    for code in codes:
        eit = rules[f"PA-{code}"]
        assert eit.method == "pa_eit" and eit.unsupported is None and eit.confidence == "unconfirmed"
        assert eit.source_url.startswith("https://hiretaxnexus.com/municipality/pa/")
        assert "June 15, 2026" in eit.publication and any(code in u for u in eit.unconfirmed)
    # an LST over $10 carries Act 7's $12,000 exemption; $10 or less none; $0 no entry at all
    assert rules["PA-LST-140204"].params["low_income_exemption"] == D("12000")
    assert "low_income_exemption" not in rules["PA-LST-140203"].params
    assert "PA-LST-150705" not in rules and "PA-LST-010304" not in rules and "PA-LST-600209" not in rules
