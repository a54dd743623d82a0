"""A filing's lifecycle (draft → reviewed → final → filed → amended) with a toy form whose figures the test sets:
refresh only while draft, the hash locks final content (the database refuses a change), a correction is a new
filing made from the differences, and the original's content is untouched."""
from __future__ import annotations

import pytest

from backoffice.errors import DomainError
from backoffice.extensions import db
from compliance import registry, services as svc
from compliance.models import Filing

FIGURES = {"total": "100.00"}


def _toy_spec():
    return registry.FormSpec(
        code="toy", title="Toy form", gather=lambda year, period: dict(FIGURES), build=lambda data: dict(data),
        summary=lambda c: f"total {c['total']}", correction_form="toy-x",
        correct=lambda filed, now: None if filed == now else {
            "original": filed, "corrected": now,
            "difference": f"{float(now['total']) - float(filed['total']):.2f}"})  # toy: the test's figures only


@pytest.fixture
def toy(db, monkeypatch):
    registry.specs()         # import the real forms first
    monkeypatch.setitem(registry._SPECS, "toy", _toy_spec())
    monkeypatch.setitem(FIGURES, "total", "100.00")
    return "toy"


def test_build_then_lifecycle_then_correction(toy, monkeypatch):
    r = svc.build_year(2025, ["toy"])[0]
    assert (r.action, r.status, r.summary) == ("created", "draft", "total 100.00")
    assert svc.build_year(2025, ["toy"])[0].action == "unchanged"
    monkeypatch.setitem(FIGURES, "total", "120.00")
    assert svc.build_year(2025, ["toy"])[0].action == "refreshed"

    f = svc.review(r.filing_id)
    assert f.status == "reviewed"
    monkeypatch.setitem(FIGURES, "total", "100.00")
    back = svc.build_year(2025, ["toy"])[0]
    assert (back.action, back.status) == ("back_to_draft", "draft")     # reviewed figures changed: review again

    svc.review(r.filing_id)
    f = svc.finalize(r.filing_id)
    assert f.status == "final" and len(f.content_hash) == 64
    assert f.content_hash == svc.content_hash({"total": "100.00"})

    monkeypatch.setitem(FIGURES, "total", "90.00")
    assert svc.build_year(2025, ["toy"])[0].action == "locked_differs"
    with pytest.raises(DomainError) as e:                      # only a filed return is corrected
        svc.correct(r.filing_id)
    assert "file it" in e.value.message or "filed" in e.value.message

    f.content = {"total": "1.00"}                              # the lock is the ORM's, not the caller's good will
    with pytest.raises(DomainError, match="locked"):
        db.session.flush()
    db.session.rollback()

    f = svc.mark_filed(r.filing_id, "IRS-ACK-123")
    assert (f.status, f.confirmation) == ("filed", "IRS-ACK-123")
    c = svc.correct(r.filing_id)
    original = db.session.get(Filing, r.filing_id)
    assert original.status == "amended" and original.content == {"total": "100.00"}
    assert (c.revision, c.amends_id, c.status) == (1, original.id, "draft")
    assert c.content["difference"] == "-10.00" and c.content["corrected"] == {"total": "90.00"}


def test_marking_filed_needs_a_confirmation(toy):
    r = svc.build_year(2025, ["toy"])[0]
    svc.review(r.filing_id)
    svc.finalize(r.filing_id)
    with pytest.raises(DomainError) as e:
        svc.mark_filed(r.filing_id, "  ")
    assert e.value.as_dict()["issues"][0]["field"] == "confirmation"
