"""alarms.tf: Cloud Monitoring alert policies on what users notice and what runs out, emailed to the owner.

The GCP side of generators/terraform/aws/alarms.py, generated for every prod environment (`cloudwatch` itself is
AWS-only; a non-prod GCP environment that asks for alerts gets the ledger's flag). An email notification channel addresses
`var.alert_email` (the spec owner's, `/dev-agent set alert_email=...`); without an address the policies still open
incidents in the console. Policies (each closes its incident when the condition clears):
- Cloud Run service / Cloud Functions (gen2 run on Cloud Run): 5xx responses, p95 latency, CPU and memory of the
  containers;
- GKE: node CPU and memory (allocatable utilisation); VM: CPU (memory needs the Ops Agent: not generated);
- each Cloud SQL instance: CPU, disk above 90% of its size, connections above 80% of the tier's default limit;
- Pub/Sub: age of the oldest unacknowledged message, anything in the dead-letter topic's backlog.
"""

from __future__ import annotations

from typing import Any

from bot.pipeline.planning import Plan
from bot.spec import ComputeKind, Tier
from generators.hcl import Block, Call, Ref, block
from generators.terraform.context import ALERT_EMAIL, ALERT_EMAIL_COUNT, Context, alert_email_variable
from generators.terraform.gcp.cloud_sql import local_names
from generators.terraform.gcp.names import labels, resource_name

CHANNELS = Ref("google_monitoring_notification_channel.owner[*].name")
PERIOD = "300s"
# Default max_connections of Cloud SQL for PostgreSQL by the tiers the planner picks (3.75 GB: 100, 7.5 GB: 200, the
# lower end of Cloud SQL's table); MySQL's defaults are higher, so its alert fires early rather than late.
SQL_CONNECTIONS = {"db-custom-1-3840": 100, "db-custom-2-7680": 200}


def applies(plan: Plan) -> bool:
    return plan.spec.tier == Tier.prod


def _policy(ctx: Context, label: str, title: str, resource: tuple[str, tuple[Ref, ...]], metric: str, threshold: float,
            aligner: str = "ALIGN_MEAN", reducer: str | None = None, comparison: str = "COMPARISON_GT",
            extra_filter: str = "", duration: str = "600s") -> Block:
    """One alert policy with one threshold condition on `metric` of the resource `resource` (a filter template whose
    `%s` are the references that follow it)."""
    template, args = resource
    text = f'{template} AND metric.type = "{metric}"{extra_filter}'
    filter_: Any = Call("format", text, *args) if args else text
    aggregation: dict[str, Any] = {"alignment_period": PERIOD, "per_series_aligner": aligner}
    if reducer:
        aggregation["cross_series_reducer"] = reducer
    return block(
        "resource", "google_monitoring_alert_policy", label,
        display_name=f"{ctx.name}: {title}", combiner="OR", severity="WARNING",
        conditions=block("conditions", display_name=title, condition_threshold=block(
            "condition_threshold", filter=filter_, comparison=comparison, threshold_value=threshold, duration=duration,
            aggregations=block("aggregations", **aggregation), trigger=block("trigger", count=1))),
        notification_channels=CHANNELS,
        alert_strategy=block("alert_strategy", auto_close="1800s"),
        documentation=block("documentation", mime_type="text/markdown",
                            content=f"dev-agent alert of environment {ctx.name}: {title}."),
        user_labels=labels(ctx),
    )


def _run(ctx: Context, service: Ref) -> list[Block]:
    """Cloud Run service metrics (a gen2 function is a Cloud Run service of the same name)."""
    run = ('resource.type = "cloud_run_revision" AND resource.labels.service_name = "%s"', (service,))
    latency_ms = 1000 if ctx.spec.tier == Tier.dev else 500
    return [
        _policy(ctx, "http_5xx", "more than 10 responses with 5xx in 5 minutes", run, "run.googleapis.com/request_count",
                10, aligner="ALIGN_SUM", reducer="REDUCE_SUM", duration="0s",
                extra_filter=' AND metric.labels.response_code_class = "5xx"'),
        _policy(ctx, "latency_p95", f"p95 response time above {latency_ms} ms for 10 minutes", run,
                "run.googleapis.com/request_latencies", latency_ms, aligner="ALIGN_PERCENTILE_95"),
        _policy(ctx, "cpu", "container CPU above 80% for 10 minutes", run,
                "run.googleapis.com/container/cpu/utilizations", 0.8, aligner="ALIGN_PERCENTILE_95"),
        _policy(ctx, "memory", "container memory above 80% for 10 minutes", run,
                "run.googleapis.com/container/memory/utilizations", 0.8, aligner="ALIGN_PERCENTILE_95"),
    ]


