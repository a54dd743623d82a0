"""Every figure and every explanation word of thousands of varied paychecks, written out so two versions of the
engine can be compared with `cmp` (issue 18: explanations deferred, the text identical when rendered).

Run: .venv/bin/python bench/bench_explanations.py [--n 5000] --out FILE [--tree DIR]
--tree takes the engine from another checkout (e.g. a worktree of the starting commit) with this script's
paychecks; then `cmp FILE_A FILE_B`.

The paychecks are bench_engine's 2026 mix (every covered state, employees and contractors, W-4 2020 and 2019,
pre- and post-tax deductions, year-to-date figures across the wage bases) with a quarter living in another state
than they work in (reciprocity, resident top-ups, the residence-state notes), one in ten on a 2025 pay date, one in
twelve with a Pennsylvania, Ohio, Michigan, New York City or Kentucky locality (local taxes), one in twenty
split across two work states (multistate.py) and one in ten with SUTA. Each line is written with its figures and
its rendered words; the dump ends with a count of lines and paychecks."""
from __future__ import annotations

import argparse
import os
import random
import sys
from dataclasses import replace
from datetime import date
from decimal import Decimal

_TREE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if "--tree" in sys.argv:                      # before any import of the engine: the checkout whose engine runs
    _TREE = os.path.abspath(sys.argv[sys.argv.index("--tree") + 1])
sys.path.insert(0, _TREE)
sys.path.insert(0, os.path.join(_TREE, "bench"))     # that checkout's bench_engine (the same paychecks)

from bench_engine import build_inputs  # noqa: E402

from backoffice.errors import DomainError  # noqa: E402
from payroll.engine import calculate_paycheck, tables_for  # noqa: E402
from payroll.engine.locals import locality_from_json  # noqa: E402
from payroll.engine.states import supported_states  # noqa: E402

LOCALITIES = ({"state": "PA", "psd_code": "700102"}, {"state": "PA", "psd_code": "510101"},
              {"state": "OH", "city": "Columbus", "school_district": "NONE"}, {"state": "MI", "city": "Detroit"},
              {"state": "NY", "city": "New York"}, {"state": "KY", "city": "Louisville"})


def varied_inputs(n: int, seed: int = 18):
    rng = random.Random(seed)
    base, states = build_inputs(n, seed=seed)
    covered_2025 = sorted(supported_states(2025))
    out = []
    for i, inp in enumerate(base):
        if inp.worker_type == "employee" and rng.random() < 0.25:
            inp = replace(inp, residence_state=rng.choice(states))
        if rng.random() < 0.1 and inp.work_state in covered_2025 and inp.residence_state in covered_2025:
            inp = replace(inp, pay_date=date(2025, inp.pay_date.month, min(inp.pay_date.day, 28)))
        if inp.worker_type == "employee" and rng.random() < 1 / 12:
            loc = rng.choice(LOCALITIES)
            inp = replace(inp, work_state=loc["state"], residence_state=loc["state"],
                          residence_locality=locality_from_json(loc), work_locality=locality_from_json(loc))
        elif inp.worker_type == "employee" and rng.random() < 0.05:
            other = rng.choice(states)
            inp = replace(inp, work_shares=((inp.work_state, Decimal(30)), (other, Decimal(10))))
        if inp.worker_type == "employee" and rng.random() < 0.1:
            inp = replace(inp, suta_rate=Decimal("0.027"))
        out.append(inp)
    return out


def dump(inputs, out) -> tuple[int, int]:
    tables = {y: tables_for(date(y, 1, 2)) for y in (2025, 2026)}
    paychecks = lines = 0
    for i, inp in enumerate(inputs):
        try:
            r = calculate_paycheck(inp, tables[inp.pay_date.year])
        except DomainError as exc:        # a combination a state does not cover: the message must match too
            out.write(f"#{i} refused: {exc}\n")
            continue
        paychecks += 1
        out.write(f"#{i} gross {r.gross} net {r.net} taxable {sorted(r.taxable_wages.items())} "
                  f"state_wages {sorted(r.state_wages.items())} local_wages {sorted(r.local_wages.items())} "
                  f"ytd {r.ytd}\n")
        for kind, group in (("earning", r.earnings), ("employee_tax", r.employee_taxes),
                            ("employer_tax", r.employer_taxes), ("deduction", r.deductions),
                            ("contribution", r.employer_contributions)):
            for line in group:
                lines += 1
                out.write(f"  {kind} {line.code} {line.state or ''} {line.locality or ''} {line.amount}\n")
                for text in line.explanation:
                    out.write(f"    {text}\n")
    out.write(f"{paychecks} paychecks, {lines} lines\n")
    return paychecks, lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=5000)
    ap.add_argument("--out", required=True)
    ap.add_argument("--tree", help="the checkout whose engine computes (default: this script's)")
    args = ap.parse_args()
    with open(args.out, "w") as out:
        paychecks, lines = dump(varied_inputs(args.n), out)
    import payroll
    print(f"{paychecks} paychecks, {lines} lines, every explanation rendered: {args.out} "
          f"(engine from {os.path.dirname(os.path.dirname(payroll.__file__))})")


if __name__ == "__main__":
    main()
