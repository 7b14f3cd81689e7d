"""identity.tf: the app's own service account with the few roles it needs (never the default account)."""

from __future__ import annotations

from generators.hcl import Block, Call, Ref, block
from generators.terraform.context import Context
from generators.terraform.gcp.names import resource_name, stable_suffix

APP_SA = Ref("google_service_account.app.email")


def app_member() -> Call:
    return Call("format", "serviceAccount:%s", APP_SA)


def account_id(ctx: Context) -> str:
    """6-30 characters: a prefix of the environment name plus a stable hash."""
    digest = stable_suffix(ctx.name)
    return resource_name(ctx.name, max_length=30 - len(digest) - 1) + "-" + digest


def build(ctx: Context) -> list[Block]:
    roles = ["roles/logging.logWriter", "roles/monitoring.metricWriter"]
    if ctx.spec.databases:
        roles += ["roles/cloudsql.client", "roles/cloudsql.instanceUser"]
    blocks = [
        block("resource", "google_service_account", "app", account_id=account_id(ctx),
              display_name=f"{ctx.name} workload", description="Identity of the environment's workload."),
    ]
    for role in roles:
        local = role.split("/")[1].replace(".", "_")
        blocks.append(block("resource", "google_project_iam_member", f"app_{local}", project=Ref("var.project_id"),
                            role=role, member=app_member()))
    blocks.append(block("output", "app_service_account", value=APP_SA,
                        description="Service account the workload runs as (IAM database auth uses it)."))
    return blocks
