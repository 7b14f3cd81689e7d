"""APM agent wiring for ECS tasks (`monitoring: [datadog]` / `[newrelic]` on AWS containers), used by ecs.tf.

The key never enters a file: the reviewer stores it in Secrets Manager and gives its ARN as a deployment input
(`/dev-agent set datadog_secret_arn=...` / `newrelic_secret_arn=...`, "Before you merge"); ECS injects it from
there, and the task execution role may read exactly that secret.
- Datadog: the Agent runs as a sidecar in every task (ECS_FARGATE, APM on localhost:8126), read-only root
  filesystem with its writable paths on task volumes filled by an init container (Datadog's ROFS setup);
  the app gets unified service tags (DD_ENV, DD_SERVICE and the `com.datadoghq.tags.*` docker labels).
- New Relic: the app's language agent reads NEW_RELIC_LICENSE_KEY (injected) and NEW_RELIC_APP_NAME; the agent
  itself ships in the app's image (docs/monitoring.md).
On EKS the chart wires the agents (generators/helm/apm.py); here only New Relic's key: external-secrets may read
the `newrelic_secret_arn` secret and `helm_values` maps it to NEW_RELIC_LICENSE_KEY.
On Lambda (lambda.tf) the function is a container image, which takes no layers: the image carries Datadog's /
New Relic's Lambda extension (docs/monitoring.md); the function gets the secret's ARN, site and service tags, and
its role may read exactly that secret (access.tf). On VMs (ec2.tf) the user data installs the agent with the key
read from the secret at boot (generators/terraform/vm_agents.py).
"""

from __future__ import annotations

from typing import Any

from bot.pipeline.planning import Plan
from bot.spec import ComputeKind, Monitoring
from generators.hcl import Block, Ref, block
from generators.terraform.context import pattern_variable
from generators.terraform.vm_agents import IMAGE_VERSION, site_variable

DATADOG_IMAGE = "public.ecr.aws/datadog/agent:7"
DATADOG_SECRET = Ref("var.datadog_secret_arn")
NEWRELIC_SECRET = Ref("var.newrelic_secret_arn")
SECRET_ARN_PATTERN = r"^arn:aws(-[a-z]+)*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]{1,512}$"
ACCOUNT_PATTERN = r"^[1-9][0-9]{0,11}$"
# Agent paths that must be writable (task volumes) when its root filesystem is read-only.
DATADOG_VOLUMES = {"dd-config": "/etc/datadog-agent", "dd-run": "/opt/datadog-agent/run",
                   "dd-sockets": "/var/run/datadog", "dd-tmp": "/tmp"}


def _tools(plan: Plan, kind: ComputeKind = ComputeKind.containers) -> set[Monitoring]:
    if plan.spec.compute.kind != kind:
        return set()
    return {Monitoring.datadog, Monitoring.newrelic} & set(plan.spec.monitoring)


def workload_tools(plan: Plan) -> set[Monitoring]:
    """Agents whose key the function or the VM itself reads at run time (its role may read those secrets)."""
    return _tools(plan, ComputeKind.functions) | _tools(plan, ComputeKind.vm)


def workload_secret_arns(plan: Plan) -> list[Ref]:
    """The key secrets the Lambda or VM role reads (access.tf grants exactly these)."""
    tools = workload_tools(plan)
    return ([DATADOG_SECRET] if Monitoring.datadog in tools else []) + \
        ([NEWRELIC_SECRET] if Monitoring.newrelic in tools else [])


def datadog(plan: Plan) -> bool:
    return Monitoring.datadog in _tools(plan)


def newrelic(plan: Plan) -> bool:
    return Monitoring.newrelic in _tools(plan)


def eks_newrelic(plan: Plan) -> bool:
    """New Relic on EKS: the chart's ExternalSecret copies the license key from `var.newrelic_secret_arn`."""
    return plan.spec.compute.kind == ComputeKind.kubernetes and Monitoring.newrelic in plan.spec.monitoring


def eks_managed_secrets(plan: Plan) -> dict[str, dict[str, Any]]:
    """managedSecrets entries of the chart's `helm_values` (the key is the secret's ARN, the whole string)."""
    return {"NEW_RELIC_LICENSE_KEY": {"key": NEWRELIC_SECRET}} if eks_newrelic(plan) else {}


def eks_secret_arns(plan: Plan) -> list[Ref]:
    """Secrets external-secrets reads on EKS besides the connection secrets."""
    return [NEWRELIC_SECRET] if eks_newrelic(plan) else []


def service_name(plan: Plan) -> str:
    return plan.spec.service or plan.spec.name


def secret_arns(plan: Plan) -> list[Ref]:
    """The key secrets ECS injects (the execution role reads them)."""
    return ([DATADOG_SECRET] if datadog(plan) else []) + ([NEWRELIC_SECRET] if newrelic(plan) else [])


def app_environment(plan: Plan) -> list[dict[str, str]]:
    """Plain settings of the app's (and workers') containers."""
    env = []
    if datadog(plan):
        env += [{"name": "DD_ENV", "value": plan.spec.name}, {"name": "DD_SERVICE", "value": service_name(plan)}]
    if newrelic(plan):
        env += [{"name": "NEW_RELIC_APP_NAME", "value": f"{service_name(plan)} ({plan.spec.name})"},
                {"name": "NEW_RELIC_DISTRIBUTED_TRACING_ENABLED", "value": "true"}]
    return env


