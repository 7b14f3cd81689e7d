"""servicebus.tf: a Service Bus namespace (Entra ID auth only, TLS 1.2) with one queue; the workload's
identity gets Azure Service Bus Data Owner on it."""

from __future__ import annotations

from bot.pipeline.planning import Plan
from bot.spec import QueueEngine
from generators.hcl import Block, Ref, block
from generators.terraform.azure.names import tags, unique
from generators.terraform.azure.resource_group import APP_PRINCIPAL, LOCATION, RG
from generators.terraform.context import Context


def applies(plan: Plan) -> bool:
    return plan.spec.queue is not None and plan.spec.queue.engine == QueueEngine.servicebus


def build(ctx: Context) -> list[Block]:
    return [
        block("resource", "azurerm_servicebus_namespace", "main", name=unique(ctx, "sb", max_length=50),
              resource_group_name=RG, location=LOCATION, sku="Standard", local_auth_enabled=False,
              minimum_tls_version="1.2", tags=tags(ctx), identity=block("identity", type="SystemAssigned")),
        block("resource", "azurerm_servicebus_queue", "app", name="app",
              namespace_id=Ref("azurerm_servicebus_namespace.main.id"), dead_lettering_on_message_expiration=True,
              max_delivery_count=10),
        block("resource", "azurerm_role_assignment", "app_servicebus", scope=Ref("azurerm_servicebus_namespace.main.id"),
              role_definition_name="Azure Service Bus Data Owner", principal_id=APP_PRINCIPAL),
        block("output", "servicebus_namespace", value=Ref("azurerm_servicebus_namespace.main.endpoint"),
              description="Service Bus endpoint (queue `app`, Entra ID auth)."),
    ]
