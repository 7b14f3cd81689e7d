"""Range and usage: the estimate runs from minimum to maximum replicas/nodes, usage-based components are priced
from the tier's documented default usage file, and an environment's cost-usage.yml overrides it."""

from __future__ import annotations

import pytest
import yaml

from bot.cost import parse_hcl_files
from bot.cost.defaults import DEFAULTS_DIR, estimate_environment, tier_usage
from bot.cost.usage import CostInputError
from bot.pipeline.planning import plan_environment
from bot.pipeline.run import run_pipeline
from bot.settings import Settings
from bot.spec import spec_from_data
from generators.build import generate_all


def _modules(data: dict) -> dict:
    files = generate_all(plan_environment(spec_from_data(data)), Settings())
    return parse_hcl_files({p: t for p, t in files.items() if p.endswith(".tf") and "/terraform/" in p})


def _component(report: dict, resource_prefix: str, name: str) -> dict:
    for r in report["projects"][0]["breakdown"]["resources"]:
        if r["name"].startswith(resource_prefix):
            for c in r.get("costComponents") or []:
                if c["name"] == name:
                    return c
    raise AssertionError(f"{resource_prefix} {name} not in the estimate")


def test_default_usage_files_are_infracost_usage_files_for_every_tier():
    for tier in ("dev", "staging", "prod"):
        doc = yaml.safe_load((DEFAULTS_DIR / f"{tier}.yml").read_text())
        assert doc["version"] == "0.1" and "aws_nat_gateway" in doc["resource_type_default_usage"]
        assert tier_usage(tier).type_defaults["aws_nat_gateway"]["monthly_data_processed_gb"] > 0


def test_usage_components_are_priced_from_the_tier_default_and_overridable():
    modules = _modules({"name": "shop-dev", "cloud": "aws", "region": "us-east-1", "compute": {"kind": "containers"}})
    dev = estimate_environment(modules, "dev")
    nat = _component(dev.report, "aws_nat_gateway", "Data processed")
    assert float(nat["monthlyQuantity"]) == 10 and round(float(nat["monthlyCost"]), 2) == 0.45  # 10 GB x $0.045
    prod = estimate_environment(modules, "prod")
    assert float(_component(prod.report, "aws_nat_gateway", "Data processed")["monthlyQuantity"]) == 500
    override = "version: 0.1\nresource_type_default_usage:\n  aws_nat_gateway:\n    monthly_data_processed_gb: 2000\n"
    mine = estimate_environment(modules, "dev", override)
    assert round(float(_component(mine.report, "aws_nat_gateway", "Data processed")["monthlyCost"]), 2) == 90.0
    kept = _component(mine.report, "aws_cloudwatch_log_group", "Data ingested")  # the other defaults still apply
    assert float(kept["monthlyQuantity"]) == tier_usage("dev").type_defaults["aws_cloudwatch_log_group"][
        "monthly_data_ingested_gb"]
    with pytest.raises(CostInputError, match=r"cost-usage.yml:4: usage key 'monthly_data_processed_gb' must be a num"):
        estimate_environment(modules, "dev", override.replace("2000", "lots"))


@pytest.mark.parametrize("cloud, region, compute", [
    ("aws", "us-east-1", {"kind": "kubernetes", "min_replicas": 2, "max_replicas": 12}),
    ("aws", "us-east-1", {"kind": "containers", "min_replicas": 2, "max_replicas": 6}),
    ("gcp", "us-central1", {"kind": "kubernetes", "min_replicas": 2, "max_replicas": 12}),
    ("gcp", "us-central1", {"kind": "containers", "min_replicas": 1, "max_replicas": 5}),
    ("azure", "eastus", {"kind": "kubernetes", "min_replicas": 2, "max_replicas": 12}),
    ("azure", "eastus", {"kind": "containers", "min_replicas": 1, "max_replicas": 5}),
])
def test_range_runs_from_minimum_to_maximum_replicas_and_nodes(cloud, region, compute):
    low = _modules({"name": "shop-dev", "cloud": cloud, "region": region, "compute": compute})
    est = estimate_environment(low, "dev")
    assert est.max_monthly > est.min_monthly > 0
    if cloud != "aws" and compute["kind"] == "containers":
        return  # serverless containers still range from idle minimum instances to busy ones
    fixed = _modules({"name": "shop-dev", "cloud": cloud, "region": region,
                      "compute": {**compute, "max_replicas": compute["min_replicas"]}})
    flat = estimate_environment(fixed, "dev")
    assert flat.max_monthly == pytest.approx(flat.min_monthly)  # nothing scales: no range