def app_secrets(plan: Plan) -> list[dict[str, Any]]:
    """Keys the app's containers receive from Secrets Manager."""
    return [{"name": "NEW_RELIC_LICENSE_KEY", "valueFrom": NEWRELIC_SECRET}] if newrelic(plan) else []


def docker_labels(plan: Plan) -> dict[str, str]:
    if not datadog(plan):
        return {}
    return {"com.datadoghq.tags.env": plan.spec.name, "com.datadoghq.tags.service": service_name(plan)}


def sidecars(plan: Plan, log_options: dict[str, Any]) -> list[dict[str, Any]]:
    """The Datadog init and Agent containers of a task (none without datadog)."""
    if not datadog(plan):
        return []
    mounts = [{"sourceVolume": name, "containerPath": path, "readOnly": False} for name, path in DATADOG_VOLUMES.items()]
    return [
        {"name": "datadog-init", "image": DATADOG_IMAGE, "essential": False, "readonlyRootFilesystem": True,
         "privileged": False, "entryPoint": ["sh", "-c"], "command": ["cp -R /etc/datadog-agent/. /dd-config/"],
         "mountPoints": [{"sourceVolume": "dd-config", "containerPath": "/dd-config", "readOnly": False}],
         "logConfiguration": {"logDriver": "awslogs", "options": {**log_options, "awslogs-stream-prefix": "datadog-init"}}},
        {"name": "datadog-agent", "image": DATADOG_IMAGE, "essential": False, "readonlyRootFilesystem": True,
         "privileged": False, "dependsOn": [{"containerName": "datadog-init", "condition": "SUCCESS"}],
         "environment": [{"name": "ECS_FARGATE", "value": "true"}, {"name": "DD_APM_ENABLED", "value": "true"},
                         {"name": "DD_SITE", "value": Ref("var.datadog_site")},
                         {"name": "DD_ENV", "value": plan.spec.name}],
         "secrets": [{"name": "DD_API_KEY", "valueFrom": DATADOG_SECRET}],
         "mountPoints": mounts,
         "logConfiguration": {"logDriver": "awslogs", "options": {**log_options, "awslogs-stream-prefix": "datadog"}}},
    ]


def function_environment(plan: Plan) -> dict[str, Any]:
    """Settings of the Lambda function for the extensions its image carries (no key: only the secret's ARN)."""
    tools = _tools(plan, ComputeKind.functions)
    env: dict[str, Any] = {}
    if Monitoring.datadog in tools:
        env.update({"DD_API_KEY_SECRET_ARN": DATADOG_SECRET, "DD_SITE": Ref("var.datadog_site"),
                    "DD_ENV": plan.spec.name, "DD_SERVICE": service_name(plan), "DD_VERSION": IMAGE_VERSION,
                    "DD_TRACE_ENABLED": "true", "DD_SERVERLESS_LOGS_ENABLED": "true"})
    if Monitoring.newrelic in tools:
        env.update({"NEW_RELIC_LICENSE_KEY_SECRET": NEWRELIC_SECRET,
                    "NEW_RELIC_ACCOUNT_ID": Ref("var.newrelic_account_id"),
                    "NEW_RELIC_TRUSTED_ACCOUNT_KEY": Ref("var.newrelic_account_id"),
                    "NEW_RELIC_DISTRIBUTED_TRACING_ENABLED": "true", "NEW_RELIC_EXTENSION_SEND_FUNCTION_LOGS": "true"})
    return env


def volumes(plan: Plan) -> list[Block]:
    return [block("volume", name=name) for name in DATADOG_VOLUMES] if datadog(plan) else []


def variables(plan: Plan) -> list[Block]:
    """The key inputs (and Datadog's site, New Relic's account) of every runtime that reads a key here."""
    blocks = []
    functions = _tools(plan, ComputeKind.functions)
    if datadog(plan) or Monitoring.datadog in workload_tools(plan):
        blocks += [
            _arn_variable("datadog_secret_arn", "Secrets Manager secret holding the Datadog API key (ARN; the key "
                                                "itself never goes into a file)."),
            site_variable(),
        ]
    if newrelic(plan) or eks_newrelic(plan) or Monitoring.newrelic in workload_tools(plan):
        lambda_format = (" On Lambda the secret is JSON {\"LicenseKey\": \"...\"}, as New Relic's extension reads it."
                         if Monitoring.newrelic in functions else "")
        blocks.append(_arn_variable("newrelic_secret_arn",
                                    "Secrets Manager secret holding the New Relic license key (ARN only)."
                                    + lambda_format))
    if Monitoring.newrelic in functions:
        blocks.append(pattern_variable("newrelic_account_id", ACCOUNT_PATTERN,
                                       "New Relic account id the Lambda extension reports to.",
                                       "newrelic_account_id must be the numeric New Relic account id."))
    return blocks


def _arn_variable(name: str, description: str) -> Block:
    return pattern_variable(name, SECRET_ARN_PATTERN, description, f"{name} must be a Secrets Manager secret ARN.")
