"""Planning: from a spec to concrete sizes and options (the Plan) that the generators turn into files.

`plan_environment` picks defaults per cloud and tier; the budget-fitting planner refines them.
Every decision is recorded as a Choice with its reason, for the review report.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from bot.cost.coverage import check_spec
from bot.spec import (
    Cloud,
    Compliance,
    ComputeKind,
    Database,
    DatabaseEngine,
    EnvironmentSpec,
    Exposure,
    SqlServerEdition,
    Tier,
    sqlserver_edition,
)
from policies.profiles import apply, load


class Choice(BaseModel):
    """One planning decision: what was picked and why."""

    key: str
    value: str
    reason: str


class Sizing(BaseModel):
    """Concrete, cloud-specific sizes. Instance names are the provider's own."""

    model_config = ConfigDict(extra="forbid")

    node_instance_type: str = Field(description="Kubernetes node / VM machine type")
    node_count: int = Field(ge=1, le=100, description="Kubernetes nodes (desired)")
    node_max_count: int = Field(ge=1, le=200)
    container_cpu: float = Field(description="vCPU per container replica (Fargate/Cloud Run/Container Apps)")
    container_memory_gb: float
    function_memory_mb: int = 512
    db_instance_class: str
    db_storage_gb: int = 20
    db_multi_az: bool = False
    db_backup_retention_days: int = 7
    cache_node_type: str
    cache_nodes: int = 1
    nat_gateways: int = Field(ge=0, le=3, default=1)
    availability_zones: int = Field(ge=2, le=3, default=2)
    log_retention_days: int = 30
    kubernetes_version: str | None = Field(default=None, description="EKS version (in standard support when planned)")


class Plan(BaseModel):
    """The spec plus every decision needed to generate its infrastructure."""

    spec: EnvironmentSpec
    sizing: Sizing
    choices: list[Choice] = Field(default_factory=list)
    expires_on: dt.date | None = None

    def choose(self, key: str, value: object, reason: str) -> None:
        """Record a decision (replacing an earlier one for the same key)."""
        self.choices = [c for c in self.choices if c.key != key] + [Choice(key=key, value=str(value), reason=reason)]

    def label(self, key: str) -> str:
        """What a decision (a `Sizing` field) is called in text people read: the machine type is a VM's on VMs, a
        node's on Kubernetes (the other kinds have no machine to choose)."""
        if key == "node_instance_type" and self.spec.compute.kind == ComputeKind.vm:
            return "vm_instance_type"
        return key


# Default sizes per (cloud, tier): small and cheap for dev, redundant for prod.
DEFAULT_SIZING: dict[tuple[Cloud, Tier], dict[str, Any]] = {
    (Cloud.aws, Tier.dev): dict(node_instance_type="t3.medium", db_instance_class="db.t3.micro", cache_node_type="cache.t3.micro", nat_gateways=1),
    (Cloud.aws, Tier.staging): dict(node_instance_type="t3.large", db_instance_class="db.t3.small", cache_node_type="cache.t3.small", nat_gateways=1),
    (Cloud.aws, Tier.prod): dict(node_instance_type="m5.large", db_instance_class="db.m5.large",
                                 cache_node_type="cache.m5.large", nat_gateways=3, log_retention_days=365),
    (Cloud.gcp, Tier.dev): dict(node_instance_type="e2-medium", db_instance_class="db-custom-1-3840", cache_node_type="BASIC", nat_gateways=1),
    (Cloud.gcp, Tier.staging): dict(node_instance_type="e2-standard-2", db_instance_class="db-custom-1-3840", cache_node_type="BASIC", nat_gateways=1),
    (Cloud.gcp, Tier.prod): dict(node_instance_type="e2-standard-4", db_instance_class="db-custom-2-7680", cache_node_type="STANDARD_HA", nat_gateways=1, log_retention_days=365),
    (Cloud.azure, Tier.dev): dict(node_instance_type="Standard_B2s", db_instance_class="B_Standard_B1ms", cache_node_type="Basic_C0", nat_gateways=1),
    (Cloud.azure, Tier.staging): dict(node_instance_type="Standard_D2s_v5", db_instance_class="GP_Standard_D2ds_v4", cache_node_type="Standard_C1", nat_gateways=1),
    (Cloud.azure, Tier.prod): dict(node_instance_type="Standard_D4s_v5", db_instance_class="GP_Standard_D4ds_v4", cache_node_type="Premium_P1", nat_gateways=1, log_retention_days=365),
}


