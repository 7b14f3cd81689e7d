"""Registry of priced resource types (one module per type, as Infracost does) and free types."""

from __future__ import annotations

import importlib
from collections.abc import Callable

from bot.cost.model import Ctx, Priced
from bot.cost.resources.free import FREE_TYPES

# resource type -> module (under bot.cost.resources) whose ``price(ctx)`` prices it
PRICED: dict[str, str] = {
    "aws_instance": "aws.instance",
    "aws_ec2_host": "aws.ec2_host",
    "aws_ebs_volume": "aws.ebs_volume",
    "aws_db_instance": "aws.db_instance",
    "aws_dynamodb_table": "aws.dynamodb_table",
    "aws_cloudfront_distribution": "aws.cloudfront_distribution",
    "aws_cloudwatch_log_delivery": "aws.cloudwatch_log_delivery",
    "aws_rds_cluster": "aws.rds_cluster",
    "aws_rds_cluster_instance": "aws.rds_cluster_instance",
    "aws_elasticache_cluster": "aws.elasticache_cluster",
    "aws_elasticache_replication_group": "aws.elasticache_replication_group",
    "aws_eks_cluster": "aws.eks_cluster",
    "aws_eks_node_group": "aws.eks_node_group",
    "aws_eks_fargate_profile": "aws.eks_fargate_profile",
    "aws_ecs_service": "aws.ecs_service",
    "aws_ecs_task_set": "aws.ecs_task_set",
    "aws_lambda_function": "aws.lambda_function",
    "aws_nat_gateway": "aws.nat_gateway",
    "aws_lb": "aws.lb",
    "aws_alb": "aws.lb",
    "aws_elb": "aws.elb",
    "aws_eip": "aws.eip",
    "aws_vpc_endpoint": "aws.vpc_endpoint",
    "aws_s3_bucket": "aws.s3_bucket",
    "aws_cloudwatch_log_group": "aws.cloudwatch_log_group",
    "aws_mq_broker": "aws.mq_broker",
    "aws_msk_cluster": "aws.msk_cluster",
    "aws_opensearch_domain": "aws.opensearch_domain",
    "aws_docdb_cluster_instance": "aws.docdb_cluster_instance",
    "aws_sqs_queue": "aws.sqs_queue",
    "aws_secretsmanager_secret": "aws.secretsmanager_secret",
    "aws_apigatewayv2_api": "aws.apigatewayv2_api",
    "aws_kms_key": "aws.kms_key",
    "aws_scheduler_schedule": "aws.scheduler_schedule",
    "aws_wafv2_web_acl": "aws.wafv2_web_acl",
    "aws_cloudwatch_metric_alarm": "aws.cloudwatch_metric_alarm",
    "aws_sns_topic": "aws.sns_topic",
    "google_container_cluster": "gcp.container_cluster",
    "google_container_node_pool": "gcp.container_node_pool",
    "google_compute_instance": "gcp.compute_instance",
    "google_compute_router_nat": "gcp.compute_router_nat",
    "google_sql_database_instance": "gcp.sql_database_instance",
    "google_redis_instance": "gcp.redis_instance",
    "google_pubsub_topic": "gcp.pubsub_topic",
    "google_storage_bucket": "gcp.storage_bucket",
    "google_cloud_run_v2_service": "gcp.cloud_run_v2_service",
    "google_secret_manager_secret": "gcp.secret_manager_secret",
    "google_secret_manager_secret_version": "gcp.secret_manager_secret_version",
    "google_logging_project_sink": "gcp.logging",
    "google_logging_project_bucket_config": "gcp.logging",
    "google_vpc_access_connector": "gcp.vpc_access_connector",
    "google_cloudfunctions2_function": "gcp.cloudfunctions2_function",
    "google_cloud_run_v2_job": "gcp.cloud_run_v2_job",
    "google_cloud_run_v2_worker_pool": "gcp.cloud_run_v2_worker_pool",
    "google_cloud_scheduler_job": "gcp.cloud_scheduler_job",
    "google_monitoring_alert_policy": "gcp.monitoring_alert_policy",
    "google_compute_security_policy": "gcp.compute_security_policy",
    "google_compute_global_forwarding_rule": "gcp.compute_global_forwarding_rule",
    "azurerm_kubernetes_cluster": "azure.kubernetes_cluster",
    "azurerm_kubernetes_cluster_node_pool": "azure.kubernetes_cluster_node_pool",
    "azurerm_linux_virtual_machine": "azure.linux_virtual_machine",
    "azurerm_postgresql_flexible_server": "azure.postgresql_flexible_server",
    "azurerm_mysql_flexible_server": "azure.mysql_flexible_server",
    "azurerm_mssql_database": "azure.mssql_database",
    "azurerm_mssql_server_security_alert_policy": "azure.mssql_server_security_alert_policy",
    "azurerm_redis_cache": "azure.redis_cache",
    "azurerm_servicebus_namespace": "azure.servicebus_namespace",
    "azurerm_storage_account": "azure.storage_account",
    "azurerm_cosmosdb_account": "azure.cosmosdb_account",
    "azurerm_service_plan": "azure.service_plan",
    "azurerm_linux_function_app": "azure.linux_function_app",
    "azurerm_container_app": "azure.container_app",
    "azurerm_container_app_job": "azure.container_app_job",
    "azurerm_private_dns_a_record": "azure.private_dns_a_record",
    "azurerm_log_analytics_workspace": "azure.log_analytics_workspace",
    "azurerm_private_endpoint": "azure.private_endpoint",
    "azurerm_private_dns_zone": "azure.private_dns_zone",
    "azurerm_monitor_diagnostic_setting": "azure.monitor_diagnostic_setting",
    "azurerm_monitor_metric_alert": "azure.monitor_metric_alert",
    "azurerm_eventhub_namespace": "azure.eventhub_namespace",
    "azurerm_cosmosdb_mongo_database": "azure.cosmosdb_mongo_database",
    "azurerm_cdn_frontdoor_profile": "azure.cdn_frontdoor_profile",
}

_cache: dict[str, Callable[[Ctx], Priced | None]] = {}


def pricer(rtype: str) -> Callable[[Ctx], Priced | None] | None:
    """The ``price`` function for a resource type, or None when the type is not priced."""
    fn = _cache.get(rtype)
    if fn is None and rtype in PRICED:
        fn = importlib.import_module(f"{__name__}.{PRICED[rtype]}").price
        _cache[rtype] = fn
    return fn


def is_free(rtype: str) -> bool:
    """True for types Infracost counts as free."""
    return rtype in FREE_TYPES
