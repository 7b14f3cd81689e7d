"""Budget-fitting planner, with a small price table of our own standing in for bot.cost."""

from __future__ import annotations

import pytest

from bot.pipeline.budget import BudgetError, fit_budget, no_nat_for_functions, total_of
from bot.pipeline.planning import Plan, plan_environment
from bot.spec import spec_from_data
from policies.schema import parse_policy

HOURS = 730
PRICES = {  # USD per hour, us-east-1 on-demand, rounded
    "t3.micro": 0.0104,
    "t3.small": 0.0208,
    "t3.medium": 0.0416,
    "t3.large": 0.0832,
    "m5.large": 0.096,
    "m5.xlarge": 0.192,
    "db.t3.micro": 0.017,
    "db.t3.small": 0.034,
    "db.t3.medium": 0.068,
    "db.t3.large": 0.136,
    "db.m5.large": 0.171,
    "cache.t3.micro": 0.017,
    "cache.t3.small": 0.034,
    "cache.t3.medium": 0.068,
    "cache.m5.large": 0.156,
}


def fake_estimate(plan: Plan) -> dict:
    """Infracost-shaped JSON priced from PRICES, so the test knows every number."""
    s, spec = plan.sizing, plan.spec
    resources = {
        "aws_lb.main": 16.43,
        "aws_nat_gateway.main": 32.85 * s.nat_gateways,
        "aws_cloudwatch_log_group.app": 0.05 * s.log_retention_days,
    }
    if spec.compute.kind.value == "kubernetes":
        resources["aws_eks_cluster.main"] = 73.0
        resources["aws_eks_node_group.main"] = PRICES[s.node_instance_type] * HOURS * s.node_count
    else:
        resources["aws_ecs_service.app"] = spec.compute.min_replicas * (
            spec.compute.cpu * 29.55 + spec.compute.memory_gb * 3.24
        )
    if spec.databases:
        resources["aws_db_instance.main"] = (
            PRICES[s.db_instance_class] * HOURS * (2 if s.db_multi_az else 1) + 0.115 * s.db_storage_gb
        )
    if spec.cache:
        resources["aws_elasticache_cluster.main"] = PRICES[s.cache_node_type] * HOURS * s.cache_nodes
    rows = [{"name": n, "monthlyCost": f"{c:.4f}", "costComponents": []} for n, c in resources.items()]
    return {
        "version": "0.2",
        "totalMonthlyCost": f"{sum(resources.values()):.4f}",
        "projects": [{"name": "env", "breakdown": {"resources": rows}}],
    }


def plan_for(**over) -> Plan:
    data = {
        "name": "payments-api-staging",
        "cloud": "aws",
        "region": "us-west-2",
        "tier": "staging",
        "databases": [{"engine": "postgres", "version": "16"}],
        "cache": {"engine": "redis"},
        "compute": {"min_replicas": 2, "max_replicas": 6},
        "ttl_days": 14,
    }
    data.update(over)
    return plan_environment(spec_from_data(data))


def choices(plan: Plan) -> dict[str, str]:
    return {c.key: c.value for c in plan.choices}


def test_defaults_that_fit_are_kept_and_the_fit_is_recorded():
    plan = plan_for(budget_monthly_usd=400)
    fitted = fit_budget(plan, fake_estimate)
    assert fitted.sizing == plan.sizing
    assert total_of(fake_estimate(fitted)) <= 400
    assert "fit the $400 budget" in next(c.reason for c in fitted.choices if c.key == "budget")


def test_budget_below_the_cheapest_plan_is_refused_with_what_drives_it():
    plan = plan_for(
        tier="dev",
        compute={"kind": "kubernetes", "min_replicas": 1, "max_replicas": 2},
        databases=[],
        cache=None,
        budget_monthly_usd=50,
    )
    with pytest.raises(BudgetError) as err:
        fit_budget(plan, fake_estimate)
    cheapest = err.value.cheapest_estimate
    assert cheapest > 50
    assert str(err.value).startswith(f"the cheapest plan is ${cheapest:,.2f}/month, above the $50 budget")
    assert "aws_eks_cluster.main ($73.00/month: the EKS control plane)" in str(err.value)
    assert err.value.drivers[0] == ("aws_eks_cluster.main", 73.0)
    # the cheapest plan kept Kubernetes (asked for) but used the smallest node the tier allows
    assert err.value.cheapest_plan.spec.compute.kind.value == "kubernetes"
    assert err.value.cheapest_plan.sizing.node_instance_type == "t3.small"


