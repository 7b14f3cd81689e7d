"""Budget-fitting planner: shrink a plan, least harm first, until its estimate fits the budget.

The steps never undo what the request asked for (its compute kind, high availability, replicas,
storage) nor what the tier needs (prod keeps Multi-AZ, its NAT gateways and production-class
floors). When even the cheapest plan is over budget, `BudgetError` says what it costs and why.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from bot.cost import estimate_files
from bot.cost.defaults import tier_usage
from bot.errors import RefusedError
from bot.pipeline.planning import Plan
from bot.settings import get_settings
from bot.spec import Cloud, ComputeKind, DatabaseEngine, Tier
from generators.terraform.build import generate

Estimate = Callable[[Plan], "float | dict[str, Any]"]

# Machine classes per cloud, cheapest first. A class not on its ladder is never resized.
LADDERS: dict[tuple[Cloud, str], list[str]] = {
    (Cloud.aws, "node"): ["t3.micro", "t3.small", "t3.medium", "t3.large", "m5.large", "m5.xlarge", "m5.2xlarge"],
    (Cloud.aws, "db"): [
        "db.t3.micro",
        "db.t3.small",
        "db.t3.medium",
        "db.t3.large",
        "db.m5.large",
        "db.m5.xlarge",
        "db.m5.2xlarge",
    ],
    (Cloud.aws, "cache"): ["cache.t3.micro", "cache.t3.small", "cache.t3.medium", "cache.m5.large", "cache.m5.xlarge"],
    (Cloud.gcp, "node"): ["e2-small", "e2-medium", "e2-standard-2", "e2-standard-4", "e2-standard-8"],
    (Cloud.gcp, "db"): ["db-f1-micro", "db-g1-small", "db-custom-1-3840", "db-custom-2-7680", "db-custom-4-15360"],
    (Cloud.gcp, "cache"): ["BASIC", "STANDARD_HA"],
    (Cloud.azure, "node"): [
        "Standard_B1ms",
        "Standard_B2s",
        "Standard_B2ms",
        "Standard_D2s_v5",
        "Standard_D4s_v5",
        "Standard_D8s_v5",
    ],
    (Cloud.azure, "db"): [
        "B_Standard_B1ms",
        "B_Standard_B2s",
        "GP_Standard_D2s_v3",
        "GP_Standard_D4s_v3",
        "GP_Standard_D8s_v3",
    ],
    (Cloud.azure, "cache"): ["Basic_C0", "Basic_C1", "Standard_C1", "Standard_C2", "Premium_P1"],
}

# The smallest class a tier (or a compute kind / engine / HA request) can live with.
PROD_FLOORS: dict[Cloud, dict[str, str]] = {
    Cloud.aws: {"node": "t3.large", "db": "db.t3.medium", "cache": "cache.t3.small"},
    Cloud.gcp: {"node": "e2-standard-2", "db": "db-custom-1-3840", "cache": "STANDARD_HA"},
    Cloud.azure: {"node": "Standard_D2s_v5", "db": "GP_Standard_D2s_v3", "cache": "Standard_C1"},
}
KUBERNETES_NODE_FLOORS: dict[Cloud, str] = {Cloud.aws: "t3.small", Cloud.gcp: "e2-medium", Cloud.azure: "Standard_B2s"}
ENGINE_DB_FLOORS: dict[tuple[Cloud, DatabaseEngine], str] = {(Cloud.aws, DatabaseEngine.mongodb): "db.t3.medium"}
HA_CACHE_FLOORS: dict[Cloud, str] = {Cloud.gcp: "STANDARD_HA", Cloud.azure: "Standard_C1"}

SIZING_FIELDS = {"node": "node_instance_type", "db": "db_instance_class", "cache": "cache_node_type"}

# What a cost driver is, for the refusal message.
DRIVER_NOTES: dict[str, str] = {
    "aws_eks_cluster": "the EKS control plane",
    "google_container_cluster": "the GKE cluster fee",
    "azurerm_kubernetes_cluster": "the AKS cluster and its system node pool",
    "aws_nat_gateway": "NAT gateway hours",
    "google_compute_router_nat": "Cloud NAT",
    "azurerm_nat_gateway": "the NAT gateway",
    "aws_lb": "the load balancer",
    "aws_alb": "the load balancer",
    "aws_db_instance": "the database instance",
    "aws_rds_cluster": "the database cluster",
    "aws_docdb_cluster_instance": "the DocumentDB instance",
    "google_sql_database_instance": "the Cloud SQL instance",
    "azurerm_postgresql_flexible_server": "the database server",
    "azurerm_mysql_flexible_server": "the database server",
    "aws_elasticache_cluster": "the cache nodes",
    "aws_elasticache_replication_group": "the cache nodes",
    "aws_eks_node_group": "the Kubernetes worker nodes",
    "aws_instance": "the virtual machines",
    "aws_opensearch_domain": "the search cluster",
    "aws_msk_cluster": "the Kafka brokers",
    "aws_mq_broker": "the message broker",
    "aws_ecs_service": "the Fargate tasks",
}


class BudgetError(RefusedError):
    """Even the cheapest acceptable plan is over budget."""

    def __init__(
        self,
        cheapest_estimate: float,
        drivers: list[tuple[str, float]],
        message: str,
        cheapest_plan: Plan | None = None,
    ):
        self.cheapest_estimate = cheapest_estimate
        self.drivers = drivers
        self.cheapest_plan = cheapest_plan
        super().__init__(message)


def money(value: float) -> str:
    """$50 / $118.40."""
    return f"${value:,.0f}" if float(value).is_integer() else f"${value:,.2f}"


def total_of(result: float | dict[str, Any]) -> float:
    """Monthly USD from an estimator result (a number or Infracost JSON)."""
    if isinstance(result, dict):
        return float(result.get("totalMonthlyCost") or 0)
    return float(result)


def drivers_of(result: float | dict[str, Any], top: int = 3) -> list[tuple[str, float]]:
    """The most expensive resources of an Infracost result, dearest first."""
    if not isinstance(result, dict):
        return []
    resources = [
        (r.get("name", "?"), float(r.get("monthlyCost") or 0))
        for p in result.get("projects", [])
        for r in (p.get("breakdown") or {}).get("resources", [])
    ]
    return sorted((r for r in resources if r[1] > 0), key=lambda r: -r[1])[:top]


def describe_driver(name: str, monthly: float) -> str:
    type_ = name.split("[")[0].rsplit(".", 1)[0].split(".")[-1]
    note = DRIVER_NOTES.get(type_)
    return f"{name} (${monthly:,.2f}/month" + (f": {note})" if note else ")")


def default_estimate(plan: Plan) -> dict[str, Any]:
    """Generate the plan's Terraform and price it (bot.cost) with the tier's default usage, as the pipeline does."""
    return estimate_files(generate(plan, get_settings()), tier_usage(plan.spec.tier.value))


@dataclass(frozen=True)
class Step:
    key: str
    value: object
    reason: str


Move = Callable[[Plan, "set[str] | None"], "Step | None"]


def _non_prod(plan: Plan) -> bool:
    return plan.spec.tier != Tier.prod


def _ha_database(plan: Plan) -> bool:
    return any(db.high_availability for db in plan.spec.databases)


def shorter_log_retention(plan: Plan, _allowed: set[str] | None) -> Step | None:
    if _non_prod(plan) and plan.sizing.log_retention_days > 7:
        return Step("log_retention_days", 7, f"{plan.spec.tier.value}: a week of logs is enough to debug")
    return None


def one_nat_gateway(plan: Plan, _allowed: set[str] | None) -> Step | None:
    if _non_prod(plan) and plan.sizing.nat_gateways > 1:
        return Step("nat_gateways", 1, "one shared NAT gateway instead of one per zone (outbound traffic only)")
    return None


def no_nat_for_functions(plan: Plan, _allowed: set[str] | None) -> Step | None:
    if _non_prod(plan) and plan.spec.compute.kind == ComputeKind.functions and plan.sizing.nat_gateways:
        return Step("nat_gateways", 0, "no NAT gateway for serverless functions: they reach the AWS services they use "
                    "through VPC endpoints and have no other internet egress")
    return None


def two_zones(plan: Plan, _allowed: set[str] | None) -> Step | None:
    if _non_prod(plan) and plan.sizing.availability_zones > 2:
        return Step("availability_zones", 2, "two availability zones are enough below prod")
    return None


def single_cache_node(plan: Plan, _allowed: set[str] | None) -> Step | None:
    asked = plan.spec.cache is not None and plan.spec.cache.high_availability
    if plan.spec.cache and _non_prod(plan) and not asked and plan.sizing.cache_nodes > 1:
        return Step("cache_nodes", 1, "one cache node: no replica below prod unless asked for")
    return None


def single_az_database(plan: Plan, _allowed: set[str] | None) -> Step | None:
    if plan.spec.databases and _non_prod(plan) and not _ha_database(plan) and plan.sizing.db_multi_az:
        return Step("db_multi_az", False, "single-AZ database: high availability was not asked for below prod")
    return None


def _floor(plan: Plan, kind: str) -> str:
    cloud, ladder = plan.spec.cloud, LADDERS[(plan.spec.cloud, kind)]
    floors = [ladder[0]]
    if plan.spec.tier == Tier.prod:
        floors.append(PROD_FLOORS[cloud][kind])
    if kind == "node" and plan.spec.compute.kind == ComputeKind.kubernetes:
        floors.append(KUBERNETES_NODE_FLOORS[cloud])
    if kind == "db":
        floors += [
            ENGINE_DB_FLOORS[(cloud, db.engine)] for db in plan.spec.databases if (cloud, db.engine) in ENGINE_DB_FLOORS
        ]
    if kind == "cache" and plan.spec.cache and plan.spec.cache.high_availability and cloud in HA_CACHE_FLOORS:
        floors.append(HA_CACHE_FLOORS[cloud])
    return max(floors, key=ladder.index)


def _uses(plan: Plan, kind: str) -> bool:
    if kind == "node":
        return plan.spec.compute.kind in (ComputeKind.kubernetes, ComputeKind.vm)
    if kind == "db":
        return bool(plan.spec.databases)
    return plan.spec.cache is not None


def smaller_class(kind: str) -> Move:
    """A move that steps one machine class (node/db/cache) down its ladder, not below its floor."""
    field = SIZING_FIELDS[kind]

    def move(plan: Plan, allowed: set[str] | None) -> Step | None:
        ladder = LADDERS[(plan.spec.cloud, kind)]
        current = getattr(plan.sizing, field)
        if not _uses(plan, kind) or current not in ladder:
            return None
        floor = ladder.index(_floor(plan, kind))
        for candidate in reversed(ladder[floor : ladder.index(current)]):
            if allowed is None or candidate in allowed:
                return Step(field, candidate, f"{candidate} instead of {current} to fit the budget")
        return None

    move.__name__ = f"smaller_{kind}"
    return move


# Least harm first; the class moves are taken round-robin so no single part shrinks alone.
OPTION_MOVES: list[Move] = [shorter_log_retention, one_nat_gateway, no_nat_for_functions, two_zones, single_cache_node,
                            single_az_database]
CLASS_MOVES: list[Move] = [smaller_class("cache"), smaller_class("node"), smaller_class("db")]


def _apply(plan: Plan, step: Step) -> Plan:
    new = plan.model_copy(deep=True)
    setattr(new.sizing, step.key, step.value)
    new.choose(step.key, step.value, step.reason)
    return new


def _steps(plan: Plan, allowed: set[str] | None) -> Iterator[tuple[Plan, Step]]:
    """Every step from the plan down to the cheapest acceptable plan, in order of least harm."""
    for move in OPTION_MOVES:
        step = move(plan, allowed)
        if step is not None:
            plan = _apply(plan, step)
            yield plan, step
    moved = True
    while moved:
        moved = False
        for move in CLASS_MOVES:
            step = move(plan, allowed)
            if step is not None:
                plan = _apply(plan, step)
                moved = True
                yield plan, step


def _allowed_classes(plan: Plan, policy: Any) -> set[str] | None:
    if policy is None:
        return None
    return {
        c
        for (cloud, _), ladder in LADDERS.items()
        if cloud == plan.spec.cloud
        for c in ladder
        if policy.instance_type_allowed(cloud, c)
    }


def fit_budget(plan: Plan, estimate: Estimate | None = None, *, policy: Any = None) -> Plan:
    """The plan, shrunk just enough to fit min(spec budget, the tier's policy cap); BudgetError if it cannot."""
    estimate = estimate or default_estimate
    spec = plan.spec
    limits = []
    if spec.budget_monthly_usd is not None:
        limits.append((spec.budget_monthly_usd, f"the {money(spec.budget_monthly_usd)} budget"))
    cap = policy.tier(spec.tier).max_monthly_usd if policy is not None else None
    if cap is not None:
        limits.append((cap, f"the {spec.tier.value} cap of {money(cap)}"))
    if not limits:
        return plan
    budget, label = min(limits)

    result = estimate(plan)
    cost = total_of(result)
    if cost <= budget:
        fitted = plan.model_copy(deep=True)
        fitted.choose("budget", f"{money(cost)}/month", f"the {spec.tier.value} defaults fit {label}")
        return fitted

    allowed = _allowed_classes(plan, policy)
    steps = list(_steps(plan, allowed))
    cheapest = steps[-1][0] if steps else plan
    cheapest_result = estimate(cheapest) if steps else result
    cheapest_cost = total_of(cheapest_result)
    if cheapest_cost > budget:
        drivers = drivers_of(cheapest_result)
        message = f"the cheapest plan is ${cheapest_cost:,.2f}/month, above {label}"
        if drivers:
            message += "; it is driven by " + ", ".join(describe_driver(n, m) for n, m in drivers)
        raise BudgetError(cheapest_cost, drivers, message, cheapest_plan=cheapest)

    fitted, cost = cheapest, cheapest_cost
    for candidate, _step in steps[:-1]:
        candidate_cost = total_of(estimate(candidate))
        if candidate_cost <= budget:
            fitted, cost = candidate, candidate_cost
            break
    fitted.choose("budget", f"{money(cost)}/month", f"shrunk to fit {label}")
    return fitted
