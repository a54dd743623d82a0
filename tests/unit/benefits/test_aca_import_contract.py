"""benefits never imports compliance (the filings domain reads the ACA records, not the other way): the
import-linter contract says so in setup.cfg, and no module of benefits, the ACA ones included, has such an import."""
from __future__ import annotations

import ast
import configparser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_the_contract_forbids_benefits_to_import_compliance():
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg")
    contract = cfg["importlinter:contract:benefits-compliance"]
    assert contract["type"] == "forbidden"
    assert contract["source_modules"].split() == ["benefits"]
    assert contract["forbidden_modules"].split() == ["compliance"]
    layers = cfg["importlinter:contract:domain-layers"]["layers"]
    assert "(aca_services)" in layers and "(aca_models)" in layers and "(aca_admin)" in layers


def test_no_benefits_module_imports_compliance():
    offenders = []
    files = sorted((ROOT / "benefits").rglob("*.py"))
    assert any(f.name == "aca_services.py" for f in files)
    for path in files:
        for node in ast.walk(ast.parse(path.read_text())):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if any(n == "compliance" or n.startswith("compliance.") for n in names):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
