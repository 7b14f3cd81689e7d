"""AWS Terraform generation: the mapping, tags, network exposure, secrets, escaping, fmt and validate."""

from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bot import hclread
from bot.pipeline import terraform
from bot.pipeline.planning import plan_environment
from bot.settings import Settings
from bot.spec import SpecError, spec_from_data
from tests.conftest import require_tool
from tests.support.aws_specs import SPECS, make_plan, terraform_files, write_terraform

NASTY = 'x" ${file("/etc/passwd")} %{ if true }y%{ endif }\n} resource "aws_iam_user" "evil" { &anchor *anchor'


def parse(files: dict[str, str]) -> dict[str, dict]:
    """{resource type: {name: body}} across all files, plus data/output/variable/locals/provider sections."""
    out: dict[str, dict] = {"resource": {}, "data": {}, "output": {}, "variable": {}, "locals": {}, "provider": {}}
    for name, text in files.items():
        if not name.endswith(".tf"):
            continue  # dev-agent.auto.tfvars.json (tests/test_inputs.py)
        parsed = hclread.loads(text)
        for section in ("resource", "data"):
            for entry in parsed.get(section, []):
                for rtype, named in entry.items():
                    out[section].setdefault(rtype, {}).update(named)
        for section in ("output", "variable"):
            for entry in parsed.get(section, []):
                out[section].update(entry)
        for entry in parsed.get("locals", []):
            out["locals"].update(entry)
        for entry in parsed.get("provider", []):
            out["provider"].update(entry)
    return out


@pytest.fixture(scope="module")
def generated() -> dict[str, dict[str, str]]:
    return {key: terraform_files(make_plan(key)) for key in SPECS}


@pytest.mark.parametrize("kind, expected", [
    ("kubernetes", {"aws_eks_cluster", "aws_eks_node_group"}),
    ("containers", {"aws_ecs_cluster", "aws_ecs_service", "aws_ecs_task_definition", "aws_lb", "aws_lb_listener"}),
    ("vm", {"aws_instance", "aws_lb", "aws_lb_target_group_attachment"}),
    ("functions", {"aws_lambda_function", "aws_apigatewayv2_api", "aws_apigatewayv2_stage"}),
])
def test_each_compute_kind_gets_its_service(generated, kind: str, expected: set[str]) -> None:
    resources = parse(generated[kind])["resource"]
    assert expected <= set(resources)
    others = {"aws_eks_cluster", "aws_ecs_service", "aws_instance", "aws_lambda_function"} - expected
    assert not others & set(resources), "only one compute service per environment"
    assert {"aws_vpc", "aws_subnet", "aws_flow_log", "aws_default_security_group", "aws_kms_key"} <= set(resources)


def test_file_layout_and_pinned_versions(generated) -> None:
    files = generated["postgres-redis-s3-sqs"]
    assert {"versions.tf", "backend.tf", "variables.tf", "outputs.tf", "network.tf", "rds.tf", "elasticache.tf",
            "s3.tf", "sqs.tf", "ecs.tf", "alb.tf"} <= set(files)
    terraform_block = hclread.loads(files["versions.tf"])["terraform"][0]
    assert terraform_block["required_version"] == ">= 1.10"
    assert terraform_block["required_providers"][0]["aws"]["version"] == "~> 5.100"


def test_backend_names_come_from_settings_and_lock_with_a_lockfile() -> None:
    key = "arn:aws:kms:eu-west-1:210987654321:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    settings = Settings(state_bucket="acme-state", state_region="eu-west-1", state_kms_key_id=key)
    files = terraform_files(make_plan("vm"), settings)
    backend = hclread.loads(files["backend.tf"])["terraform"][0]["backend"][0]["s3"]
    assert backend == {"bucket": "acme-state", "key": "environments/legacy-dev/terraform.tfstate",
                       "region": "eu-west-1", "use_lockfile": True, "encrypt": True, "kms_key_id": key}


def test_standard_tags_reach_every_resource_through_default_tags(generated) -> None:
    parsed = parse(generated["kubernetes"])
    assert parsed["provider"]["aws"]["default_tags"][0]["tags"] == "${local.tags}"
    tags = parsed["locals"]["tags"]
    assert tags == {"environment": "shop-dev", "tier": "dev", "owner": "team-shop", "managed-by": "dev-agent",
                    "expires-at": "2026-01-12"}
    no_ttl = parse(generated["vm"])["locals"]["tags"]
    assert "expires-at" not in no_ttl and no_ttl["owner"] == "unassigned"


