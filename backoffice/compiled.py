"""Loads the compiled (mypyc) build of the house's hot modules (the payroll and leave engines) when it matches their
sources.

The same .py files are the one implementation: scripts/build_engine.py compiles the modules in HOT_MODULES with
mypyc into build/engine/ (outside the source tree) and writes a manifest of each source's SHA-256. When `backoffice`
is imported — first, by every module of the house (payroll's package imports it too) — `install()` checks that
manifest against the sources on disk and, only when every one matches, puts a finder first on sys.meta_path that
loads those modules from their compiled files; every other module, and every module when anything does not match,
is the ordinary Python. So an edited engine file runs as pure Python until the next build — never stale compiled
code. BACKOFFICE_PURE_ENGINE=1 forces pure Python (profiling with py-spy or cProfile in Python terms, line
coverage); deleting build/engine/ does the same. Standard library only: it is imported before anything else of the
house. docs/compiled-engine.md.

The environment is read here, at import time, because the choice has to be made before the engines' modules load:
it is a switch of the import machinery (like PYTHONDONTWRITEBYTECODE), not application configuration.
"""
from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import json
import os
import sys
from pathlib import Path

# The hot paths of calculate_paycheck (bench/bench_engine.py --profile) and of the leave accrual. Modules left out on
# purpose: model.py (its records get a generated __init__ by quick_init and are pickled between processes: they stay
# ordinary classes), locals/rules.py (parsing, cached per year; its records stay ordinary classes).
HOT_MODULES = (
    "payroll.engine.paycheck",
    "payroll.engine.hotpath",
    "payroll.engine.tables",
    "payroll.engine.deductions",
    "payroll.engine.federal",
    "payroll.engine.earnings",
    "payroll.engine.contributions",
    "payroll.engine.states",
    "payroll.engine.states.income",
    "payroll.engine.states.inputs",
    "payroll.engine.states.multistate",
    # the state rules records (parsed once a year, read ~40 times a paycheck: native, their fields are read in C)
    "payroll.engine.states.rules",
    # the per-state methods (5-10% of the time as Python; income.py imports them all)
    "payroll.engine.states.period_methods",
    "payroll.engine.states.methods_sta",
    "payroll.engine.states.methods_sta2",
    "payroll.engine.states.methods_stb",
    "payroll.engine.states.methods_stb2",
    "payroll.engine.states.methods_stc",
    "payroll.engine.states.methods_std",
    "payroll.engine.states.methods_gapb",
    "payroll.engine.states.ca_period",
    "payroll.engine.states.ny_period",
    "payroll.engine.states.period_flat",
    # a run's workweeks (bench/bench_payroll_run.py --profile: compute_workweek was the calculation's largest Python
    # after the paycheck engine)
    "payroll.engine.workweek",
    # a run's calculation around the engines (session 17: ~40% of a chunk's CPU was this Python, once per worker of
    # every run): the earnings from the rows (worktime), the engine input built and read back (paycheck_inputs), the
    # chunk's loop and its COPY rows (calc) and their helpers (common). Their SQL runs through SQLAlchemy as before.
    "payroll.services.worktime",
    "payroll.services.paycheck_inputs",
    "payroll.services.calc",
    "payroll.services.common",          # cents(), plain_rows, bulk_insert's loop: called from the three above
    # the local taxes (session 16: a run's every paycheck has a home and a work place; its records are quick_init
    # classes and stay ordinary Python classes)
    "payroll.engine.locals",
    # the sick-leave law engine (accrue: once per worker and law in an approval's chunks)
    "backoffice.leave.engine",
    # the run's accrual around it (session 22: a third of the approval chunks' Python was this module's own loops,
    # once per worker and law) and the stored explanation it builds for each accrual (`compact`). Their SQL runs
    # through SQLAlchemy as before.
    "backoffice.leave.accrual_services",
    "backoffice.leave.explanations",
)
ROOT = Path(__file__).resolve().parent.parent          # the checkout: backoffice/ sits at its top
BUILD_DIR = ROOT / "build" / "engine"
MANIFEST = BUILD_DIR / "manifest.json"
PURE_ENV = "BACKOFFICE_PURE_ENGINE"

status = "pure Python (not checked yet)"                  # what install() decided, for logs and benchmarks


def source_path(module: str) -> Path:
    """The .py file of a module in HOT_MODULES (a package's is its __init__.py)."""
    base = ROOT.joinpath(*module.split("."))
    return base / "__init__.py" if base.is_dir() else base.with_suffix(".py")


def source_hashes() -> dict[str, str]:
    """SHA-256 of each hot module's source, as the build records them."""
    return {m: hashlib.sha256(source_path(m).read_bytes()).hexdigest() for m in HOT_MODULES}


def build_matches(manifest: dict) -> str | None:
    """None when `manifest` (build/engine/manifest.json) fits this interpreter and these sources; else why not."""
    if manifest.get("ext_suffix") != importlib.machinery.EXTENSION_SUFFIXES[0]:
        return "built for another Python"
    if manifest.get("sources") != source_hashes():
        return "the engine's sources changed since the build (scripts/build_engine.py rebuilds it)"
    return None


class _CompiledFinder:
    """Finds the compiled modules (and mypyc's shared runtime module) in build/engine/; None for anything else."""

    def __init__(self, binaries: dict[str, Path]):
        self.binaries = binaries

    def find_spec(self, name, path=None, target=None):
        binary = self.binaries.get(name)
        if binary is None:
            # mypyc gives a compiled package the folder of its compiled file as __path__: its other submodules
            # (payroll.engine.states.rules, ...) are looked for in the matching source folder instead
            build = str(BUILD_DIR)
            if path and any(str(p).startswith(build) for p in path):
                sources = [str(ROOT / Path(p).relative_to(BUILD_DIR)) if str(p).startswith(build) else p
                           for p in path]
                return importlib.machinery.PathFinder.find_spec(name, sources, target)
            return None
        loader = importlib.machinery.ExtensionFileLoader(name, str(binary))
        package_dir = [str(binary.parent)] if source_path(name).name == "__init__.py" else None
        return importlib.util.spec_from_file_location(name, str(binary), loader=loader,
                                                      submodule_search_locations=package_dir)

    def invalidate_caches(self) -> None:
        pass


def install() -> str:
    """Use the compiled build if it is there, current and not switched off; returns (and keeps in `status`) which."""
    global status
    if any(isinstance(f, _CompiledFinder) for f in sys.meta_path):
        return status
    if os.environ.get(PURE_ENV, "") not in ("", "0"):
        status = f"pure Python ({PURE_ENV} is set)"
        return status
    try:
        manifest = json.loads(MANIFEST.read_text())
        why_not = build_matches(manifest)
        binaries = {name: BUILD_DIR / rel for name, rel in manifest["binaries"].items()}
        if why_not is None and not all(p.is_file() for p in binaries.values()):
            why_not = "a compiled file is missing"
    except FileNotFoundError:
        why_not = "no compiled build (scripts/build_engine.py makes one)"
    except (OSError, ValueError, KeyError, TypeError) as exc:
        why_not = f"unreadable build manifest ({exc})"
    if why_not is not None:
        status = f"pure Python: {why_not}"
        return status
    sys.meta_path.insert(0, _CompiledFinder(binaries))
    status = f"compiled (mypyc {manifest.get('mypy', '?')}): {', '.join(HOT_MODULES)}"
    return status


def loaded_compiled() -> list[str]:
    """The hot modules imported so far from their compiled files."""
    return [m for m in HOT_MODULES
            if m in sys.modules and str(getattr(sys.modules[m], "__file__", "")).startswith(str(BUILD_DIR))]
