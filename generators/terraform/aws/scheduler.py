"""schedule.tf: a scheduled job (compute.schedule): EventBridge Scheduler starts the Lambda function or an ECS task on
the spec's cron (UTC). Nothing listens for requests: no API Gateway, no load balancer, no ECS service."""

from __future__ import annotations

from bot.pipeline.planning import Plan
from bot.spec import ComputeKind
from generators.hcl import Block, Call, Ref, block
from generators.terraform.aws.access import Grant, policy_document
from generators.terraform.aws.shared import APP_SG, KMS_ARN, NAME, PRIVATE_SUBNETS, assume_role_policy
from generators.terraform.context import Context

DAYS = {"0": "1", "1": "2", "2": "3", "3": "4", "4": "5", "5": "6", "6": "7", "7": "1"}


def applies(plan: Plan) -> bool:
    return plan.spec.compute.schedule is not None


def aws_cron(cron: str) -> str:
    """A five-field cron as EventBridge's `cron(min hour dom month dow year)` (one of dom/dow is `?`, Sunday is 1)."""
    minute, hour, dom, month, dow = cron.split()
    if dow == "*":
        dow = "?"
    else:
        dow = "".join(DAYS.get(ch, ch) for ch in dow)
        dom = "?" if dom == "*" else dom
    return f"cron({minute} {hour} {dom} {month} {dow} *)"


def _target(ctx: Context) -> tuple[Block, list[Grant]]:
    if ctx.spec.compute.kind == ComputeKind.functions:
        arn = Ref("aws_lambda_function.app.arn")
        return block("target", arn=arn, role_arn=Ref("aws_iam_role.scheduler.arn"),
                     retry_policy=block("retry_policy", maximum_retry_attempts=2)), \
            [Grant("InvokeTheJob", ("lambda:InvokeFunction",), (arn,))]
    task = Ref("aws_ecs_task_definition.app.arn")
    target = block(
        "target", arn=Ref("aws_ecs_cluster.main.arn"), role_arn=Ref("aws_iam_role.scheduler.arn"),
        retry_policy=block("retry_policy", maximum_retry_attempts=2),
        ecs_parameters=block("ecs_parameters", task_definition_arn=task, launch_type="FARGATE", task_count=1,
                             network_configuration=block("network_configuration", subnets=PRIVATE_SUBNETS,
                                                         security_groups=[APP_SG], assign_public_ip=False)))
    return target, [
        Grant("RunTheJobTask", ("ecs:RunTask",),
              (Call("format", "%s:*", Ref("aws_ecs_task_definition.app.arn_without_revision")),)),
        Grant("PassTheTaskRoles", ("iam:PassRole",),
              (Ref("aws_iam_role.task.arn"), Ref("aws_iam_role.task_execution.arn"))),
    ]


def build(ctx: Context) -> list[Block]:
    schedule = ctx.spec.compute.schedule
    if schedule is None:
        raise ValueError("compute.schedule: the job has no schedule")
    target, grants = _target(ctx)
    return [
        block("resource", "aws_iam_role", "scheduler",
              name_prefix=Call("format", "%s-sched-", Call("substr", NAME, 0, 20)),
              assume_role_policy=assume_role_policy("scheduler.amazonaws.com")),
        policy_document("scheduler", grants),
        block("resource", "aws_iam_role_policy", "scheduler", role=Ref("aws_iam_role.scheduler.id"),
              policy=Ref("data.aws_iam_policy_document.scheduler.json")),
        block("resource", "aws_scheduler_schedule", "job", name=NAME, group_name="default",
              description=f"Runs the job on `{schedule}` (UTC)",
              schedule_expression=aws_cron(schedule), schedule_expression_timezone="UTC",
              flexible_time_window=block("flexible_time_window", mode="OFF"), kms_key_arn=KMS_ARN, target=target),
        block("output", "schedule", value=Ref("aws_scheduler_schedule.job.schedule_expression"),
              description="When the job runs (UTC)."),
    ]
