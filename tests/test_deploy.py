"""The bot's own deployment artefacts pass the same checks as generated output."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import helm_python as helm
import yaml

from tests.conftest import require_tool

ROOT = Path(__file__).resolve().parents[1]
CHECKOV_ENV = {**os.environ, "CKV_SKIP_PACKAGE_UPDATE_CHECK": "true", "BC_SKIP_MAPPING": "TRUE"}


def _checkov(*args: str) -> dict:
    checkov = require_tool("checkov")
    result = subprocess.run([checkov, *args, "--skip-download", "--compact", "-o", "json"], capture_output=True,
                            text=True, env=CHECKOV_ENV, timeout=300)
    report = json.loads(result.stdout)
    return report[0] if isinstance(report, list) else report


def test_dockerfile_passes_hadolint_and_checkov() -> None:
    hadolint = require_tool("hadolint")
    lint = subprocess.run([hadolint, str(ROOT / "Dockerfile")], capture_output=True, text=True)
    assert lint.returncode == 0, lint.stdout
    summary = _checkov("-f", str(ROOT / "Dockerfile"), "--framework", "dockerfile")["summary"]
    assert summary["failed"] == 0 and summary["passed"] > 0


def test_bot_chart_lints_renders_and_passes_checkov(tmp_path: Path) -> None:
    chart_dir = ROOT / "deploy/helm/dev-agent"
    assert helm.lint(str(chart_dir))["errors"] == []
    rendered = helm.Chart.load(str(chart_dir)).render(name="dev-agent", namespace="dev-agent")
    docs = [d for text in rendered.values() for d in yaml.safe_load_all(text) if d]
    kinds = sorted(d["kind"] for d in docs)
    assert kinds.count("Deployment") == 2 and "HorizontalPodAutoscaler" in kinds and "ServiceMonitor" in kinds
    for deployment in (d for d in docs if d["kind"] == "Deployment"):  # each pod aggregates its own processes
        pod = deployment["spec"]["template"]["spec"]
        (container,) = pod["containers"]
        env = {e["name"]: e.get("value") for e in container["env"]}
        mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
        assert env["PROMETHEUS_MULTIPROC_DIR"] == mounts["metrics"]
        assert {"name": "metrics", "emptyDir": {}} in pod["volumes"]
    (worker,) = [d for d in docs if d["kind"] == "Deployment" and d["metadata"]["name"].endswith("-worker")]
    (worker_container,) = worker["spec"]["template"]["spec"]["containers"]
    assert worker_container["args"] == ["worker", "--metrics-port", "9100"]
    assert worker_container["livenessProbe"]["httpGet"] == {"path": "/metrics", "port": "metrics"}
    (pod_monitor,) = [d for d in docs if d["kind"] == "PodMonitor"]
    assert pod_monitor["spec"]["selector"]["matchLabels"]["app.kubernetes.io/component"] == "worker"
    manifest = yaml.safe_dump_all(docs)
    assert "BEGIN RSA" not in manifest and "webhook-secret:" not in manifest
    (tmp_path / "bot.yaml").write_text(manifest)
    summary = _checkov("-d", str(tmp_path), "--framework", "kubernetes")["summary"]
    assert summary["failed"] == 0 and summary["resource_count"] > 0


def test_bot_chart_turns_on_dashboard_sign_in_from_values_with_secrets_from_the_existing_secret() -> None:
    chart = helm.Chart.load(str(ROOT / "deploy/helm/dev-agent"))

    def web(values: dict) -> tuple[dict, dict]:
        docs = [d for text in chart.render(values, name="dev-agent", namespace="dev-agent").values()
                for d in yaml.safe_load_all(text) if d]
        (deployment,) = [d for d in docs if d["kind"] == "Deployment" and d["metadata"]["name"].endswith("-web")]
        pod = deployment["spec"]["template"]["spec"]
        (volume,) = [v for v in pod["volumes"] if v["name"] == "github-app"]
        return ({e["name"]: e.get("value") for e in pod["containers"][0]["env"]},
                {i["path"]: i["key"] for i in volume["secret"]["items"]})

    env, files = web({})
    assert not {k for k in env if "CLIENT" in k or "OIDC" in k} and not {f for f in files if "client" in f}
    env, files = web({"signIn": {"githubClientId": "Iv1.abc", "oidcIssuer": "https://sso.example.com",
                                 "oidcClientId": "dashboard", "oidcName": "Okta"}})
    assert (env["DEV_AGENT_GITHUB_CLIENT_ID"], env["DEV_AGENT_OIDC_ISSUER"], env["DEV_AGENT_OIDC_CLIENT_ID"],
            env["DEV_AGENT_OIDC_NAME"], env["DEV_AGENT_OIDC_LOGIN_CLAIM"]) == (
        "Iv1.abc", "https://sso.example.com", "dashboard", "Okta", "github_login")
    assert files["dev_agent_github_client_secret"] == "github-client-secret"  # read by pydantic-settings' secrets dir
    assert files["dev_agent_oidc_client_secret"] == "oidc-client-secret"


def test_bot_chart_ships_its_grafana_dashboard_for_the_sidecar() -> None:
    """The chart's ConfigMap carries the one dashboard file (the one tests/test_grafana_dashboard.py checks) under the
    Grafana sidecar's default label; it can be turned off or put where the sidecar looks."""
    chart = helm.Chart.load(str(ROOT / "deploy/helm/dev-agent"))

    def config_maps(values: dict) -> list[dict]:
        docs = [d for text in chart.render(values, name="dev-agent", namespace="dev-agent").values()
                for d in yaml.safe_load_all(text) if d]
        return [d for d in docs if d["kind"] == "ConfigMap"]

    (dashboard,) = config_maps({})
    assert dashboard["metadata"]["labels"]["grafana_dashboard"] == "1"
    assert dashboard["metadata"]["namespace"] == "dev-agent"
    source = (ROOT / "deploy/helm/dev-agent/dashboards/dev-agent.json").read_text()
    assert dashboard["data"]["dev-agent.json"] == source.rstrip("\n")
    assert json.loads(dashboard["data"]["dev-agent.json"])["title"]
    dashboards = [p for p in (ROOT / "deploy").rglob("*.json") if p.name != "values.schema.json"]
    assert dashboards == [ROOT / "deploy/helm/dev-agent/dashboards/dev-agent.json"]  # one copy of the dashboard
    (moved,) = config_maps({"grafanaDashboard": {"namespace": "monitoring"}})
    assert moved["metadata"]["namespace"] == "monitoring"
    assert config_maps({"grafanaDashboard": {"enabled": False}}) == []


