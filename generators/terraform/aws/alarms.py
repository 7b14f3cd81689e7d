"""alarms.tf: CloudWatch alarms on what users notice and what runs out, sent to the environment's SNS topic.

Generated when the spec lists cloudwatch, and for every prod environment. The topic is encrypted with the
environment key (kms.tf lets CloudWatch use it), only CloudWatch in this account may publish, and it is
tagged with the spec owner; `var.alert_email` (or `/dev-agent set alert_email=...`) subscribes the owner's
address. Alarms (each also notifies when it clears):
- load balancer (containers, VMs): target 5xx, load-balancer 5xx, p95 response time;
- ECS service CPU and memory; EKS node-group CPU; VM CPU (memory needs the CloudWatch agent: not generated);
- Lambda errors, throttles and p95 duration; HTTP API 5xx;
- each RDS database: CPU, free storage under 10%, connections above 80% of the instance class's default limit;
  an Aurora cluster: CPU and connections per cluster (its storage grows by itself: no storage alarm);
- SQS: age of the oldest message, anything in the dead-letter queue.
Memory on EKS/VMs and HTTP errors behind the EKS ingress controller are not covered here (the chart's
PrometheusRule covers them when the spec lists prometheus).
"""

from __future__ import annotations

from typing import Any

from bot.pipeline.planning import Plan
from bot.spec import ComputeKind, DatabaseEngine, Monitoring, QueueEngine, Tier
from generators.hcl import Block, Call, Ref, block
from generators.terraform.aws.aurora import instance_class as aurora_class
from generators.terraform.aws.lambda_fn import BATCH_TIMEOUT
from generators.terraform.aws.rds import instance_class, relational
from generators.terraform.aws.shared import ACCOUNT_ID, KMS_ARN, NAME, uses_load_balancer
from generators.terraform.context import ALERT_EMAIL, ALERT_EMAIL_COUNT, Context, alert_email_variable, database_labels

TOPIC = Ref("aws_sns_topic.alerts.arn")
PERIOD = 300
# Instance memory (GiB) of the RDS classes the planner picks; the engines' default max_connections follow it.
DB_CLASS_MEMORY_GIB = {"db.t3.micro": 1, "db.t3.small": 2, "db.t3.medium": 4, "db.t3.large": 8, "db.m5.large": 8,
                       "db.m5.xlarge": 16, "db.m5.2xlarge": 32, "db.r5.large": 16, "db.r5.xlarge": 32,
                       "db.r6g.large": 16}
# Bytes of instance memory per default connection (RDS parameter-group formulas: LEAST(DBInstanceClassMemory/x, ...)).
BYTES_PER_CONNECTION = {DatabaseEngine.postgres: 9531392, DatabaseEngine.mysql: 12582880}
SQLSERVER_MAX_CONNECTIONS = 32767  # SQL Server's user connection limit (RDS leaves "user connections" at 0 = maximum)


def applies(plan: Plan) -> bool:
    return Monitoring.cloudwatch in plan.spec.monitoring or plan.spec.tier == Tier.prod