def test_budget_with_room_gets_a_plan_within_it_and_every_choice_recorded():
    plan = plan_for(budget_monthly_usd=120)
    assert total_of(fake_estimate(plan)) > 120
    fitted = fit_budget(plan, fake_estimate)
    assert total_of(fake_estimate(fitted)) <= 120
    made = choices(fitted)
    assert made["log_retention_days"] == "7"
    assert "budget" in made
    changed = {k for k, v in fitted.sizing.model_dump().items() if v != getattr(plan.sizing, k)}
    assert changed <= set(made), "every change to the sizes is recorded as a choice"
    assert fitted.spec == plan.spec


def test_shrinks_only_as_far_as_needed():
    plan = plan_for(budget_monthly_usd=400, compute={"kind": "kubernetes", "min_replicas": 2, "max_replicas": 6})
    default = total_of(fake_estimate(plan))
    fitted = fit_budget(
        plan.model_copy(update={"spec": plan.spec.model_copy(update={"budget_monthly_usd": default - 1})}),
        fake_estimate,
    )
    assert fitted.sizing.db_instance_class == plan.sizing.db_instance_class
    assert fitted.sizing.node_instance_type == plan.sizing.node_instance_type
    assert fitted.sizing.log_retention_days == 7


def test_what_the_request_asked_for_is_never_given_up():
    plan = plan_for(
        budget_monthly_usd=150,
        databases=[{"engine": "postgres", "high_availability": True}],
        cache={"engine": "redis", "high_availability": True},
        compute={"kind": "kubernetes", "min_replicas": 2, "max_replicas": 6},
    )
    with pytest.raises(BudgetError) as err:
        fit_budget(plan, fake_estimate)
    cheapest = err.value.cheapest_plan
    assert cheapest.sizing.db_multi_az is True and cheapest.sizing.cache_nodes == 2
    assert cheapest.spec.compute.kind.value == "kubernetes"


def test_prod_keeps_multi_az_nat_per_zone_and_production_floors():
    plan = plan_for(tier="prod", budget_monthly_usd=200)
    with pytest.raises(BudgetError) as err:
        fit_budget(plan, fake_estimate)
    s = err.value.cheapest_plan.sizing
    assert (s.db_multi_az, s.nat_gateways, s.availability_zones) == (True, 3, 3)  # one NAT per zone
    assert s.db_instance_class == "db.t3.medium" and s.cache_node_type == "cache.t3.small"


def test_policy_cap_applies_without_a_budget_and_disallowed_classes_are_skipped():
    policy = parse_policy(
        "tiers:\n  staging:\n    max_monthly_usd: 126\n"
        "instance_types:\n  aws: [t3.*, db.t3.*, cache.t3.small, cache.t3.medium]\n",
        "p.yaml",
    )
    fitted = fit_budget(plan_for(budget_monthly_usd=None), fake_estimate, policy=policy)
    assert total_of(fake_estimate(fitted)) <= 126
    assert fitted.sizing.cache_node_type == "cache.t3.small"  # cache.t3.micro would be cheaper but is not allowed
    assert fitted.sizing.db_instance_class == "db.t3.micro"
    assert "staging cap of $126" in next(c.reason for c in fitted.choices if c.key == "budget")


def test_a_plain_number_estimator_works_and_refusal_then_has_no_drivers():
    plan = plan_for(budget_monthly_usd=10)
    with pytest.raises(BudgetError) as err:
        fit_budget(plan, lambda p: 25.0)
    assert err.value.drivers == [] and str(err.value) == "the cheapest plan is $25.00/month, above the $10 budget"


def test_no_budget_and_no_policy_leaves_the_plan_alone():
    plan = plan_for()
    assert fit_budget(plan, fake_estimate) is plan


def test_functions_below_prod_drop_the_nat_gateway_before_shrinking_anything_else():
    plan = plan_for(compute={"kind": "functions"}, cache=None, budget_monthly_usd=65)
    fitted = fit_budget(plan, fake_estimate)
    assert fitted.sizing.nat_gateways == 0
    assert "VPC endpoints" in next(c.reason for c in fitted.choices if c.key == "nat_gateways")
    assert fitted.sizing.db_instance_class == plan.sizing.db_instance_class
    assert no_nat_for_functions(plan_for(tier="prod", compute={"kind": "functions"}), None) is None
    assert no_nat_for_functions(plan_for(compute={"kind": "containers"}), None) is None
