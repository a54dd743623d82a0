"""Paycheck quotes in bulk: `backoffice paycheck quote` on N varied 2025 paychecks, whole calls, side by side with
python-taxes 0.7.0 (federal income tax, social security and Medicare only, in process) on the same paychecks.

    .venv/bin/python bench/bench_quote.py --n 20000 [--peer]

--peer installs python-taxes==0.7.0 (and pydantic) into bench/.peer with pip on first use and runs it in its own
process (it sets the global Decimal rounding on import). Prints each figure with the load average around it."""
from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FREQUENCIES = ("weekly", "biweekly", "semimonthly", "monthly")
STATES = ("TX", "FL", "WA", "CA", "IL", "PA", "NC", "IN", "KY", "AZ")      # covered for 2025
STATUSES = (("single", "single"), ("married_jointly", "married"), ("head_of_household", "hoh"))


def requests(n: int, seed: int = 2025) -> list[dict]:
    """N deterministic 2025 paychecks: 85% employees (hourly or salaried, three filing statuses, some with Step 2
    checked, extra withholding or a 401(k)), 15% contractors; ten states."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        freq = FREQUENCIES[i % 4]
        state = STATES[i % len(STATES)]
        if rng.random() < 0.15:
            out.append({"pay_date": "2025-06-13", "pay_frequency": freq, "worker_type": "contractor",
                        "earnings": [{"code": "regular", "hours": str(rng.randint(10, 60)),
                                      "rate": f"{rng.randint(2000, 12000) / 100:.2f}"}]})
            continue
        status = STATUSES[i % 3][0]
        if rng.random() < 0.3:
            earnings = [{"code": "salary", "amount": f"{rng.randint(100000, 900000) / 100:.2f}"}]
        else:
            earnings = [{"code": "regular", "hours": str(rng.randint(20, 40)),
                         "rate": f"{rng.randint(1500, 6000) / 100:.2f}"}]
        w4 = {"version": 2020, "filing_status": status, "step2_checkbox": rng.random() < 0.1,
              "step4c_extra": "10.00" if rng.random() < 0.1 else "0"}
        req = {"pay_date": "2025-06-13", "pay_frequency": freq, "worker_type": "employee", "work_state": state,
               "residence_state": state, "earnings": earnings, "w4": w4}
        out.append(req)
    return out


def _load() -> str:
    return "{:.1f}".format(os.getloadavg()[0])


def _cli(args: list[str]) -> float:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    t = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "backoffice.entry", "paycheck", "quote", *args], env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    dt = time.perf_counter() - t
    if done.returncode:
        raise SystemExit(f"quote failed: {done.stderr[:2000]}")
    return dt


PEER = textwrap.dedent("""
    import json, sys, time
    from decimal import Decimal
    from python_taxes.federal import medicare, social_security
    from python_taxes.federal.income.payroll import automated
    reqs = [r for r in json.load(open(sys.argv[1])) if r["worker_type"] == "employee"]
    STATUS = {"single": "single", "married_jointly": "married", "head_of_household": "hoh"}
    def gross(r):
        e = r["earnings"][0]
        return Decimal(e["amount"]) if "amount" in e else Decimal(e["hours"]) * Decimal(e["rate"])
    t = time.process_time()
    for r in reqs:
        g = gross(r).quantize(Decimal("0.01"))
        w4 = r["w4"]
        automated.employer_withholding(g, r["pay_frequency"], STATUS[w4["filing_status"]],
                                       multiple_jobs=w4["step2_checkbox"],
                                       extra_withholding=Decimal(w4["step4c_extra"]), tax_year=2025)
        social_security.withholding(g, tax_year=2025)
        medicare.required_withholding(g)
    dt = time.process_time() - t
    print(len(reqs), dt)
""")


def _peer(path: str) -> tuple[int, float]:
    target = ROOT / "bench" / ".peer"
    if not (target / "python_taxes").exists():
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--target", str(target),
                        "python-taxes==0.7.0"], check=True)
    done = subprocess.run([sys.executable, "-c", PEER, path], env=dict(os.environ, PYTHONPATH=str(target)),
                          capture_output=True, text=True, check=True)
    n, dt = done.stdout.split()
    return int(n), float(dt)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=20000)
    ap.add_argument("--peer", action="store_true", help="also time python-taxes 0.7.0 on the same paychecks")
    args = ap.parse_args()
    reqs = requests(args.n)
    with tempfile.TemporaryDirectory() as tmp:
        listed, lines = os.path.join(tmp, "quotes.json"), os.path.join(tmp, "quotes.jsonl")
        Path(listed).write_text(json.dumps(reqs))
        Path(lines).write_text("\n".join(json.dumps(r) for r in reqs) + "\n")
        employees = sum(1 for r in reqs if r["worker_type"] == "employee")
        print(f"{args.n:,} paychecks (2025; {employees:,} employees in 10 states, the rest contractors)")
        for label, cli_args in (("list, explained (the default)", ["--input", listed]),
                                ("list, --no-explain", ["--input", listed, "--no-explain"]),
                                ("JSON Lines, --no-explain", ["--input", lines, "--jsonl", "--no-explain"]),
                                ("JSON Lines, explained", ["--input", lines, "--jsonl"])):
            before = _load()
            dt = _cli(cli_args)
            print(f"  backoffice paycheck quote, {label:<30} {dt:6.2f} s  {args.n / dt:8,.0f} paychecks/s  "
                  f"(load {before} -> {_load()})")
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "backoffice.entry", "paycheck", "quote", "--help"],
                       env=dict(os.environ, PYTHONPATH=str(ROOT)), stdout=subprocess.DEVNULL, check=True)
        print(f"  start-up (paycheck quote --help): {time.perf_counter() - t:.2f} s")

        sys.path.insert(0, str(ROOT))
        from payroll.engine.quote import quote

        t = time.process_time()
        quote(reqs, explain=False)
        dt = time.process_time() - t
        print(f"  in process, quote(list, explain=False): {args.n / dt:,.0f} paychecks/s by CPU time")
        if args.peer:
            n, pdt = _peer(listed)
            ours = _cli(["--input", lines, "--jsonl", "--no-explain"])
            print(f"  python-taxes 0.7.0 in process (federal income tax, SS, Medicare; {n:,} employees): "
                  f"{n / pdt:,.0f} paychecks/s by CPU time")
            print(f"  ratio: our whole call (JSON Lines, --no-explain) {args.n / ours:,.0f}/s = "
                  f"{(args.n / ours) / (n / pdt):.2f} of the peer's in-process rate")


if __name__ == "__main__":
    main()
