"""Print line coverage per package from the .coverage data and fail below the floors in setup.cfg."""
from __future__ import annotations

import configparser
import sys
from pathlib import Path

import coverage

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("backoffice", "payroll", "reports", "benefits", "compliance")


def package_of(path: Path) -> list[str]:
    """The package and, for a file in a sub-package, that sub-package too: ["payroll", "payroll.engine"]."""
    parts = path.relative_to(ROOT).with_suffix("").parts
    names = [parts[0]]
    if len(parts) > 2:
        names.append(".".join(parts[:2]))
    return names


def main() -> int:
    cov = coverage.Coverage(config_file=str(ROOT / "setup.cfg"), data_file=str(ROOT / ".coverage"))
    cov.load()
    totals: dict[str, list[int]] = {}
    for pkg in PACKAGES:
        for path in sorted((ROOT / pkg).rglob("*.py")):
            _, statements, _, missing, _ = cov.analysis2(str(path))
            for name in package_of(path) + ["TOTAL"]:
                t = totals.setdefault(name, [0, 0])
                t[0] += len(statements)
                t[1] += len(missing)
    cfg = configparser.ConfigParser(inline_comment_prefixes=("#",))
    cfg.read(ROOT / "setup.cfg")
    floors = {k: float(v) for k, v in cfg["coverage_floors"].items()} if cfg.has_section("coverage_floors") else {}
    floors["total"] = float(cfg.get("coverage:report", "fail_under", fallback="0"))
    failed = []
    print(f"{'package':<28}{'lines':>8}{'missed':>8}{'cover':>8}{'floor':>8}")
    for name in sorted(totals, key=lambda n: (n == "TOTAL", n)):
        lines, missed = totals[name]
        pct = 100.0 * (lines - missed) / lines if lines else 100.0
        floor = floors.get(name.lower())
        mark = ""
        if floor is not None and pct < floor:
            failed.append(name)
            mark = "  BELOW FLOOR"
        print(f"{name:<28}{lines:>8}{missed:>8}{pct:>7.1f}%{'' if floor is None else f'{floor:>7.1f}%':>8}{mark}")
    if failed:
        print(f"coverage below the floor (setup.cfg [coverage_floors]): {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
