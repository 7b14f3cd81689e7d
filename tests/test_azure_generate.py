"""Azure Terraform: every compute kind and a few data stacks parse, are fmt-canonical, tagged, private,
keep secrets in Key Vault (never files or outputs), and pass checkov (with the documented skips only)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.settings import Settings
from bot.spec import SpecError, spec_from_data
from generators.terraform.azure.names import dashed, key_vault_name, storage_account_name
from generators.terraform.context import Context, standard_tags
from tests.generated_terraform import (
    StackChecks,
    blocks,
    first,
    parse,
    plan_for,
    resources,
    stacks_fixture,
    write,
)

STACKS = {
    "kubernetes": {
        "name": "payments-api-dev", "owner": "team-pay", "ttl_days": 14,
        "compute": {"kind": "kubernetes", "min_replicas": 2, "max_replicas": 6},
        "databases": [{"engine": "postgres"}, {"engine": "mysql"}, {"engine": "mongodb", "version": "6.0"}],
        "cache": {"engine": "redis"}, "queue": {"engine": "kafka"},
        "buckets": [{"name": "uploads"}, {"name": "media-files"}],
    },
    "containers": {
        "name": "shop-web-prod", "tier": "prod", "owner": "web",
        "compute": {"kind": "containers", "min_replicas": 2, "max_replicas": 5, "cpu": 1, "memory_gb": 2},
        "databases": [{"engine": "postgres", "high_availability": True}], "queue": {"engine": "servicebus"},
        "app": {"exposure": "internal"}, "workers": [{"name": "celery", "command": ["celery", "-A", "app", "worker"]}],
    },
    "job": {"name": "nightly-report-dev", "compute": {"kind": "containers", "schedule": "0 2 * * *"},
            "databases": [{"engine": "postgres"}]},
    "vm": {"name": "legacy-vm-dev", "app": {"exposure": "internal"},
           "compute": {"kind": "vm", "min_replicas": 2, "max_replicas": 3, "ssh_from": ["10.0.0.0/8", "192.168.10.0/24"]},
           "databases": [{"engine": "mysql", "high_availability": True}]},
    "functions": {"name": "hooks-staging", "tier": "staging", "app": {"framework": "fastapi"},
                  "compute": {"kind": "functions", "schedule": "30 1 * * 1-5"},
                  "cache": {"engine": "redis", "high_availability": True},
                  "buckets": [{"name": "events"}]},
    "sqlserver": {"name": "billing-api-staging", "tier": "staging", "app": {"language": "dotnet"},
                  "compute": {"kind": "containers"}, "databases": [{"engine": "sqlserver", "version": "2022"}]},
    # PCI DSS forces a WAF: Front Door Premium with a WAF policy in front of the Container App (waf.tf)
    "waf": {"name": "card-api-dev", "compliance": ["pci-dss"], "app": {"framework": "flask"}},
}
COMPONENT_FILE = {"kubernetes": "aks.tf", "containers": "container_apps.tf", "job": "container_apps.tf", "vm": "vm.tf",
                  "functions": "functions.tf", "sqlserver": "mssql.tf", "waf": "waf.tf"}
# Sub-resources and assignments that Azure cannot tag; everything else must carry the standard tags.
UNTAGGABLE = {
    "azurerm_subnet", "azurerm_subnet_network_security_group_association", "azurerm_role_assignment",
    "azurerm_storage_container", "azurerm_postgresql_flexible_server_database", "azurerm_mysql_flexible_database",
    "azurerm_postgresql_flexible_server_active_directory_administrator", "azurerm_mysql_flexible_server_configuration",
    "azurerm_cosmosdb_mongo_database", "azurerm_servicebus_queue", "azurerm_eventhub",
    "azurerm_redis_cache_access_policy_assignment", "azurerm_monitor_diagnostic_setting",
    "azurerm_federated_identity_credential", "azurerm_network_security_rule", "azurerm_cdn_frontdoor_origin_group",
    "azurerm_cdn_frontdoor_origin", "azurerm_cdn_frontdoor_route", "azurerm_cdn_frontdoor_security_policy",
    "random_password", "tls_private_key",
    "azurerm_mssql_server_extended_auditing_policy", "azurerm_mssql_server_security_alert_policy",
}
SENSITIVE = re.compile(r"random_password\.|private_key|\.result\b|connection_string|access_key|administrator_password")


generated = stacks_fixture("azure", "eastus", STACKS)  # Event Hubs (kafka) is priced in eastus only


@pytest.mark.parametrize("kind", STACKS)
def test_layout_backend_and_pinned_providers(generated, kind: str) -> None:
    _, parsed = generated[kind]
    assert {"versions.tf", "backend.tf", "variables.tf", "outputs.tf", "resource_group.tf", "key_vault.tf",
            COMPONENT_FILE[kind]} <= set(parsed)
    terraform = first(parsed["versions.tf"]["terraform"])
    providers = first(terraform["required_providers"])
    assert providers["azurerm"]["version"] == "~> 4.0" and providers["random"]["version"] == "~> 3.6"
    backend = first(first(parsed["backend.tf"]["terraform"])["backend"])["azurerm"]
    settings = Settings()
    assert backend["resource_group_name"] == settings.azure_state_resource_group
    assert backend["storage_account_name"] == settings.azure_state_storage_account
    assert backend["container_name"] == "tfstate" and backend["key"] == f"environments/{STACKS[kind]['name']}.tfstate"
    variables = {name: body for name, _, body in blocks(parsed, "variable")}
    assert "default" not in variables["subscription_id"]
    assert len(resources(parsed, "azurerm_resource_group")) == 1


@pytest.mark.parametrize("kind", STACKS)
def test_tags_on_every_taggable_resource(generated, kind: str) -> None:
    data = STACKS[kind]
    for type_, name, body in resources(generated[kind][1]):
        if type_ in UNTAGGABLE:
            continue
        tags = body.get("tags")
        assert tags, f"{type_}.{name} has no tags"
        assert tags["environment"] == data["name"] and tags["managed-by"] == "dev-agent"
        assert tags["owner"] == data.get("owner", "unassigned") and tags["tier"] == data.get("tier", "dev")
        assert ("expires-at" in tags) == bool(data.get("ttl_days"))


@pytest.mark.parametrize("kind", STACKS)
def test_nothing_public(generated, kind: str) -> None:
    parsed = generated[kind][1]
    assert not resources(parsed, "azurerm_public_ip")
    for _, name, rule in resources(parsed, "azurerm_network_security_rule"):  # SSH from the named networks, app from VNet
        assert rule["access"] == "Allow" and rule["direction"] == "Inbound"
        if name == "ssh":
            assert rule["destination_port_range"] == "22"
            assert rule["source_address_prefixes"] == STACKS[kind]["compute"]["ssh_from"]
        else:
            assert name == "app_internal" and rule["source_address_prefix"] == "VirtualNetwork", name
    assert all("security_rule" not in body for _, _, body in resources(parsed, "azurerm_network_security_group"))
    for _, _, server in resources(parsed, "azurerm_postgresql_flexible_server"):
        assert server["delegated_subnet_id"].startswith("${azurerm_subnet.")
        assert server["public_network_access_enabled"] is False
    for _, _, server in resources(parsed, "azurerm_mysql_flexible_server"):
        assert server["delegated_subnet_id"].startswith("${azurerm_subnet.")
        assert server["public_network_access"] == "Disabled"
    for type_ in ("azurerm_redis_cache", "azurerm_storage_account", "azurerm_cosmosdb_account",
                  "azurerm_eventhub_namespace", "azurerm_linux_function_app"):
        for _, name, body in resources(parsed, type_):
            assert body["public_network_access_enabled"] is False, f"{type_}.{name}"
    for _, _, vm in resources(parsed, "azurerm_linux_virtual_machine"):
        assert vm["disable_password_authentication"] is True
    for _, _, cluster in resources(parsed, "azurerm_kubernetes_cluster"):
        assert cluster["private_cluster_enabled"] is True and cluster["local_account_disabled"] is True
    for _, _, vault in resources(parsed, "azurerm_key_vault"):
        assert first(vault["network_acls"])["default_action"] == "Deny"


REFERENCE = re.compile(r"(?<![\w.\"])(data\.)?((?:azurerm|azuread|random|tls)_[a-z0-9_]+)\.([a-z0-9_-]+)")


@pytest.mark.parametrize("kind", STACKS)
def test_every_reference_names_a_declared_resource(generated, kind: str) -> None:
    """`terraform validate` cannot run without the azurerm provider: a reference to a resource the stack does not
    declare (e.g. `azurerm_postgres_flexible_server` for `azurerm_postgresql_flexible_server`) is caught here."""
    tf_dir, parsed = generated[kind]
    declared = {("", t, n) for t, n, _ in blocks(parsed, "resource")} | {("data.", t, n) for t, n, _ in blocks(parsed, "data")}
    for path in sorted(tf_dir.glob("*.tf")):
        for match in REFERENCE.finditer(path.read_text(encoding="utf-8")):
            assert (match.group(1) or "", match.group(2), match.group(3)) in declared, f"{path.name}: {match.group()}"


@pytest.mark.parametrize("kind", STACKS)
def test_secrets_stay_in_key_vault(generated, kind: str) -> None:
    parsed = generated[kind][1]
    for name, _, body in blocks(parsed, "output"):
        assert not SENSITIVE.search(str(body["value"])), f"output {name} exposes a secret"
    for type_ in ("azurerm_postgresql_flexible_server", "azurerm_mysql_flexible_server"):
        for _, name, server in resources(parsed, type_):
            assert server["administrator_password"] == f"${{random_password.{name}_admin.result}}"
    stored = {body["value"] for _, _, body in resources(parsed, "azurerm_key_vault_secret")}
    assert {f"${{random_password.{n}.result}}" for _, n, _ in resources(parsed, "random_password")} <= stored
    for _, name, body in resources(parsed, "azurerm_key_vault_secret"):
        assert body["value"].startswith("${"), f"secret {name} holds a literal"


def test_pci_container_app_sits_behind_a_front_door_waf(generated) -> None:
    parsed = generated["waf"][1]
    profile = resources(parsed, "azurerm_cdn_frontdoor_profile")[0][2]
    assert profile["sku_name"] == "Premium_AzureFrontDoor"  # managed rule sets need Premium
    policy = resources(parsed, "azurerm_cdn_frontdoor_firewall_policy")[0][2]
    assert policy["enabled"] is True and policy["mode"] == "Prevention"
    assert {(r["type"], r["version"], r["action"]) for r in policy["managed_rule"]} >= {
        ("Microsoft_DefaultRuleSet", "2.1", "Block")}
    firewall = first(first(resources(parsed, "azurerm_cdn_frontdoor_security_policy")[0][2]["security_policies"])
                     ["firewall"])
    assert firewall["cdn_frontdoor_firewall_policy_id"] == "${azurerm_cdn_frontdoor_firewall_policy.main.id}"
    association = first(firewall["association"])
    assert association["patterns_to_match"] == ["/*"]
    assert first(association["domain"])["cdn_frontdoor_domain_id"] == "${azurerm_cdn_frontdoor_endpoint.app.id}"
    origin = resources(parsed, "azurerm_cdn_frontdoor_origin")[0][2]
    assert origin["host_name"] == "${azurerm_container_app.app.ingress[0].fqdn}"
    assert origin["certificate_name_check_enabled"] is True
    route = resources(parsed, "azurerm_cdn_frontdoor_route")[0][2]
    assert route["forwarding_protocol"] == "HttpsOnly" and route["https_redirect_enabled"] is True
    logs = [b for _, n, b in resources(parsed, "azurerm_monitor_diagnostic_setting") if n == "front_door"]
    assert {e["category"] for e in logs[0]["enabled_log"]} == {"FrontDoorAccessLog", "FrontDoorWebApplicationFirewallLog"}
    # an internal prod app has no public entry point, so no WAF
    assert "waf.tf" not in generated["containers"][1]


def test_internal_container_app_is_reachable_from_the_vnet_only(generated) -> None:
    parsed = generated["containers"][1]
    environment = resources(parsed, "azurerm_container_app_environment")[0][2]
    assert environment["internal_load_balancer_enabled"] is True
    (zone,) = [body for _, _, body in resources(parsed, "azurerm_private_dns_zone")
               if "container_app_environment" in str(body["name"])]
    assert zone["name"] == "${azurerm_container_app_environment.main.default_domain}"
    (record,) = [body for _, _, body in resources(parsed, "azurerm_private_dns_a_record")]
    assert record["records"] == ["${azurerm_container_app_environment.main.static_ip_address}"]
    public = generated["job"][1]  # a public app's environment keeps its public load balancer: see test_cloud_connections
    assert not resources(public, "azurerm_private_dns_a_record")


def test_workers_are_container_apps_without_ingress(generated) -> None:
    apps = {name: body for _, name, body in resources(generated["containers"][1], "azurerm_container_app")}
    assert set(apps) == {"app", "worker_celery"}
    worker = apps["worker_celery"]
    assert "ingress" not in worker
    container = first(first(worker["template"])["container"])
    assert container["command"] == ["celery", "-A", "app", "worker"] and "liveness_probe" not in container
    assert first(worker["identity"])["identity_ids"] == ["${azurerm_user_assigned_identity.app.id}"]
    assert {e["name"] for e in container["env"]} >= {"DATABASE_URL", "DATABASE_PASSWORD", "AZURE_CLIENT_ID"}


def test_nightly_job_is_a_container_apps_job_without_ingress(generated) -> None:
    parsed = generated["job"][1]
    assert not resources(parsed, "azurerm_container_app")
    (job,) = [body for _, _, body in resources(parsed, "azurerm_container_app_job")]
    assert first(job["schedule_trigger_config"])["cron_expression"] == "0 2 * * *"
    assert "ingress" not in job and job["replica_timeout_in_seconds"] == 3600
    assert resources(parsed, "azurerm_container_app_environment")[0][2]["internal_load_balancer_enabled"] is True
    env = {e["name"] for e in first(first(job["template"])["container"])["env"]}
    assert {"DATABASE_URL", "DATABASE_PASSWORD"} <= env


def test_scheduled_function_reads_its_schedule_from_an_app_setting(generated) -> None:
    app = resources(generated["functions"][1], "azurerm_linux_function_app")[0][2]
    assert app["app_settings"]["SCHEDULE"] == "0 30 1 * * 1-5"
    assert app["public_network_access_enabled"] is False


def test_services_and_high_availability(generated) -> None:
    k8s = generated["kubernetes"][1]
    assert resources(k8s, "azurerm_eventhub_namespace") and resources(k8s, "azurerm_cosmosdb_account")
    mongo = resources(k8s, "azurerm_cosmosdb_account")[0][2]
    assert mongo["kind"] == "MongoDB" and mongo["mongo_server_version"] == "6.0"
    federated = resources(k8s, "azurerm_federated_identity_credential")[0][2]
    assert "system:serviceaccount:" in federated["subject"]
    assert "high_availability" not in resources(k8s, "azurerm_postgresql_flexible_server")[0][2]
    assert resources(generated["containers"][1], "azurerm_servicebus_namespace")
    ha = resources(generated["containers"][1], "azurerm_postgresql_flexible_server")[0][2]
    assert first(ha["high_availability"])["mode"] == "ZoneRedundant"
    mysql = resources(generated["vm"][1], "azurerm_mysql_flexible_server")[0][2]
    assert first(mysql["high_availability"])["mode"] == "ZoneRedundant" and not mysql["sku_name"].startswith("B_")
    redis = resources(generated["functions"][1], "azurerm_redis_cache")[0][2]
    assert redis["sku_name"] in {"Standard", "Premium"}
    assert resources(generated["vm"][1], "azurerm_linux_virtual_machine")[0][2]["count"] == 2


def test_memcached_is_refused_with_a_reason() -> None:
    with pytest.raises(SpecError, match="cache memcached has no managed offer on azure"):
        spec_from_data({"name": "cache-dev", "cloud": "azure", "region": "eastus", "cache": {"engine": "memcached"}})


def test_names_fit_azure_limits(tmp_path: Path) -> None:
    name = "a-very-long-environment-name-for-testing"
    plan = plan_for({"name": name, "cloud": "azure", "region": "eastus", "buckets": [{"name": "b" * 40}],
                     "databases": [{"engine": "postgres"}]})
    parsed = parse(write(plan, tmp_path))
    account = resources(parsed, "azurerm_storage_account")[0][2]["name"]
    assert re.fullmatch(r"[a-z0-9]{3,24}", account)
    vault = resources(parsed, "azurerm_key_vault")[0][2]["name"]
    assert re.fullmatch(r"[a-z][a-z0-9-]{1,22}[a-z0-9]", vault) and "--" not in vault
    server = resources(parsed, "azurerm_postgresql_flexible_server")[0][2]["name"]
    assert re.fullmatch(r"[a-z0-9][a-z0-9-]{1,61}[a-z0-9]", server)
    ctx_a = Context(plan=plan, settings=Settings(), tags=standard_tags(plan))
    other = plan_for({"name": name[:-1] + "z", "cloud": "azure", "region": "eastus"})
    ctx_b = Context(plan=other, settings=Settings(), tags=standard_tags(other))
    assert storage_account_name(ctx_a, "x") != storage_account_name(ctx_b, "x")
    assert key_vault_name(ctx_a) != key_vault_name(ctx_b)
    assert dashed("9--Lives!!") == "lives"


def test_settings_text_stays_quoted(tmp_path: Path) -> None:
    nasty = 'rg"} backend "local" {\n path = "/tmp/x'
    plan = plan_for({"name": "quoted-dev", "cloud": "azure", "region": "eastus"})
    parsed = parse(write(plan, tmp_path, Settings(azure_state_resource_group=nasty)))
    backend = first(parsed["backend.tf"]["terraform"])["backend"]
    assert len(backend) == 1 and first(backend)["azurerm"]["resource_group_name"] == nasty


def test_functions_refuse_languages_without_a_runtime(tmp_path: Path) -> None:
    plan = plan_for({"name": "gems-dev", "cloud": "azure", "region": "eastus", "app": {"language": "ruby"},
                     "compute": {"kind": "functions"}})
    with pytest.raises(SpecError, match=r"app\.language"):
        write(plan, tmp_path)


# The checkov tests share one checkov run: keep the module on one xdist worker (--dist loadgroup).
pytestmark = pytest.mark.xdist_group("test_azure_generate")


class TestStacks(StackChecks):
    cloud = "azure"
    stacks = STACKS


def test_high_availability_upgrades_sizes_without_ha() -> None:
    base = {"name": "ha-dev", "cloud": "azure", "region": "eastus"}
    single = plan_for({**base, "databases": [{"engine": "postgres"}], "cache": {"engine": "redis"}})
    ha = plan_for({**base, "databases": [{"engine": "postgres", "high_availability": True}],
                   "cache": {"engine": "redis", "high_availability": True}})
    assert single.sizing.db_instance_class.startswith("B_") and single.sizing.cache_node_type == "Basic_C0"
    assert ha.sizing.db_instance_class == "GP_Standard_D2ds_v4" and ha.sizing.cache_node_type == "Standard_C0"
    assert {c.key for c in ha.choices} >= {"db_instance_class", "cache_node_type"}


def test_mysql_versions_azure_does_not_offer_are_refused(tmp_path: Path) -> None:
    plan = plan_for({"name": "my-dev", "cloud": "azure", "region": "eastus",
                     "databases": [{"engine": "mysql", "version": "8.4"}]})
    with pytest.raises(SpecError, match=r"databases\.version"):
        write(plan, tmp_path)
