"""alarms.tf: Azure Monitor metric alerts on what users notice and what runs out, sent to an action group that
emails the owner.

The Azure side of generators/terraform/aws/alarms.py, generated for every prod environment (`cloudwatch` itself is
AWS-only; a non-prod Azure environment that asks for alerts gets the ledger's flag). The action group emails
`var.alert_email` (the spec owner's, `/dev-agent set alert_email=...`); without an address the alerts still fire in
the portal. Alerts (each resolves itself when the condition clears):
- Container Apps: 5xx responses, CPU and memory of the replicas (no latency: Container Apps publishes no
  response-time platform metric dev-agent could confirm; the app's own telemetry must cover it);
- function app: HTTP 5xx and average response time; AKS: node CPU and memory; VMs: CPU and available memory;
- each PostgreSQL / MySQL flexible server: CPU, storage above 90%, connections above 80% of the SKU's limit;
- Service Bus: messages waiting in the queue (Service Bus has no message-age metric) and dead-lettered messages.
"""

from __future__ import annotations

from typing import Any

from bot.pipeline.planning import Plan
from bot.spec import ComputeKind, DatabaseEngine, QueueEngine, Tier
from generators.hcl import Block, Ref, block
from generators.terraform.azure.flexible_server import flexible_databases, server
from generators.terraform.azure.names import dashed, tags
from generators.terraform.azure.resource_group import LOCATION, RG
from generators.terraform.context import ALERT_EMAIL, ALERT_EMAIL_COUNT, Context, alert_email_variable

ACTION_GROUP = Ref("azurerm_monitor_action_group.owner[*].id")
# Default max_connections of the flexible-server SKUs the planner picks (PostgreSQL's table by vCores/memory; MySQL's
# defaults are higher, so its alert fires early rather than late).
SKU_CONNECTIONS = {"B_Standard_B1ms": 50, "GP_Standard_D2ds_v4": 859, "GP_Standard_D4ds_v4": 1719}


def applies(plan: Plan) -> bool:
    return plan.spec.tier == Tier.prod


def _alert(ctx: Context, label: str, title: str, scopes: Any, namespace: str, metric: str, threshold: float,
           aggregation: str = "Average", operator: str = "GreaterThan", dimension: tuple[str, str] | None = None,
           window: str = "PT10M", **extra: Any) -> Block:
    criteria: dict[str, Any] = {"metric_namespace": namespace, "metric_name": metric, "aggregation": aggregation,
                                "operator": operator, "threshold": threshold}
    if dimension:
        criteria["dimension"] = block("dimension", name=dimension[0], operator="Include", values=[dimension[1]])
    return block(
        "resource", "azurerm_monitor_metric_alert", label, **extra,
        name=dashed(ctx.name, label.replace("_", "-"), max_length=120), resource_group_name=RG, scopes=scopes,
        description=f"dev-agent alert of environment {ctx.name}: {title}", severity=2, frequency="PT5M",
        window_size=window, auto_mitigate=True, tags=tags(ctx),
        criteria=block("criteria", **criteria),
        action=block("dynamic", "action", for_each=ACTION_GROUP,
                     content=block("content", action_group_id=Ref("action.value"))),
    )


