"""Compare the classification engine of two checkouts on the same seeded random questionnaires: how many
determinations stayed, and how many moved from one decided outcome to the opposite one (which must be none).

    .venv/bin/python bench/compare_classify.py --before /work/wt-base18 [--after .] [--n 1500] [--seed 20]

Each questionnaire answers every enumerated field with one probability drawn from 0.2 to 0.7, in one of six states
on one of three dates; the ABC threshold question (issue 20) is left unanswered so that an engine from before it
reads the same answers. Each checkout runs in its own process with its own code (PYTHONPATH), so nothing is shared.
"""
from __future__ import annotations

import argparse
import collections
import json
import os
import random
import subprocess
import sys

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, HERE)

from backoffice.classification.engine.questionnaire import SCHEMA  # noqa: E402

LEFT_OUT = {("engagement", "worker_serves_hiring_entity")}
RUN = ("import json, sys\n"
       "from backoffice.classification.engine.classify import classify\n"
       "for line in sys.stdin:\n"
       "    print(classify(json.loads(line))['determination'], flush=False)\n")
OPPOSITE = {("leased_employee", "contractor"), ("contractor", "leased_employee")}


def questionnaires(n: int, seed: int) -> list[dict]:
    rng = random.Random(seed)  # nosec B311 # benchmark inputs, reproducible
    enum = [(g, f, v) for g, fs in SCHEMA.items() for f, v in fs.items() if v and (g, f) not in LEFT_OUT]
    out = []
    for _ in range(n):
        p = rng.uniform(0.2, 0.7)
        answers: dict = {}
        for group, name, values in enum:
            if rng.random() < p:
                answers.setdefault(group, {})[name] = rng.choice(values)
        out.append({"work_state": rng.choice(["CA", "MA", "NJ", "IL", "TX", "NY"]),
                    "as_of_date": rng.choice(["2024-06-01", "2025-05-01", "2026-11-22"]), "answers": answers})
    return out


def determinations(root: str, payloads: list[dict]) -> list[str]:
    python = os.path.join(HERE, ".venv", "bin", "python")
    done = subprocess.run([python, "-c", RUN], input="".join(json.dumps(p) + "\n" for p in payloads),
                          capture_output=True, text=True, check=True, cwd=root,
                          env={**os.environ, "PYTHONPATH": os.path.abspath(root)})
    return done.stdout.split()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--before", required=True, help="checkout with the engine before the change")
    ap.add_argument("--after", default=HERE, help="checkout with the engine after it (default: this one)")
    ap.add_argument("--n", type=int, default=1500)
    ap.add_argument("--seed", type=int, default=20)
    args = ap.parse_args()
    payloads = questionnaires(args.n, args.seed)
    before, after = determinations(args.before, payloads), determinations(args.after, payloads)
    assert len(before) == len(after) == len(payloads)
    moves = collections.Counter(zip(before, after))
    print(f"{len(payloads)} questionnaires, seed {args.seed}: before {args.before}, after {args.after}")
    for (old, new), count in sorted(moves.items(), key=lambda kv: (kv[0][0] != kv[0][1], -kv[1])):
        print(f"  {old} -> {new}: {count}" + ("  (unchanged)" if old == new else ""))
    flipped = sum(count for pair, count in moves.items() if pair in OPPOSITE)
    print(f"decided outcomes flipped to the opposite: {flipped}")
    sys.exit(1 if flipped else 0)


if __name__ == "__main__":
    main()
