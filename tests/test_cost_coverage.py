"""Every region the planner accepts prices every resource the generators emit; other regions are refused;
an estimate with unpriced parts says so and never passes the cost rules."""

from __future__ import annotations

import pytest

from bot.cost import estimate_files
from bot.cost.coverage import UnpricedRegion, priced_regions, unpriced
from bot.pipeline.budget import LADDERS
from bot.pipeline.planning import DEFAULT_SIZING, HA_CACHE_TYPE, HA_DB_CLASS, plan_environment
from bot.regions import REGIONS
from bot.settings import Settings
from bot.spec import Cloud, Tier, spec_from_data
from generators.build import generate_all
from policies.engine import evaluate
from policies.schema import load_policy

# The small environment of the issue: containers + Postgres + Redis + a bucket.
SMALL = {"compute": {"kind": "containers"}, "databases": [{"engine": "postgres"}], "cache": {"engine": "redis"},
         "buckets": [{"name": "uploads"}]}

# Every compute kind and every managed offer the generators can emit, per cloud (with a tier each).
VARIANTS: dict[str, list[dict]] = {
    "aws": [
        {"compute": {"kind": "kubernetes"}, "databases": [{"engine": "postgres"}], "cache": {"engine": "redis"},
         "queue": {"engine": "sqs"}, "search": {"engine": "opensearch"}, "monitoring": ["cloudwatch"],
         "buckets": [{"name": "up"}]},
        {"compute": {"kind": "containers"}, "databases": [{"engine": "mysql"}], "cache": {"engine": "memcached"},
         "queue": {"engine": "rabbitmq"}},
        {"compute": {"kind": "vm"}, "databases": [{"engine": "mongodb"}], "queue": {"engine": "kafka"}},
        {"compute": {"kind": "functions"}, "databases": [{"engine": "postgres"}]},
        # components: Aurora PostgreSQL with a reader, Aurora MySQL (backtrack), Redis cluster mode, DynamoDB
        {"compute": {"kind": "containers"}, "databases": [{"engine": "postgres", "aurora": True, "read_replicas": 1},
                                                          {"engine": "mysql", "aurora": True}],
         "cache": {"engine": "redis", "shards": 2}, "tables": [{"name": "sessions"}], "notifications": True},
    ],
    "gcp": [
        {"compute": {"kind": "kubernetes"}, "databases": [{"engine": "postgres"}], "cache": {"engine": "redis"},
         "queue": {"engine": "pubsub"}, "buckets": [{"name": "up"}]},
        {"compute": {"kind": "containers"}, "databases": [{"engine": "mysql"}]},
        {"compute": {"kind": "vm"}, "cache": {"engine": "redis"}},
        {"compute": {"kind": "functions"}, "databases": [{"engine": "postgres"}]},
        # shapes: a nightly Cloud Run job + Cloud Scheduler, worker pools, a scheduled function, SSH/internal VM
        {"compute": {"kind": "containers", "schedule": "0 2 * * *"}, "app": {"exposure": "internal"}},
        {"compute": {"kind": "containers"}, "workers": [{"name": "sidekiq"}], "cache": {"engine": "redis"}},
        {"compute": {"kind": "functions", "schedule": "0 3 * * *"}},
        {"compute": {"kind": "vm", "ssh_from": ["10.0.0.0/8"]}, "app": {"exposure": "internal"}},
        {"compute": {"kind": "containers"}, "waf": True},  # Cloud Armor on an HTTPS load balancer
    ],
    "azure": [
        {"compute": {"kind": "kubernetes"}, "databases": [{"engine": "postgres"}], "cache": {"engine": "redis"},
         "queue": {"engine": "servicebus"}, "buckets": [{"name": "up"}]},
        {"compute": {"kind": "containers"}, "databases": [{"engine": "mysql"}], "queue": {"engine": "kafka"}},
        {"compute": {"kind": "vm"}, "databases": [{"engine": "mongodb"}]},
        {"compute": {"kind": "functions"}, "databases": [{"engine": "postgres"}]},
        # shapes: a Container Apps job, an internal app with private DNS and a worker, a scheduled function, SSH
        {"compute": {"kind": "containers", "schedule": "0 2 * * *"}},
        {"compute": {"kind": "containers"}, "app": {"exposure": "internal"}, "workers": [{"name": "celery"}]},
        {"compute": {"kind": "functions", "schedule": "0 3 * * *"}},
        {"compute": {"kind": "vm", "ssh_from": ["10.0.0.0/8"]}},
        {"compute": {"kind": "containers"}, "waf": True},  # Front Door Premium with a WAF policy
    ],
}