def test_report_shows_the_range_and_the_override_is_kept_in_the_output():
    spec = spec_from_data({"name": "shop-dev", "cloud": "aws", "region": "us-east-1",
                           "compute": {"kind": "containers", "min_replicas": 1, "max_replicas": 4}})
    override = "version: 0.1\nresource_type_default_usage:\n  aws_nat_gateway:\n    monthly_data_processed_gb: 2000\n"
    result = run_pipeline(plan_environment(spec), Settings(), usage_override=override)
    assert result.cost_max > result.monthly_cost
    assert f"\N{EN DASH}${result.cost_max:,.2f} (minimum to maximum replicas and nodes)" in result.report
    assert "default usage file" in result.report and "cost-usage.yml" in result.report
    assert result.files["environments/shop-dev/cost-usage.yml"] == override


def test_change_cost_is_in_the_report_for_an_amendment():
    before = plan_environment(spec_from_data({"name": "shop-dev", "cloud": "aws", "region": "us-east-1",
                                              "compute": {"kind": "containers"}}))
    old_files = generate_all(before, Settings())
    after = plan_environment(spec_from_data({"name": "shop-dev", "cloud": "aws", "region": "us-east-1",
                                             "compute": {"kind": "containers"}, "cache": {"engine": "redis"}}))
    result = run_pipeline(after, Settings(), previous_files=old_files)
    before_total = float(result.previous_cost["totalMonthlyCost"])
    assert 0 < before_total < result.monthly_cost
    assert "#### Change in monthly cost" in result.report
    assert f"**Change**: ${before_total:,.2f} → ${result.monthly_cost:,.2f} (+$" in result.report
    assert "| `aws_elasticache_replication_group.main` | - | $12.49 | +$12.49 |" in result.report  # added: - -> after


@pytest.mark.parametrize("tier", ["dev", "prod"])
def test_an_azure_worker_container_app_is_priced_running_all_month(tier):
    """A background worker polls its queue around the clock: its replica is billed at the active rate for every second
    of the month (never idle, no requests), while the app's idle replicas stay at the idle rate."""
    modules = _modules({"name": "shop-dev", "cloud": "azure", "region": "westeurope", "tier": tier,
                        "compute": {"kind": "containers", "cpu": 0.5, "memory_gb": 1},
                        "workers": [{"name": "sidekiq", "command": ["bundle", "exec", "sidekiq"]}]})
    estimate = estimate_environment(modules, tier)
    (worker,) = [r for r in estimate.report["projects"][0]["breakdown"]["resources"]
                 if r["name"] == "azurerm_container_app.worker_sidekiq"]
    names = {c["name"]: c for c in worker["costComponents"]}
    month = 730 * 3600
    assert float(names["vCPU (active, always running)"]["monthlyQuantity"]) == 0.5 * month
    assert float(names["Memory (active, always running)"]["monthlyQuantity"]) == 1.0 * month
    assert not {n for n in names if "idle" in n or "Requests" in n}, sorted(names)
    vcpu_s = float(names["vCPU (active, always running)"]["price"])
    assert float(worker["monthlyCost"]) >= 0.5 * month * vcpu_s > 40  # ~$45 of vCPU alone, not ~$5 idle
    app = _component(estimate.report, "azurerm_container_app.app", "vCPU (idle)")  # the app itself unchanged
    assert float(app["monthlyQuantity"]) > 0
