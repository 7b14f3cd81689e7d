"""key_vault.tf: the environment's Key Vault (RBAC, soft delete, firewall default-deny, private endpoint).
Purge protection in prod only (re-creating a prod environment recovers its soft-deleted vault); below prod a
destroy purges the vault so the same name can be used again at once (versions.tf features).
Generated passwords and keys are written straight into it with `vault_secret()`; the workload's
identity may read them, Terraform's identity may write them. Values never reach files or outputs."""

from __future__ import annotations

from bot.spec import Tier
from generators.hcl import Block, Call, Ref, block
from generators.terraform.azure.names import key_vault_name, tags
from generators.terraform.azure.private_dns import private_endpoint
from generators.terraform.azure.resource_group import APP_PRINCIPAL, LOCATION, RG, TENANT
from generators.terraform.context import Context

VAULT_ID = Ref("azurerm_key_vault.main.id")


def vault_secret(ctx: Context, local: str, name: str, value: Ref | Call) -> Block:
    """A Key Vault secret holding `value`; it expires a year after creation (rotate before then)."""
    return block(
        "resource", "azurerm_key_vault_secret", local, name=name, value=value, key_vault_id=VAULT_ID,
        content_type="text/plain", tags=tags(ctx),
        expiration_date=Call("timeadd", Call("timestamp"), "8760h"),
        lifecycle=block("lifecycle", ignore_changes=[Ref("expiration_date")]),
        depends_on=[Ref("azurerm_role_assignment.deployer_secrets"), Ref("azurerm_private_endpoint.key_vault")],
    )


def build(ctx: Context) -> list[Block]:
    return [
        block(
            "resource", "azurerm_key_vault", "main",
            name=key_vault_name(ctx), resource_group_name=RG, location=LOCATION, tenant_id=TENANT,
            sku_name="standard",
            enable_rbac_authorization=True,
            soft_delete_retention_days=7,
            purge_protection_enabled=ctx.spec.tier == Tier.prod,
            public_network_access_enabled=True,
            network_acls=block("network_acls", default_action="Deny", bypass="AzureServices",
                               ip_rules=Ref("var.admin_cidrs")),
            tags=tags(ctx),
        ),
        private_endpoint(ctx, "key_vault", VAULT_ID, "vault", "vault"),
        block("resource", "azurerm_role_assignment", "deployer_secrets", scope=VAULT_ID,
              role_definition_name="Key Vault Secrets Officer",
              principal_id=Ref("data.azurerm_client_config.current.object_id")),
        block("resource", "azurerm_role_assignment", "app_secrets", scope=VAULT_ID,
              role_definition_name="Key Vault Secrets User", principal_id=APP_PRINCIPAL),
        block("variable", "admin_cidrs", type=Call("list", Ref("string")), default=[],
              description="Public CIDRs (e.g. the deploy runner's) allowed through the Key Vault firewall and to the AKS API."),
        block("output", "key_vault_uri", value=Ref("azurerm_key_vault.main.vault_uri"),
              description="Key Vault holding the environment's generated secrets."),
    ]
