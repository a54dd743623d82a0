"""Rule versions within a tax year (XX.json plus dated XX@YYYY-MM-DD.json files): ordering, gaps, overlaps."""
from __future__ import annotations

import json
from datetime import date

import pytest

from payroll.engine.states import rules as rules_module

BASE = {"publication": "test publication", "source_url": "https://example.test/", "programs": [],
        "income_tax": {"method": "flat", "rate": "0.05", "certificate_form": "T-4"}}


def _write(folder, name, **fields):
    raw = dict(BASE, state="UT", tax_year=2030, **fields)
    (folder / f"{name}.json").write_text(json.dumps(raw))


@pytest.fixture
def data_root(tmp_path, monkeypatch):
    folder = tmp_path / "2030" / "states"
    folder.mkdir(parents=True)
    monkeypatch.setattr(rules_module, "DATA_ROOT", tmp_path)
    return folder


def test_versions_are_ordered_and_picked_by_pay_date(data_root):
    _write(data_root, "UT", effective_until="2030-04-30")
    _write(data_root, "UT@2030-07-01", effective_from="2030-07-01")
    versions = rules_module.versions_for_year.__wrapped__(2030)["UT"]
    assert [v.effective_from for v in versions] == [None, date(2030, 7, 1)]
    assert rules_module.covers(versions[0], date(2030, 4, 30)) and not rules_module.covers(versions[0], date(2030, 5, 1))
    assert rules_module.covers(versions[1], date(2030, 7, 1)) and not rules_module.covers(versions[1], date(2030, 6, 30))


def test_overlapping_versions_are_rejected(data_root):
    _write(data_root, "UT", effective_until="2030-07-15")
    _write(data_root, "UT@2030-07-01", effective_from="2030-07-01")
    with pytest.raises(ValueError, match="overlap"):
        rules_module.versions_for_year.__wrapped__(2030)


def test_a_dated_file_must_start_on_its_date(data_root):
    _write(data_root, "UT", effective_until="2030-04-30")
    _write(data_root, "UT@2030-07-01", effective_from="2030-08-01")
    with pytest.raises(ValueError, match="effective_from 2030-07-01"):
        rules_module.versions_for_year.__wrapped__(2030)
