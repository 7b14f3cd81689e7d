"""The org's checkov custom checks (policies/checkov) run by the real checkov on good and bad Terraform."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from generators.hcl import block, render
from tests.conftest import require_tool

CHECKS_DIR = Path(__file__).resolve().parent.parent / "policies" / "checkov"
TAGS = {"environment": "shop-dev", "tier": "dev", "owner": "team-a", "managed-by": "dev-agent"}
OURS = "CKV_DEVAGENT_1,CKV_DEVAGENT_2,CKV_DEVAGENT_3,CKV_DEVAGENT_4"


def good() -> str:
    return render(
        [
            block("provider", "aws", region="us-east-1", default_tags=block("default_tags", tags=TAGS)),
            block("resource", "aws_db_instance", "main", instance_class="db.t3.micro", storage_encrypted=True),
            block(
                "resource",
                "aws_instance",
                "vm",
                ami="ami-12345678",
                instance_type="t3.micro",
                root_block_device=block("root_block_device", encrypted=True),
            ),
            block("resource", "azurerm_resource_group", "main", name="shop-dev", location="westeurope", tags=TAGS),
            block(
                "resource",
                "google_sql_database_instance",
                "db",
                database_version="POSTGRES_16",
                settings=block("settings", tier="db-f1-micro", user_labels=TAGS),
            ),
            _front_door_waf("Prevention", "Block"),
        ]
    )


def _front_door_waf(mode: str, action: str):
    return block("resource", "azurerm_cdn_frontdoor_firewall_policy", "main", name="wafshop", resource_group_name="rg",
                 sku_name="Premium_AzureFrontDoor", enabled=True, mode=mode, tags=TAGS,
                 managed_rule=block("managed_rule", type="Microsoft_DefaultRuleSet", version="2.1", action=action))


def bad() -> str:
    return render(
        [
            block("provider", "aws", region="us-east-1", default_tags=block("default_tags", tags={"owner": "a"})),
            block("resource", "aws_db_instance", "main", instance_class="db.t3.micro"),
            block(
                "resource",
                "aws_elasticache_replication_group",
                "cache",
                description="c",
                at_rest_encryption_enabled=False,
            ),
            block(
                "resource",
                "azurerm_resource_group",
                "main",
                name="shop-dev",
                location="westeurope",
                tags={"owner": "a"},
            ),
            block("resource", "google_storage_bucket", "assets", name="shop-dev-assets", location="EU"),
            _front_door_waf("Detection", "Log"),  # logs attacks, blocks none
        ]
    )


def run_checkov(root: Path, policy_file: Path | None = None) -> dict[str, dict[str, set[tuple[str, str]]]]:
    """Our checks over each sub-directory of `root`: {dir: {"passed"|"failed": {(check id, resource)}}}."""
    checkov = require_tool("checkov")
    env = dict(os.environ, CKV_SKIP_PACKAGE_UPDATE_CHECK="true", BC_SKIP_MAPPING="TRUE")
    env.pop("DEV_AGENT_POLICY_FILE", None)
    if policy_file is not None:
        env["DEV_AGENT_POLICY_FILE"] = str(policy_file)
    command = [
        checkov,
        "--external-checks-dir",
        str(CHECKS_DIR),
        "-d",
        str(root),
        "--framework",
        "terraform",
        "--skip-download",
        "--check",
        OURS,
        "-o",
        "json",
    ]
    out = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300, check=False)
    data = json.loads(out.stdout)
    found: dict[str, dict[str, set[tuple[str, str]]]] = {}
    for outcome in ("passed", "failed"):
        for item in data["results"][f"{outcome}_checks"]:
            where = found.setdefault(item["file_path"].strip("/").split("/")[0], {"passed": set(), "failed": set()})
            where[outcome].add((item["check_id"], item["resource"]))
    return found


# Its tests share one checkov run (the module fixture): keep them on one xdist worker (--dist loadgroup).
pytestmark = pytest.mark.xdist_group("test_checkov_policies")


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> dict[str, dict[str, set[tuple[str, str]]]]:
    root = tmp_path_factory.mktemp("checkov")
    for name, text in (("good", good()), ("bad", bad())):
        (root / name).mkdir()
        (root / name / "main.tf").write_text(text)
    return run_checkov(root)


def test_compliant_terraform_passes_every_org_check(results):
    assert results["good"]["failed"] == set()
    assert {
        ("CKV_DEVAGENT_1", "aws.default"),
        ("CKV_DEVAGENT_3", "aws_db_instance.main"),
        ("CKV_DEVAGENT_3", "aws_instance.vm"),
        ("CKV_DEVAGENT_2", "azurerm_resource_group.main"),
        ("CKV_DEVAGENT_2", "google_sql_database_instance.db"),
        ("CKV_DEVAGENT_4", "azurerm_cdn_frontdoor_firewall_policy.main"),
    } <= results["good"]["passed"]


def test_missing_tags_and_unencrypted_storage_fail(results):
    assert results["bad"]["failed"] == {
        ("CKV_DEVAGENT_1", "aws.default"),
        ("CKV_DEVAGENT_3", "aws_db_instance.main"),
        ("CKV_DEVAGENT_3", "aws_elasticache_replication_group.cache"),
        ("CKV_DEVAGENT_2", "azurerm_resource_group.main"),
        ("CKV_DEVAGENT_2", "google_storage_bucket.assets"),
        ("CKV_DEVAGENT_4", "azurerm_cdn_frontdoor_firewall_policy.main"),
    }


def test_required_tags_come_from_the_org_policy_file(tmp_path):
    (tmp_path / "env").mkdir()
    (tmp_path / "env" / "main.tf").write_text(good())
    policy = tmp_path / "policy.yaml"
    policy.write_text("version: 1\nrequired_tags: [owner, cost-center]\n")
    failed = run_checkov(tmp_path, policy)["env"]["failed"]
    assert ("CKV_DEVAGENT_1", "aws.default") in failed
    assert ("CKV_DEVAGENT_2", "azurerm_resource_group.main") in failed
