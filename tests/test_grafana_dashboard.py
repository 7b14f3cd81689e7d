"""deploy/helm/dev-agent/dashboards/dev-agent.json (the bot chart ships it as a ConfigMap) queries only series the
bot exports (family, label names and label values), every query parses as PromQL, and every family is shown."""

from __future__ import annotations

import json
import re
from pathlib import Path

from prometheus_client import REGISTRY
from prometheus_client.metrics import MetricWrapperBase

from bot import metrics
from bot.metrics import initialise_series
from tests.support.promql import monitoring_errors

DASHBOARD = Path(__file__).resolve().parents[1] / "deploy" / "helm" / "dev-agent" / "dashboards" / "dev-agent.json"
NAME = re.compile(r"\bdev_agent_\w+")
BY = re.compile(r"\bby \(([^)]*)\)")
MATCHER = re.compile(r'(\w+)="([^"]*)"')


def _queries() -> list[tuple[str, str]]:
    dashboard = json.loads(DASHBOARD.read_text())
    return [(panel["title"], target["expr"]) for panel in dashboard["panels"] for target in panel["targets"]]


def _exported() -> dict[str, list[dict[str, str]]]:
    """Sample name -> the label sets a fresh server exports under it. A counter answers to `<name>_total`."""
    initialise_series()
    samples: dict[str, list[dict[str, str]]] = {}
    for family in REGISTRY.collect():
        if family.name.startswith("dev_agent_"):
            if family.type == "counter":
                samples.setdefault(f"{family.name}_total", [])
            for sample in family.samples:
                samples.setdefault(sample.name, []).append(dict(sample.labels))
    return samples


LABEL_NAMES = {metric._name: set(metric._labelnames) for metric in vars(metrics).values()
               if isinstance(metric, MetricWrapperBase)}


def test_every_query_names_exported_series_labels_and_values() -> None:
    exported = _exported()
    for title, expr in _queries():
        names = NAME.findall(expr)
        assert names, (title, expr)
        for name in names:
            assert name in exported, (title, name)
            label_sets = exported[name]
            family = next(f for f in LABEL_NAMES if name == f or name.startswith(f + "_"))
            known = LABEL_NAMES[family] | {"le"}
            for grouping in BY.findall(expr):
                for label in (part.strip() for part in grouping.split(",")):
                    assert label in known, (title, name, label)
            for label, value in MATCHER.findall(expr):
                assert label in known, (title, name, label)
                assert not label_sets or any(labels.get(label) == value for labels in label_sets), (title, name, label, value)


def test_every_family_is_shown_and_the_queries_parse() -> None:
    exported = _exported()
    used = {name for _, expr in _queries() for name in NAME.findall(expr)}
    families = {f.name for f in REGISTRY.collect() if f.name.startswith("dev_agent_")}
    shown = {f for f in families if any(name == f or name.startswith(f + "_") for name in used)}
    # per-environment cost is for drill-down, not the overview
    assert families - shown == {"dev_agent_monthly_cost_usd"}, families - shown
    assert monitoring_errors([], [expr for _, expr in _queries()]) == []
    assert used <= set(exported)


def test_the_promql_check_rejects_a_broken_query() -> None:
    assert monitoring_errors([], ["sum by (outcome (rate(dev_agent_webhooks_total[5m]))"]) != []
