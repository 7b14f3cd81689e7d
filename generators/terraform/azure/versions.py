"""versions.tf: pinned Terraform and providers; azurerm takes its subscription from `var.subscription_id`
and talks to storage with Entra ID (shared keys are disabled on every account)."""

from __future__ import annotations

from bot.spec import ComputeKind, Tier
from generators.hcl import Block, Ref, block
from generators.terraform.context import Context

PROVIDERS = {
    "azurerm": {"source": "hashicorp/azurerm", "version": "~> 4.0"},
    "random": {"source": "hashicorp/random", "version": "~> 3.6"},
}
TLS = {"tls": {"source": "hashicorp/tls", "version": "~> 4.0"}}


def build(ctx: Context) -> list[Block]:
    providers = {**PROVIDERS, **(TLS if ctx.spec.compute.kind == ComputeKind.vm else {})}
    prod = ctx.spec.tier == Tier.prod
    # Below prod a destroyed vault is purged, so the environment can be re-created under the same name at once;
    # a prod vault is purge-protected and re-creating the environment recovers it (and its secrets).
    features = block("features", key_vault=block("key_vault", purge_soft_delete_on_destroy=not prod,
                                                 recover_soft_deleted_key_vaults=True,
                                                 recover_soft_deleted_secrets=True),
                     resource_group=block("resource_group", prevent_deletion_if_contains_resources=True))
    return [
        block("terraform", required_version=">= 1.6.0", required_providers=block("required_providers", **providers)),
        block("provider", "azurerm", subscription_id=Ref("var.subscription_id"), storage_use_azuread=True,
              features=features),
        block("variable", "subscription_id", type=Ref("string"),
              description="Azure subscription that holds the environment (no default: set it per deployment)."),
        block("variable", "location", type=Ref("string"), default=ctx.spec.region, description="Azure region."),
    ]
