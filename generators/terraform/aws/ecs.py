"""ecs.tf: ECS Fargate cluster, task definition, service behind the ALB with CPU target-tracking autoscaling, one
service per worker (same image and roles, its own command, no port); a scheduled job has the task definition only.
With datadog / newrelic monitoring every task carries the agent wiring of apm.py."""

from __future__ import annotations

from typing import Any

from generators.hcl import Block, Call, Ref, block
from generators.terraform.aws import apm, connection
from generators.terraform.aws.access import Grant, policy_document
from generators.terraform.aws.alb import forwarding_listener
from generators.terraform.aws.shared import APP_SG, KMS_ARN, NAME, PRIVATE_SUBNETS, REGION, log_group, role
from generators.terraform.context import Context
from generators.terraform.names import identifier

CONTAINER = "app"


def fargate_size(cpu: float, memory_gb: float) -> tuple[int, int]:
    """The smallest valid Fargate (cpu units, memory MiB) pair covering the request."""
    table = {256: (512, 2048), 512: (1024, 4096), 1024: (2048, 8192), 2048: (4096, 16384), 4096: (8192, 30720),
             8192: (16384, 61440), 16384: (32768, 122880)}
    units = next((u for u in table if u >= cpu * 1024), 16384)
    low, high = table[units]
    step = 1024 if units <= 4096 else 4096
    memory = max(low, min(high, -(-int(memory_gb * 1024) // step) * step))
    return units, memory


def container_secrets(ctx: Context) -> list[dict[str, Any]]:
    """ECS `secrets`: every connection setting from the connection secret, every password from its managed secret."""
    settings = [{"name": env, "valueFrom": Call("format", "%s:" + env + "::", connection.SECRET_ARN)}
                for env in connection.settings(ctx.plan)]
    passwords = [{"name": env, "valueFrom": Call("format", "%s:password::", arn)}
                 for env, arn in connection.password_sources(ctx.plan).items()]
    return settings + passwords + apm.app_secrets(ctx.plan)


def execution_grants(ctx: Context) -> list[Grant]:
    """What the ECS agent needs to inject `secrets`: read exactly those secrets, decrypt with the environment key."""
    arns = [connection.SECRET_ARN, *connection.password_sources(ctx.plan).values(), *apm.secret_arns(ctx.plan)]
    return [Grant("ReadInjectedSecrets", ("secretsmanager:GetSecretValue",), tuple(arns)),
            Grant("DecryptInjectedSecrets", ("kms:Decrypt",), (KMS_ARN,))]


def _container(ctx: Context, name: str = CONTAINER, command: list[str] | None = None, port: bool = True) -> Call:
    """One container definition: the app, or a worker (its own command, no port)."""
    definition: dict[str, Any] = {
        "name": name,
        "image": Ref("var.image"),
        "essential": True,
        "readonlyRootFilesystem": True,
        "privileged": False,
    }
    if command:
        definition["command"] = command
    if port:
        definition["portMappings"] = [{"containerPort": ctx.spec.app.port, "protocol": "tcp"}]
    if apm.app_environment(ctx.plan):
        definition["environment"] = apm.app_environment(ctx.plan)
    definition["secrets"] = container_secrets(ctx)
    if apm.docker_labels(ctx.plan):
        definition["dockerLabels"] = apm.docker_labels(ctx.plan)
    logs = {"awslogs-group": Ref("aws_cloudwatch_log_group.app.name"), "awslogs-region": REGION}
    definition["logConfiguration"] = {"logDriver": "awslogs", "options": {**logs, "awslogs-stream-prefix": name}}
    return Call("jsonencode", [definition, *apm.sidecars(ctx.plan, logs)])


def _task(ctx: Context, label: str, family: Call | Ref, container: Call) -> Block:
    cpu, memory = fargate_size(ctx.plan.sizing.container_cpu, ctx.plan.sizing.container_memory_gb)
    return block("resource", "aws_ecs_task_definition", label, family=family, requires_compatibilities=["FARGATE"],
                 network_mode="awsvpc", cpu=str(cpu), memory=str(memory),
                 execution_role_arn=Ref("aws_iam_role.task_execution.arn"), task_role_arn=Ref("aws_iam_role.task.arn"),
                 container_definitions=container, **({"volume": apm.volumes(ctx.plan)} if apm.volumes(ctx.plan) else {}))


def _service(ctx: Context, label: str, name: Call | Ref, count: int, load_balanced: bool) -> Block:
    extra = {}
    if load_balanced:
        extra = {"load_balancer": block("load_balancer", target_group_arn=Ref("aws_lb_target_group.app.arn"),
                                        container_name=CONTAINER, container_port=ctx.spec.app.port),
                 "depends_on": [Ref(forwarding_listener(ctx.spec))]}
    return block("resource", "aws_ecs_service", label, name=name, cluster=Ref("aws_ecs_cluster.main.id"),
                 task_definition=Ref(f"aws_ecs_task_definition.{label}.arn"), desired_count=count,
                 launch_type="FARGATE", propagate_tags="SERVICE",
                 network_configuration=block("network_configuration", subnets=PRIVATE_SUBNETS,
                                             security_groups=[APP_SG], assign_public_ip=False),
                 **extra, lifecycle=block("lifecycle", ignore_changes=[Ref("desired_count")]))


def _autoscaling(ctx: Context) -> list[Block]:
    compute = ctx.spec.compute
    return [
        block("resource", "aws_appautoscaling_target", "app", service_namespace="ecs",
              scalable_dimension="ecs:service:DesiredCount",
              resource_id=Call("format", "service/%s/%s", Ref("aws_ecs_cluster.main.name"),
                               Ref("aws_ecs_service.app.name")),
              min_capacity=compute.min_replicas, max_capacity=compute.max_replicas),
        block("resource", "aws_appautoscaling_policy", "cpu", name=Call("format", "%s-cpu", NAME),
              policy_type="TargetTrackingScaling", service_namespace="ecs",
              resource_id=Ref("aws_appautoscaling_target.app.resource_id"),
              scalable_dimension=Ref("aws_appautoscaling_target.app.scalable_dimension"),
              target_tracking_scaling_policy_configuration=block(
                  "target_tracking_scaling_policy_configuration", target_value=60,
                  predefined_metric_specification=block("predefined_metric_specification",
                                                        predefined_metric_type="ECSServiceAverageCPUUtilization"))),
    ]


def _workers(ctx: Context) -> list[Block]:
    """One task definition and service per worker: same image, roles and settings as the app, no port."""
    blocks: list[Block] = []
    for worker in ctx.spec.workers:
        label = identifier("worker", worker.name)
        family = Call("format", "%s-" + worker.name, NAME)
        blocks += [_task(ctx, label, family, _container(ctx, worker.name, worker.command, port=False)),
                   _service(ctx, label, family, 1, load_balanced=False)]
    return blocks


def build(ctx: Context) -> list[Block]:
    scheduled = ctx.spec.compute.schedule is not None  # EventBridge Scheduler runs the task (schedule.tf)
    serving = [] if scheduled else [_service(ctx, "app", NAME, ctx.spec.compute.min_replicas, load_balanced=True),
                                    *_autoscaling(ctx)]
    return [
        log_group("app", Call("format", "/dev-agent/%s/app", NAME), ctx.plan),
        block("resource", "aws_ecs_cluster", "main", name=NAME,
              setting=block("setting", name="containerInsights", value="enabled")),
        *role("task_execution", "ecs-tasks.amazonaws.com", ["service-role/AmazonECSTaskExecutionRolePolicy"], "exec"),
        policy_document("task_execution", execution_grants(ctx)),
        block("resource", "aws_iam_role_policy", "task_execution", role=Ref("aws_iam_role.task_execution.id"),
              policy=Ref("data.aws_iam_policy_document.task_execution.json")),
        *role("task", "ecs-tasks.amazonaws.com", [], "task"),
        _task(ctx, "app", NAME, _container(ctx, port=not scheduled)),
        *serving,
        *_workers(ctx),
        block("variable", "image", type=Ref("string"),
              description="Container image of the app, pinned by tag or digest (dev-agent.auto.tfvars.json)."),
        *apm.variables(ctx.plan),
        block("output", "ecs_cluster", value=Ref("aws_ecs_cluster.main.name"), description="ECS cluster name."),
    ]
