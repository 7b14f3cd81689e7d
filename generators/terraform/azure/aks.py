"""aks.tf: a private AKS cluster (Entra ID + Azure RBAC, no local accounts, Azure Policy, Calico network
policy, workload identity) with one autoscaled node pool in the workload subnet, logging to Log Analytics.
The app's Kubernetes service account is federated with the workload's managed identity."""

from __future__ import annotations

from typing import Any

from bot.spec import Tier
from generators.hcl import Block, Call, Ref, block
from generators.helm.values import chart_name
from generators.terraform.azure.names import dashed, tags
from generators.terraform.azure.network import WORKLOAD, subnet_id
from generators.terraform.azure.observability import WORKSPACE
from generators.terraform.azure.resource_group import LOCATION, RG, TENANT
from generators.terraform.context import Context


def build(ctx: Context) -> list[Block]:
    sizing = ctx.plan.sizing
    prod = ctx.spec.tier == Tier.prod
    pool: dict[str, Any] = {
        "name": "system",
        "vm_size": sizing.node_instance_type,
        "auto_scaling_enabled": True,
        "min_count": sizing.node_count,
        "max_count": sizing.node_max_count,
        "max_pods": 50,
        "vnet_subnet_id": subnet_id(WORKLOAD[0]),
        "os_disk_type": "Managed",
        "temporary_name_for_rotation": "rotation",
        "tags": tags(ctx),
    }
    if prod:
        pool["zones"] = ["1", "2", "3"]
    cluster = block(
        "resource", "azurerm_kubernetes_cluster", "main",
        name=dashed(ctx.name, max_length=63), resource_group_name=RG, location=LOCATION,
        dns_prefix=dashed(ctx.name, max_length=54),
        sku_tier="Standard" if prod else "Free",
        private_cluster_enabled=True,
        local_account_disabled=True,
        role_based_access_control_enabled=True,
        azure_policy_enabled=True,
        oidc_issuer_enabled=True,
        workload_identity_enabled=True,
        automatic_upgrade_channel="stable",
        node_os_upgrade_channel="NodeImage",
        tags=tags(ctx),
        default_node_pool=block("default_node_pool", **pool),
        identity=block("identity", type="SystemAssigned"),
        azure_active_directory_role_based_access_control=block(
            "azure_active_directory_role_based_access_control", azure_rbac_enabled=True, tenant_id=TENANT),
        network_profile=block("network_profile", network_plugin="azure", network_plugin_mode="overlay",
                              network_policy="calico", load_balancer_sku="standard"),
        oms_agent=block("oms_agent", log_analytics_workspace_id=WORKSPACE, msi_auth_for_monitoring_enabled=True),
        key_vault_secrets_provider=block("key_vault_secrets_provider", secret_rotation_enabled=True),
    )
    return [
        cluster,
        # The cluster's identity creates load balancers in the workload subnet (an internal app's Service, the
        # ingress controller's frontend): with a subnet of our own VNet it needs Network Contributor there.
        block("resource", "azurerm_role_assignment", "aks_subnet", scope=subnet_id(WORKLOAD[0]),
              role_definition_name="Network Contributor",
              principal_id=Ref("azurerm_kubernetes_cluster.main.identity[0].principal_id")),
        block("resource", "azurerm_federated_identity_credential", "app", name="kubernetes", resource_group_name=RG,
              parent_id=Ref("azurerm_user_assigned_identity.app.id"), audience=["api://AzureADTokenExchange"],
              issuer=Ref("azurerm_kubernetes_cluster.main.oidc_issuer_url"),
              subject=Call("format", "system:serviceaccount:%s:%s", Ref("var.k8s_namespace"),
                           Ref("var.k8s_service_account"))),
        block("variable", "k8s_namespace", type=Ref("string"), default=ctx.name,
              description="Namespace of the app's Kubernetes service account (workload identity)."),
        block("variable", "k8s_service_account", type=Ref("string"), default=chart_name(ctx.plan),
              description="Kubernetes service account the app's pods run as; it signs in as the app's managed identity."),
        block("output", "cluster_name", value=Ref("azurerm_kubernetes_cluster.main.name"),
              description="AKS cluster (private API: deploy with `az aks command invoke` or from the VNet)."),
    ]
