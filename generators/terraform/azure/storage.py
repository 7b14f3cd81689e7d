"""storage.tf: one storage account (with a private `data` container) per requested bucket: Entra ID
only (no shared keys), no public network access (private endpoint), TLS 1.2, versioning as requested,
soft delete, blob access logs to Log Analytics; the workload's identity gets Storage Blob Data Contributor."""

from __future__ import annotations

from bot.pipeline.planning import Plan
from bot.spec import Tier
from generators.hcl import Block, Call, Ref, block
from generators.terraform.azure.names import storage_account_name, tags
from generators.terraform.azure.observability import WORKSPACE
from generators.terraform.azure.private_dns import private_endpoint
from generators.terraform.azure.resource_group import APP_PRINCIPAL, LOCATION, RG
from generators.terraform.context import Context


def local_name(bucket: str) -> str:
    return bucket.replace("-", "_")


def storage_account(ctx: Context, local: str, purpose: str, versioning: bool) -> list[Block]:
    """A private storage account, its private endpoint and a private container; also used by functions."""
    account_id = Ref(f"azurerm_storage_account.{local}.id")
    retention = block("delete_retention_policy", days=7)
    return [
        block(
            "resource", "azurerm_storage_account", local,
            name=storage_account_name(ctx, purpose), resource_group_name=RG, location=LOCATION,
            account_tier="Standard", account_kind="StorageV2",
            account_replication_type="GZRS" if ctx.spec.tier == Tier.prod else "GRS",
            min_tls_version="TLS1_2", https_traffic_only_enabled=True, shared_access_key_enabled=False,
            default_to_oauth_authentication=True, allow_nested_items_to_be_public=False,
            public_network_access_enabled=False, local_user_enabled=False, infrastructure_encryption_enabled=True,
            tags=tags(ctx),
            network_rules=block("network_rules", default_action="Deny", bypass=["AzureServices"]),
            sas_policy=block("sas_policy", expiration_period="01.00:00:00", expiration_action="Log"),
            blob_properties=block("blob_properties", versioning_enabled=versioning, change_feed_enabled=versioning,
                                  delete_retention_policy=retention,
                                  container_delete_retention_policy=block("container_delete_retention_policy", days=7)),
        ),
        private_endpoint(ctx, f"{local}_blob", account_id, "blob", "blob"),
        block("resource", "azurerm_storage_container", local, name="data", storage_account_id=account_id,
              container_access_type="private"),
        block("resource", "azurerm_monitor_diagnostic_setting", f"{local}_blob", name="blob-logs",
              target_resource_id=Call("format", "%s/blobServices/default", account_id),
              log_analytics_workspace_id=WORKSPACE,
              enabled_log=[block("enabled_log", category=c) for c in ("StorageRead", "StorageWrite", "StorageDelete")]),
        block("resource", "azurerm_role_assignment", f"{local}_app", scope=account_id,
              role_definition_name="Storage Blob Data Contributor", principal_id=APP_PRINCIPAL),
    ]


def applies(plan: Plan) -> bool:
    return bool(plan.spec.buckets)


def build(ctx: Context) -> list[Block]:
    blocks: list[Block] = []
    for bucket in ctx.spec.buckets:
        blocks += storage_account(ctx, local_name(bucket.name), bucket.name, bucket.versioning)
    blocks.append(block("output", "buckets", value={
        b.name: Ref(f"azurerm_storage_account.{local_name(b.name)}.primary_blob_endpoint") for b in ctx.spec.buckets},
        description="Requested bucket name -> blob endpoint (container `data`)."))
    return blocks