def _compute(ctx: Context) -> list[Block]:
    spec = ctx.spec
    kind = spec.compute.kind
    if kind == ComputeKind.containers and spec.compute.schedule is None:
        return _run(ctx, Ref("google_cloud_run_v2_service.app.name"))
    if kind == ComputeKind.functions and spec.compute.schedule is None:
        return _run(ctx, Ref("google_cloudfunctions2_function.app.name"))
    if kind == ComputeKind.kubernetes:
        nodes = ('resource.type = "k8s_node" AND resource.labels.cluster_name = "%s"',
                 (Ref("google_container_cluster.main.name"),))
        return [_policy(ctx, "node_cpu", "GKE nodes' CPU above 80% for 10 minutes", nodes,
                        "kubernetes.io/node/cpu/allocatable_utilization", 0.8),
                _policy(ctx, "node_memory", "GKE nodes' memory above 80% for 10 minutes", nodes,
                        "kubernetes.io/node/memory/allocatable_utilization", 0.8)]
    if kind == ComputeKind.vm:
        prefix = resource_name(ctx.name, "vm", max_length=58)
        vms = (f'resource.type = "gce_instance" AND metadata.system_labels.name = starts_with("{prefix}-")', ())
        return [_policy(ctx, "cpu", "VM CPU above 80% for 10 minutes", vms,
                        "compute.googleapis.com/instance/cpu/utilization", 0.8)]
    return []


CONNECTION_METRICS = {"postgres": "cloudsql.googleapis.com/database/postgresql/num_backends",
                      "sqlserver": "cloudsql.googleapis.com/database/sqlserver/connections/user_connections"}


def _databases(ctx: Context) -> list[Block]:
    blocks = []
    limit = SQL_CONNECTIONS.get(ctx.plan.sizing.db_instance_class, 100)
    for local, db in local_names(ctx.plan):
        instance = ('resource.type = "cloudsql_database" AND resource.labels.database_id = "%s:%s"',
                    (Ref("var.project_id"), Ref(f"google_sql_database_instance.{local}.name")))
        connections = CONNECTION_METRICS.get(db.engine.value, "cloudsql.googleapis.com/database/network/connections")
        blocks += [
            _policy(ctx, f"db_{local}_cpu", f"{local} database CPU above 80% for 10 minutes", instance,
                    "cloudsql.googleapis.com/database/cpu/utilization", 0.8),
            _policy(ctx, f"db_{local}_storage", f"{local} database disk above 90% of its {db.storage_gb} GB", instance,
                    "cloudsql.googleapis.com/database/disk/utilization", 0.9, duration="300s"),
            _policy(ctx, f"db_{local}_connections", f"{local} database above 80% of its {limit} connections",
                    instance, connections, int(limit * 0.8), aligner="ALIGN_MAX", reducer="REDUCE_SUM"),
        ]
    return blocks


def _queue(ctx: Context) -> list[Block]:
    if ctx.spec.queue is None or ctx.spec.queue.engine.value != "pubsub":
        return []
    subscription = ('resource.type = "pubsub_subscription" AND resource.labels.subscription_id = "%s"',
                    (Ref("google_pubsub_subscription.app.name"),))
    dead = ('resource.type = "pubsub_topic" AND resource.labels.topic_id = "%s"',
            (Ref("google_pubsub_topic.dead_letter.name"),))
    return [
        _policy(ctx, "queue_age", "the oldest unacknowledged message waits more than 5 minutes", subscription,
                "pubsub.googleapis.com/subscription/oldest_unacked_message_age", 300, aligner="ALIGN_MAX",
                duration="300s"),
        _policy(ctx, "dead_letters", "messages were sent to the dead-letter topic", dead,
                "pubsub.googleapis.com/topic/send_message_operation_count", 0, aligner="ALIGN_SUM",
                reducer="REDUCE_SUM", duration="0s"),
    ]


def _channel(ctx: Context) -> list[Block]:
    return [
        block("resource", "google_monitoring_notification_channel", "owner", count=ALERT_EMAIL_COUNT,
              display_name=f"dev-agent alerts for {ctx.name}", type="email",
              labels={"email_address": ALERT_EMAIL}, user_labels=labels(ctx)),
        alert_email_variable(ctx, "the alerts (Cloud Monitoring email channel)"),
    ]


def build(ctx: Context) -> list[Block]:
    return [*_channel(ctx), *_compute(ctx), *_databases(ctx), *_queue(ctx)]
