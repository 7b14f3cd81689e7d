"""lambda.tf: the app as a container-image Lambda in the VPC, fronted by an API Gateway v2 HTTP API (a scheduled job
has no API: EventBridge Scheduler invokes it, schedule.tf; an internal function has none either: an internal ALB
invokes it, alb.tf). With datadog / newrelic monitoring the function gets its extension's settings (apm.py)."""

from __future__ import annotations

from typing import Any

from bot.spec import Exposure
from generators.hcl import Block, Call, Ref, block
from generators.terraform.aws import apm, connection
from generators.terraform.aws.shared import APP_SG, KMS_ARN, NAME, PRIVATE_SUBNETS, log_group, role
from generators.terraform.context import Context

RESERVED_CONCURRENCY = 10
BATCH_TIMEOUT = 900  # a scheduled job gets Lambda's maximum run time


def _api(ctx: Context) -> list[Block]:
    access_format = Call("jsonencode", {
        "requestId": "$context.requestId", "ip": "$context.identity.sourceIp", "route": "$context.routeKey",
        "status": "$context.status", "latency": "$context.responseLatency",
    })
    return [
        log_group("api", Call("format", "/dev-agent/%s/api", NAME), ctx.plan),
        block("resource", "aws_apigatewayv2_api", "main", name=NAME, protocol_type="HTTP"),
        block("resource", "aws_apigatewayv2_integration", "app", api_id=Ref("aws_apigatewayv2_api.main.id"),
              integration_type="AWS_PROXY", integration_uri=Ref("aws_lambda_function.app.invoke_arn"),
              payload_format_version="2.0"),
        block("resource", "aws_apigatewayv2_route", "default", api_id=Ref("aws_apigatewayv2_api.main.id"),
              route_key="$default", authorization_type="NONE",
              target=Call("format", "integrations/%s", Ref("aws_apigatewayv2_integration.app.id"))),
        block("resource", "aws_apigatewayv2_stage", "default", api_id=Ref("aws_apigatewayv2_api.main.id"),
              name="$default", auto_deploy=True,
              access_log_settings=block("access_log_settings", destination_arn=Ref("aws_cloudwatch_log_group.api.arn"),
                                        format=access_format)),
        block("resource", "aws_lambda_permission", "api", statement_id="AllowHttpApi", action="lambda:InvokeFunction",
              function_name=Ref("aws_lambda_function.app.function_name"), principal="apigateway.amazonaws.com",
              source_arn=Call("format", "%s/*/*", Ref("aws_apigatewayv2_api.main.execution_arn"))),
    ]


def environment(ctx: Context) -> dict[str, Any]:
    """Lambda has no secret injection: settings (no passwords) as env vars, and the ARN of each managed secret
    a password is read from at start-up (the app's policy allows exactly those)."""
    variables = {"CONNECTION_SECRET_ARN": connection.SECRET_ARN, **connection.settings(ctx.plan)}
    variables.update({f"{env}_SECRET_ARN": arn for env, arn in connection.password_sources(ctx.plan).items()})
    variables.update(apm.function_environment(ctx.plan))
    return variables


def build(ctx: Context) -> list[Block]:
    scheduled = ctx.spec.compute.schedule is not None  # EventBridge Scheduler invokes it (schedule.tf): no HTTP API
    api = not scheduled and ctx.spec.app.exposure == Exposure.public  # an internal ALB invokes an internal one
    return [
        log_group("lambda", Call("format", "/aws/lambda/%s", NAME), ctx.plan),
        *role("lambda", "lambda.amazonaws.com",
              ["service-role/AWSLambdaVPCAccessExecutionRole", "AWSXRayDaemonWriteAccess"], "fn"),
        block("resource", "aws_sqs_queue", "lambda_dlq", name=Call("format", "%s-fn-dlq", NAME),
              kms_master_key_id=KMS_ARN, message_retention_seconds=1209600),
        block("resource", "aws_iam_role_policy", "lambda_dlq", role=Ref("aws_iam_role.lambda.id"),
              policy=Call("jsonencode", {"Version": "2012-10-17", "Statement": [
                  {"Effect": "Allow", "Action": ["sqs:SendMessage"], "Resource": Ref("aws_sqs_queue.lambda_dlq.arn")},
                  {"Effect": "Allow", "Action": ["kms:GenerateDataKey", "kms:Decrypt"], "Resource": KMS_ARN}]})),
        block("resource", "aws_lambda_function", "app", function_name=NAME, role=Ref("aws_iam_role.lambda.arn"),
              package_type="Image", image_uri=Ref("var.image"), memory_size=ctx.plan.sizing.function_memory_mb,
              timeout=BATCH_TIMEOUT if scheduled else 30, reserved_concurrent_executions=RESERVED_CONCURRENCY,
              vpc_config=block("vpc_config", subnet_ids=PRIVATE_SUBNETS, security_group_ids=[APP_SG]),
              tracing_config=block("tracing_config", mode="Active"), kms_key_arn=KMS_ARN,
              environment=block("environment", variables=environment(ctx)),
              dead_letter_config=block("dead_letter_config", target_arn=Ref("aws_sqs_queue.lambda_dlq.arn")),
              depends_on=[Ref("aws_cloudwatch_log_group.lambda"), Ref("aws_iam_role_policy_attachment.lambda_0")]),
        *(_api(ctx) if api else []),
        block("variable", "image", type=Ref("string"),
              description="Container image of the app in ECR, pinned by tag or digest (dev-agent.auto.tfvars.json)."),
        *apm.variables(ctx.plan),
    ] + ([block("output", "app_url", value=Ref("aws_apigatewayv2_stage.default.invoke_url"),
                description="HTTPS endpoint of the HTTP API.")] if api else [])
