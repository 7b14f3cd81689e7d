"""The app's Helm chart: hardened pods, scaling and disruption limits, secrets only by reference, lint/render clean."""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
from pathlib import Path

import helm_python
import kubernetes_validate
import pytest
import yaml

from bot.checks import checkov as checkov_check
from bot.checks.context import CheckContext
from bot.pipeline.planning import plan_environment
from bot.settings import Settings
from bot.spec import load_spec, spec_from_data
from generators import helm
from generators.helm import TEMPLATES, chart_dir
from generators.output import write_tree
from tests.conftest import FIXTURES, require_tool

SPECS = [s for s in sorted((FIXTURES / "specs").glob("*.yaml")) if load_spec(s).compute.kind.value == "kubernetes"]
ESO_SCHEMA = FIXTURES / "external-secrets"


def eso_errors(docs: list[dict]) -> list[str]:
    """What the external-secrets.io/v1 schemas find wrong with `docs` (tests/fixtures/external-secrets)."""
    node = require_tool("node")
    result = subprocess.run([node, str(ESO_SCHEMA / "validate.mjs")], input=json.dumps(docs), capture_output=True,
                            text=True, timeout=60, check=False, cwd=ESO_SCHEMA)
    assert result.stdout.strip(), result.stderr
    return json.loads(result.stdout)


def _chart(spec_path: Path | dict, out: Path) -> tuple[Path, dict[str, dict]]:
    """Write the chart for a spec (a file or its data) and render it; returns the chart dir and objects by kind."""
    plan = plan_environment(load_spec(spec_path) if isinstance(spec_path, Path) else spec_from_data(spec_path))
    write_tree(helm.generate(plan, Settings()), out)
    chart = out / chart_dir(plan)
    rendered = helm_python.Chart.load(str(chart)).render(name=chart.name, namespace=plan.spec.name, is_install=True)
    objects = {}
    for text in rendered.values():
        for doc in yaml.safe_load_all(text):
            if doc:
                objects[doc["kind"]] = doc
    return chart, objects


@pytest.fixture(scope="module")
def staging(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, dict]]:
    return _chart(FIXTURES / "specs" / "aws-staging.yaml", tmp_path_factory.mktemp("chart"))


