"""Background workers on Kubernetes: each worker is a second process type in the chart (its own Deployment, same
image, identity, settings and hardening, its own command, no port), never selected by the app's Deployment or
Service, fenced by a NetworkPolicy; the request's "Sidekiq" row points at it."""

from __future__ import annotations

import tempfile
from pathlib import Path

import helm_python
import kubernetes_validate
import pytest
import yaml

from bot.checks import checkov as checkov_check
from bot.checks.context import CheckContext
from bot.pipeline.planning import plan_environment
from bot.pipeline.run import run_pipeline
from bot.settings import Settings
from bot.spec import spec_from_data
from bot.understanding.deterministic import parse
from generators import helm
from generators.helm import chart_dir
from generators.output import write_tree
from tests.conftest import require_tool

SPEC = dict(name="shop-staging", service="shop", cloud="aws", region="us-east-1", tier="staging",
            app=dict(framework="rails", port=3000), compute=dict(kind="kubernetes", min_replicas=2, max_replicas=4),
            databases=[dict(engine="postgres")], cache=dict(engine="redis"),
            workers=[dict(name="sidekiq", command=["bundle", "exec", "sidekiq"]), dict(name="mailer")])


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict]]:
    out = tmp_path_factory.mktemp("workers")
    plan = plan_environment(spec_from_data(SPEC))
    write_tree(helm.generate(plan, Settings()), out)
    chart = out / chart_dir(plan)
    docs = [doc for text in helm_python.Chart.load(str(chart)).render(
        name=chart.name, namespace=plan.spec.name, is_install=True).values() for doc in yaml.safe_load_all(text) if doc]
    return out, docs


def _named(docs: list[dict], kind: str) -> dict[str, dict]:
    return {d["metadata"]["name"]: d for d in docs if d["kind"] == kind}


def _matches(selector: dict[str, str], labels: dict[str, str]) -> bool:
    return selector.items() <= labels.items()


def test_each_worker_is_its_own_deployment_running_its_command(rendered) -> None:
    _, docs = rendered
    deployments = _named(docs, "Deployment")
    assert set(deployments) == {"shop", "shop-sidekiq", "shop-mailer"}
    app = deployments["shop"]["spec"]["template"]["spec"]["containers"][0]
    for name, command in (("shop-sidekiq", ["bundle", "exec", "sidekiq"]), ("shop-mailer", None)):
        pod = deployments[name]["spec"]["template"]["spec"]
        (container,) = pod["containers"]
        assert container.get("command") == command
        assert container["image"] == app["image"] and container["env"] == [e for e in app["env"] if e["name"] != "PORT"]
        assert "ports" not in container and "livenessProbe" not in container
        assert container["securityContext"] == app["securityContext"] and container["resources"] == app["resources"]
        assert pod["serviceAccountName"] == "shop"  # the app's cloud identity (EKS Pod Identity is bound to it)
        assert deployments[name]["spec"]["replicas"] == 1


def test_neither_the_app_nor_its_service_selects_worker_pods(rendered) -> None:
    _, docs = rendered
    deployments = _named(docs, "Deployment")
    service = _named(docs, "Service")["shop"]
    app_selector = deployments["shop"]["spec"]["selector"]["matchLabels"]
    for name in ("shop-sidekiq", "shop-mailer"):
        labels = deployments[name]["spec"]["template"]["metadata"]["labels"]
        assert _matches(deployments[name]["spec"]["selector"]["matchLabels"], labels)
        assert not _matches(app_selector, labels) and not _matches(service["spec"]["selector"], labels)
        for other in {"shop-sidekiq", "shop-mailer"} - {name}:  # nor does one worker select the other's pods
            assert not _matches(deployments[other]["spec"]["selector"]["matchLabels"], labels)


def test_workers_take_no_ingress_and_keep_the_apps_egress(rendered) -> None:
    _, docs = rendered
    policies = _named(docs, "NetworkPolicy")
    app, workers = policies["shop"], policies["shop-workers"]
    assert "ingress" not in workers["spec"] and workers["spec"]["policyTypes"] == ["Ingress", "Egress"]
    assert workers["spec"]["egress"] == app["spec"]["egress"]
    assert {p["port"] for rule in app["spec"]["egress"] for p in rule["ports"]} == {53, 5432, 6379, 443}
    for name in ("shop-sidekiq", "shop-mailer"):
        labels = _named(docs, "Deployment")[name]["spec"]["template"]["metadata"]["labels"]
        assert _matches(workers["spec"]["podSelector"]["matchLabels"], labels)
        assert not _matches(app["spec"]["podSelector"]["matchLabels"], labels)


def test_chart_with_workers_lints_validates_and_passes_checkov(rendered) -> None:
    out, docs = rendered
    chart = out / "environments/shop-staging/helm/shop"
    report = helm_python.lint(str(chart), strict=True)
    assert report["errors"] == [] and [m for m in report["messages"] if m["severity"] >= 2] == []
    for doc in docs:
        if not doc["apiVersion"].startswith("external-secrets.io/"):
            kubernetes_validate.validate(doc, "1.30", strict=True)
    require_tool("checkov")
    with tempfile.TemporaryDirectory() as scratch:
        ctx = CheckContext(env_dir=out / "environments/shop-staging", repo_root=out, workdir=Path(scratch),
                           settings=Settings())
        kubernetes = {r.name: r for r in checkov_check.check(ctx)}["checkov kubernetes"]
    assert kubernetes.passed, kubernetes.details


def test_no_workers_no_worker_objects(tmp_path: Path) -> None:
    files = helm.generate(plan_environment(spec_from_data({**SPEC, "workers": []})), Settings())
    assert not [p for p in files if p.endswith("/workers.yaml")]


def test_report_points_the_sidekiq_ask_at_the_chart() -> None:
    understanding = parse("staging Rails shop on EKS in us-east-1 with Postgres, Redis and Sidekiq")
    assert understanding.spec is not None and [w.name for w in understanding.spec.workers] == ["sidekiq"]
    result = run_pipeline(plan_environment(understanding.spec), Settings(anthropic_api_key=None),
                          requirements=understanding.requirements)
    table = result.report[result.report.index("### Requirements"):result.report.index("### Summary")]
    row = next(line for line in table.splitlines() if "| Background workers |" in line)
    assert "✅ honoured" in row and "/templates/workers.yaml:" in row, row
