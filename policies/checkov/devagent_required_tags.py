"""CKV_DEVAGENT_2: Azure resources carry the org's required tags, Google resources the required labels."""

from __future__ import annotations

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
from devagent_common import attribute, required_tags

# Resource type -> where its tags/labels live (mirrors policies/engine.py TAGGABLE).
TAG_PATHS: dict[str, tuple[str, ...]] = {
    **{
        t: ("tags",)
        for t in (
            "azurerm_resource_group",
            "azurerm_virtual_network",
            "azurerm_network_security_group",
            "azurerm_public_ip",
            "azurerm_nat_gateway",
            "azurerm_kubernetes_cluster",
            "azurerm_linux_virtual_machine",
            "azurerm_postgresql_flexible_server",
            "azurerm_mysql_flexible_server",
            "azurerm_cosmosdb_account",
            "azurerm_redis_cache",
            "azurerm_storage_account",
            "azurerm_container_app",
            "azurerm_container_app_environment",
            "azurerm_log_analytics_workspace",
            "azurerm_key_vault",
            "azurerm_servicebus_namespace",
            "azurerm_service_plan",
            "azurerm_linux_function_app",
            "azurerm_container_registry",
            "azurerm_eventhub_namespace",
        )
    },
    **{
        t: ("labels",)
        for t in (
            "google_compute_instance",
            "google_storage_bucket",
            "google_redis_instance",
            "google_cloud_run_v2_service",
            "google_pubsub_topic",
            "google_cloudfunctions2_function",
            "google_compute_address",
        )
    },
    "google_container_cluster": ("resource_labels",),
    "google_container_node_pool": ("node_config", "resource_labels"),
    "google_sql_database_instance": ("settings", "user_labels"),
}


class RequiredTags(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure the resource carries the org's required tags/labels",
            id="CKV_DEVAGENT_2",
            categories=[CheckCategories.CONVENTION],
            supported_resources=list(TAG_PATHS),
        )

    def scan_resource_conf(self, conf):  # noqa: ANN001, ANN201 - checkov's signature
        tags = attribute(conf, *TAG_PATHS[self.entity_type])
        if not isinstance(tags, dict):
            return CheckResult.FAILED
        return CheckResult.PASSED if set(required_tags()) <= set(tags) else CheckResult.FAILED


check = RequiredTags()