def test_pods_are_hardened(staging) -> None:
    pod = staging[1]["Deployment"]["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] >= 10000
    assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    assert pod["automountServiceAccountToken"] is False
    assert pod["topologySpreadConstraints"][0]["labelSelector"]["matchLabels"] == staging[1]["Deployment"]["spec"]["selector"]["matchLabels"]
    (container,) = pod["containers"]
    ctx = container["securityContext"]
    assert ctx["readOnlyRootFilesystem"] is True
    assert ctx["allowPrivilegeEscalation"] is False
    assert ctx["capabilities"]["drop"] == ["ALL"]
    assert ctx["seccompProfile"] == {"type": "RuntimeDefault"}
    assert container["resources"]["requests"] == {"cpu": "500m", "memory": "1024Mi"}
    assert container["resources"]["limits"] == {"cpu": "500m", "memory": "1024Mi"}
    assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert container["readinessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert container["ports"][0]["containerPort"] == 8000


def test_image_is_pinned_never_latest(staging, tmp_path: Path) -> None:
    image = staging[1]["Deployment"]["spec"]["template"]["spec"]["containers"][0]["image"]
    assert image == "ghcr.io/payments/payments-api:0.1.0"
    _, gcp = _chart(FIXTURES / "specs" / "gcp-prod.yaml", tmp_path)
    assert gcp["Deployment"]["spec"]["template"]["spec"]["containers"][0]["image"].startswith(
        "ghcr.io/commerce/orders@sha256:0123456789abcdef")


def test_schema_refuses_a_latest_tag(staging) -> None:
    chart = helm_python.Chart.load(str(staging[0]))
    with pytest.raises(helm_python.HelmValuesError):
        chart.validate_schema({"image": {"tag": "latest"}})
    with pytest.raises(helm_python.HelmValuesError):
        chart.validate_schema({"containerPort": 80})
    chart.validate_schema({"image": {"tag": "1.2.3"}})


def test_hpa_pdb_and_network_policy_follow_the_spec(staging) -> None:
    objects = staging[1]
    assert objects["HorizontalPodAutoscaler"]["spec"]["minReplicas"] == 2
    assert objects["HorizontalPodAutoscaler"]["spec"]["maxReplicas"] == 6
    assert "replicas" not in objects["Deployment"]["spec"]  # the HPA owns the replica count
    assert objects["PodDisruptionBudget"]["spec"]["minAvailable"] == 1
    policy = objects["NetworkPolicy"]["spec"]
    assert policy["podSelector"]["matchLabels"] == objects["Deployment"]["spec"]["selector"]["matchLabels"]
    assert set(policy["policyTypes"]) == {"Ingress", "Egress"}
    (ingress_rule,) = policy["ingress"]
    assert ingress_rule["from"][0]["namespaceSelector"]["matchLabels"] == {"kubernetes.io/metadata.name": "ingress-nginx"}
    egress = {p["port"]: rule["to"] for rule in policy["egress"] for p in rule["ports"]}
    assert {53, 443, 5432, 6379} == set(egress)  # every rule names where it may go
    assert egress[53] == [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}}}]
    assert egress[5432] == egress[6379] == [{"ipBlock": {"cidr": "10.0.0.0/16"}}]  # the VPC, not the internet
    assert egress[443] == [{"ipBlock": {"cidr": "0.0.0.0/0"}}]
    assert objects["ServiceAccount"]["automountServiceAccountToken"] is False
    assert objects["Ingress"]["spec"]["tls"][0]["hosts"] == ["payments-api-staging.dev.example.com"]
    assert all(o["metadata"]["namespace"] == "payments-api-staging" for o in objects.values())


def test_single_replica_pdb_allows_drains(tmp_path: Path) -> None:
    _, objects = _chart(dict(name="tiny-dev", cloud="azure", region="westeurope", compute=dict(kind="kubernetes")),
                        tmp_path)
    assert objects["PodDisruptionBudget"]["spec"] == {"maxUnavailable": 1, "selector": objects["PodDisruptionBudget"]["spec"]["selector"]}


def test_connection_settings_come_from_an_external_secret(staging) -> None:
    objects = staging[1]
    env = objects["Deployment"]["spec"]["template"]["spec"]["containers"][0]["env"]
    secret_env = {e["name"]: e["valueFrom"]["secretKeyRef"] for e in env if "valueFrom" in e}
    assert set(secret_env) == {"DATABASE_URL", "REDIS_URL"}
    assert [e["name"] for e in env if "value" in e] == ["PORT"]
    external, store = objects["ExternalSecret"], objects["SecretStore"]
    assert external["apiVersion"] == store["apiVersion"] == "external-secrets.io/v1"
    assert external["spec"]["secretStoreRef"] == {"kind": "SecretStore", "name": store["metadata"]["name"]}
    assert store["spec"]["provider"] == {"aws": {"service": "SecretsManager", "region": "us-west-2"}}
    assert external["spec"]["target"]["name"] == secret_env["DATABASE_URL"]["name"]
    assert {d["remoteRef"]["key"] for d in external["spec"]["data"]} == {"payments-api-staging-connection"}
    assert {d["remoteRef"]["property"] for d in external["spec"]["data"]} == {"DATABASE_URL", "REDIS_URL"}


