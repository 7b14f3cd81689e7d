"""Cost estimator benchmark: golden accuracy per folder, and environments estimated per second.

Run: python bench/cost.py  (from the repository root)
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.cost import estimate_directory, estimate_parsed, parse_hcl_files
from bot.cost.compare import compare_with_golden
from bot.cost.defaults import estimate_environment
from bot.cost.table import parse_table
from bot.pipeline.planning import plan_environment
from bot.settings import Settings
from bot.spec import spec_from_data
from generators.build import generate_all

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "fixtures" / "infracost" / "aws-testdata"
EXTRAS = [ROOT / "tests" / "fixtures" / "infracost" / name for name in ("aws-extra", "azure-extra", "gcp-extra")]

# One generated environment per cloud: what the bot estimates for every plan.
SPECS: dict[str, dict] = {
    "aws": {"name": "payments-api-staging", "service": "payments-api", "cloud": "aws", "region": "us-west-2",
            "tier": "staging", "compute": {"kind": "kubernetes", "min_replicas": 2, "max_replicas": 6},
            "databases": [{"engine": "postgres", "version": "16"}], "cache": {"engine": "redis"},
            "queue": {"engine": "sqs"}, "buckets": [{"name": "uploads"}]},
    "gcp": {"name": "orders-dev", "service": "orders", "cloud": "gcp", "region": "europe-west1",
            "databases": [{"engine": "postgres", "version": "15"}], "cache": {"engine": "redis"},
            "queue": {"engine": "pubsub"}},
    "azure": {"name": "search-staging", "service": "search", "cloud": "azure", "region": "westeurope",
              "tier": "staging", "compute": {"kind": "kubernetes", "min_replicas": 2, "max_replicas": 4},
              "databases": [{"engine": "postgres", "version": "16"}], "cache": {"engine": "redis"}},
}


def generated_terraform(data: dict) -> dict[str, str]:
    """The Terraform files dev-agent generates for `data` (a spec as a dict)."""
    files = generate_all(plan_environment(spec_from_data(data)), Settings())
    return {path: text for path, text in files.items() if path.endswith(".tf")}


def accuracy_table() -> None:
    within = total = 0
    print(f"{'golden folder':40} {'resources':>9} {'raw max dev %':>14} {'max dev %*':>10} {'problems':>9}")
    folders = sorted(p for p in GOLDEN.iterdir() if p.is_dir()) + sorted(
        p for extra in EXTRAS for p in extra.iterdir() if p.is_dir())
    for folder in folders:
        usage = next(folder.glob("*.usage.yml"), None)
        report = estimate_directory(folder, usage)
        problems, worst, count = compare_with_golden(report, next(folder.glob("*.golden")).read_text())
        gold = parse_table(next(folder.glob("*.golden")).read_text())
        ours = {r["name"]: float(r["monthlyCost"]) for r in report["projects"][0]["breakdown"]["resources"]}
        raw = 0.0
        for name, comps in gold.items():
            want = sum(c["monthly_cost"] or 0.0 for c in comps.values())
            if want and name in ours:
                raw = max(raw, abs(ours[name] - want) / want)
        bad = {p.split(":")[0] for p in problems}
        within += sum(1 for name in gold if name not in bad)
        total += len(gold)
        print(f"{folder.parent.name + '/' + folder.name:40} {count:>9} {raw * 100:>14.3f} {worst * 100:>10.3f} "
              f"{len(problems):>9}")
    print("* per resource, beyond the cent rounding of the golden table")
    print(f"resources within 1% of Infracost (every component too): {within}/{total} ({within / total:.1%})")


def throughput(seconds: float = 3.0) -> None:
    sources = [generated_terraform(data) for data in SPECS.values()]
    envs = [parse_hcl_files(files) for files in sources]
    for parsed in envs:  # warm caches (catalog, compiled expressions, pricer imports)
        estimate_parsed(parsed)
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for parsed in envs:
            estimate_parsed(parsed)
            count += 1
    elapsed = time.perf_counter() - start
    parse_count, parse_start = 0, time.perf_counter()
    while time.perf_counter() - parse_start < 1.0:
        for files in sources:
            estimate_parsed(parse_hcl_files(files))
            parse_count += 1
    parse_rate = parse_count / (time.perf_counter() - parse_start)
    range_count, range_start = 0, time.perf_counter()
    while time.perf_counter() - range_start < 1.0:
        for files, data in zip(sources, SPECS.values(), strict=True):
            estimate_environment(parse_hcl_files(files), data.get("tier", "dev"))
            range_count += 1
    range_rate = range_count / (time.perf_counter() - range_start)
    totals = [estimate_parsed(p)["totalMonthlyCost"] for p in envs]
    print(f"\ngenerated environments estimated per second (HCL pre-parsed, AWS/GCP/Azure mix): {count / elapsed:.0f}/s")
    print(f"including HCL parsing (python-hcl2): {parse_rate:.1f}/s")
    print(f"as the pipeline estimates them (HCL parsing, tier default usage, min and max scenarios): "
          f"{range_rate:.1f}/s")
    print(f"monthly totals: aws ${float(totals[0]):.2f}, gcp ${float(totals[1]):.2f}, azure ${float(totals[2]):.2f}")


if __name__ == "__main__":
    accuracy_table()
    throughput()
