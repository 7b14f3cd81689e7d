"""Deploying the environment's Helm chart after Terraform: `helm upgrade --install --atomic`, or render only.

Only Kubernetes environments deploy the chart; the others (ECS, Cloud Run, VMs, functions, ...) have no
cluster for it and skip Helm. Deploys only when a kube context is configured (`DEV_AGENT_KUBE_CONTEXT`) and
the helm binary exists; otherwise the chart is rendered (so template errors still fail the apply) and the
deploy is skipped. `--atomic` rolls a failed release back to the previous one.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from bot.checks.helm_tool import render_chart
from bot.errors import ToolError
from bot.spec import Cloud, ComputeKind, EnvironmentSpec

# What runs the app when it is not on Kubernetes (the generated compute component), for the skip reason.
PLATFORMS: dict[tuple[Cloud, ComputeKind], str] = {
    (Cloud.aws, ComputeKind.containers): "ECS",
    (Cloud.aws, ComputeKind.vm): "EC2",
    (Cloud.aws, ComputeKind.functions): "Lambda",
    (Cloud.gcp, ComputeKind.containers): "Cloud Run",
    (Cloud.gcp, ComputeKind.vm): "Compute Engine",
    (Cloud.gcp, ComputeKind.functions): "Cloud Functions",
    (Cloud.azure, ComputeKind.containers): "Container Apps",
    (Cloud.azure, ComputeKind.vm): "Azure VM",
    (Cloud.azure, ComputeKind.functions): "Azure Functions",
}


class HelmDeployError(ToolError):
    """The chart did not render or the release failed (and was rolled back)."""


def skip_reason(spec: EnvironmentSpec) -> str | None:
    """Why Helm has nothing to do in this environment ("ECS environment, no Kubernetes cluster"), or None."""
    if spec.compute.kind == ComputeKind.kubernetes:
        return None
    return f"{PLATFORMS[(spec.cloud, spec.compute.kind)]} environment, no Kubernetes cluster"


def deploy_chart(chart: Path, release: str, namespace: str, kube_context: str | None, timeout: int = 600) -> str:
    """Deploy (or render only) and return a one-line note for the apply comment."""
    if not chart.is_dir():
        return "No Helm chart in this environment."
    try:
        manifests = render_chart(chart, namespace)
    except Exception as exc:  # noqa: BLE001 - helm reports template errors as generic failures
        raise HelmDeployError(f"helm template failed: {exc}") from None
    binary = shutil.which("helm")
    if not kube_context or not binary:
        return f"Helm chart rendered ({len(manifests)} manifests); deploy skipped: no cluster configured."
    command = [binary, "upgrade", "--install", "--atomic", "--wait", f"--timeout={timeout}s",
               "--kube-context", kube_context, "--namespace", namespace, "--create-namespace", release, str(chart)]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=timeout + 60, check=False)
    if proc.returncode != 0:
        raise HelmDeployError(f"helm upgrade --atomic failed and the release was rolled back:\n{proc.stderr.strip()}")
    return f"Helm release {release} deployed to namespace {namespace} ({kube_context})."
