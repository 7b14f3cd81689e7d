"""Benchmark: median time to plan + generate one environment, and to run every check on one.

    python bench/generate.py [--iterations 50] [--check-runs 3] [--no-checks]

Targets: plan+generate < 200 ms (no validators); all checks < 10 s. The checks are timed with the warm checkers
(docs/checks.md) and the result cache off, beside one cold run (`warm_checks` off: a checkov CLI and a
`terraform init` per check) and a re-check of unchanged files (cache on). CPU counts this process and the tools
it waited for (the warm checkov's forks and the warm providers are not its children: see bench/webhook.py).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.checks import run_checks, warm_up
from bot.pipeline.planning import plan_environment
from bot.settings import Settings
from bot.spec import EnvironmentSpec, spec_from_data
from generators.build import generate_all
from generators.output import write_tree
from generators.paths import environment_dir

SPECS: list[dict] = [
    {"name": "payments-api-staging", "service": "payments-api", "cloud": "aws", "region": "us-west-2",
     "tier": "staging", "app": {"framework": "fastapi"},
     "compute": {"kind": "kubernetes", "min_replicas": 2, "max_replicas": 6},
     "databases": [{"engine": "postgres", "version": "16"}], "cache": {"engine": "redis"}, "budget_monthly_usd": 400,
     "ttl_days": 14},
    {"name": "shop-prod", "service": "shop", "cloud": "aws", "region": "eu-west-1", "tier": "prod",
     "compute": {"kind": "containers", "min_replicas": 3, "max_replicas": 12},
     "databases": [{"engine": "mysql", "version": "8.0"}], "queue": {"engine": "sqs"},
     "search": {"engine": "opensearch"}},
    {"name": "orders-dev", "service": "orders", "cloud": "gcp", "region": "europe-west1",
     "databases": [{"engine": "postgres", "version": "15"}], "cache": {"engine": "redis"},
     "queue": {"engine": "pubsub"}},
    {"name": "ledger-staging", "service": "ledger", "cloud": "gcp", "region": "us-central1", "tier": "staging",
     "compute": {"kind": "kubernetes", "min_replicas": 2, "max_replicas": 4}},
    {"name": "search-dev", "service": "search", "cloud": "azure", "region": "westeurope",
     "databases": [{"engine": "mongodb"}], "cache": {"engine": "redis"}, "queue": {"engine": "servicebus"}},
    {"name": "billing-prod", "service": "billing", "cloud": "azure", "region": "eastus", "tier": "prod",
     "compute": {"kind": "kubernetes", "min_replicas": 3, "max_replicas": 9},
     "databases": [{"engine": "postgres", "version": "16", "high_availability": True}], "cache": {"engine": "redis"}},
]


def plan_and_generate(spec: EnvironmentSpec, settings: Settings) -> dict[str, str]:
    return generate_all(plan_environment(spec), settings)


def bench_generate(specs: list[EnvironmentSpec], settings: Settings, iterations: int) -> list[float]:
    """Seconds per plan+generate, over `iterations` rounds of every spec."""
    for spec in specs:  # warm imports and caches
        plan_and_generate(spec, settings)
    times = []
    for _ in range(iterations):
        for spec in specs:
            start = time.perf_counter()
            plan_and_generate(spec, settings)
            times.append(time.perf_counter() - start)
    return times


def _cpu_seconds() -> float:
    """CPU time of this process and its finished children (tools), user + system."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def bench_checks(specs: list[EnvironmentSpec], settings: Settings, runs: int) -> dict[str, list[float]]:
    """Seconds per full `run_checks` with warm checkers (cache off), per cloud (one environment of each cloud);
    prints the cold way (a CLI and an init per check) and a re-check of unchanged files (cache on) beside it."""
    per_cloud: dict[str, EnvironmentSpec] = {}
    for spec in specs:
        per_cloud.setdefault(spec.cloud.value, spec)
    warm = settings.model_copy(update={"check_cache": False})
    cold = settings.model_copy(update={"check_cache": False, "warm_checks": False})
    warm_up(warm)
    results: dict[str, list[float]] = {}
    for cloud, spec in per_cloud.items():
        plan = plan_environment(spec)
        with tempfile.TemporaryDirectory(prefix="dev-agent-bench-") as repo:
            write_tree(generate_all(plan, settings), Path(repo))
            env_dir = Path(repo) / environment_dir(plan)
            run_checks(env_dir, Path(repo), warm)  # warm-up: this environment's first parse, render, ...
            figures = {}
            for label, mode, count in [("warm", warm, runs), ("cold", cold, 1)]:
                times, cpu = [], []
                for _ in range(count):
                    start, cpu_start = time.perf_counter(), _cpu_seconds()
                    outcome = run_checks(env_dir, Path(repo), mode)
                    times.append(time.perf_counter() - start)
                    cpu.append(_cpu_seconds() - cpu_start)
                figures[label] = (statistics.median(times), statistics.median(cpu))
                if label == "warm":
                    results[cloud] = times
            with tempfile.TemporaryDirectory(prefix="dev-agent-bench-cache-") as cache:
                cached = settings.model_copy(update={"check_cache_dir": Path(cache)})
                run_checks(env_dir, Path(repo), cached)
                start = time.perf_counter()
                run_checks(env_dir, Path(repo), cached)
                unchanged = time.perf_counter() - start
            failed = [r.name for r in outcome if not r.passed]
            print(f"  {cloud}: warm median {figures['warm'][0]:.2f} s wall, {figures['warm'][1]:.2f} s CPU over {runs} "
                  f"runs; cold {figures['cold'][0]:.2f} s wall, {figures['cold'][1]:.2f} s CPU; unchanged files "
                  f"re-checked {unchanged:.2f} s" + (f" (failed checks: {', '.join(failed)})" if failed else ""))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--iterations", type=int, default=50)
    parser.add_argument("--check-runs", type=int, default=3)
    parser.add_argument("--no-checks", action="store_true")
    args = parser.parse_args()
    settings = Settings()
    specs = [spec_from_data(data) for data in SPECS]
    times = bench_generate(specs, settings, args.iterations)
    median_ms = statistics.median(times) * 1000
    print(f"plan+generate: median {median_ms:.1f} ms, p95 {sorted(times)[int(len(times) * 0.95)] * 1000:.1f} ms "
          f"over {len(times)} runs of {len(specs)} specs (target < 200 ms)")
    if not args.no_checks:
        print("all checks (per cloud, after a warm-up run):")
        per_cloud = bench_checks(specs, settings, args.check_runs)
        overall = statistics.median([t for ts in per_cloud.values() for t in ts])
        print(f"all checks: median {overall:.2f} s (target < 10 s); load average {os.getloadavg()[0]:.1f} "
              f"on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
