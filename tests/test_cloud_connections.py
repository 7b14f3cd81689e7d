"""GCP and Azure runtimes get the connection secret's settings and the managed passwords by reference, run as the
chart's service account, and are sized/shaped so the cloud accepts them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.generated_terraform import blocks, first, parse, plan_for, resources, write


def _generate(tmp_path: Path, data: dict[str, Any]) -> dict[str, dict]:
    return parse(write(plan_for(data), tmp_path))


def _one(parsed: dict[str, dict], type_: str, name: str) -> dict[str, Any]:
    return next(body for t, n, body in resources(parsed, type_) if n == name)


def test_cloud_run_is_accepted_and_gets_settings_not_passwords(tmp_path: Path) -> None:
    parsed = _generate(tmp_path, dict(cloud="gcp", region="europe-west1", name="cheap-dev",
                                      app=dict(exposure="internal"), compute=dict(kind="containers", cpu=0.5),
                                      databases=[dict(engine="postgres")], cache=dict(engine="redis")))
    service = _one(parsed, "google_cloud_run_v2_service", "app")
    template = first(service["template"])
    container = first(template["containers"])
    assert first(container["resources"])["cpu_idle"] is True  # under 1 vCPU Cloud Run bills per request
    assert template["max_instance_request_concurrency"] == 1
    assert first(template["scaling"])["min_instance_count"] == 0  # cheapest: scales to zero below prod
    assert service["ingress"] == "INGRESS_TRAFFIC_INTERNAL_ONLY"
    env = {e["name"]: e for e in container["env"]}
    assert set(env) == {"DATABASE_URL", "REDIS_URL", "REDIS_PASSWORD"}
    assert "/cloudsql/" in env["DATABASE_URL"]["value"]
    secret_ref = first(first(env["REDIS_PASSWORD"]["value_source"])["secret_key_ref"])
    assert secret_ref["secret"] == "${google_secret_manager_secret.redis_auth.secret_id}"
    assert _one(parsed, "google_secret_manager_secret", "connection")["secret_id"] == "cheap-dev-connection"


def test_gke_binds_workload_identity_to_the_charts_service_account(tmp_path: Path) -> None:
    parsed = _generate(tmp_path, dict(cloud="gcp", region="europe-west1", name="shop-prod", service="shop",
                                      tier="prod", compute=dict(kind="kubernetes", min_replicas=3, max_replicas=6)))
    variables = {name: body for name, _, body in blocks(parsed, "variable")}
    assert variables["k8s_service_account"]["default"] == "shop"
    outputs = {name: body for name, _, body in blocks(parsed, "output")}
    assert "iam.gke.io/gcp-service-account" in str(outputs["helm_values"]["value"])


def test_container_apps_read_passwords_from_key_vault_and_stay_internal(tmp_path: Path) -> None:
    parsed = _generate(tmp_path, dict(cloud="azure", region="westeurope", name="crm-staging", tier="staging",
                                      app=dict(exposure="internal"), compute=dict(kind="containers"),
                                      databases=[dict(engine="postgres")]))
    app = _one(parsed, "azurerm_container_app", "app")
    (secret,) = app["secret"]
    assert secret["key_vault_secret_id"] == "${azurerm_key_vault_secret.postgres_admin_password.versionless_id}"
    env = {e["name"]: e for e in first(first(app["template"])["container"])["env"]}
    assert env["DATABASE_PASSWORD"]["secret_name"] == secret["name"]
    assert "value" in env["DATABASE_URL"] and "password" not in str(env["DATABASE_URL"]["value"]).lower()
    environment = _one(parsed, "azurerm_container_app_environment", "main")
    assert environment["internal_load_balancer_enabled"] is True  # "external" ingress then means the VNet only
    vault = _one(parsed, "azurerm_key_vault", "main")
    assert vault["purge_protection_enabled"] is False  # below prod the name can be re-created at once


def test_aks_federates_the_charts_service_account_and_fits_the_replicas(tmp_path: Path) -> None:
    parsed = _generate(tmp_path, dict(cloud="azure", region="westeurope", name="portal-dev", service="portal",
                                      compute=dict(kind="kubernetes", min_replicas=8, max_replicas=8)))
    variables = {name: body for name, _, body in blocks(parsed, "variable")}
    assert variables["k8s_service_account"]["default"] == "portal"
    pool = first(_one(parsed, "azurerm_kubernetes_cluster", "main")["default_node_pool"])
    # Standard_B2s (2 vCPU, 4 GB) holds 3 replicas of 0.5 vCPU / 1 GB: 8 replicas need 3 nodes, not 2
    assert pool["min_count"] >= 3


def test_gcp_vm_starts_the_app_from_its_image(tmp_path: Path) -> None:
    parsed = _generate(tmp_path, dict(cloud="gcp", region="europe-west1", name="legacy-dev",
                                      compute=dict(kind="vm", min_replicas=2, max_replicas=2)))
    script = _one(parsed, "google_compute_instance", "app")["metadata_startup_script"]
    assert "apt-get install -y -q docker.io" in script
    assert "google_secret_manager_secret.connection.secret_id" in script  # settings from the connection secret
    assert "docker run --name app" in script and "var.image" in script
    assert "systemctl enable --now app.service" in script


def test_azure_vm_starts_the_app_with_settings_and_password_from_key_vault(tmp_path: Path) -> None:
    parsed = _generate(tmp_path, dict(cloud="azure", region="westeurope", name="legacy-dev",
                                      compute=dict(kind="vm"), databases=[dict(engine="postgres")]))
    script = _one(parsed, "azurerm_linux_virtual_machine", "app")["custom_data"]
    assert script.startswith("${base64encode(join(")
    assert "legacy-dev-connection" in script and "DATABASE_PASSWORD=" in script
    assert "azurerm_user_assigned_identity.app.client_id" in script  # the managed identity reads Key Vault
    assert "docker run --name app" in script and "systemctl enable --now app.service" in script