def test_managed_passwords_from_terraform_become_env_vars(tmp_path: Path) -> None:
    """The deploy passes Terraform's `helm_values` output (managed secret ARNs) as a values file."""
    chart, _ = _chart(FIXTURES / "specs" / "aws-staging.yaml", tmp_path)
    arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-1"
    rendered = helm_python.Chart.load(str(chart)).render(
        name=chart.name, namespace="payments-api-staging", is_install=True,
        values={"externalSecret": {"managedSecrets": {"DATABASE_PASSWORD": {"key": arn, "property": "password"}}}})
    docs = {d["kind"]: d for text in rendered.values() for d in yaml.safe_load_all(text) if d}
    data = {d["secretKey"]: d["remoteRef"] for d in docs["ExternalSecret"]["spec"]["data"]}
    assert data["DATABASE_PASSWORD"] == {"key": arn, "property": "password"}
    env = docs["Deployment"]["spec"]["template"]["spec"]["containers"][0]["env"]
    assert "DATABASE_PASSWORD" in {e["name"] for e in env}


def test_no_chart_where_nothing_runs_kubernetes() -> None:
    for kind in ("containers", "vm", "functions"):
        plan = plan_environment(spec_from_data(dict(name="api-dev", cloud="aws", region="us-east-1",
                                                    compute=dict(kind=kind))))
        assert helm.generate(plan, Settings()) == {}


def test_service_account_is_the_one_cloud_identity_is_bound_to(staging) -> None:
    """EKS Pod Identity / GKE / Azure federation name the chart's service account (= the service)."""
    objects = staging[1]
    assert objects["ServiceAccount"]["metadata"]["name"] == "payments-api"
    assert objects["Deployment"]["spec"]["template"]["spec"]["serviceAccountName"] == "payments-api"


def test_templates_are_fixed_text_and_values_carry_the_request(tmp_path: Path) -> None:
    generated = [helm.generate(plan_environment(load_spec(s)), Settings()) for s in SPECS]
    for module in TEMPLATES:
        texts = {text for files in generated for path, text in files.items() if path.endswith(f"/templates/{module.FILENAME}")}
        conditional = hasattr(module, "applies")  # e.g. the ServiceMonitor: only with `monitoring: [prometheus]`
        assert texts <= {module.TEMPLATE} if conditional else texts == {module.TEMPLATE}
    values = [yaml.safe_load(text) for files in generated for path, text in files.items() if path.endswith("values.yaml")]
    assert {v["environment"] for v in values} == {"payments-api-staging", "orders-prod"}
    schema = [json.loads(text) for files in generated for path, text in files.items() if path.endswith("values.schema.json")]
    assert schema[0]["properties"]["image"]["properties"]["tag"]["not"] == {"const": "latest"}


@pytest.mark.parametrize("spec_path", SPECS, ids=[s.stem for s in SPECS])
def test_chart_lints_and_renders_valid_kubernetes(spec_path: Path, tmp_path: Path) -> None:
    chart, objects = _chart(spec_path, tmp_path)
    report = helm_python.lint(str(chart), strict=True)
    assert report["errors"] == [] and [m for m in report["messages"] if m["severity"] >= 2] == []
    crds = [doc for doc in objects.values() if doc["apiVersion"].startswith("external-secrets.io/")]
    assert {doc["kind"] for doc in crds} == {"SecretStore", "ExternalSecret"}
    assert eso_errors(crds) == []  # kubernetes-validate has no CRD schemas: the ESO v1 ones check these
    for doc in objects.values():
        if doc not in crds:
            kubernetes_validate.validate(doc, "1.30", strict=True)


def test_eso_schema_check_rejects_what_external_secrets_would(staging) -> None:
    external = json.loads(json.dumps(staging[1]["ExternalSecret"]))
    old = {**external, "apiVersion": "external-secrets.io/v1beta1"}
    external["spec"]["data"][0]["remoteRef"] = {"property": "DATABASE_URL"}  # no key
    errors = eso_errors([external, old])
    assert any("key" in e for e in errors) and any("v1beta1" in e for e in errors), errors


