"""Time the classification engine (issue 20): classify() on seeded random questionnaires, split into assessments
that end in "needs review" (which also search for the questions that would decide them) and the rest.

    .venv/bin/python bench/bench_classify.py [--n 300] [--seed 20]
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from backoffice.classification.engine.classify import classify  # noqa: E402
from backoffice.classification.engine.questionnaire import SCHEMA  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--seed", type=int, default=20)
    args = ap.parse_args()
    rng = random.Random(args.seed)  # nosec B311 # benchmark inputs, reproducible
    enum = [(g, f, v) for g, fs in SCHEMA.items() for f, v in fs.items() if v]
    times: dict[str, list[float]] = {"needs_review": [], "decided": []}
    either_way = closest = 0
    for _ in range(args.n):
        answers: dict = {}
        for group, name, values in enum:
            if rng.random() < 0.5:
                answers.setdefault(group, {})[name] = rng.choice(values)
        payload = {"work_state": rng.choice(["CA", "MA", "NJ", "IL", "TX", "NY"]),
                   "as_of_date": rng.choice(["2024-06-01", "2025-05-01", "2026-11-22"]), "answers": answers}
        start = time.perf_counter()
        out = classify(payload)
        ms = (time.perf_counter() - start) * 1000
        times["needs_review" if out["determination"] == "needs_review" else "decided"].append(ms)
        found = out["deciding_questions"]
        either_way += bool(found and found["decides_either_way"])
        closest += bool(found and not found["decides_either_way"])
    for kind, values in times.items():
        if not values:
            continue
        values.sort()
        print(f"{kind}: {len(values)} assessments, median {statistics.median(values):.1f} ms, "
              f"p95 {values[max(0, int(0.95 * len(values)) - 1)]:.1f} ms, max {values[-1]:.1f} ms")
    print(f"needs review with a set deciding it either way: {either_way}; with only a closest question: {closest}")


if __name__ == "__main__":
    main()