@pytest.mark.parametrize("key, engine, multi_az", [("postgres-redis-s3-sqs", "postgres", False), ("mysql-ha", "mysql", True)])
def test_databases_use_managed_passwords_and_encryption(generated, key: str, engine: str, multi_az: bool) -> None:
    db = parse(generated[key])["resource"]["aws_db_instance"][engine]
    assert db["engine"] == engine and db["multi_az"] is multi_az
    assert db["manage_master_user_password"] is True and "password" not in db
    assert db["storage_encrypted"] is True and db["publicly_accessible"] is False
    assert db["backup_retention_period"] >= 7 and db["deletion_protection"] is False
    # RDS refuses `set databases.0.version=17` without it; the review gate asks for allow-replace first
    assert db["allow_major_version_upgrade"] is True


def test_prod_protects_data(generated) -> None:
    resources = parse(generated["prod"])["resource"]
    db = resources["aws_db_instance"]["postgres"]
    # protected until the first step of a prod destroy sets allow_destroy (default false)
    protected = "${var.allow_destroy ? false : true}"
    assert db["deletion_protection"] == protected and db["multi_az"] is True and db["skip_final_snapshot"] is False
    assert resources["aws_docdb_cluster"]["main"]["deletion_protection"] == protected
    assert parse(generated["prod"])["variable"]["allow_destroy"]["default"] is False
    assert resources["aws_nat_gateway"]["main"]["count"] == 3  # one per zone
    assert resources["aws_s3_bucket"]["bucket_assets"]["force_destroy"] == "${var.allow_destroy}"


def test_every_data_service_maps_to_its_aws_offer(generated) -> None:
    resources = parse(generated["mongo-kafka-search"])["resource"]
    assert resources["aws_docdb_cluster"]["main"]["manage_master_user_password"] is True
    assert resources["aws_msk_cluster"]["main"]["client_authentication"][0]["sasl"][0]["iam"] is True
    assert resources["aws_opensearch_domain"]["main"]["encrypt_at_rest"][0]["enabled"] is True
    other = parse(generated["memcached-rabbitmq"])["resource"]
    assert other["aws_elasticache_cluster"]["main"]["engine"] == "memcached"
    assert other["aws_mq_broker"]["main"]["engine_type"] == "RabbitMQ"
    assert other["aws_mq_broker"]["main"]["publicly_accessible"] is False
    redis = parse(generated["postgres-redis-s3-sqs"])["resource"]["aws_elasticache_replication_group"]["main"]
    assert redis["at_rest_encryption_enabled"] is True and redis["transit_encryption_enabled"] is True


def test_buckets_are_private_encrypted_versioned_and_logged(generated) -> None:
    resources = parse(generated["postgres-redis-s3-sqs"])["resource"]
    for label in ("bucket_receipts", "logs"):
        block = resources["aws_s3_bucket_public_access_block"][label]
        assert all(block[k] is True for k in ("block_public_acls", "block_public_policy", "ignore_public_acls",
                                              "restrict_public_buckets"))
        assert resources["aws_s3_bucket_versioning"][label]["versioning_configuration"][0]["status"] == "Enabled"
        assert "aws:SecureTransport" in resources["aws_s3_bucket_policy"][label]["policy"]
    sse = resources["aws_s3_bucket_server_side_encryption_configuration"]["bucket_receipts"]["rule"][0]
    assert sse["apply_server_side_encryption_by_default"][0]["sse_algorithm"] == "aws:kms"
    assert set(resources["aws_s3_bucket_logging"]) == {"bucket_receipts"}, "every data bucket logs to the log bucket"


def _rules(group: dict, kind: str) -> list[dict]:
    return group.get(kind, [])


def test_nothing_is_open_to_the_internet_but_the_load_balancer(generated) -> None:
    for key, files in generated.items():
        for name, group in parse(files)["resource"].get("aws_security_group", {}).items():
            for rule in _rules(group, "ingress"):
                assert not (rule["from_port"] <= 22 <= rule["to_port"]), f"{key}: SSH open in {name}"
                if "0.0.0.0/0" in rule.get("cidr_blocks", []):
                    assert name == "alb" and rule["from_port"] in (80, 443) and rule["from_port"] == rule["to_port"], \
                        f"{key}: {name} open to the internet"
            if name.startswith(("db_", "cache", "docdb", "mq", "kafka", "search")):
                for rule in _rules(group, "ingress"):
                    assert "cidr_blocks" not in rule and rule["security_groups"], f"{key}: {name} not app-only"
        for body in parse(files)["resource"].get("aws_instance", {}).values():
            assert body["associate_public_ip_address"] is False and "key_name" not in body


