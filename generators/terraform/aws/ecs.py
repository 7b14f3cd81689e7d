"""ecs.tf: ECS Fargate cluster, task definition, service behind the ALB, and CPU target-tracking autoscaling."""

from __future__ import annotations

from generators.hcl import Block, Call, Ref, block
from generators.terraform import Context
from generators.terraform.aws.alb import forwarding_listener
from generators.terraform.aws.shared import APP_SG, NAME, PRIVATE_SUBNETS, REGION, log_group, role

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


def _container(ctx: Context) -> Call:
    port = ctx.spec.app.port
    return Call("jsonencode", [{
        "name": CONTAINER,
        "image": Ref("var.image"),
        "essential": True,
        "readonlyRootFilesystem": True,
        "privileged": False,
        "portMappings": [{"containerPort": port, "protocol": "tcp"}],
        "logConfiguration": {"logDriver": "awslogs", "options": {
            "awslogs-group": Ref("aws_cloudwatch_log_group.app.name"),
            "awslogs-region": REGION,
            "awslogs-stream-prefix": CONTAINER,
        }},
    }])


def build(ctx: Context) -> list[Block]:
    compute = ctx.spec.compute
    cpu, memory = fargate_size(ctx.plan.sizing.container_cpu, ctx.plan.sizing.container_memory_gb)
    return [
        log_group("app", Call("format", "/dev-agent/%s/app", NAME), ctx.plan),
        block("resource", "aws_ecs_cluster", "main", name=NAME,
              setting=block("setting", name="containerInsights", value="enabled")),
        *role("task_execution", "ecs-tasks.amazonaws.com", ["service-role/AmazonECSTaskExecutionRolePolicy"], "exec"),
        *role("task", "ecs-tasks.amazonaws.com", [], "task"),
        block("resource", "aws_ecs_task_definition", "app", family=NAME, requires_compatibilities=["FARGATE"],
              network_mode="awsvpc", cpu=str(cpu), memory=str(memory),
              execution_role_arn=Ref("aws_iam_role.task_execution.arn"), task_role_arn=Ref("aws_iam_role.task.arn"),
              container_definitions=_container(ctx)),
        block("resource", "aws_ecs_service", "app", name=NAME, cluster=Ref("aws_ecs_cluster.main.id"),
              task_definition=Ref("aws_ecs_task_definition.app.arn"), desired_count=compute.min_replicas,
              launch_type="FARGATE", propagate_tags="SERVICE",
              network_configuration=block("network_configuration", subnets=PRIVATE_SUBNETS,
                                          security_groups=[APP_SG], assign_public_ip=False),
              load_balancer=block("load_balancer", target_group_arn=Ref("aws_lb_target_group.app.arn"),
                                  container_name=CONTAINER, container_port=ctx.spec.app.port),
              depends_on=[Ref(forwarding_listener(ctx.spec))],
              lifecycle=block("lifecycle", ignore_changes=[Ref("desired_count")])),
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
        block("variable", "image", type=Ref("string"), description="Container image of the app (pinned tag or digest)."),
        block("output", "ecs_cluster", value=Ref("aws_ecs_cluster.main.name"), description="ECS cluster name."),
    ]
