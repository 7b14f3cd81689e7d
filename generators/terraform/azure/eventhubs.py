"""eventhubs.tf: the requested Kafka as an Event Hubs namespace (Kafka endpoint on :9093, Entra ID auth only,
TLS 1.2, private endpoint only) with one event hub (topic); the workload's identity gets Data Owner."""

from __future__ import annotations

from bot.pipeline.planning import Plan
from bot.spec import QueueEngine
from generators.hcl import Block, Ref, block
from generators.terraform.azure.names import tags, unique
from generators.terraform.azure.private_dns import private_endpoint
from generators.terraform.azure.resource_group import APP_PRINCIPAL, LOCATION, RG
from generators.terraform.context import Context


def applies(plan: Plan) -> bool:
    return plan.spec.queue is not None and plan.spec.queue.engine == QueueEngine.kafka


def build(ctx: Context) -> list[Block]:
    namespace = Ref("azurerm_eventhub_namespace.main.id")
    return [
        block("resource", "azurerm_eventhub_namespace", "main", name=unique(ctx, "kafka", max_length=50),
              resource_group_name=RG, location=LOCATION, sku="Standard", capacity=1,
              local_authentication_enabled=False, public_network_access_enabled=False,
              minimum_tls_version="1.2", tags=tags(ctx)),
        private_endpoint(ctx, "eventhubs", namespace, "namespace", "servicebus"),
        block("resource", "azurerm_eventhub", "events", name="events", namespace_id=namespace, partition_count=2,
              message_retention=1),
        block("resource", "azurerm_role_assignment", "app_eventhubs", scope=namespace,
              role_definition_name="Azure Event Hubs Data Owner", principal_id=APP_PRINCIPAL),
        block("output", "kafka_bootstrap_server", value=Ref("azurerm_eventhub_namespace.main.name"),
              description="Event Hubs namespace; Kafka clients use <name>.servicebus.windows.net:9093 (topic `events`)."),
    ]
