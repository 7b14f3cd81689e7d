"""Time GCP and Azure Terraform generation (no tools run): prints milliseconds per environment."""

from __future__ import annotations

import time

from bot.pipeline.planning import plan_environment
from bot.settings import Settings
from bot.spec import spec_from_data
from generators.terraform.build import generate

STACKS = {
    "gcp": {"cloud": "gcp", "region": "europe-west1", "queue": {"engine": "pubsub"}},
    "azure": {"cloud": "azure", "region": "eastus", "queue": {"engine": "kafka"}},  # Event Hubs: eastus prices only
}
KINDS = ("kubernetes", "containers", "vm", "functions")
ROUNDS = 50


def main() -> None:
    settings = Settings()
    for cloud, base in STACKS.items():
        for kind in KINDS:
            spec = spec_from_data({**base, "name": f"bench-{kind}", "compute": {"kind": kind},
                                   "databases": [{"engine": "postgres"}], "cache": {"engine": "redis"},
                                   "buckets": [{"name": "data"}]})
            plan = plan_environment(spec)
            start = time.perf_counter()
            for _ in range(ROUNDS):
                files = generate(plan, settings)
            elapsed = (time.perf_counter() - start) / ROUNDS * 1000
            size = sum(len(t) for t in files.values())
            print(f"{cloud:6} {kind:11} {elapsed:7.2f} ms  {len(files):3} files  {size:7} bytes")


if __name__ == "__main__":
    main()
