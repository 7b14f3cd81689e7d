"""deploy/grafana/dev-agent-dashboard.json queries only series the bot exports, and covers each family."""

from __future__ import annotations

import json
import re
from pathlib import Path

from prometheus_client import REGISTRY

from bot.metrics import initialise_series

DASHBOARD = Path(__file__).resolve().parents[1] / "deploy" / "grafana" / "dev-agent-dashboard.json"


def test_every_query_names_an_exported_family_and_every_family_is_shown() -> None:
    initialise_series()
    dashboard = json.loads(DASHBOARD.read_text())
    families = {f.name: {s.name for s in f.samples} | ({f"{f.name}_total"} if f.type == "counter" else set())
                for f in REGISTRY.collect() if f.name.startswith("dev_agent_")}
    exported = set().union(*families.values())
    used = set()
    for panel in dashboard["panels"]:
        for target in panel["targets"]:
            for name in re.findall(r"\bdev_agent_\w+", target["expr"]):
                assert name in exported, (panel["title"], name)
                used.add(name)
    # per-environment cost is for drill-down, not the overview
    assert {f for f, samples in families.items() if not samples & used} == {"dev_agent_monthly_cost_usd"}
