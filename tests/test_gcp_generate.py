"""GCP Terraform: every compute kind and a few data stacks parse, are fmt-canonical, labelled, private,
keep secrets out of files and outputs, and pass checkov (with the documented skips only)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.settings import Settings
from bot.spec import SpecError, spec_from_data
from generators.terraform.gcp.names import label_value, resource_name
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
        "databases": [{"engine": "postgres"}, {"engine": "mysql"}],
        "cache": {"engine": "redis"}, "queue": {"engine": "pubsub"},
        "buckets": [{"name": "uploads"}, {"name": "media-files"}],
    },
    "containers": {
        "name": "shop-web-staging", "tier": "staging", "owner": "web",
        "compute": {"kind": "containers", "min_replicas": 2, "max_replicas": 5, "cpu": 1, "memory_gb": 2},
        "databases": [{"engine": "postgres", "high_availability": True}], "cache": {"engine": "redis"},
        "workers": [{"name": "sidekiq", "command": ["bundle", "exec", "sidekiq"]}],
    },
    "job": {"name": "nightly-report-dev", "app": {"exposure": "internal"},
            "compute": {"kind": "containers", "schedule": "0 2 * * *"}, "buckets": [{"name": "reports"}]},
    "vm": {"name": "legacy-vm-dev", "app": {"exposure": "internal"},
           "compute": {"kind": "vm", "min_replicas": 2, "max_replicas": 3, "ssh_from": ["10.0.0.0/8"]},
           "databases": [{"engine": "mysql", "version": "8.4"}]},
    "functions": {"name": "hooks-prod", "tier": "prod", "app": {"framework": "express"},
                  "compute": {"kind": "functions", "schedule": "30 1 * * 1-5"}, "databases": [{"engine": "postgres"}],
                  "cache": {"engine": "redis", "high_availability": True}},
    "sqlserver": {"name": "billing-api-prod", "tier": "prod", "app": {"language": "dotnet"},
                  "compute": {"kind": "containers"}, "databases": [{"engine": "sqlserver", "version": "2022"}]},
    # HIPAA forces a WAF: Cloud Armor on an HTTPS load balancer in front of Cloud Run (waf.tf)
    "waf": {"name": "clinic-api-dev", "compliance": ["hipaa"], "app": {"framework": "flask"},
            "databases": [{"engine": "postgres"}]},
}
COMPONENT_FILE = {"kubernetes": "gke.tf", "containers": "cloud_run.tf", "job": "cloud_run.tf", "vm": "vm.tf",
                  "functions": "functions.tf", "sqlserver": "cloud_sql.tf", "waf": "waf.tf"}

# Resource type -> path to its labels. Types not listed must be in UNLABELLED (the API has no labels;
# the provider's default_labels still covers anything that gains them).
LABELLED = {
    "google_container_cluster": ("resource_labels",),
    "google_container_node_pool": ("node_config", "labels"),
    "google_cloud_run_v2_service": ("labels",),
    "google_cloud_run_v2_job": ("labels",),
    "google_cloud_run_v2_worker_pool": ("labels",),
    "google_compute_instance": ("labels",),
    "google_cloudfunctions2_function": ("labels",),
    "google_sql_database_instance": ("settings", "user_labels"),
    "google_redis_instance": ("labels",),
    "google_memcache_instance": ("labels",),
    "google_pubsub_topic": ("labels",),
    "google_pubsub_subscription": ("labels",),
    "google_storage_bucket": ("labels",),
    "google_secret_manager_secret": ("labels",),
    "google_monitoring_alert_policy": ("user_labels",),
    "google_monitoring_notification_channel": ("user_labels",),
    "google_compute_global_forwarding_rule": ("labels",),
}
UNLABELLED = {
    "google_compute_network", "google_compute_subnetwork", "google_compute_router", "google_compute_router_nat",
    "google_compute_firewall", "google_compute_global_address", "google_service_networking_connection",
    "google_vpc_access_connector", "google_service_account", "google_project_iam_member", "google_sql_database",
    "google_sql_user", "google_secret_manager_secret_version", "google_secret_manager_secret_iam_member",
    "google_storage_bucket_iam_member", "google_service_account_iam_member", "google_pubsub_topic_iam_member",
    "google_pubsub_subscription_iam_member", "google_cloud_scheduler_job", "google_cloud_run_v2_job_iam_member",
    "google_cloud_run_v2_service_iam_member",
    "google_logging_project_bucket_config", "google_logging_project_sink", "random_id", "random_password",
    "google_compute_security_policy", "google_compute_region_network_endpoint_group", "google_compute_backend_service",
    "google_compute_url_map", "google_compute_managed_ssl_certificate", "google_compute_ssl_policy",
    "google_compute_target_https_proxy",
}
SENSITIVE = re.compile(r"random_password\.|\.auth_string|secret_data|private_key|\.result\b|connection_string|access_key")


generated = stacks_fixture("gcp", "europe-west1", STACKS)


@pytest.mark.parametrize("kind", STACKS)
def test_layout_backend_and_pinned_providers(generated, kind: str) -> None:
    _tf_dir, parsed = generated[kind]
    assert {"versions.tf", "backend.tf", "variables.tf", "outputs.tf", "network.tf", COMPONENT_FILE[kind]} <= set(parsed)
    terraform = first(parsed["versions.tf"]["terraform"])
    providers = first(terraform["required_providers"])
    assert providers["google"]["version"] == "~> 6.38" and providers["random"]["version"] == "~> 3.6"
    assert terraform["required_version"].startswith(">=")
    backend = first(first(parsed["backend.tf"]["terraform"])["backend"])["gcs"]
    assert backend == {"bucket": Settings().state_bucket, "prefix": f"environments/{STACKS[kind]['name']}"}
    variables = {name: body for name, _, body in blocks(parsed, "variable")}
    assert "default" not in variables["project_id"]


@pytest.mark.parametrize("kind", STACKS)
def test_labels_on_every_labelled_resource(generated, kind: str) -> None:
    parsed = generated[kind][1]
    data = STACKS[kind]
    for type_, name, body in resources(parsed):
        assert type_ in LABELLED or type_ in UNLABELLED, f"classify {type_} as labelled or not"
        if type_ not in LABELLED:
            continue
        value = body
        for step in LABELLED[type_]:
            value = first(value)[step]
        assert value["environment"] == data["name"], (type_, name)
        assert value["managed-by"] == "dev-agent" and value["tier"] == data.get("tier", "dev")
        assert value["owner"] == data.get("owner", "unassigned")
        if data.get("ttl_days"):
            assert value["expires-at"] == "2026-01-29"
        else:
            assert "expires-at" not in value
        assert all(re.fullmatch(r"[a-z0-9_-]{0,63}", v) for v in value.values()), value


@pytest.mark.parametrize("kind", STACKS)
def test_nothing_public(generated, kind: str) -> None:
    parsed = generated[kind][1]
    for _, _, sql in resources(parsed, "google_sql_database_instance"):
        ip = first(first(sql["settings"])["ip_configuration"])
        assert ip["ipv4_enabled"] is False and "authorized_networks" not in ip
    for _, _, rule in resources(parsed, "google_compute_firewall"):
        if "allow" in rule:
            assert "0.0.0.0/0" not in rule["source_ranges"]
    for _, _, vm in resources(parsed, "google_compute_instance"):
        assert "access_config" not in first(vm["network_interface"])
    for _, _, redis in resources(parsed, "google_redis_instance"):
        assert redis["connect_mode"] == "PRIVATE_SERVICE_ACCESS" and redis["auth_enabled"] is True
    for _, _, cluster in resources(parsed, "google_container_cluster"):
        assert first(cluster["private_cluster_config"])["enable_private_nodes"] is True
    members = [body.get("member", "") for t, _, body in resources(parsed) if t.endswith("_iam_member")]
    assert not [m for m in members if "allUsers" in m or "allAuthenticatedUsers" in m]


def test_hipaa_cloud_run_answers_only_through_cloud_armor(generated) -> None:
    parsed = generated["waf"][1]
    policy = resources(parsed, "google_compute_security_policy")[0][2]
    rules = {first(first(r["match"]).get("expr", [{}]))["expression"]: r for r in policy["rule"]
             if "expr" in first(r["match"])}
    for group in ("sqli-v33-stable", "xss-v33-stable", "lfi-v33-stable", "rce-v33-stable", "cve-canary"):
        rule = next(r for e, r in rules.items() if f"evaluatePreconfiguredWaf('{group}'" in e)
        assert rule["action"] == "deny(403)" and "preview" not in rule
    backend = resources(parsed, "google_compute_backend_service")[0][2]
    assert backend["security_policy"] == "${google_compute_security_policy.main.id}"
    assert backend["load_balancing_scheme"] == "EXTERNAL_MANAGED" and first(backend["log_config"])["enable"] is True
    neg = resources(parsed, "google_compute_region_network_endpoint_group")[0][2]
    assert first(neg["cloud_run"])["service"] == "${google_cloud_run_v2_service.app.name}"
    rule = resources(parsed, "google_compute_global_forwarding_rule")[0][2]
    assert rule["port_range"] == "443" and rule["target"] == "${google_compute_target_https_proxy.app.id}"
    assert resources(parsed, "google_compute_ssl_policy")[0][2]["min_tls_version"] == "TLS_1_2"
    assert not resources(parsed, "google_compute_target_http_proxy")  # HTTPS only
    service = resources(parsed, "google_cloud_run_v2_service")[0][2]
    assert service["ingress"] == "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER"  # no way around the WAF
    # a staging app with no compliance profile and no ask gets no WAF (and keeps its own public URL)
    staging = generated["containers"][1]
    assert "waf.tf" not in staging
    assert resources(staging, "google_cloud_run_v2_service")[0][2]["ingress"] == "INGRESS_TRAFFIC_ALL"


def test_nightly_job_runs_on_cloud_scheduler_with_no_endpoint(generated) -> None:
    """A scheduled container app is a Cloud Run job (no service, no URL) that Cloud Scheduler starts as its own
    service account, allowed to run that one job."""
    parsed = generated["job"][1]
    assert not resources(parsed, "google_cloud_run_v2_service")
    (job,) = [body for _, _, body in resources(parsed, "google_cloud_run_v2_job")]
    inner = first(first(job["template"])["template"])
    assert inner["service_account"] == "${google_service_account.app.email}"
    assert "ports" not in first(inner["containers"])
    (schedule,) = [body for _, _, body in resources(parsed, "google_cloud_scheduler_job")]
    assert schedule["schedule"] == "0 2 * * *" and schedule["time_zone"] == "Etc/UTC"
    target = first(schedule["http_target"])
    assert "jobs/%s:run" in target["uri"] and "google_cloud_run_v2_job.app.name" in target["uri"]
    assert first(target["oauth_token"])["service_account_email"] == "${google_service_account.scheduler.email}"
    (grant,) = [body for _, _, body in resources(parsed, "google_cloud_run_v2_job_iam_member")]
    assert grant["role"] == "roles/run.invoker" and "google_service_account.scheduler.email" in grant["member"]
    assert "service_url" not in {name for name, _, _ in blocks(parsed, "output")}


def test_scheduled_function_is_called_by_cloud_scheduler_with_an_oidc_token(generated) -> None:
    parsed = generated["functions"][1]
    (function,) = [body for _, _, body in resources(parsed, "google_cloudfunctions2_function")]
    assert first(function["service_config"])["ingress_settings"] == "ALLOW_INTERNAL_ONLY"
    (schedule,) = [body for _, _, body in resources(parsed, "google_cloud_scheduler_job")]
    assert schedule["schedule"] == "30 1 * * 1-5"
    token = first(first(schedule["http_target"])["oidc_token"])
    assert token["audience"] == "${google_cloudfunctions2_function.app.url}"
    (grant,) = [body for _, _, body in resources(parsed, "google_cloud_run_v2_service_iam_member")]
    assert grant["name"] == "${google_cloudfunctions2_function.app.name}" and grant["role"] == "roles/run.invoker"


def test_workers_run_as_cloud_run_worker_pools(generated) -> None:
    parsed = generated["containers"][1]
    pools = {name: body for _, name, body in resources(parsed, "google_cloud_run_v2_worker_pool")}
    assert set(pools) == {"worker_sidekiq"}
    template = first(pools["worker_sidekiq"]["template"])
    container = first(template["containers"])
    assert container["command"] == ["bundle", "exec", "sidekiq"] and "ports" not in container
    assert template["service_account"] == "${google_service_account.app.email}"
    assert {e["name"] for e in container["env"]} >= {"DATABASE_URL", "REDIS_URL", "REDIS_PASSWORD"}


def test_internal_vm_takes_ssh_from_the_named_network_and_its_port_from_the_vpc(generated) -> None:
    parsed = generated["vm"][1]
    rules = {name: body for _, name, body in resources(parsed, "google_compute_firewall")}
    assert rules["ssh"]["source_ranges"] == ["10.0.0.0/8"]
    assert first(rules["ssh"]["allow"])["ports"] == ["22"]
    assert rules["app_internal"]["source_ranges"] == ["10.10.0.0/20"]
    assert first(rules["app_internal"]["allow"])["ports"] == ["8080"]
    assert "ssh" not in {n for _, n, _ in resources(generated["kubernetes"][1], "google_compute_firewall")}


@pytest.mark.parametrize("kind", STACKS)
def test_secrets_stay_in_secret_manager(generated, kind: str) -> None:
    parsed = generated[kind][1]
    for name, _, body in blocks(parsed, "output"):
        assert not SENSITIVE.search(str(body["value"])), f"output {name} exposes a secret"
    for _, name, user in resources(parsed, "google_sql_user"):
        if "password" in user:
            assert user["password"] == f"${{random_password.{name}.result}}"
    versions = {body["secret_data"] for _, _, body in resources(parsed, "google_secret_manager_secret_version")}
    passwords = {n for _, n, _ in resources(parsed, "random_password")}
    assert {f"${{random_password.{p}.result}}" for p in passwords} <= versions
    assert len(passwords) == len([d for d in STACKS[kind].get("databases", [])])


def test_high_availability_is_regional(generated) -> None:
    ha = first(resources(generated["containers"][1], "google_sql_database_instance")[0][2]["settings"])
    single = first(resources(generated["vm"][1], "google_sql_database_instance")[0][2]["settings"])
    assert ha["availability_type"] == "REGIONAL" and single["availability_type"] == "ZONAL"
    redis = resources(generated["functions"][1], "google_redis_instance")[0][2]
    assert redis["tier"] == "STANDARD_HA"


def test_engines_map_to_gcp_services(generated) -> None:
    k8s = generated["kubernetes"][1]
    assert {n for _, n, _ in resources(k8s, "google_sql_database_instance")} == {"postgres", "mysql"}
    assert len(resources(k8s, "google_pubsub_topic")) == 2 and len(resources(k8s, "google_storage_bucket")) == 2
    assert resources(generated["containers"][1], "google_redis_instance")
    assert resources(generated["vm"][1], "google_sql_database_instance")[0][2]["database_version"] == "MYSQL_8_4"
    function = resources(generated["functions"][1], "google_cloudfunctions2_function")[0][2]
    assert first(function["build_config"])["runtime"] == "nodejs20"
    binding = resources(k8s, "google_service_account_iam_member")[0][2]
    assert binding["role"] == "roles/iam.workloadIdentityUser" and "svc.id.goog" in binding["member"]


def test_long_names_fit_gcp_limits(tmp_path: Path) -> None:
    name = "a-very-long-environment-name-for-testing"
    plan = plan_for({"name": name, "cloud": "gcp", "region": "us-central1", "compute": {"kind": "kubernetes"},
                     "buckets": [{"name": "b" * 40}]})
    parsed = parse(write(plan, tmp_path))
    assert len(resources(parsed, "google_container_cluster")[0][2]["name"]) <= 40
    account = resources(parsed, "google_service_account")[0][2]["account_id"]
    assert re.fullmatch(r"[a-z][a-z0-9-]{4,28}[a-z0-9]", account)
    bucket = resources(parsed, "google_storage_bucket")[0][2]["name"]
    assert re.fullmatch(r"[a-z0-9][a-z0-9_.-]{1,61}[a-z0-9]", bucket) and not bucket.startswith("goog")
    assert resource_name("x" * 80, max_length=40) != resource_name("x" * 81, max_length=40)
    assert resource_name("9-lives") == "lives"


def test_label_values_are_sanitised() -> None:
    assert label_value('Team "Pay" ${x}\n') == "team_pay_x_"
    assert len(label_value("x" * 100)) == 63


def test_settings_text_stays_quoted(tmp_path: Path) -> None:
    nasty = 'state"} backend "local" {\n path = "/tmp/x'
    settings = Settings(state_bucket=nasty)
    plan = plan_for({"name": "quoted-dev", "cloud": "gcp", "region": "us-central1"})
    tf_dir = write(plan, tmp_path, settings)
    parsed = parse(tf_dir)
    backend = first(parsed["backend.tf"]["terraform"])["backend"]
    assert len(backend) == 1 and first(backend)["gcs"]["bucket"] == nasty
    template = Settings(state_bucket="${file(\"/etc/passwd\")}")
    text = (write(plan, tmp_path / "t", template) / "backend.tf").read_text()
    assert '"$${file(\\"/etc/passwd\\")}"' in text


def test_functions_refuse_languages_without_a_runtime(tmp_path: Path) -> None:
    plan = plan_for({"name": "rusty-dev", "cloud": "gcp", "region": "us-central1", "app": {"language": "rust"},
                     "compute": {"kind": "functions"}})
    with pytest.raises(SpecError, match=r"app\.language"):
        write(plan, tmp_path)


# The checkov tests share one checkov run: keep the module on one xdist worker (--dist loadgroup).
pytestmark = pytest.mark.xdist_group("test_gcp_generate")


class TestStacks(StackChecks):
    cloud = "gcp"
    stacks = STACKS


@pytest.mark.parametrize("field", ["name", "owner", "service"])
def test_injection_in_name_like_fields_is_refused(field: str) -> None:
    data = {"name": "safe-dev", "cloud": "gcp", "region": "us-central1", field: 'x" } resource "evil" {'}
    with pytest.raises(SpecError, match=field):
        plan_for(data)


def test_cache_high_availability_upgrades_a_basic_tier() -> None:
    plan = plan_for({"name": "cache-dev", "cloud": "gcp", "region": "us-central1",
                     "cache": {"engine": "redis", "high_availability": True}})
    assert plan.sizing.cache_node_type == "STANDARD_HA"
    assert plan_for({"name": "cache-dev", "cloud": "gcp", "region": "us-central1",
                     "cache": {"engine": "redis"}}).sizing.cache_node_type == "BASIC"


def test_memcached_is_refused_until_it_has_a_sourced_price() -> None:
    """Memorystore for Memcached has no sourced price: planning it would estimate $0, so it is refused."""
    from bot.cost.coverage import UnpricedRegion
    from bot.pipeline.planning import plan_environment

    spec = spec_from_data({"name": "cache-dev", "cloud": "gcp", "region": "europe-west1",
                           "cache": {"engine": "memcached"}})
    with pytest.raises(UnpricedRegion, match="Memorystore for Memcached has no sourced price"):
        plan_environment(spec)
