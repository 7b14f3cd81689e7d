"""Benchmark: median time of `run_pipeline` without checks (generate, parse, cost, policy, report) per environment,
and how many HCL parses one plan costs.

"cold" clears the parse cache first (a new or changed environment); "warm" re-plans an unchanged one.

    python bench/pipeline.py [--iterations 5]

The generated Terraform should be parsed once per plan: parses per plan == Terraform files per plan.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generate import SPECS
from bot import hclread
from bot.pipeline.planning import plan_environment
from bot.pipeline.run import run_pipeline
from bot.settings import Settings
from bot.spec import spec_from_data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=5)
    args = parser.parse_args()

    parses = 0
    real_loads = hclread.loads

    def counting(text: str) -> dict:
        nonlocal parses
        parses += 1
        return real_loads(text)

    hclread.loads = counting
    settings = Settings()
    plans = [plan_environment(spec_from_data(s)) for s in SPECS]
    for plan in plans:  # warm imports and caches
        run_pipeline(plan, settings)
    print(f"{'environment':24} {'cold ms':>8} {'warm ms':>8} {'tf files':>9} {'parses/plan':>12}")
    cold_medians, warm_medians = [], []
    for plan in plans:
        parses, cold, warm = 0, [], []
        for _ in range(args.iterations):
            hclread._parse.cache_clear()
            for times in (cold, warm):
                start = time.perf_counter()
                result = run_pipeline(plan, settings)
                times.append(time.perf_counter() - start)
        tf_files = sum(p.endswith((".tf", ".tfvars")) for p in result.files)
        cold_medians.append(statistics.median(cold))
        warm_medians.append(statistics.median(warm))
        print(f"{plan.spec.name:24} {cold_medians[-1] * 1000:8.0f} {warm_medians[-1] * 1000:8.0f} {tf_files:9d} "
              f"{parses / args.iterations / 2:12.1f}")
    print(f"{'mean of medians':24} {statistics.mean(cold_medians) * 1000:8.0f} {statistics.mean(warm_medians) * 1000:8.0f}")


if __name__ == "__main__":
    main()
