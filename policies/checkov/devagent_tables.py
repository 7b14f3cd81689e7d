"""Data shared by the policy engine (policies/engine.py) and the checkov checks: plain tables, no imports.

checkov loads this directory as its own (it runs in a separate virtualenv), so the checks import it as
`devagent_tables` and the engine as `policies.checkov.devagent_tables`.
"""

# Taggable resource types -> where their tags (GCP: labels) live.
TAG_PATHS: dict[str, tuple[str, ...]] = {
    **{
        t: ("tags",)
        for t in (
            "aws_vpc",
            "aws_subnet",
            "aws_security_group",
            "aws_internet_gateway",
            "aws_nat_gateway",
            "aws_eip",
            "aws_route_table",
            "aws_instance",
            "aws_launch_template",
            "aws_db_instance",
            "aws_db_subnet_group",
            "aws_rds_cluster",
            "aws_docdb_cluster",
            "aws_eks_cluster",
            "aws_eks_node_group",
            "aws_ecs_cluster",
            "aws_ecs_service",
            "aws_ecs_task_definition",
            "aws_lb",
            "aws_lb_target_group",
            "aws_s3_bucket",
            "aws_elasticache_cluster",
            "aws_elasticache_replication_group",
            "aws_lambda_function",
            "aws_sqs_queue",
            "aws_mq_broker",
            "aws_msk_cluster",
            "aws_opensearch_domain",
            "aws_cloudwatch_log_group",
            "aws_kms_key",
            "aws_iam_role",
            "aws_ecr_repository",
            "aws_ebs_volume",
            "aws_efs_file_system",
            "aws_secretsmanager_secret",
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

# AWS storage resource types -> the attribute that must be true for encryption at rest.
ENCRYPTION_FLAGS: dict[str, tuple[str, ...]] = {
    "aws_db_instance": ("storage_encrypted",),
    "aws_rds_cluster": ("storage_encrypted",),
    "aws_docdb_cluster": ("storage_encrypted",),
    "aws_ebs_volume": ("encrypted",),
    "aws_efs_file_system": ("encrypted",),
    "aws_elasticache_replication_group": ("at_rest_encryption_enabled",),
    "aws_opensearch_domain": ("encrypt_at_rest", "enabled"),
    "aws_instance": ("root_block_device", "encrypted"),
}