def _estimate(cloud: str, region: str, body: dict, tier: str = "dev", sizing: dict | None = None) -> dict:
    spec = spec_from_data({"name": f"shop-{tier}", "cloud": cloud, "region": region, "tier": tier, **body})
    plan = plan_environment(spec)
    for key, value in (sizing or {}).items():
        setattr(plan.sizing, key, value)
    files = generate_all(plan, Settings())
    return estimate_files({p: t for p, t in files.items() if p.endswith(".tf")})


@pytest.mark.parametrize("cloud", ["aws", "gcp", "azure"])
def test_small_environment_in_every_accepted_region_is_fully_priced(cloud):
    regions = priced_regions(cloud)
    assert len(regions) >= 6
    for region in regions:
        report = _estimate(cloud, region, SMALL)
        assert float(report["totalMonthlyCost"]) > 20, (region, report["totalMonthlyCost"])
        assert unpriced(report) == [], (region, unpriced(report))


@pytest.mark.parametrize("cloud", ["aws", "gcp", "azure"])
def test_every_generated_resource_type_is_priced_in_every_accepted_region(cloud):
    tiers = ["dev", "staging", "prod"]
    refused = 0
    for region in priced_regions(cloud):
        for i, body in enumerate(VARIANTS[cloud]):
            if cloud == "azure" and region != "eastus" and body.get("queue") == {"engine": "kafka"}:
                # Event Hubs has sourced prices in eastus only: elsewhere the planner refuses it (never $0)
                with pytest.raises(UnpricedRegion, match=r"Event Hubs has a sourced price only in eastus"):
                    _estimate(cloud, region, body, tiers[i % 3])
                refused += 1
                continue
            report = _estimate(cloud, region, body, tiers[i % 3])
            assert float(report["totalMonthlyCost"]) > 0
            assert unpriced(report) == [], (region, body, unpriced(report))
    assert refused == (len(priced_regions(cloud)) - 1 if cloud == "azure" else 0)


@pytest.mark.parametrize("cloud", [Cloud.aws, Cloud.gcp, Cloud.azure])
def test_every_instance_class_the_planner_can_choose_is_priced_everywhere(cloud):
    # The planner starts from a tier default (or its HA replacement) and only steps down its ladder.
    ladders = {kind: list(classes) for (c, kind), classes in LADDERS.items() if c == cloud}
    for kind, field in (("node", "node_instance_type"), ("db", "db_instance_class"), ("cache", "cache_node_type")):
        defaults = {sizes[field] for (c, _tier), sizes in DEFAULT_SIZING.items() if c == cloud}
        defaults |= {v for k, v in {**HA_DB_CLASS, **HA_CACHE_TYPE}.items() if k in defaults}
        top = max((ladders[kind].index(d) for d in defaults if d in ladders[kind]), default=-1)
        ladders[kind] = ladders[kind][: top + 1] + sorted(d for d in defaults if d not in ladders[kind])
    body = {"compute": {"kind": "kubernetes"}, "databases": [{"engine": "postgres"}], "cache": {"engine": "redis"}}
    steps = max(len(v) for v in ladders.values())
    for region in priced_regions(cloud.value):
        for i in range(steps):
            sizing = {"node_instance_type": ladders["node"][min(i, len(ladders["node"]) - 1)],
                      "db_instance_class": ladders["db"][min(i, len(ladders["db"]) - 1)],
                      "cache_node_type": ladders["cache"][min(i, len(ladders["cache"]) - 1)]}
            report = _estimate(cloud.value, region, body, "staging", sizing)
            assert unpriced(report) == [], (region, sizing, unpriced(report))


def test_planner_refuses_a_region_without_prices_and_names_the_priced_ones():
    unpriced_aws = sorted(REGIONS["aws"] - set(priced_regions("aws")))
    assert "eu-west-3" in unpriced_aws
    spec = spec_from_data({"name": "shop-dev", "cloud": "aws", "region": "eu-west-3", **SMALL})
    with pytest.raises(UnpricedRegion) as err:
        plan_environment(spec)
    message = str(err.value)
    assert "eu-west-3" in message and "$0" in message
    assert all(region in message for region in priced_regions("aws"))