def test_no_passwords_in_files_or_outputs(generated) -> None:
    for key, files in generated.items():
        text = "\n".join(files.values())
        for match in re.finditer(r"^\s*(\w*(password|secret_string|auth_token)\w*)\s*=\s*(.+)$", text, re.M | re.I):
            attribute, value = match.group(1), match.group(3)
            assert not value.startswith('"'), f"{key}: literal secret in {attribute}"
        for name, output in parse(files)["output"].items():
            value = str(output["value"])
            # a reference to a password attribute leaks it; helm_values names the JSON key "password" of a managed
            # secret (a literal string) next to that secret's ARN, which is not a value
            leaking = re.search(r"\.password\b|random_password|_password\.|secret_string|auth_token", value)
            assert not leaking, f"{key}: output {name} leaks a secret"
    outputs = parse(generated["postgres-redis-s3-sqs"])["output"]
    assert outputs["postgres_secret_arn"]["value"] == "${aws_db_instance.postgres.master_user_secret[0].secret_arn}"
    assert {"postgres_host", "cache_host", "queue_url", "app_url"} <= set(outputs)


def test_request_text_never_becomes_hcl_syntax(tmp_path: Path) -> None:
    data = {**SPECS["postgres-redis-s3-sqs"], "owner": NASTY, "service": NASTY}
    with pytest.raises(SpecError) as refused:
        spec_from_data(data)
    assert "owner" in str(refused.value) and "service" in str(refused.value)
    # Even text that bypassed validation stays a quoted value and names stay within provider rules.
    plan = make_plan("postgres-redis-s3-sqs")
    nasty_spec = plan.spec.model_copy(update={"owner": NASTY, "name": "pay" + NASTY})
    plan = plan.model_copy(update={"spec": nasty_spec})
    files = terraform_files(plan)
    parsed = parse(files)
    literal = parsed["locals"]["tags"]["owner"]  # python-hcl2 leaves HCL escapes in place
    assert literal.replace('\\"', '"').replace("$${", "${").replace("%%{", "%{") == NASTY
    assert "aws_iam_user" not in parsed["resource"]
    db = parsed["resource"]["aws_db_instance"]["postgres"]
    assert re.fullmatch(r"[a-z][a-z0-9-]{0,62}", db["identifier"]) and "--" not in db["identifier"]
    assert re.fullmatch(r"[a-z0-9-]{1,32}", parsed["resource"]["aws_lb"]["main"]["name"])
    require_tool("terraform")
    directory = tmp_path / "tf"
    directory.mkdir()
    for name, text in files.items():
        (directory / name).write_text(text)
    assert terraform.fmt_check(directory).ok
    (directory / "backend.tf").unlink()
    assert terraform.init(directory).ok
    result = terraform.validate(directory)
    assert result.ok, result.summary()


def test_generated_terraform_is_canonical_and_valid(tmp_path: Path) -> None:
    require_tool("terraform")
    keys = list(SPECS)

    def check(key: str) -> tuple[str, str]:
        directory = write_terraform(make_plan(key), tmp_path / key)
        fmt = terraform.fmt_check(directory)
        if not fmt.ok:
            return key, fmt.summary()
        init = terraform.init(directory)
        if not init.ok:
            return key, init.summary()
        result = terraform.validate(directory)
        diagnostics = json.loads(result.stdout or "{}").get("diagnostics", [])
        errors = [d["summary"] for d in diagnostics if d["severity"] == "error"]
        return key, "" if result.ok and not errors else result.summary()

    with ThreadPoolExecutor(max_workers=4) as pool:
        failures = {key: message for key, message in pool.map(check, keys) if message}
    assert not failures


def test_functions_without_nat_reach_their_aws_services_through_endpoints(tmp_path: Path) -> None:
    """The budget's no-NAT step for functions: no NAT gateway, an endpoint per used service, still valid."""
    require_tool("terraform")
    spec = {**SPECS["functions"], "databases": [{"engine": "postgres"}], "queue": {"engine": "sqs"},
            "buckets": [{"name": "uploads"}]}
    plan = plan_environment(spec_from_data(spec))
    plan.sizing.nat_gateways = 0
    resources = parse(terraform_files(plan))["resource"]
    assert "aws_nat_gateway" not in resources and "aws_eip" not in resources
    endpoints = resources["aws_vpc_endpoint"]
    assert set(endpoints) == {"secretsmanager", "sqs", "s3"}
    zones = plan.sizing.availability_zones
    for service in ("secretsmanager", "sqs"):
        assert endpoints[service]["vpc_endpoint_type"] == "Interface"
        assert endpoints[service]["private_dns_enabled"] is True
        assert len(endpoints[service]["subnet_ids"]) == zones, "one endpoint interface per private subnet"
    assert endpoints["s3"]["vpc_endpoint_type"] == "Gateway"
    (rule,) = resources["aws_security_group"]["endpoints"]["ingress"]
    assert (rule["from_port"], rule["to_port"]) == (443, 443) and "cidr_blocks" not in rule
    with_nat = parse(terraform_files(make_plan("functions")))["resource"]
    assert "aws_vpc_endpoint" not in with_nat and "aws_nat_gateway" in with_nat
    directory = write_terraform(plan, tmp_path / "functions-no-nat")
    assert terraform.init(directory).ok
    assert terraform.validate(directory).ok