# EKS version -> end of its standard support (https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html).
EKS_VERSIONS: dict[str, dt.date] = {
    "1.33": dt.date(2026, 7, 29),
    "1.34": dt.date(2026, 12, 2),
    "1.35": dt.date(2027, 3, 27),
}


# Node / VM machine type -> (vCPU, memory GiB), for every type the planner or the budget fitter's ladders pick:
# what a node can hold, and the size the report and README state.
NODE_CAPACITY: dict[str, tuple[float, float]] = {
    "t3.micro": (2, 1), "t3.small": (2, 2), "t3.medium": (2, 4), "t3.large": (2, 8),
    "m5.large": (2, 8), "m5.xlarge": (4, 16), "m5.2xlarge": (8, 32),
    "e2-small": (2, 2), "e2-medium": (2, 4), "e2-standard-2": (2, 8), "e2-standard-4": (4, 16),
    "e2-standard-8": (8, 32),
    "Standard_B1ms": (1, 2), "Standard_B2s": (2, 4), "Standard_B2ms": (2, 8), "Standard_D2s_v5": (2, 8),
    "Standard_D4s_v5": (4, 16), "Standard_D8s_v5": (8, 32),
}
ALLOCATABLE = 0.75  # share of a node left for pods after the kubelet, system pods and daemon sets


def machine_size(node_type: str) -> str:
    """`2 vCPU / 4 GiB` for a known machine type, "" for one the table does not know."""
    if node_type not in NODE_CAPACITY:
        return ""
    vcpu, memory = NODE_CAPACITY[node_type]
    return f"{vcpu:g} vCPU / {memory:g} GiB"


