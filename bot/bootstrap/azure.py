"""Azure bootstrap (az): a storage account for state (versioned blobs, soft delete, no public or shared-key
access, TLS 1.2, infrastructure encryption) and two app registrations with GitHub federated credentials for this
repository only: Reader + state access for plans, Contributor for deploys."""

from __future__ import annotations

import json
import re

from bot.bootstrap import BootstrapInputError, BootstrapResult, Target
from bot.bootstrap.commands import Cli, Runner, Step
from bot.settings import Settings

SUBSCRIPTION = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
LOCATION = re.compile(r"^[a-z0-9]{2,30}$")
CONTAINER = "tfstate"
PLAN_APP, DEPLOY_APP = "dev-agent-plan", "dev-agent-deploy"


def bootstrap(target: Target, *, bucket: str | None, region: str | None, project: str | None,
              subscription: str | None, settings: Settings, dry_run: bool = False,
              runner: Runner | None = None) -> BootstrapResult:
    """Create or repair the Azure side; `dry_run` lists the az commands instead."""
    subscription = subscription or settings.azure_subscription_id
    if not SUBSCRIPTION.match(subscription or "") or set(subscription.replace("-", "")) == {"0"}:
        raise BootstrapInputError(f"--subscription {subscription!r}: an Azure subscription id is required")
    location = region or "eastus"
    if not LOCATION.match(location):
        raise BootstrapInputError(f"--region {location!r}: not an Azure location")
    group, account = settings.azure_state_resource_group, bucket or settings.azure_state_storage_account
    result = BootstrapResult(cloud="azure", dry_run=dry_run)
    cli = Cli("az", result, dry_run, runner)
    s = ["--subscription", subscription]
    tenant = cli.value(["az", "account", "show", *s, "--query", "tenantId", "-o", "tsv"], "TENANT_ID")
    scope = f"/subscriptions/{subscription}"
    account_scope = f"{scope}/resourceGroups/{group}/providers/Microsoft.Storage/storageAccounts/{account}"
    for step in (
        Step(f"resource group {group}", ["az", "group", "create", "-n", group, "-l", location, *s],
             ["az", "group", "show", "-n", group, *s]),
        Step(f"storage account {account}",
             ["az", "storage", "account", "create", "-n", account, "-g", group, "-l", location, "--sku", "Standard_GRS",
              "--kind", "StorageV2", "--min-tls-version", "TLS1_2", "--https-only", "true",
              "--allow-blob-public-access", "false", "--allow-shared-key-access", "false",
              "--require-infrastructure-encryption", "true", *s],
             ["az", "storage", "account", "show", "-n", account, "-g", group, *s]),
        Step(f"{account}: TLS 1.2, HTTPS only, no public or shared-key access",
             ["az", "storage", "account", "update", "-n", account, "-g", group, "--min-tls-version", "TLS1_2",
              "--https-only", "true", "--allow-blob-public-access", "false", "--allow-shared-key-access", "false", *s]),
        Step(f"{account}: blob versioning and 30-day soft delete",
             ["az", "storage", "account", "blob-service-properties", "update", "--account-name", account, "-g", group,
              "--enable-versioning", "true", "--enable-delete-retention", "true", "--delete-retention-days", "30", *s]),
        Step(f"container {CONTAINER}",
             ["az", "storage", "container", "create", "-n", CONTAINER, "--account-name", account,
              "--auth-mode", "login"]),
    ):
        cli.ensure(step)
    clients = {}
    for app, roles, subjects in ((PLAN_APP, ["Reader"], target.plan_subjects),
                                 (DEPLOY_APP, ["Contributor", "User Access Administrator"], target.deploy_subjects)):
        find = ["az", "ad", "app", "list", "--display-name", app, "--query", "[0].appId", "-o", "tsv"]
        client = cli.lookup(find)
        if not client:
            cli.ensure(Step(f"app registration {app}", ["az", "ad", "app", "create", "--display-name", app]))
            client = cli.value(find, f"{app.upper().replace('-', '_')}_CLIENT_ID")
        else:
            result.actions.append(f"exists  app registration {app} ({client})")
        clients[app] = client
        cli.ensure(Step(f"service principal of {app}", ["az", "ad", "sp", "create", "--id", client],
                        ["az", "ad", "sp", "show", "--id", client]))
        for i, subject in enumerate(subjects):
            credential = {"name": f"github-{i}", "issuer": target.issuer, "subject": subject,
                          "audiences": ["api://AzureADTokenExchange"]}
            cli.ensure(Step(f"{app}: federated credential for {subject} only",
                            ["az", "ad", "app", "federated-credential", "create", "--id", client,
                             "--parameters", json.dumps(credential)],
                            ["az", "ad", "app", "federated-credential", "show", "--id", client,
                             "--federated-credential-id", f"github-{i}"]))
        for role in roles:
            cli.ensure(Step(f"{app}: {role} on the subscription",
                            ["az", "role", "assignment", "create", "--assignee", client, "--role", role,
                             "--scope", scope]))
        cli.ensure(Step(f"{app}: Storage Blob Data Contributor on {account} (state and lock lease)",
                        ["az", "role", "assignment", "create", "--assignee", client,
                         "--role", "Storage Blob Data Contributor", "--scope", account_scope]))
    result.settings = {"DEV_AGENT_AZURE_STATE_RESOURCE_GROUP": group, "DEV_AGENT_AZURE_STATE_STORAGE_ACCOUNT": account,
                       "DEV_AGENT_AZURE_TENANT_ID": tenant, "DEV_AGENT_AZURE_SUBSCRIPTION_ID": subscription,
                       "DEV_AGENT_AZURE_PLAN_CLIENT_ID": clients[PLAN_APP],
                       "DEV_AGENT_AZURE_CLIENT_ID": clients[DEPLOY_APP]}
    result.variables = {"DEV_AGENT_AZURE_SUBSCRIPTION_ID": subscription}
    return result
