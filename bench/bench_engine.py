"""Benchmark: the payroll engine on 100,000 varied paychecks, reported as paychecks per second per core.

Run: .venv/bin/python bench/bench_engine.py [--n 100000] [--mix run] [--render] [--profile] [--against DIR [--rounds 3]]
One process (one core); per-core speed is paychecks ÷ the process's CPU seconds (the wall-clock rate is printed too,
it drops when other work shares the machine). Inputs are built before the clock starts; tables are loaded once, as in
a payroll run.
--render also turns every line's explanation into text (what a paystub or the quote API does).
--against DIR runs DIR's own bench/bench_engine.py (another checkout, e.g. the starting commit) and this one in turn,
--rounds times each, with and without --render, and prints both per-core figures side by side (best and median):
on a shared machine only figures taken in the same minutes compare.
--mix run builds the payroll run's inputs instead (bench/bench_payroll_run.py's workers: every paycheck has a home and
a work locality, so it goes through the local taxes); with --against, this file drives both checkouts' engines (an
older checkout's bench has no --mix), each in its own process with its own code (BENCH_ENGINE_TREE)."""
from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import date, timedelta
from decimal import Decimal

sys.path.insert(0, os.environ.get("BENCH_ENGINE_TREE") or os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from backoffice.periods import PayFrequency  # noqa: E402
from payroll.engine import (Deduction, Earning, PaycheckInput, W4, W4Legacy, YearToDate,  # noqa: E402
                            calculate_paycheck, tables_for)
from payroll.engine.locals import Locality  # noqa: E402
from payroll.engine.states import supported_states  # noqa: E402

NO_INCOME_TAX = ("TX", "FL", "WA", "NV", "SD", "TN", "WY", "AK", "NH")


def build_inputs(n: int, seed: int = 2026) -> tuple[list[PaycheckInput], list[str]]:
    rng = random.Random(seed)
    covered = supported_states(2026)
    states = sorted(covered)
    freqs = [PayFrequency.WEEKLY, PayFrequency.BIWEEKLY, PayFrequency.SEMIMONTHLY, PayFrequency.MONTHLY]
    statuses = ["single", "married_jointly", "head_of_household"]
    D = Decimal
    inputs = []
    for i in range(n):
        freq = rng.choice(freqs)
        state = rng.choice(states)
        contractor = rng.random() < 0.1
        rate = D(rng.randint(1500, 9000)) / 100
        earnings = [Earning("regular", hours=D(rng.choice([32, 40, 40, 40, 80, 80])), rate=rate)]
        if rng.random() < 0.3:
            earnings.append(Earning("overtime", hours=D(rng.randint(1, 12)), rate=rate * D("1.5")))
        if rng.random() < 0.1:
            earnings.append(Earning("bonus", amount=D(rng.randint(100, 5000))))
        if rng.random() < 0.05:
            earnings.append(Earning("reimbursement", amount=D(rng.randint(10, 300))))
        if rng.random() < 0.7:
            w4 = W4(rng.choice(statuses), step2_checkbox=rng.random() < 0.2,
                    step3_credits=D(rng.choice([0, 0, 2000, 4000])), step4c_extra=D(rng.choice([0, 0, 0, 20])))
        else:
            w4 = W4Legacy(rng.choice(["single", "married"]), allowances=rng.randint(0, 4))
        pretax = []
        posttax = []
        if not contractor:
            if rng.random() < 0.5:
                pretax.append(Deduction("401k", D(rng.randint(20, 400))))
            if rng.random() < 0.4:
                pretax.append(Deduction("section125", D(rng.randint(20, 200))))
            if rng.random() < 0.1:
                pretax.append(Deduction("hsa", D(rng.randint(20, 150))))
            if rng.random() < 0.1:
                posttax.append(Deduction("roth_401k", D(rng.randint(20, 200))))
            if rng.random() < 0.03:
                posttax.append(Deduction("garnishment", D(rng.randint(20, 200))))
        ytd_gross = D(rng.randint(0, 250000))
        ytd = YearToDate(gross=ytd_gross, federal_wages=ytd_gross, social_security_wages=min(ytd_gross, D(184500)),
                         medicare_wages=ytd_gross, futa_wages=min(ytd_gross, D(7000)),
                         deferrals_401k=D(rng.randint(0, 24000)))
        inputs.append(PaycheckInput(
            pay_date=date(2026, 1, 2) + timedelta(days=rng.randint(0, 360)), pay_frequency=freq,
            worker_type="contractor" if contractor else "employee", work_state=state, residence_state=state,
            birth_date=date(rng.randint(1960, 2004), rng.randint(1, 12), rng.randint(1, 28)),
            earnings=tuple(earnings), w4=None if contractor else w4, pretax_deductions=tuple(pretax),
            posttax_deductions=tuple(posttax), ytd=ytd, tin_missing_or_flagged=contractor and rng.random() < 0.2))
    return inputs, states


# bench/bench_payroll_run.py's STATES, in its order: worker i lives and works in RUN_STATES[i % 8]
RUN_STATES = ("TX", "CA", "NY", "FL", "WA", "CO", "IL", "PA")


def build_run_inputs(n: int, seed: int = 2026) -> tuple[list[PaycheckInput], list[str]]:
    """The inputs a regular run of bench/bench_payroll_run.py stores (worker i = 1..n): every fourth a contractor, one
    employee in ten salaried, the others hourly over two weeks of 40 + i % 7 hours; biweekly, paid 2026-11-27; a home
    (the worker's city, Pittsburgh with its PSD code in Pennsylvania, else Austin) and a work place (the work state;
    Pittsburgh and its PSD code in Pennsylvania) on every paycheck, as `paycheck_inputs.locality_input` gives them."""
    rng = random.Random(seed)
    D = Decimal
    inputs = []
    places: dict[Locality, Locality] = {}      # one record a place, as the run's input_from_json keeps them
    for i in range(1, n + 1):
        st = RUN_STATES[i % len(RUN_STATES)]
        contractor = i % 4 == 0
        pa = st == "PA"
        home = Locality(state=st, city="Pittsburgh" if pa else "Austin", psd_code="700102" if pa else "")
        work = Locality(state=st, city="Pittsburgh", psd_code="700102") if pa else Locality(state=st)
        home, work = places.setdefault(home, home), places.setdefault(work, work)
        if not contractor and i % 10 == 1:
            earnings = (Earning("salary", amount=(D(52000 + (i % 50) * 1000) / 26).quantize(D("0.01"))),)
        else:
            rate = D(1800 + i % 4000) / 100
            hours = 2 * (40 + i % 7)
            earnings = ((Earning("regular", hours=D(80), rate=rate),) if hours == 80 else
                        (Earning("regular", hours=D(80), rate=rate),
                         Earning("overtime", hours=D(hours - 80), rate=rate * D("1.5"))))
        inputs.append(PaycheckInput(
            pay_date=date(2026, 11, 27), pay_frequency=PayFrequency.BIWEEKLY,
            worker_type="contractor" if contractor else "employee", work_state=st, residence_state=st,
            birth_date=date(1980, 1, 1) + timedelta(days=i % 9000), earnings=earnings,
            w4=None if contractor else W4(rng.choice(("single", "married_jointly"))), ytd=YearToDate(),
            residence_locality=home, work_locality=work))
    return inputs, list(RUN_STATES)


def run(inputs, render: bool) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process) for computing every paycheck."""
    tables = tables_for(date(2026, 1, 2))
    start, cpu_start = time.perf_counter(), time.process_time()
    if render:
        for inp in inputs:
            r = calculate_paycheck(inp, tables)
            for line in r.earnings + r.employee_taxes + r.employer_taxes + r.deductions:
                line.explanation
    else:
        for inp in inputs:
            calculate_paycheck(inp, tables)
    return time.perf_counter() - start, time.process_time() - cpu_start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--render", action="store_true", help="also render every explanation to text")
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--against", metavar="DIR", help="another checkout to measure side by side with this one")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--mix", choices=("varied", "run"), default="varied",
                    help="varied: 100,000 varied paychecks (the default); run: the payroll run's, with localities")
    args = ap.parse_args()
    if args.against:
        side_by_side(args.against, args.n, args.rounds, args.mix)
        return
    inputs, states = (build_run_inputs if args.mix == "run" else build_inputs)(args.n)
    run(inputs[:2000], args.render)       # warm-up: imports, caches
    if args.profile:
        import backoffice.compiled as compiled
        if compiled.loaded_compiled():
            print("note: the compiled build is in use, cProfile sees each compiled module's function as one call; "
                  "BACKOFFICE_PURE_ENGINE=1 profiles the Python (docs/compiled-engine.md)")
        import cProfile
        import pstats
        cProfile.runctx("run(inputs, args.render)", globals(), {"run": run, "inputs": inputs, "args": args},
                        "/tmp/bench_engine.prof")
        pstats.Stats("/tmp/bench_engine.prof").sort_stats("tottime").print_stats(25)
        return
    wall, cpu = run(inputs, args.render)
    from backoffice.compiled import status
    print(f"engine: {status}")
    if args.mix == "run":
        print(f"states: {', '.join(states)} (the payroll run's mix: 75% employees, a home and a work locality each)")
    else:
        print(f"states: {', '.join(states)} (2026 coverage of payroll.engine.states; 90% employees, 10% contractors)")
    print(f"{args.n} paychecks, one process, "
          + ("explanations rendered to text" if args.render else "explanations built, rendered on demand") + ":")
    print(f"  {args.n / cpu:,.0f} paychecks per second per core (CPU time {cpu:.2f} s; "
          f"wall {wall:.2f} s = {args.n / wall:,.0f}/s on this shared machine, load {os.getloadavg()[0]:.1f})")


def side_by_side(other: str, n: int, rounds: int, mix: str = "varied") -> None:
    """This checkout's engine and another's, alternately, each in its own process (its own code and imports)."""
    import re
    import statistics
    import subprocess

    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    trees = {"this checkout": here, "against": os.path.abspath(other)}
    figures: dict[tuple[str, bool], list[float]] = {}
    for _ in range(rounds):
        for render in (False, True):
            for name, tree in trees.items():
                script = os.path.join(here if mix == "run" else tree, "bench", "bench_engine.py")
                cmd = [sys.executable, script, "--n", str(n)] + (["--mix", mix] if mix == "run" else [])
                out = subprocess.run(cmd + (["--render"] if render else []), cwd=tree, capture_output=True,
                                     text=True, check=True,
                                     env={**os.environ, "PYTHONPATH": tree, "BENCH_ENGINE_TREE": tree}).stdout
                rate = float(re.search(r"([\d,]+) paychecks per second per core", out).group(1).replace(",", ""))
                figures.setdefault((name, render), []).append(rate)
    print(f"{n} paychecks a pass ({mix} mix), {rounds} passes each, alternating; paychecks per second per core (CPU time); "
          f"load {os.getloadavg()[0]:.1f}")
    for render in (False, True):
        label = "explanations rendered to text" if render else "calculation (explanations on demand)"
        for name, tree in trees.items():
            rates = figures[(name, render)]
            print(f"  {label:38} {name:14} best {max(rates):>9,.0f}  median {statistics.median(rates):>9,.0f}  "
                  f"({tree})")
        ratio = statistics.median(figures[("this checkout", render)]) / statistics.median(figures[("against", render)])
        print(f"  {label:38} ratio of medians {ratio:.2f}")


if __name__ == "__main__":
    main()