def _compute(ctx: Context) -> list[Block]:
    spec = ctx.spec
    kind = spec.compute.kind
    latency_ms = 1000 if spec.tier == Tier.dev else 500
    if kind == ComputeKind.containers and spec.compute.schedule is None:
        app, ns = [Ref("azurerm_container_app.app.id")], "Microsoft.App/containerApps"
        return [
            _alert(ctx, "http_5xx", "more than 10 responses with 5xx in 5 minutes", app, ns, "Requests", 10,
                   aggregation="Total", dimension=("statusCodeCategory", "5xx"), window="PT5M"),
            _alert(ctx, "cpu", "replicas' CPU above 80% for 10 minutes", app, ns, "CpuPercentage", 80),
            _alert(ctx, "memory", "replicas' memory above 80% for 10 minutes", app, ns, "MemoryPercentage", 80),
        ]
    if kind == ComputeKind.functions and spec.compute.schedule is None:
        site, ns = [Ref("azurerm_linux_function_app.app.id")], "Microsoft.Web/sites"
        return [
            _alert(ctx, "http_5xx", "more than 10 responses with 5xx in 5 minutes", site, ns, "Http5xx", 10,
                   aggregation="Total", window="PT5M"),
            _alert(ctx, "latency", f"average response time above {latency_ms / 1000} s for 10 minutes", site, ns,
                   "HttpResponseTime", latency_ms / 1000),
        ]
    if kind == ComputeKind.kubernetes:
        cluster, ns = [Ref("azurerm_kubernetes_cluster.main.id")], "Microsoft.ContainerService/managedClusters"
        return [
            _alert(ctx, "node_cpu", "AKS nodes' CPU above 80% for 10 minutes", cluster, ns, "node_cpu_usage_percentage",
                   80),
            _alert(ctx, "node_memory", "AKS nodes' memory above 80% for 10 minutes", cluster, ns,
                   "node_memory_working_set_percentage", 80),
        ]
    if kind == ComputeKind.vm:
        vms, ns = Ref("azurerm_linux_virtual_machine.app[*].id"), "Microsoft.Compute/virtualMachines"
        where: dict[str, Any] = {"target_resource_type": ns, "target_resource_location": LOCATION}
        return [
            _alert(ctx, "cpu", "VM CPU above 80% for 10 minutes", vms, ns, "Percentage CPU", 80, **where),
            _alert(ctx, "memory", "VM available memory under 10% of its size for 10 minutes", vms, ns,
                   "Available Memory Percentage", 10, operator="LessThan", **where),
        ]
    return []


def _databases(ctx: Context) -> list[Block]:
    blocks = []
    limit = SKU_CONNECTIONS.get(ctx.plan.sizing.db_instance_class, 50)
    for local, db in flexible_databases(ctx.plan):
        ns = ("Microsoft.DBforPostgreSQL/flexibleServers" if db.engine == DatabaseEngine.postgres
              else "Microsoft.DBforMySQL/flexibleServers")
        scope = [Ref(f"{server(local, db)}.id")]
        blocks += [
            _alert(ctx, f"db_{local}_cpu", f"{local} database CPU above 80% for 10 minutes", scope, ns, "cpu_percent", 80),
            _alert(ctx, f"db_{local}_storage", f"{local} database storage above 90% of its {db.storage_gb} GB", scope,
                   ns, "storage_percent", 90, aggregation="Maximum", window="PT5M"),
            _alert(ctx, f"db_{local}_connections", f"{local} database above 80% of its {limit} connections", scope,
                   ns, "active_connections", int(limit * 0.8), aggregation="Maximum"),
        ]
    return blocks


def _queue(ctx: Context) -> list[Block]:
    if ctx.spec.queue is None or ctx.spec.queue.engine != QueueEngine.servicebus:
        return []
    namespace, ns = [Ref("azurerm_servicebus_namespace.main.id")], "Microsoft.ServiceBus/namespaces"
    queue = ("EntityName", "app")
    return [
        _alert(ctx, "queue_backlog", "more than 1000 messages wait in the queue for 10 minutes", namespace, ns,
               "ActiveMessages", 1000, dimension=queue),
        _alert(ctx, "dead_letters", "messages were dead-lettered", namespace, ns, "DeadletteredMessages", 0,
               aggregation="Maximum", dimension=queue, window="PT5M"),
    ]


def _action_group(ctx: Context) -> list[Block]:
    return [
        block("resource", "azurerm_monitor_action_group", "owner", count=ALERT_EMAIL_COUNT,
              name=dashed("ag", ctx.name, max_length=260), resource_group_name=RG, short_name="devagent",
              tags=tags(ctx),
              email_receiver=block("email_receiver", name="owner", email_address=ALERT_EMAIL,
                                   use_common_alert_schema=True)),
        alert_email_variable(ctx, "the alerts (Azure Monitor action group)"),
    ]


def build(ctx: Context) -> list[Block]:
    return [*_action_group(ctx), *_compute(ctx), *_databases(ctx), *_queue(ctx)]