def test_planner_refuses_an_offer_without_a_sourced_price():
    spec = spec_from_data({"name": "shop-dev", "cloud": "gcp", "region": "us-central1",
                           "cache": {"engine": "memcached"}})
    with pytest.raises(UnpricedRegion, match=r"cache memcached on gcp: Memorystore for Memcached has no sourced price "
                                             r"in any region"):
        plan_environment(spec)


def test_request_for_an_unpriced_region_gets_the_refusal_as_a_question():
    from bot.request.derive import derive_spec
    from bot.request.state import RequestState

    body = "```yaml\nname: shop-dev\ncloud: aws\nregion: sa-east-1\n```"
    derived = derive_spec({"number": 7, "body": body}, RequestState(issue=7), Settings())
    assert derived.spec is None
    assert any("sa-east-1" in q and "us-east-1" in q for q in derived.questions), derived.questions


def test_unpriced_lists_unsupported_resources_and_missing_prices():
    files = {"main.tf": 'provider "aws" { region = "us-east-1" }\n'
                        'resource "aws_elasticache_cluster" "c" {\n  node_type = "cache.x9.huge"\n'
                        '  engine = "redis"\n}\n'
                        'resource "aws_cloudhsm_v2_hsm" "h" {\n  subnet_id = "s"\n}\n'}
    report = estimate_files(files)
    missing = unpriced(report)
    assert "1 x aws_cloudhsm_v2_hsm (no price)" in missing
    assert any(m.startswith("aws_elasticache_cluster.c: ElastiCache (on-demand, cache.x9.huge)") for m in missing)


@pytest.mark.parametrize("tier, outcome", [(Tier.dev, "warn"), (Tier.prod, "fail")])
def test_partial_estimate_never_passes_the_cost_rules(tier, outcome):
    spec = spec_from_data({"name": f"shop-{tier.value}", "cloud": "aws", "region": "us-east-1", "tier": tier.value,
                           "budget_monthly_usd": 400})
    partial = {"totalMonthlyCost": "12", "summary": {"unsupportedResourceCounts": {"aws_cloudhsm_v2_hsm": 1}},
               "projects": []}
    verdicts = {v.rule: v for v in evaluate(load_policy(), spec, None, partial)}
    for rule in ("cost-within-tier", "cost-within-budget"):
        assert verdicts[rule].outcome == outcome, verdicts[rule]
        assert "partial" in verdicts[rule].value and "aws_cloudhsm_v2_hsm" in verdicts[rule].message
    complete = {"totalMonthlyCost": "12", "summary": {"unsupportedResourceCounts": {}}, "projects": []}
    assert {v.rule: v for v in evaluate(load_policy(), spec, None, complete)}["cost-within-budget"].outcome == "pass"


def test_report_says_the_total_is_partial_and_lists_what_is_missing():
    from bot.pipeline.report import render_report
    from bot.pipeline.run import run_pipeline

    spec = spec_from_data({"name": "shop-dev", "cloud": "aws", "region": "us-east-1", **SMALL})
    result = run_pipeline(plan_environment(spec), Settings())
    assert "partial" not in result.report
    result.cost["summary"]["unsupportedResourceCounts"] = {"aws_cloudhsm_v2_hsm": 1}
    result.verdicts = evaluate(load_policy(), spec, None, result.cost)
    text = render_report(result, result.verdicts, limit=None)[0]
    assert "**partial**: 1 item(s) unpriced" in text
    assert "The total is a partial sum" in text and r"1 x aws\_cloudhsm\_v2\_hsm \(no price\)" in text


def test_cli_plan_refuses_an_unpriced_region_and_writes_nothing(tmp_path):
    import subprocess
    import sys

    spec = tmp_path / "environment.yaml"
    spec.write_text("name: shop-dev\ncloud: aws\nregion: eu-west-3\ncompute: {kind: containers}\n")
    out = tmp_path / "repo"
    proc = subprocess.run([sys.executable, "-m", "bot", "plan", "--spec", str(spec), "--out", str(out)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 1, proc.stderr
    assert "refused: region 'eu-west-3'" in proc.stderr and "us-east-1" in proc.stderr
    assert not out.exists() or not any(out.rglob("*"))