def max_connections(engine: DatabaseEngine, instance_class: str) -> int:
    """The engine's default connection limit on an instance class (RDS caps Postgres at 5000)."""
    if engine == DatabaseEngine.sqlserver:
        return SQLSERVER_MAX_CONNECTIONS
    memory = DB_CLASS_MEMORY_GIB.get(instance_class, 1) * 1024**3
    return min(memory // BYTES_PER_CONNECTION[engine], 5000)


def _alarm(label: str, description: str, namespace: str, metric: str, dimensions: dict[str, Any], threshold: float,
           statistic: str = "Average", comparison: str = "GreaterThanThreshold", periods: int = 2,
           name: Call | None = None, **extra: Any) -> Block:
    stat = {"extended_statistic": statistic} if statistic.startswith("p") else {"statistic": statistic}
    return block("resource", "aws_cloudwatch_metric_alarm", label, **extra,
                 alarm_name=name or Call("format", "%s-" + label.replace("_", "-"), NAME), alarm_description=description,
                 namespace=namespace, metric_name=metric, dimensions=dimensions, **stat, period=PERIOD,
                 evaluation_periods=periods, threshold=threshold, comparison_operator=comparison,
                 treat_missing_data="notBreaching", alarm_actions=[TOPIC], ok_actions=[TOPIC])


def _load_balancer(ctx: Context) -> list[Block]:
    lb = {"LoadBalancer": Ref("aws_lb.main.arn_suffix")}
    target = {**lb, "TargetGroup": Ref("aws_lb_target_group.app.arn_suffix")}
    latency = 1.0 if ctx.spec.tier == Tier.dev else 0.5
    return [
        _alarm("target_5xx", "The app answered more than 10 requests with 5xx in 5 minutes", "AWS/ApplicationELB",
               "HTTPCode_Target_5XX_Count", target, 10, statistic="Sum"),
        _alarm("lb_5xx", "The load balancer answered more than 10 requests with 5xx in 5 minutes (no healthy app)",
               "AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", lb, 10, statistic="Sum"),
        _alarm("latency_p95", f"p95 response time above {latency}s for 10 minutes", "AWS/ApplicationELB",
               "TargetResponseTime", target, latency, statistic="p95"),
    ]


def _compute(ctx: Context) -> list[Block]:
    spec = ctx.spec
    kind = spec.compute.kind
    if kind == ComputeKind.containers and spec.compute.schedule is None:
        service = {"ClusterName": Ref("aws_ecs_cluster.main.name"), "ServiceName": Ref("aws_ecs_service.app.name")}
        return [_alarm("cpu", "ECS service CPU above 80% for 10 minutes", "AWS/ECS", "CPUUtilization", service, 80),
                _alarm("memory", "ECS service memory above 80% for 10 minutes", "AWS/ECS", "MemoryUtilization",
                       service, 80)]
    if kind == ComputeKind.kubernetes:
        group = {"AutoScalingGroupName": Ref("aws_eks_node_group.main.resources[0].autoscaling_groups[0].name")}
        return [_alarm("node_cpu", "EKS nodes' CPU above 80% for 10 minutes", "AWS/EC2", "CPUUtilization", group, 80)]
    if kind == ComputeKind.vm:
        return [_alarm("cpu", "VM CPU above 80% for 10 minutes", "AWS/EC2", "CPUUtilization",
                       {"InstanceId": Call("element", Ref("aws_instance.app[*].id"), Ref("count.index"))}, 80,
                       count=spec.compute.min_replicas,
                       name=Call("format", "%s-cpu-%d", NAME, Ref("count.index")))]
    if kind == ComputeKind.functions:
        function = {"FunctionName": Ref("aws_lambda_function.app.function_name")}
        timeout = BATCH_TIMEOUT if spec.compute.schedule else 30
        alarms = [
            _alarm("errors", "The function failed more than 5 times in 5 minutes", "AWS/Lambda", "Errors", function, 5,
                   statistic="Sum", periods=1),
            _alarm("throttles", "The function was throttled (reserved concurrency reached)", "AWS/Lambda", "Throttles",
                   function, 0, statistic="Sum", periods=1),
            _alarm("duration_p95", "p95 duration above 80% of the timeout", "AWS/Lambda", "Duration", function,
                   timeout * 800, statistic="p95"),
        ]
        if spec.compute.schedule is None:
            alarms.append(_alarm("api_5xx", "The HTTP API answered more than 10 requests with 5xx in 5 minutes",
                                 "AWS/ApiGateway", "5xx", {"ApiId": Ref("aws_apigatewayv2_api.main.id"),
                                                           "Stage": "$default"}, 10, statistic="Sum"))
        return alarms
    return []


def _databases(ctx: Context) -> list[Block]:
    blocks: list[Block] = []
    for label, db in database_labels(relational(ctx.plan)):
        if db.aurora:
            instance = {"DBClusterIdentifier": Ref(f"aws_rds_cluster.{label}.cluster_identifier")}
            limit = max_connections(db.engine, aurora_class(ctx.plan))
        else:
            instance = {"DBInstanceIdentifier": Ref(f"aws_db_instance.{label}.identifier")}
            limit = max_connections(db.engine, instance_class(ctx.plan, db))
        blocks.append(_alarm(f"db_{label}_cpu", f"{label} database CPU above 80% for 10 minutes", "AWS/RDS",
                             "CPUUtilization", instance, 80))
        if not db.aurora:
            blocks.append(_alarm(f"db_{label}_storage", f"{label} database has less than 10% of its {db.storage_gb} GB "
                                 "free", "AWS/RDS", "FreeStorageSpace", instance, int(db.storage_gb * 1024**3 * 0.1),
                                 comparison="LessThanThreshold", periods=1))
        blocks.append(_alarm(f"db_{label}_connections", f"{label} database above 80% of its {limit} connections",
                             "AWS/RDS", "DatabaseConnections", instance, int(limit * 0.8)))
    return blocks


def _queue(ctx: Context) -> list[Block]:
    if ctx.spec.queue is None or ctx.spec.queue.engine != QueueEngine.sqs:
        return []
    return [
        _alarm("queue_age", "The oldest queued message waits more than 5 minutes", "AWS/SQS",
               "ApproximateAgeOfOldestMessage", {"QueueName": Ref("aws_sqs_queue.main.name")}, 300, statistic="Maximum"),
        _alarm("dead_letters", "Messages landed in the dead-letter queue", "AWS/SQS",
               "ApproximateNumberOfMessagesVisible", {"QueueName": Ref("aws_sqs_queue.dlq.name")}, 0,
               statistic="Maximum", periods=1),
    ]


def _topic(ctx: Context) -> list[Block]:
    policy = Call("jsonencode", {"Version": "2012-10-17", "Statement": [{
        "Sid": "CloudWatchAlarmsPublish", "Effect": "Allow", "Principal": {"Service": "cloudwatch.amazonaws.com"},
        "Action": "sns:Publish", "Resource": TOPIC,
        "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT_ID}}}]})
    return [
        block("resource", "aws_sns_topic", "alerts", name=Call("format", "%s-alerts", NAME),
              display_name=f"dev-agent alarms for {ctx.name}", kms_master_key_id=KMS_ARN),
        block("resource", "aws_sns_topic_policy", "alerts", arn=TOPIC, policy=policy),
        block("resource", "aws_sns_topic_subscription", "owner", count=ALERT_EMAIL_COUNT,
              topic_arn=TOPIC, protocol="email", endpoint=ALERT_EMAIL),
        alert_email_variable(ctx, "the alarms (SNS asks it to confirm once)"),
        block("output", "alerts_topic_arn", value=TOPIC, description="SNS topic the CloudWatch alarms notify."),
    ]


def build(ctx: Context) -> list[Block]:
    alarms = [*(_load_balancer(ctx) if uses_load_balancer(ctx.plan) else []), *_compute(ctx), *_databases(ctx),
              *_queue(ctx)]
    return [*_topic(ctx), *alarms]