@pytest.mark.parametrize("spec_path", SPECS, ids=[s.stem for s in SPECS])
def test_checkov_kubernetes_finds_nothing(spec_path: Path, tmp_path: Path) -> None:
    require_tool("checkov")
    plan = plan_environment(load_spec(spec_path))
    write_tree(helm.generate(plan, Settings()), tmp_path)
    with tempfile.TemporaryDirectory() as scratch:
        ctx = CheckContext(env_dir=tmp_path / f"environments/{plan.spec.name}", repo_root=tmp_path,
                           workdir=Path(scratch), settings=Settings())
        results = {r.name: r for r in checkov_check.check(ctx)}
    kubernetes = results["checkov kubernetes"]
    assert kubernetes.passed, kubernetes.details
    assert "0 failed" in kubernetes.details and " 0 resources" not in kubernetes.details
    assert results["checkov terraform"].details.startswith("0 resources scanned")


def _rendered(data: dict, out: Path) -> tuple[Path, list[dict]]:
    """Every rendered object of a spec's chart (several Deployments when there are workers)."""
    plan = plan_environment(spec_from_data(data))
    write_tree(helm.generate(plan, Settings()), out)
    chart = out / chart_dir(plan)
    rendered = helm_python.Chart.load(str(chart)).render(name=chart.name, namespace=plan.spec.name, is_install=True)
    return chart, [doc for text in rendered.values() for doc in yaml.safe_load_all(text) if doc]


SHAPED = {
    "gcp": {"name": "admin-prod", "service": "admin", "cloud": "gcp", "region": "europe-west1", "tier": "prod",
            "app": {"exposure": "internal"}, "compute": {"kind": "kubernetes", "min_replicas": 2, "max_replicas": 4},
            "databases": [{"engine": "postgres"}]},
    "azure": {"name": "shop-dev", "service": "shop", "cloud": "azure", "region": "westeurope",
              "app": {"exposure": "internal"}, "compute": {"kind": "kubernetes"}, "cache": {"engine": "redis"},
              "workers": [{"name": "sidekiq", "command": ["bundle", "exec", "sidekiq"]}]},
}


@pytest.mark.parametrize(("cloud", "annotation"), [("gcp", "networking.gke.io/load-balancer-type"),
                                                    ("azure", "service.beta.kubernetes.io/azure-load-balancer-internal")])
def test_internal_app_gets_the_clouds_internal_load_balancer_and_no_ingress(cloud: str, annotation: str,
                                                                           tmp_path: Path) -> None:
    _chart_dir, objects = _rendered(SHAPED[cloud], tmp_path)
    assert "Ingress" not in {o["kind"] for o in objects}
    (service,) = [o for o in objects if o["kind"] == "Service"]
    assert service["spec"]["type"] == "LoadBalancer" and annotation in service["metadata"]["annotations"]
    network = {"gcp": "10.0.0.0/8", "azure": "10.20.0.0/16"}[cloud]
    assert service["spec"]["loadBalancerSourceRanges"] == [network]
    (policy,) = [o for o in objects if o["kind"] == "NetworkPolicy" and o["metadata"]["name"] == service["metadata"]["name"]]
    assert policy["spec"]["ingress"][0]["from"] == [{"ipBlock": {"cidr": network}}]


def test_public_app_keeps_its_ingress_and_a_cluster_ip_service(staging) -> None:
    objects = staging[1]
    assert objects["Service"]["spec"]["type"] == "ClusterIP" and "Ingress" in objects
    assert "loadBalancerSourceRanges" not in objects["Service"]["spec"]


