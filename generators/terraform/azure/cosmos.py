"""cosmos.tf: Azure Cosmos DB for MongoDB (the requested MongoDB), private endpoint only, continuous
backup; serverless, or provisioned and zone redundant when HA is asked. The API has no Entra ID
data-plane auth, so the connection string is written into Key Vault and never output."""

from __future__ import annotations

from bot.pipeline.planning import Plan
from bot.spec import DatabaseEngine
from generators.hcl import Block, Ref, block
from generators.terraform.azure.key_vault import vault_secret
from generators.terraform.azure.names import dashed, tags, unique
from generators.terraform.azure.private_dns import private_endpoint
from generators.terraform.azure.resource_group import LOCATION, RG
from generators.terraform.context import Context, version_of

SERVER_VERSIONS = {"4": "4.0", "4.0": "4.0", "5": "5.0", "5.0": "5.0", "6": "6.0", "6.0": "6.0", "7": "7.0", "7.0": "7.0"}


def applies(plan: Plan) -> bool:
    return any(db.engine == DatabaseEngine.mongodb for db in plan.spec.databases)


def build(ctx: Context) -> list[Block]:
    db = next(d for d in ctx.spec.databases if d.engine == DatabaseEngine.mongodb)
    zone_redundant = ctx.plan.sizing.db_multi_az
    capabilities = ["EnableMongo"] + ([] if zone_redundant else ["EnableServerless"])
    account = block(
        "resource", "azurerm_cosmosdb_account", "mongo",
        name=unique(ctx, "mongo", max_length=44), resource_group_name=RG, location=LOCATION,
        offer_type="Standard", kind="MongoDB", mongo_server_version=SERVER_VERSIONS[version_of(db)],
        public_network_access_enabled=False, is_virtual_network_filter_enabled=True,
        access_key_metadata_writes_enabled=False, automatic_failover_enabled=False,
        minimal_tls_version="Tls12", tags=tags(ctx),
        capabilities=[block("capabilities", name=c) for c in capabilities],
        consistency_policy=block("consistency_policy", consistency_level="Session"),
        geo_location=block("geo_location", location=LOCATION, failover_priority=0,
                           zone_redundant=zone_redundant),
        backup=block("backup", type="Continuous", tier="Continuous7Days"),
    )
    return [
        account,
        private_endpoint(ctx, "mongo", Ref("azurerm_cosmosdb_account.mongo.id"), "MongoDB", "mongo"),
        block("resource", "azurerm_cosmosdb_mongo_database", "app", name="app", resource_group_name=RG,
              account_name=Ref("azurerm_cosmosdb_account.mongo.name")),
        vault_secret(ctx, "mongo_connection_string", dashed(ctx.name, "mongo-connection-string", max_length=127),
                     Ref("azurerm_cosmosdb_account.mongo.primary_mongodb_connection_string")),
        block("output", "mongo_connection_string_secret", value=dashed(ctx.name, "mongo-connection-string", max_length=127),
              description="Key Vault secret holding the MongoDB connection string (the name, not the value)."),
    ]