def pods_per_node(node_type: str, cpu: float, memory_gb: float) -> int:
    """How many app replicas (requests = the spec's cpu/memory) fit on one node of `node_type` (at least one)."""
    vcpu, memory = NODE_CAPACITY.get(node_type, (2, 8))
    return max(1, min(int(vcpu * ALLOCATABLE // cpu), int(memory * ALLOCATABLE // memory_gb)))


def newest_kubernetes_version() -> str:
    """The newest EKS version of the table."""
    return max(EKS_VERSIONS, key=lambda v: tuple(int(p) for p in v.split(".")))


# Tier-default sizes that cannot be highly available, and what replaces them when HA is needed.
HA_DB_CLASS: dict[str, str] = {"B_Standard_B1ms": "GP_Standard_D2ds_v4"}  # Azure burstable: no zone-redundant HA
HA_CACHE_TYPE: dict[str, str] = {"BASIC": "STANDARD_HA", "Basic_C0": "Standard_C0"}  # single-node tiers

# SQL Server instance sizes per cloud and edition. AWS: the smallest class RDS offers for the edition that the catalog
# prices (license included): Web runs on db.t3 classes, Standard needs db.m5.large or more and Enterprise db.m5.xlarge
# or more; only db.m5.xlarge has a sourced Standard/Enterprise price. (No Express on AWS: RDS cannot encrypt it.)
SQLSERVER_CLASS: dict[Cloud, dict[SqlServerEdition, str]] = {
    Cloud.aws: {SqlServerEdition.web: "db.t3.large", SqlServerEdition.standard: "db.m5.xlarge",
                SqlServerEdition.enterprise: "db.m5.xlarge"},
    # Azure SQL Database has no editions: the edition picks the service tier. Express/Web -> DTU Standard S0/S1;
    # Standard -> General Purpose 2 vCores; Enterprise -> Business Critical 2 vCores (zone redundant with HA).
    Cloud.azure: {SqlServerEdition.express: "S0", SqlServerEdition.web: "S1",
                  SqlServerEdition.standard: "GP_Gen5_2", SqlServerEdition.enterprise: "BC_Gen5_2"},
    # Cloud SQL: the tier's machine, but Enterprise needs at least 2 vCPUs (license billed per vCPU)
    Cloud.gcp: {SqlServerEdition.enterprise: "db-custom-2-7680"},
}
MULTI_AZ_EDITIONS = frozenset({SqlServerEdition.standard, SqlServerEdition.enterprise})


def sqlserver_class(plan: Plan, db: Database) -> str:
    """The instance size of a SQL Server database: its edition's class (AWS), else the tier's database size."""
    return SQLSERVER_CLASS.get(plan.spec.cloud, {}).get(sqlserver_edition(db, plan.spec.tier, plan.spec.cloud),
                                                        plan.sizing.db_instance_class)


def sqlserver_multi_az(plan: Plan, db: Database) -> bool:
    """Multi-AZ / zone-redundant for a SQL Server database: planned HA, and an edition that can fail over."""
    return plan.sizing.db_multi_az and sqlserver_edition(db, plan.spec.tier, plan.spec.cloud) in MULTI_AZ_EDITIONS


# Why the tier's default edition was picked (the spec named none).
DEFAULT_EDITION_REASONS = {
    SqlServerEdition.express: "cheapest edition, enough for {tier} (Express holds databases of up to 10 GB each)",
    SqlServerEdition.web: "cheapest edition for {tier} without Express's 10 GB cap (Web is licensed for public web "
                          "workloads only)",
    SqlServerEdition.standard: "cheapest edition that fails over, for high availability / prod (Express and Web "
                               "cannot)",
}


def _choose_sqlserver(plan: Plan) -> None:
    """Record each SQL Server database's edition, size and availability with the reason (for the report)."""
    spec = plan.spec
    for db in (d for d in spec.databases if d.engine == DatabaseEngine.sqlserver):
        edition = sqlserver_edition(db, spec.tier, spec.cloud)
        why = "requested" if db.edition is not None else DEFAULT_EDITION_REASONS[edition].format(tier=spec.tier.value)
        if db.edition is None and spec.cloud == Cloud.aws and edition == SqlServerEdition.web and spec.tier == Tier.dev:
            why = "cheapest edition RDS can encrypt (it cannot encrypt SQL Server Express storage)"
        plan.choose("sqlserver_edition", f"SQL Server {db.version} {edition.value}", why)
        if spec.cloud == Cloud.aws:
            plan.choose("sqlserver_instance_class", sqlserver_class(plan, db),
                        f"smallest class RDS offers for SQL Server {edition.value} that the catalog prices "
                        "(us-east-1, license included)")
        elif spec.cloud == Cloud.azure:
            plan.choose("sqlserver_instance_class", sqlserver_class(plan, db),
                        f"Azure SQL Database has no editions: the service tier closest to SQL Server {edition.value}")
        if plan.sizing.db_multi_az and not sqlserver_multi_az(plan, db):
            plan.choose("sqlserver_multi_az", False, f"SQL Server {edition.value} cannot fail over (Multi-AZ needs "
                        "standard or enterprise): single zone")


WAF_FRAMEWORKS = (Compliance.hipaa, Compliance.pci_dss)  # their profiles require a WAF on public ingress
# What puts a WAF in front of a public Cloud Run service / Container App (generators/terraform/{gcp,azure}/waf.py).
WAF_OFFER = {Cloud.gcp: "Cloud Armor on an HTTPS load balancer", Cloud.azure: "Front Door Premium with a WAF policy"}


def waf_reason(spec: EnvironmentSpec) -> str | None:
    """Why the public entry point gets a web application firewall, or None when it gets none. AWS puts one on every
    load balancer it generates; GCP and Azure (where it is billed per month) when asked (`waf`), when a HIPAA or PCI
    DSS profile requires it, and in prod, as on AWS. An internal app or a scheduled job has no public entry point."""
    if spec.app.exposure != Exposure.public or spec.compute.schedule is not None:
        return None
    frameworks = [load(f.value).name for f in spec.compliance if f in WAF_FRAMEWORKS]
    if spec.waf:
        return "requested (`waf`)"
    if frameworks:
        return f"{' and '.join(frameworks)} profile: no public endpoint without a WAF"
    if spec.tier == Tier.prod:
        return "prod tier (as on AWS, where every public load balancer has one)"
    return None


def plan_environment(spec: EnvironmentSpec, today: dt.date | None = None) -> Plan:
    """Default plan for a spec: tier-appropriate sizes, Multi-AZ only where asked or in prod.

    Raises UnpricedRegion (a ValueError naming the priced regions) for a region the cost catalog does not
    cover, or an offer whose resources have no sourced price: they could only be estimated as $0."""
    check_spec(spec)
    defaults = DEFAULT_SIZING[(spec.cloud, spec.tier)]
    replicas_per_node = pods_per_node(str(defaults["node_instance_type"]), spec.compute.cpu, spec.compute.memory_gb)
    workers = len(spec.workers) if spec.compute.kind == ComputeKind.kubernetes else 0  # one pod each, the app's size
    node_count = max(1, -(-(spec.compute.min_replicas + workers) // replicas_per_node))
    node_max = max(node_count, -(-(spec.compute.max_replicas + workers) // replicas_per_node))
    ha = any(db.high_availability for db in spec.databases) or spec.tier == Tier.prod
    sizing = Sizing(
        node_count=node_count + (1 if spec.tier == Tier.prod else 0),
        node_max_count=node_max + (1 if spec.tier == Tier.prod else 0),
        container_cpu=spec.compute.cpu,
        container_memory_gb=spec.compute.memory_gb,
        db_storage_gb=max((db.storage_gb for db in spec.databases), default=20),
        db_multi_az=ha,
        cache_nodes=2 if (spec.cache and (spec.cache.high_availability or spec.tier == Tier.prod)) else 1,
        availability_zones=3 if spec.tier == Tier.prod else 2,
        **defaults,
    )
    plan = Plan(spec=spec, sizing=sizing)
    if spec.compute.kind in (ComputeKind.kubernetes, ComputeKind.vm):  # the other kinds have no nodes
        what = "node" if spec.compute.kind == ComputeKind.kubernetes else "VM"
        plan.choose("node_instance_type", sizing.node_instance_type,
                    f"default {what} type for {spec.tier.value} on {spec.cloud.value}")
    if spec.compute.kind == ComputeKind.kubernetes:
        plan.choose("node_count", f"{sizing.node_count}-{sizing.node_max_count}",
                    f"{replicas_per_node} replica(s) of {spec.compute.cpu} vCPU / {spec.compute.memory_gb:g} GiB fit on "
                    f"one {sizing.node_instance_type} node; "
                    f"{spec.compute.min_replicas}-{spec.compute.max_replicas} replicas"
                    + (" plus one spare node (prod)" if spec.tier == Tier.prod else ""))
    if spec.cloud == Cloud.aws:
        if sizing.nat_gateways >= sizing.availability_zones:
            plan.choose("nat_gateways", sizing.nat_gateways,
                        "one NAT gateway per zone: a zone outage cuts no other zone's egress; VPC endpoints "
                        "(S3, ECR, STS, Secrets Manager, logs) keep AWS traffic off the NAT")
        else:
            plan.choose("nat_gateways", sizing.nat_gateways,
                        "one NAT gateway shared by every zone: about $33/month less per zone, but an outage of its "
                        "zone cuts the private subnets' outbound traffic")
    if spec.databases:
        plan.choose("db_multi_az", sizing.db_multi_az,
                    "requested high availability or prod tier" if ha else "single-AZ is enough below prod")
    if sizing.db_multi_az and sizing.db_instance_class in HA_DB_CLASS:
        sizing.db_instance_class = HA_DB_CLASS[sizing.db_instance_class]
        plan.choose("db_instance_class", sizing.db_instance_class, "high availability needs a non-burstable size")
    _choose_sqlserver(plan)
    if sizing.cache_nodes > 1 and sizing.cache_node_type in HA_CACHE_TYPE:
        sizing.cache_node_type = HA_CACHE_TYPE[sizing.cache_node_type]
        plan.choose("cache_node_type", sizing.cache_node_type, "high availability needs a replicated cache tier")
    if spec.cloud == Cloud.aws and spec.compute.kind == ComputeKind.kubernetes:
        version = sizing.kubernetes_version = newest_kubernetes_version()
        until = EKS_VERSIONS[version]
        in_support = (today or dt.date.today()) <= until
        status = "in standard support" if in_support else "PAST standard support: update the table"
        plan.choose("kubernetes_version", version, f"newest EKS version, {status} until {until.isoformat()} "
                    "(upgrade_policy STANDARD: the cluster is never billed for extended support)")
    if spec.compliance:
        apply(plan)  # the frameworks' log and backup retention lengths
    waf = waf_reason(spec)
    if waf and spec.cloud != Cloud.aws and spec.compute.kind == ComputeKind.containers:
        plan.choose("waf", WAF_OFFER[spec.cloud], waf)
    plan.expires_on = effective_expiry(spec, today or dt.date.today())
    return plan


def effective_expiry(spec: EnvironmentSpec, today: dt.date) -> dt.date | None:
    """The date the environment will really be destroyed: `expires_on` when set (it wins over `ttl_days`),
    else today + `ttl_days`; None when neither is set. Policy judges this date, never one field alone."""
    if spec.expires_on is not None:
        return spec.expires_on
    if spec.ttl_days:
        return today + dt.timedelta(days=spec.ttl_days)
    return None