def test_workers_run_beside_the_app_with_its_identity_and_settings(tmp_path: Path) -> None:
    _chart_dir, objects = _rendered(SHAPED["azure"], tmp_path)
    deployments = {o["metadata"]["name"]: o for o in objects if o["kind"] == "Deployment"}
    assert set(deployments) == {"shop", "shop-sidekiq"}
    worker, app = deployments["shop-sidekiq"], deployments["shop"]
    pod = worker["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert container["command"] == ["bundle", "exec", "sidekiq"] and "ports" not in container
    assert pod["serviceAccountName"] == app["spec"]["template"]["spec"]["serviceAccountName"] == "shop"
    assert worker["spec"]["template"]["metadata"]["labels"]["azure.workload.identity/use"] == "true"
    assert [e["name"] for e in container["env"]] == [e["name"] for e in app["spec"]["template"]["spec"]["containers"][0]["env"]
                                                     if e["name"] != "PORT"]
    (service,) = [o for o in objects if o["kind"] == "Service"]
    selector = service["spec"]["selector"].items()
    assert not selector <= worker["spec"]["template"]["metadata"]["labels"].items()  # the Service never reaches workers
    (policy,) = [o for o in objects if o["kind"] == "NetworkPolicy" and o["metadata"]["name"] == "shop-workers"]
    assert policy["spec"]["ingress"] == [] and policy["spec"]["podSelector"]["matchLabels"].items() <= \
        worker["spec"]["template"]["metadata"]["labels"].items()


@pytest.mark.parametrize("cloud", list(SHAPED))
def test_shaped_charts_lint_validate_and_pass_checkov(cloud: str, tmp_path: Path) -> None:
    require_tool("checkov")
    chart, objects = _rendered(SHAPED[cloud], tmp_path)
    report = helm_python.lint(str(chart), strict=True)
    assert report["errors"] == [] and [m for m in report["messages"] if m["severity"] >= 2] == []
    for doc in objects:
        if not doc["apiVersion"].startswith("external-secrets.io/"):
            kubernetes_validate.validate(doc, "1.30", strict=True)
    plan = plan_environment(spec_from_data(SHAPED[cloud]))
    with tempfile.TemporaryDirectory() as scratch:
        ctx = CheckContext(env_dir=tmp_path / f"environments/{plan.spec.name}", repo_root=tmp_path,
                           workdir=Path(scratch), settings=Settings())
        results = {r.name: r for r in checkov_check.check(ctx)}
    kubernetes = results["checkov kubernetes"]
    assert kubernetes.passed, kubernetes.details
    assert "0 failed" in kubernetes.details


LABEL_VALUE = r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$"  # Kubernetes' rule for a label value (at most 63)


def test_a_100_character_image_tag_still_makes_valid_labels(tmp_path: Path) -> None:
    """The version labels carry the image tag cut to 63 characters and ending in a letter or digit; the 100-character
    tag is still what runs (the API server would refuse the whole install over one label value over 63)."""
    tag = "a" * 61 + "_." + "b" * 37
    assert len(tag) == 100
    chart, docs = _rendered({"name": "shop-dev", "service": "shop", "cloud": "aws", "region": "us-east-1",
                             "app": {"image": f"ghcr.io/acme/shop:{tag}"}, "monitoring": ["datadog"],
                             "compute": {"kind": "kubernetes"},
                             "workers": [{"name": "sidekiq", "command": ["bundle", "exec", "sidekiq"]}]}, tmp_path)
    assert helm_python.lint(str(chart))["errors"] == []
    labelled = [d["metadata"] for d in docs] + [d["spec"]["template"]["metadata"] for d in docs
                                                if d["kind"] == "Deployment"]
    versions = set()
    for metadata in labelled:
        for key, value in (metadata.get("labels") or {}).items():
            assert len(value) <= 63 and re.match(LABEL_VALUE, value), (metadata.get("name"), key, value)
            if key in ("app.kubernetes.io/version", "tags.datadoghq.com/version"):
                versions.add(value)
    assert versions == {"a" * 61}
    images = {c["image"] for d in docs if d["kind"] == "Deployment" for c in d["spec"]["template"]["spec"]["containers"]}
    assert images == {f"ghcr.io/acme/shop:{tag}"}
