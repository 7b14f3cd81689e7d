"""network.tf: a VNet with private subnets (workload, private endpoints, and delegated subnets for the
services that need one), all behind one NSG that admits nothing from the internet. SSH to VMs is allowed only from
the networks the request named (compute.ssh_from); an internal VM app's port is allowed from the VNet (explicitly)."""

from __future__ import annotations

from typing import Any

from bot.pipeline.planning import Plan
from bot.spec import ComputeKind, DatabaseEngine, Exposure
from generators.hcl import Block, Ref, block
from generators.terraform.azure.names import dashed, tags
from generators.terraform.azure.resource_group import LOCATION, RG
from generators.terraform.context import Context

# local name -> (address prefix, delegation service or None)
Subnet = tuple[str, str, str | None]
WORKLOAD: Subnet = ("workload", "10.20.0.0/22", None)
PRIVATE_ENDPOINTS: Subnet = ("private_endpoints", "10.20.8.0/24", None)
CONTAINER_APPS: Subnet = ("container_apps", "10.20.4.0/23", "Microsoft.App/environments")
FUNCTIONS: Subnet = ("functions", "10.20.6.0/24", "Microsoft.Web/serverFarms")
POSTGRES: Subnet = ("postgres", "10.20.9.0/24", "Microsoft.DBforPostgreSQL/flexibleServers")
MYSQL: Subnet = ("mysql", "10.20.10.0/24", "Microsoft.DBforMySQL/flexibleServers")


def subnets(plan: Plan) -> list[Subnet]:
    """The subnets this plan needs."""
    engines = {db.engine for db in plan.spec.databases}
    kind = plan.spec.compute.kind
    wanted = [WORKLOAD, PRIVATE_ENDPOINTS]
    wanted += [CONTAINER_APPS] if kind == ComputeKind.containers else []
    wanted += [FUNCTIONS] if kind == ComputeKind.functions else []
    wanted += [POSTGRES] if DatabaseEngine.postgres in engines else []
    wanted += [MYSQL] if DatabaseEngine.mysql in engines else []
    return wanted


def subnet_id(local: str) -> Ref:
    return Ref(f"azurerm_subnet.{local}.id")


def build(ctx: Context) -> list[Block]:
    blocks = [
        block("resource", "azurerm_virtual_network", "main", name=dashed("vnet", ctx.name, max_length=64),
              resource_group_name=RG, location=LOCATION, address_space=["10.20.0.0/16"], tags=tags(ctx)),
        block("resource", "azurerm_network_security_group", "main", name=dashed("nsg", ctx.name, max_length=80),
              resource_group_name=RG, location=LOCATION, tags=tags(ctx)),
    ]
    if ctx.spec.compute.ssh_from:
        blocks.append(block(
            "resource", "azurerm_network_security_rule", "ssh", name="allow-ssh-from-named-networks",
            resource_group_name=RG, network_security_group_name=Ref("azurerm_network_security_group.main.name"),
            priority=100, direction="Inbound", access="Allow", protocol="Tcp", source_port_range="*",
            destination_port_range="22", source_address_prefixes=list(ctx.spec.compute.ssh_from),
            destination_address_prefix=WORKLOAD[1],
            description="SSH to the VMs from the networks the request named (compute.ssh_from), never the internet."))
    if ctx.spec.compute.kind == ComputeKind.vm and ctx.spec.app.exposure == Exposure.internal:
        blocks.append(block(
            "resource", "azurerm_network_security_rule", "app_internal", name="allow-app-from-vnet",
            resource_group_name=RG, network_security_group_name=Ref("azurerm_network_security_group.main.name"),
            priority=110, direction="Inbound", access="Allow", protocol="Tcp", source_port_range="*",
            destination_port_range=str(ctx.spec.app.port), source_address_prefix="VirtualNetwork",
            destination_address_prefix=WORKLOAD[1],
            description="Internal app: its port from inside the VNet only (no public IP, no load balancer)."))
    for local, prefix, delegation in subnets(ctx.plan):
        body: dict[str, Any] = {
            "name": dashed(ctx.name, local, max_length=80),
            "resource_group_name": RG,
            "virtual_network_name": Ref("azurerm_virtual_network.main.name"),
            "address_prefixes": [prefix],
        }
        if local == PRIVATE_ENDPOINTS[0]:
            body["private_endpoint_network_policies"] = "Enabled"
        if delegation:
            body["delegation"] = block("delegation", name=local, service_delegation=block(
                "service_delegation", name=delegation))
        blocks.append(block("resource", "azurerm_subnet", local, **body))
        blocks.append(block("resource", "azurerm_subnet_network_security_group_association", local,
                            subnet_id=subnet_id(local), network_security_group_id=Ref("azurerm_network_security_group.main.id")))
    blocks.append(block("output", "vnet_id", value=Ref("azurerm_virtual_network.main.id"), description="VNet of the environment."))
    return blocks
