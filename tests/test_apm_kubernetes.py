"""Datadog / New Relic on Kubernetes: unified service tags and the node-local Agent in the chart, New Relic's
license key through external-secrets (EKS), and what the reviewer reads in the report on each cloud."""

from __future__ import annotations

import tempfile
from pathlib import Path

import helm_python
import kubernetes_validate
import pytest
import yaml

from bot import hclread
from bot.checks import checkov as checkov_check
from bot.checks.context import CheckContext
from bot.inputs import missing_inputs
from bot.pipeline.planning import plan_environment
from bot.pipeline.run import run_pipeline
from bot.settings import Settings
from bot.spec import spec_from_data
from bot.understanding.deterministic import parse
from tests.conftest import require_tool
from tests.support.aws_specs import terraform_files
from tests.support.charts import render_chart

K8S = dict(name="shop-staging", service="shop", cloud="aws", region="us-east-1", tier="staging",
           compute=dict(kind="kubernetes", min_replicas=2, max_replicas=4), monitoring=["datadog", "newrelic"],
           workers=[dict(name="jobs", command=["celery", "worker"])])


def render(data: dict, out: Path) -> tuple[Path, dict[str, list[dict]]]:
    chart, objects, _ = render_chart(data, out)
    return chart, objects


@pytest.fixture(scope="module")
def chart(tmp_path_factory: pytest.TempPathFactory):
    return render(K8S, tmp_path_factory.mktemp("apm"))


def _env(container: dict) -> dict[str, dict]:
    return {e["name"]: e for e in container["env"]}


def test_pods_carry_unified_service_tags_read_back_as_dd_settings(chart) -> None:
    _, objects = chart
    app, worker = sorted(objects["Deployment"], key=lambda d: d["metadata"]["name"])
    for deployment, service in ((app, "shop"), (worker, "shop-jobs")):
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        assert labels["tags.datadoghq.com/env"] == "shop-staging" and labels["tags.datadoghq.com/service"] == service
        assert labels["tags.datadoghq.com/version"] == "0.1.0"  # the image tag the chart deploys
        env = _env(deployment["spec"]["template"]["spec"]["containers"][0])
        assert env["DD_SERVICE"]["valueFrom"]["fieldRef"]["fieldPath"] == "metadata.labels['tags.datadoghq.com/service']"
        assert env["DD_AGENT_HOST"]["valueFrom"]["fieldRef"]["fieldPath"] == "status.hostIP"  # the node's Agent
        assert env["NEW_RELIC_APP_NAME"]["value"] == "shop (shop-staging)"
        assert "DD_API_KEY" not in env  # the key belongs to the operator's Agent, never to the app's pods


def test_pods_may_reach_the_node_agent_ports_only(chart) -> None:
    _, objects = chart
    for policy in objects["NetworkPolicy"]:
        agent = [rule for rule in policy["spec"]["egress"] if {"port": 8126, "protocol": "TCP"} in rule["ports"]]
        assert len(agent) == 1, policy["metadata"]["name"]
        assert agent[0]["ports"] == [{"port": 8126, "protocol": "TCP"}, {"port": 8125, "protocol": "UDP"}]
        assert agent[0]["to"] == [{"ipBlock": {"cidr": "10.0.0.0/16"}}]  # the VPC the nodes live in


def test_chart_with_apm_lints_and_validates(chart) -> None:
    path, objects = chart
    report = helm_python.lint(str(path), strict=True)
    assert report["errors"] == [] and [m for m in report["messages"] if m["severity"] >= 2] == []
    for kind in ("NetworkPolicy", "Deployment"):
        for obj in objects[kind]:
            kubernetes_validate.validate(obj, "1.30", strict=True)


def test_chart_with_apm_passes_checkov(chart) -> None:
    require_tool("checkov")
    path, _ = chart
    env_dir = path.parent.parent
    with tempfile.TemporaryDirectory() as scratch:
        ctx = CheckContext(env_dir=env_dir, repo_root=env_dir.parent.parent, workdir=Path(scratch), settings=Settings())
        results = {r.name: r for r in checkov_check.check(ctx)}
    kubernetes = results["checkov kubernetes"]
    assert kubernetes.passed and "0 failed" in kubernetes.details, kubernetes.details


def test_without_apm_the_pods_have_no_agent_wiring(tmp_path: Path) -> None:
    _, objects = render({**K8S, "monitoring": []}, tmp_path)
    text = yaml.safe_dump(objects)
    assert "datadoghq" not in text and "DD_AGENT_HOST" not in text and "NEW_RELIC" not in text and "8126" not in text


def test_newrelic_key_reaches_the_app_through_external_secrets_on_eks() -> None:
    files = terraform_files(plan_environment(spec_from_data(K8S)))
    values = next(o["helm_values"] for o in hclread.loads(files["outputs.tf"])["output"] if "helm_values" in o)["value"]
    assert values["externalSecret"]["managedSecrets"]["NEW_RELIC_LICENSE_KEY"] == {"key": "${var.newrelic_secret_arn}"}
    eso = files["eks.tf"].split('data "aws_iam_policy_document" "external_secrets"')[1].split("\nresource ")[0]
    assert "var.newrelic_secret_arn" in eso  # external-secrets may read exactly that secret
    assert "datadog_secret_arn" not in "".join(files.values())  # Datadog's key stays with the node Agent
    assert "newrelic_secret_arn" in {m.name for m in missing_inputs(files)}  # "Before you merge" asks for it


def _report(text: str) -> str:
    understanding = parse(text)
    assert understanding.spec is not None, understanding.questions
    return run_pipeline(plan_environment(understanding.spec), Settings(anthropic_api_key=None),
                        requirements=understanding.requirements).report


def _row(report: str, label: str) -> str:
    table = report[report.index("### Requirements"):report.index("### Summary")]
    return next(line for line in table.splitlines() if f"| {label}" in line)


def test_report_honours_datadog_and_newrelic_on_eks_and_names_the_agent_assumption() -> None:
    report = _report("FastAPI on EKS in us-east-1 with Datadog and New Relic")
    row = _row(report, "Datadog agent")
    assert "✅ honoured" in row and "/values.yaml:" in row, row
    row = _row(report, "New Relic agent")
    assert "✅ honoured" in row and "/terraform/outputs.tf:" in row, row
    assert "Datadog Agent DaemonSet on their node" in report[report.index("Risks"):]


@pytest.mark.parametrize("cloud", ["GKE in us-central1", "AKS in eastus"])
def test_report_honours_datadog_and_newrelic_on_gke_and_aks(cloud: str) -> None:
    report = _report(f"FastAPI on {cloud} with Datadog and New Relic")
    assert "✅ honoured" in _row(report, "Datadog agent")
    row = _row(report, "New Relic agent")
    # the key through external-secrets from Secret Manager / the reviewer's Key Vault (tests/test_apm_runtimes.py)
    assert "✅ honoured" in row and "/terraform/outputs.tf:" in row, row


def test_a_long_image_tag_still_makes_a_valid_version_label(tmp_path: Path) -> None:
    tag = "release-" + "1" * 80 + "-x"
    _, objects = render({**K8S, "app": {"image": f"ghcr.io/acme/shop:{tag}"}}, tmp_path)
    for deployment in objects["Deployment"]:
        label = deployment["spec"]["template"]["metadata"]["labels"]["tags.datadoghq.com/version"]
        assert tag.startswith(label) and len(label) <= 63
        kubernetes_validate.validate(deployment, "1.30", strict=True)
