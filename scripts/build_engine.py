"""Compile the house's hot modules (the payroll and leave engines) with mypyc into build/engine/, when their sources
changed.

Run: .venv/bin/python scripts/build_engine.py [--force] [--clean]
scripts/run and scripts/test call it after installing the venv. It never fails the caller: when mypy cannot be
installed, the C compiler or Python's headers are missing, or the modules do not type-check, it says so and the
engine runs as pure Python (backoffice/compiled.py loads a build only when it matches the sources).
The modules are backoffice.compiled.HOT_MODULES; the mypy pin is setup.cfg's `compiled` extra; the type-check
settings are setup.cfg's [mypy] section. docs/compiled-engine.md.
"""
from __future__ import annotations

import argparse
import configparser
import importlib.machinery
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from backoffice import compiled as ce  # noqa: E402

LOG = ROOT / "build" / "engine-build.log"
WORK = ROOT / "build" / "engine-work"


def say(message: str) -> None:
    print(f"engine build: {message}", flush=True)


def mypy_requirement() -> str:
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg")
    return cfg["options.extras_require"]["compiled"].strip()


def ensure_mypy() -> str | None:
    """The installed mypy version (installing setup.cfg's pin when another or none is there); None if it cannot."""
    wanted = mypy_requirement()                                  # e.g. mypy==2.4.1
    version = wanted.split("==", 1)[1] if "==" in wanted else None
    try:
        from importlib.metadata import version as installed
        if version is None or installed("mypy") == version:
            return installed("mypy")
    except Exception:  # noqa: BLE001 - not installed (or unreadable metadata): install it below
        pass
    say(f"installing {wanted}")
    done = subprocess.run([sys.executable, "-m", "pip", "install", "-q", wanted], capture_output=True, text=True)
    if done.returncode != 0:
        say(f"could not install {wanted}: {done.stderr.strip()[-300:]}")
        return None
    from importlib.metadata import version as installed
    return installed("mypy")


def prerequisites() -> str | None:
    """Why a build cannot run here, or None."""
    if shutil.which(sysconfig.get_config_var("CC").split()[0] if sysconfig.get_config_var("CC") else "cc") is None:
        return "no C compiler (Debian: apt-get install gcc)"
    include = sysconfig.get_paths()["include"]
    if not (Path(include) / "Python.h").is_file():
        return f"no Python headers in {include} (Debian: apt-get install python3-dev)"
    return None


def build(mypy_version: str) -> None:
    """Compile into a fresh work folder, then swap it in as build/engine/ with its manifest written last."""
    sources = [str(ce.source_path(m).relative_to(ROOT)) for m in ce.HOT_MODULES]
    hashes = ce.source_hashes()
    shutil.rmtree(WORK, ignore_errors=True)
    out = WORK / "out"
    setup_py = WORK / "setup.py"
    WORK.mkdir(parents=True)
    # One group named payroll_engine: its shared module is payroll_engine__mypyc; multi_file lets the two cores
    # compile the C in parallel.
    setup_py.write_text(
        "from setuptools import setup\n"
        "from mypyc.build import mypycify\n"
        f"setup(name='payroll-engine-compiled', ext_modules=mypycify({sources!r}, opt_level='3', multi_file=True,"
        f" group_name='payroll_engine', target_dir={str(WORK / 'c')!r}))\n")
    cmd = [sys.executable, str(setup_py), "-q", "build_ext", "--build-lib", str(out), "--build-temp",
           str(WORK / "tmp"), "--parallel", str(os.cpu_count() or 1)]
    with open(LOG, "w") as log:
        done = subprocess.run(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    if done.returncode != 0:
        raise RuntimeError(f"mypyc failed (exit {done.returncode}); the last lines of {LOG.relative_to(ROOT)}:\n"
                           + "\n".join(LOG.read_text().splitlines()[-15:]))
    suffix = importlib.machinery.EXTENSION_SUFFIXES[0]
    binaries = {}
    for path in out.rglob(f"*{suffix}"):
        rel = path.relative_to(out)
        parts = list(rel.parts)
        parts[-1] = parts[-1][: -len(suffix)]
        if parts[-1] == "__init__":
            parts.pop()
        binaries[".".join(parts)] = str(rel)
    missing = [m for m in ce.HOT_MODULES if m not in binaries]
    if missing:
        raise RuntimeError(f"the build made no module for {', '.join(missing)}")
    manifest = {"mypy": mypy_version, "ext_suffix": suffix, "sources": hashes, "binaries": binaries,
                "built": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    if ce.source_hashes() != hashes:
        raise RuntimeError("the sources changed during the build; run it again")
    shutil.rmtree(ce.BUILD_DIR, ignore_errors=True)
    out.rename(ce.BUILD_DIR)
    (ce.BUILD_DIR / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True))
    shutil.rmtree(WORK, ignore_errors=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--force", action="store_true", help="rebuild even when the build matches the sources")
    ap.add_argument("--clean", action="store_true", help="remove the build (the engine then runs as pure Python)")
    args = ap.parse_args()
    if args.clean:
        shutil.rmtree(ce.BUILD_DIR, ignore_errors=True)
        say("removed build/engine/: the engine runs as pure Python")
        return 0
    if not args.force and ce.MANIFEST.is_file():
        try:
            if ce.build_matches(json.loads(ce.MANIFEST.read_text())) is None:
                say("up to date (compiled)")
                return 0
        except (OSError, ValueError):
            pass
    why_not = prerequisites()
    version = None if why_not else ensure_mypy()
    if why_not is None and version is None:
        why_not = "mypy is not installed"
    if why_not:
        say(f"skipped, {why_not}: the engine runs as pure Python")
        return 0
    LOG.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    try:
        build(version)
    except Exception as exc:  # noqa: BLE001 - any failure leaves the pure Python engine in use, said here
        shutil.rmtree(ce.BUILD_DIR, ignore_errors=True)
        say(f"FAILED, the engine runs as pure Python: {exc}")
        return 0
    say(f"compiled {len(ce.HOT_MODULES)} modules with mypyc {version} in {time.perf_counter() - start:.0f} s "
        f"(build/engine/; BACKOFFICE_PURE_ENGINE=1 runs the pure Python)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