def test_bot_chart_refuses_latest_tag() -> None:
    chart = helm.Chart.load(str(ROOT / "deploy/helm/dev-agent"))
    try:
        chart.render({"image": {"repository": "ghcr.io/acme/dev-agent", "tag": "latest"}}, name="x", namespace="x")
    except helm.HelmValuesError as exc:
        assert "tag" in str(exc)
    else:
        raise AssertionError("a 'latest' image tag was accepted")


def test_app_manifest_asks_for_what_the_bot_uses() -> None:
    manifest = yaml.safe_load((ROOT / "app.yml").read_text())
    assert manifest["default_permissions"] == {
        "metadata": "read", "contents": "write", "pull_requests": "write", "issues": "write",
        "checks": "write", "workflows": "write", "members": "read",
    }
    assert set(manifest["default_events"]) == {"issues", "issue_comment", "pull_request", "check_run"}


def test_compose_gives_each_bot_process_group_a_fresh_metrics_dir() -> None:
    services = yaml.safe_load((ROOT / "deploy/compose.yaml").read_text())["services"]
    for name in ("web", "worker"):
        metrics_dir = services[name]["environment"]["PROMETHEUS_MULTIPROC_DIR"]
        assert metrics_dir in services[name]["tmpfs"], name  # empty at every start, as prometheus-client needs
    worker = services["worker"]
    port = worker["command"][worker["command"].index("--metrics-port") + 1]
    assert port in worker["expose"] and f"127.0.0.1:{port}/metrics" in " ".join(worker["healthcheck"]["test"])
