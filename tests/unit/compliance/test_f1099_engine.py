"""Form 1099-NEC builder: who is reported (the year's threshold, backup withholding regardless of amount), the
boxes and totals, and the corrected return made from the differences."""
from __future__ import annotations

from decimal import Decimal

import pytest

from backoffice.errors import DomainError
from compliance.engine import f1099
from compliance.engine.f1099 import Contractor, StateAmount


def _c(wid, name, box1, box4="0", tin_type="SSN", last4="1111", states=()):
    return Contractor(worker_id=wid, name=name, tin_type=tin_type, tin_last4=last4, address=f"{wid} Oak St",
                      city="Denver", state="CO", zip="80202", box1=Decimal(box1), box4=Decimal(box4),
                      states=tuple(states))


SMALL_YEAR = [
    _c(1, "Ana Over", "1250.00"),                                         # over $600: reported
    _c(2, "Ben Under", "450.00"),                                         # under, no withholding: not reported
    _c(3, "Cole Design LLC", "500.00", box4="120.00", tin_type="EIN", last4="4567"),   # under, 24% backup: reported
]


def test_the_2025_threshold_is_600_and_2026_is_2000_with_their_sources():
    assert f1099.threshold(2025).amount == Decimal("600")
    assert f1099.threshold(2026).amount == Decimal("2000")
    assert "70433" in f1099.threshold(2026).source and "6041" in f1099.threshold(2025).source
    with pytest.raises(DomainError) as e:
        f1099.threshold(2027)                # indexed from 2027: refused until the figure is on file
    assert e.value.code == "no_threshold"


def test_small_year_reports_the_one_over_and_the_one_under_with_backup_withholding():
    """Threshold $600 (2025). Ana 1,250.00 ≥ 600 → reported. Ben 450.00 < 600, no box 4 → not reported.
    Cole 500.00 < 600 but 120.00 backup withholding (24% × 500) → reported regardless of amount.
    Totals: 2 recipients, box 1 = 1,250.00 + 500.00 = 1,750.00, box 4 = 120.00; not reported 1 (450.00)."""
    c = f1099.build(2025, SMALL_YEAR)
    assert [r["name"] for r in c["recipients"]] == ["Ana Over", "Cole Design LLC"]
    ana, cole = c["recipients"]
    assert (ana["box1"], ana["box4"], ana["tin_type"], ana["tin_last4"], ana["tin_missing"]) == \
        ("1250.00", "0.00", "SSN", "1111", False)
    assert (cole["box1"], cole["box4"], cole["tin_type"]) == ("500.00", "120.00", "EIN")
    assert c["threshold"] == "600.00"
    assert c["totals"] == {"count": 2, "box1": "1750.00", "box4": "120.00"}
    assert c["not_reported"] == {"count": 1, "box1": "450.00"}
    assert set(ana) >= {"worker_id", "name", "tin_type", "tin_last4", "address", "city", "state", "zip", "box1",
                        "box4", "tin_missing"}


@pytest.mark.parametrize("year, box1, reported", [
    (2025, "600.00", True), (2025, "599.99", False),            # "$600 or more"
    (2026, "1999.99", False), (2026, "2000.00", True), (2026, "1500.00", False),
])
def test_the_threshold_is_inclusive(year, box1, reported):
    c = f1099.build(year, [_c(9, "Dee Edge", box1)])
    assert (c["totals"]["count"] == 1) is reported


def test_a_contractor_without_a_tin_is_flagged_and_state_boxes_appear_only_with_state_figures():
    """No TIN → tin_missing (the checks flag it). State row: CA withheld 70.00 on 1,000.00 income (boxes 5, 7),
    box 6 the payer's state number; an all-zero state row is left off."""
    c = f1099.build(2025, [_c(4, "Eve Notin", "1000.00", last4="",
                              states=[StateAmount("CA", Decimal("70.00"), Decimal("1000.00"), "123-4567-8"),
                                      StateAmount("NY", Decimal("0"), Decimal("0"))])])
    (r,) = c["recipients"]
    assert r["tin_missing"] is True and c["tin_missing"] == 1
    assert r["states"] == [{"state": "CA", "box5": "70.00", "box6": "123-4567-8", "box7": "1000.00"}]


def test_correction_lists_changed_and_voided_recipients_and_late_originals_and_none_when_equal():
    """Filed: Ana 1,250.00, Cole 500.00/120.00. Now: Ana 1,000.00 (a 250.00 payment reversed → G with the new
    figures), Cole unchanged (not on the correction), Ben raised to 700.00 (not filed before → late original).
    Then Cole falls to 0 box 4 and 500.00 < 600 → no longer reportable → corrected to zero (void)."""
    filed = f1099.build(2025, SMALL_YEAR)
    assert f1099.correct(filed, filed) is None
    now = f1099.build(2025, [_c(1, "Ana Over", "1000.00"), _c(2, "Ben Under", "700.00"), SMALL_YEAR[2]])
    fix = f1099.correct(filed, now)
    assert [(r["name"], r["box1"], r["corrected"], r["change"]) for r in fix["recipients"]] == \
        [("Ana Over", "1000.00", "G", "amounts")]
    assert fix["recipients"][0]["prior"]["box1"] == "1250.00"
    assert [r["name"] for r in fix["late_originals"]] == ["Ben Under"]
    assert fix["corrected"] == now and fix["kind"] == "corrected"

    gone = f1099.build(2025, [SMALL_YEAR[0], _c(3, "Cole Design LLC", "500.00", tin_type="EIN", last4="4567")])
    fix = f1099.correct(filed, gone)
    (v,) = fix["recipients"]
    assert (v["name"], v["box1"], v["box4"], v["change"], v["corrected"]) == \
        ("Cole Design LLC", "0.00", "0.00", "void", "G")
    assert fix["totals"] == {"count": 1, "box1": "0.00", "box4": "0.00"}
