"""Policy evaluation: a table of rules over the spec, the generated Terraform and the cost estimate.

Each rule is one small function returning a Verdict (or None when it has nothing to judge, e.g. no
estimate yet). Built-in guards are not configurable and cannot be overridden; org rules that fail
become warnings when an authorised person overrides them with a reason.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from bot.cost.coverage import unpriced
from bot.hclread import ParsedFiles
from bot.pipeline.budget import money
from bot.pipeline.planning import Plan, effective_expiry
from bot.pipeline.results import Verdict
from bot.spec import Cloud, EnvironmentSpec, Tier
from policies.checkov.devagent_tables import ENCRYPTION_FLAGS, TAG_PATHS
from policies.schema import OrgPolicy, Override, load_policy
from policies.terraform import Resource, Terraform, blocks, first, parse_terraform

OPEN_CIDRS = {"0.0.0.0/0", "::/0", "*", "Internet", "Any", "any"}
ADMIN_PORTS = {22: "SSH", 3389: "RDP"}
DB_PORTS = {
    5432: "PostgreSQL",
    3306: "MySQL",
    27017: "MongoDB",
    6379: "Redis",
    11211: "Memcached",
    1433: "SQL Server",
    9200: "OpenSearch",
    5672: "RabbitMQ",
    9092: "Kafka",
}
GUARDED_PORTS = {**ADMIN_PORTS, **DB_PORTS}


@dataclass
class Subject:
    """What the rules look at."""

    spec: EnvironmentSpec
    terraform: Terraform | None = None
    cost: dict[str, Any] | None = None
    requester: str | None = None
    requester_teams: tuple[str, ...] = ()
    today: dt.date = dataclasses.field(default_factory=dt.date.today)
    expires_on: dt.date | None = None  # the effective expiry (bot.pipeline.planning.effective_expiry)

    @property
    def monthly_cost(self) -> float | None:
        return None if self.cost is None else float(self.cost.get("totalMonthlyCost") or 0)


def _verdict(rule: str, problems: list[str], ok_value: str, message: str, fix: str) -> Verdict:
    """Fail listing the first problems, or pass showing `ok_value`."""
    if problems:
        return Verdict(
            rule=rule,
            outcome="fail",
            value="; ".join(problems[:10]) + (f" (+{len(problems) - 10} more)" if len(problems) > 10 else ""),
            message=message,
            fix=fix,
        )
    return Verdict(rule=rule, outcome="pass", value=ok_value)


# --- rules over the spec -------------------------------------------------------------------------


def cloud_allowed(policy: OrgPolicy, s: Subject) -> Verdict:
    allowed = ", ".join(c.value for c in policy.clouds) or "none"
    if s.spec.cloud in policy.clouds:
        return Verdict(rule="cloud-allowed", outcome="pass", value=s.spec.cloud.value)
    return Verdict(
        rule="cloud-allowed",
        outcome="fail",
        value=s.spec.cloud.value,
        message=f"the org does not allow {s.spec.cloud.value}",
        fix=f"use one of: {allowed}",
    )


def region_allowed(policy: OrgPolicy, s: Subject) -> Verdict | None:
    cloud = policy.clouds.get(s.spec.cloud)
    if cloud is None:
        return None
    if not cloud.regions or s.spec.region in cloud.regions:
        return Verdict(rule="region-allowed", outcome="pass", value=s.spec.region)
    return Verdict(
        rule="region-allowed",
        outcome="fail",
        value=s.spec.region,
        message=f"{s.spec.region} is not an allowed {s.spec.cloud.value} region",
        fix=f"use one of: {', '.join(cloud.regions)}",
    )


def ttl_within_tier(policy: OrgPolicy, s: Subject) -> Verdict:
    """Judges the effective expiry (`expires_on` wins over `ttl_days`), as the lifetime from today."""
    limit = policy.tier(s.spec.tier).max_ttl_days
    tier = s.spec.tier.value
    expires = s.expires_on
    lifetime = None if expires is None else (expires - s.today).days
    shown = "no TTL" if expires is None else f"{lifetime} days (until {expires.isoformat()})"
    if limit is None:
        return Verdict(rule="ttl-within-tier", outcome="pass", value=shown, message=f"{tier} has no TTL limit")
    if lifetime is None:
        return Verdict(
            rule="ttl-within-tier",
            outcome="warn",
            value="no TTL",
            message=f"{tier} environments should expire (at most {limit} days)",
            fix=f"set ttl_days <= {limit}",
        )
    if lifetime > limit or lifetime < 1:
        source = "expires_on" if s.spec.expires_on is not None else "ttl_days"
        return Verdict(
            rule="ttl-within-tier",
            outcome="fail",
            value=shown,
            message=f"{tier} environments live at most {limit} days" if lifetime > limit else
            "the environment would expire before it is created",
            fix=f"set ttl_days <= {limit}" + (" and remove expires_on (it wins over ttl_days)" if source == "expires_on" else ""),
        )
    return Verdict(rule="ttl-within-tier", outcome="pass", value=f"{shown} (max {limit} days)")


def budget_within_tier(policy: OrgPolicy, s: Subject) -> Verdict | None:
    cap = policy.tier(s.spec.tier).max_monthly_usd
    budget = s.spec.budget_monthly_usd
    if budget is None or cap is None:
        return None
    if budget <= cap:
        return Verdict(rule="budget-within-tier", outcome="pass", value=f"{money(budget)} <= {money(cap)}")
    return Verdict(
        rule="budget-within-tier",
        outcome="warn",
        value=money(budget),
        message=f"the budget is above the {s.spec.tier.value} cap of {money(cap)}/month; the cap applies",
        fix=f"lower budget_monthly_usd to {cap:g} or less",
    )


def requester_allowed(policy: OrgPolicy, s: Subject) -> Verdict | None:
    if s.requester is None:
        return None
    if policy.may_request(s.requester, s.requester_teams):
        return Verdict(rule="requester-allowed", outcome="pass", value=f"@{s.requester}")
    return Verdict(
        rule="requester-allowed",
        outcome="fail",
        value=f"@{s.requester}",
        message="this user may not request environments",
        fix="ask a member of " + ", ".join(policy.request.users + policy.request.teams or ["(nobody)"]),
    )


# --- rules over the generated Terraform ----------------------------------------------------------

# Where machine types live: resource type -> attribute path (a list value is a list of types).
INSTANCE_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "aws_instance": ("instance_type",),
    "aws_launch_template": ("instance_type",),
    "aws_eks_node_group": ("instance_types",),
    "aws_db_instance": ("instance_class",),
    "aws_rds_cluster_instance": ("instance_class",),
    "aws_docdb_cluster_instance": ("instance_class",),
    "aws_elasticache_cluster": ("node_type",),
    "aws_elasticache_replication_group": ("node_type",),
    "google_compute_instance": ("machine_type",),
    "google_container_node_pool": ("node_config", "machine_type"),
    "google_sql_database_instance": ("settings", "tier"),
    "google_redis_instance": ("tier",),
    "azurerm_kubernetes_cluster": ("default_node_pool", "vm_size"),
    "azurerm_kubernetes_cluster_node_pool": ("vm_size",),
    "azurerm_linux_virtual_machine": ("size",),
    "azurerm_postgresql_flexible_server": ("sku_name",),
    "azurerm_mysql_flexible_server": ("sku_name",),
    "azurerm_mssql_database": ("sku_name",),
    "azurerm_redis_cache": ("sku_name",),
}


def _attribute(body: dict[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = body
    for key in path:
        value = first(value)
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def instance_types_allowed(policy: OrgPolicy, s: Subject) -> Verdict | None:
    if s.terraform is None:
        return None
    problems, seen = [], []
    for r in s.terraform.of_type(*INSTANCE_ATTRIBUTES):
        value = _attribute(r.body, INSTANCE_ATTRIBUTES[r.type])
        if r.type == "azurerm_redis_cache":  # sku_name + family + capacity, e.g. Basic_C0
            value = f"{value}_{r.body.get('family', '')}{r.body.get('capacity', '')}"
        for kind in value if isinstance(value, list) else [value]:
            if not isinstance(kind, str) or kind.startswith("${"):
                continue
            seen.append(kind)
            if not policy.instance_type_allowed(s.spec.cloud, kind):
                problems.append(f"{r.address} uses {kind} ({r.where})")
    allowed = ", ".join(policy.instance_types.get(s.spec.cloud, []))
    return _verdict(
        "instance-types-allowed",
        problems,
        ", ".join(sorted(set(seen))) or "none",
        "machine types outside the allowed families and sizes",
        f"use one of: {allowed}",
    )


def _default_tags(tf: Terraform, cloud: Cloud) -> set[str] | None:
    """Tags the provider puts on every resource (AWS default_tags, Google default_labels); None if unreadable."""
    keys: set[str] = set()
    for body in tf.providers.get({Cloud.aws: "aws", Cloud.gcp: "google", Cloud.azure: "azurerm"}[cloud], []):
        if cloud == Cloud.aws:
            values = [tf.resolve(dt.get("tags")) for dt in blocks(body.get("default_tags"))]
        elif cloud == Cloud.gcp:
            values = [tf.resolve(body.get("default_labels"))] if "default_labels" in body else []
        else:
            values = []
        for value in values:
            if not isinstance(value, dict):
                return None
            keys |= set(value)
    return keys


def required_tags(policy: OrgPolicy, s: Subject) -> Verdict | None:
    if s.terraform is None or not policy.required_tags:
        return None
    wanted = set(policy.required_tags)
    defaults = _default_tags(s.terraform, s.spec.cloud)
    problems, unknown = [], []
    for r in s.terraform.of_type(*TAG_PATHS):
        tags = s.terraform.resolve(_attribute(r.body, TAG_PATHS[r.type]))
        missing = wanted - set(defaults or ()) - set(tags if isinstance(tags, dict) else ())
        if not missing:
            continue
        if isinstance(tags, str) or defaults is None:
            unknown.append(r.address)
        else:
            problems.append(f"{r.address} lacks {', '.join(sorted(missing))} ({r.where})")
    fix = (
        "tag every resource with "
        + ", ".join(policy.required_tags)
        + (" (AWS: provider default_tags)" if s.spec.cloud == Cloud.aws else "")
    )
    if problems:
        return _verdict("required-tags", problems, "", "resources without the required tags", fix)
    if unknown:
        return Verdict(
            rule="required-tags",
            outcome="warn",
            value=", ".join(unknown[:5]),
            message="tags set from an expression that cannot be checked statically",
            fix=fix,
        )
    return Verdict(rule="required-tags", outcome="pass", value=", ".join(policy.required_tags))


# --- built-in guards -----------------------------------------------------------------------------


def _is_true(value: Any) -> bool:
    return value is True or value == "true"


def _unencrypted(r: Resource, tf: Terraform) -> str | None:
    """Why this storage resource is not encrypted at rest, or None."""
    if r.type in ENCRYPTION_FLAGS:
        path = ENCRYPTION_FLAGS[r.type]
        return None if _is_true(_attribute(r.body, path)) else f"{'.'.join(path)} is not true"
    if r.type == "aws_s3_bucket":
        refs = [str(c.body.get("bucket", "")) for c in tf.of_type("aws_s3_bucket_server_side_encryption_configuration")]
        return (
            None
            if any(r.address + "." in ref for ref in refs)
            else "no aws_s3_bucket_server_side_encryption_configuration"
        )
    if r.type == "aws_sqs_queue":
        ok = r.body.get("kms_master_key_id") or r.body.get("sqs_managed_sse_enabled") is not False
        return None if ok else "sqs_managed_sse_enabled is false and no kms_master_key_id"
    return None


STORAGE_TYPES = (*ENCRYPTION_FLAGS, "aws_s3_bucket", "aws_sqs_queue")


def storage_encrypted(policy: OrgPolicy, s: Subject) -> Verdict | None:
    if s.terraform is None:
        return None
    problems = []
    for r in s.terraform.of_type(*STORAGE_TYPES):
        why = _unencrypted(r, s.terraform)
        if why:
            problems.append(f"{r.address}: {why} ({r.where})")
    ok = (
        "all storage encrypted at rest"
        if s.spec.cloud == Cloud.aws
        else f"{s.spec.cloud.value} encrypts storage at rest"
    )
    return _verdict(
        "guard:storage-encrypted",
        problems,
        ok,
        "storage that is not encrypted at rest",
        "enable encryption at rest on each listed resource",
    )


def _public_database(r: Resource) -> str | None:
    b = r.body
    if r.type in ("aws_db_instance", "aws_rds_cluster_instance") and _is_true(b.get("publicly_accessible")):
        return "publicly_accessible = true"
    if r.type == "google_sql_database_instance":
        ip = first(_attribute(b, ("settings", "ip_configuration")) or {})
        if isinstance(ip, dict) and ip.get("ipv4_enabled") is not False:
            return "settings.ip_configuration.ipv4_enabled is not false (public IP)"
    if r.type in ("azurerm_postgresql_flexible_server", "azurerm_mysql_flexible_server") and (
        _is_true(b.get("public_network_access_enabled"))
        or (b.get("public_network_access_enabled") is None and not b.get("delegated_subnet_id"))
    ):
        return "public network access is enabled"
    if r.type == "azurerm_cosmosdb_account" and b.get("public_network_access_enabled") is not False:
        return "public_network_access_enabled is not false"
    if (r.type in ("azurerm_postgresql_flexible_server_firewall_rule", "azurerm_mysql_flexible_server_firewall_rule")
            and b.get("end_ip_address") == "255.255.255.255"):
        return "firewall rule opens the database to the internet"
    return None


def no_public_database(policy: OrgPolicy, s: Subject) -> Verdict | None:
    if s.terraform is None:
        return None
    problems = []
    for r in s.terraform.resources:
        why = _public_database(r)
        if why:
            problems.append(f"{r.address}: {why} ({r.where})")
    return _verdict(
        "guard:no-public-database",
        problems,
        "databases are private",
        "a database reachable from the internet",
        "keep databases in private subnets with public access disabled",
    )


def _ports(from_port: Any, to_port: Any, protocol: Any = "tcp") -> set[int]:
    """Guarded ports inside a port range: all of them for protocol -1/all or a range that is not a literal."""
    if str(protocol) in {"-1", "all", "*"}:
        return set(GUARDED_PORTS)
    try:
        low, high = int(from_port), int(to_port)
    except (TypeError, ValueError):
        return set(GUARDED_PORTS)  # fail closed: an expression could open anything
    return {p for p in GUARDED_PORTS if low <= p <= high}


def _azure_ports(rule: dict[str, Any]) -> set[int]:
    ranges = [rule.get("destination_port_range"), *list(rule.get("destination_port_ranges") or [])]
    found: set[int] = set()
    for item in ranges:
        if item is None:
            continue
        if str(item) == "*":
            return set(GUARDED_PORTS)
        low, _, high = str(item).partition("-")
        found |= _ports(low, high or low)
    return found


def _open_ingress(r: Resource) -> set[int]:
    """Guarded ports this resource opens to the whole internet."""
    b = r.body
    if r.type == "aws_security_group":
        ports: set[int] = set()
        for rule in blocks(b.get("ingress")):
            cidrs = set(rule.get("cidr_blocks") or []) | set(rule.get("ipv6_cidr_blocks") or [])
            if cidrs & OPEN_CIDRS:
                ports |= _ports(rule.get("from_port"), rule.get("to_port"), rule.get("protocol", "tcp"))
        return ports
    if r.type == "aws_security_group_rule" and b.get("type") == "ingress":
        cidrs = set(b.get("cidr_blocks") or []) | set(b.get("ipv6_cidr_blocks") or [])
        return _ports(b.get("from_port"), b.get("to_port"), b.get("protocol", "tcp")) if cidrs & OPEN_CIDRS else set()
    if r.type == "aws_vpc_security_group_ingress_rule":
        if {b.get("cidr_ipv4"), b.get("cidr_ipv6")} & OPEN_CIDRS:
            return _ports(b.get("from_port"), b.get("to_port"), b.get("ip_protocol", "tcp"))
        return set()
    if r.type == "google_compute_firewall":
        if (
            str(b.get("direction", "INGRESS")).upper() != "INGRESS"
            or not set(b.get("source_ranges") or []) & OPEN_CIDRS
        ):
            return set()
        ports = set()
        for allow in blocks(b.get("allow")):
            if str(allow.get("protocol")) == "all" or not allow.get("ports"):
                ports |= set(GUARDED_PORTS) if str(allow.get("protocol")) in {"all", "tcp"} else set()
            for item in allow.get("ports") or []:
                low, _, high = str(item).partition("-")
                ports |= _ports(low, high or low)
        return ports
    if r.type in ("azurerm_network_security_group", "azurerm_network_security_rule"):
        rules = blocks(b.get("security_rule")) if r.type == "azurerm_network_security_group" else [b]
        ports = set()
        for rule in rules:
            sources = {rule.get("source_address_prefix")} | set(rule.get("source_address_prefixes") or [])
            if (
                str(rule.get("direction", "")).lower() == "inbound"
                and str(rule.get("access", "")).lower() == "allow"
                and sources & OPEN_CIDRS
            ):
                ports |= _azure_ports(rule)
        return ports
    return set()


def no_open_admin_ports(policy: OrgPolicy, s: Subject) -> Verdict | None:
    if s.terraform is None:
        return None
    problems = []
    for r in s.terraform.resources:
        ports = _open_ingress(r)
        if ports:
            names = ", ".join(f"{p} ({GUARDED_PORTS[p]})" for p in sorted(ports))
            problems.append(f"{r.address} opens {names} to 0.0.0.0/0 ({r.where})")
    return _verdict(
        "guard:no-open-admin-ports",
        problems,
        "no SSH/RDP/database port open to the internet",
        "SSH, RDP or a database port is open to 0.0.0.0/0",
        "allow these ports only from the VPC or a bastion/VPN range (use SSM/IAP for shell access)",
    )


def terraform_parses(policy: OrgPolicy, s: Subject) -> Verdict | None:
    if s.terraform is None:
        return None
    return _verdict(
        "terraform-parses",
        s.terraform.errors,
        f"{len(s.terraform.resources)} resources",
        "generated Terraform that cannot be read, so the guards cannot be checked",
        "regenerate the environment",
    )


# --- rules over the estimate ---------------------------------------------------------------------


def _cost_under(rule: str, s: Subject, cap: float | None, what: str, fix: str) -> Verdict | None:
    """Pass when the monthly estimate is at most `cap`; nothing to say when either is unknown.

    An estimate with unpriced resources is a partial sum: it never passes (warn, or fail in prod)."""
    cost = s.monthly_cost
    if cost is None or cap is None:
        return None
    if cost > cap:
        return Verdict(rule=rule, outcome="fail", value=f"{money(cost)}/month",
                       message=f"above {what} of {money(cap)}/month", fix=fix)
    missing = unpriced(s.cost or {})
    if missing:
        shown = "; ".join(missing[:5]) + (f" (+{len(missing) - 5} more)" if len(missing) > 5 else "")
        return Verdict(rule=rule, outcome="fail" if s.spec.tier == Tier.prod else "warn",
                       value=f"{money(cost)}+ (partial) <= {money(cap)}",
                       message=f"the estimate is incomplete, so {what} cannot be confirmed: {shown}",
                       fix="price the missing resources (bot/cost/catalog) or use a priced region/type")
    return Verdict(rule=rule, outcome="pass", value=f"{money(cost)} <= {money(cap)}")


def cost_within_tier(policy: OrgPolicy, s: Subject) -> Verdict | None:
    return _cost_under("cost-within-tier", s, policy.tier(s.spec.tier).max_monthly_usd,
                       f"the {s.spec.tier.value} cap",
                       "shrink the environment (smaller classes, single-AZ, fewer nodes) or ask for an override")


def cost_within_budget(policy: OrgPolicy, s: Subject) -> Verdict | None:
    cost = s.monthly_cost
    return _cost_under("cost-within-budget", s, s.spec.budget_monthly_usd, "the requested budget",
                       f"raise budget_monthly_usd to at least {cost or 0:.0f} or ask for less")


Rule = Callable[[OrgPolicy, Subject], "Verdict | None"]


@dataclass(frozen=True)
class RuleEntry:
    rule: Rule
    builtin: bool = False


RULES: list[RuleEntry] = [
    RuleEntry(cloud_allowed),
    RuleEntry(region_allowed),
    RuleEntry(ttl_within_tier),
    RuleEntry(budget_within_tier),
    RuleEntry(requester_allowed),
    RuleEntry(terraform_parses, builtin=True),
    RuleEntry(instance_types_allowed),
    RuleEntry(required_tags),
    RuleEntry(no_public_database, builtin=True),
    RuleEntry(no_open_admin_ports, builtin=True),
    RuleEntry(storage_encrypted, builtin=True),
    RuleEntry(cost_within_tier),
    RuleEntry(cost_within_budget),
]


def _apply_override(verdict: Verdict, builtin: bool, overrides: list[Override], policy: OrgPolicy) -> Verdict:
    if verdict.outcome != "fail":
        return verdict
    for o in overrides:
        if o.rule != verdict.rule:
            continue
        if builtin:
            return verdict.model_copy(
                update={"message": f"{verdict.message} (built-in guard: the override by @{o.by} does not apply)"}
            )
        if not policy.may_override(o.by, o.teams):
            return verdict.model_copy(
                update={"message": f"{verdict.message} (override by @{o.by} ignored: not authorised)"}
            )
        return verdict.model_copy(
            update={
                "outcome": "warn",
                "message": f"{verdict.message}; overridden by @{o.by} on {o.at:%Y-%m-%d}: {o.reason}",
            }
        )
    return verdict


def evaluate(
    policy: OrgPolicy,
    plan: Plan | EnvironmentSpec,
    files: dict[str, str] | None = None,
    cost: dict[str, Any] | None = None,
    *,
    requester: str | None = None,
    requester_teams: Iterable[str] = (),
    overrides: Iterable[Override] = (),
    parsed: ParsedFiles | None = None,
    today: dt.date | None = None,
) -> list[Verdict]:
    """Every applicable rule's verdict, overrides applied (built-in guards excepted).

    `parsed` is the parse of `files` when the caller already has it (the pipeline parses once for cost and policy)."""
    spec = plan.spec if isinstance(plan, Plan) else plan
    today = today or dt.date.today()
    subject = Subject(
        spec=spec,
        today=today,
        expires_on=plan.expires_on if isinstance(plan, Plan) else effective_expiry(spec, today),
        terraform=parse_terraform(files, parsed) if files is not None else None,
        cost=cost,
        requester=requester,
        requester_teams=tuple(requester_teams),
    )
    overrides = list(overrides)
    verdicts = []
    for entry in RULES:
        verdict = entry.rule(policy, subject)
        if verdict is not None:
            verdicts.append(_apply_override(verdict, entry.builtin, overrides, policy))
    return verdicts


def worst(verdicts: Iterable[Verdict]) -> str:
    """The overall outcome: fail if any failed, else warn if any warned, else pass."""
    outcomes = {v.outcome for v in verdicts}
    return "fail" if "fail" in outcomes else "warn" if "warn" in outcomes else "pass"


def may_request(login: str, teams: Iterable[str] = (), policy: OrgPolicy | None = None) -> bool:
    """Whether a GitHub user (member of `teams`) may request environments."""
    return (policy or load_policy()).may_request(login, tuple(teams))


def may_apply(login: str, teams: Iterable[str] = (), policy: OrgPolicy | None = None) -> bool:
    """Whether a GitHub user (member of `teams`) may apply (merge/deploy) environments."""
    return (policy or load_policy()).may_apply(login, tuple(teams))
