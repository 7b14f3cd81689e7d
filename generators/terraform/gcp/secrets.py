"""secrets.tf: generated passwords (and the Redis AUTH string) kept in Secret Manager; only the app's
service account may read them. Values never appear in files or outputs (they do live in the state)."""

from __future__ import annotations

from bot.pipeline.planning import Plan
from bot.spec import CacheEngine
from generators.hcl import Block, Ref, block
from generators.terraform.context import Context
from generators.terraform.gcp.cloud_sql import local_names
from generators.terraform.gcp.identity import app_member
from generators.terraform.gcp.names import labels, resource_name


def _has_redis(plan: Plan) -> bool:
    return plan.spec.cache is not None and plan.spec.cache.engine == CacheEngine.redis


def applies(plan: Plan) -> bool:
    return bool(local_names(plan)) or _has_redis(plan)


def _secret(ctx: Context, local: str, purpose: str, value: Ref) -> list[Block]:
    secret_id = resource_name(ctx.name, purpose, max_length=255)
    return [
        block("resource", "google_secret_manager_secret", local, secret_id=secret_id, labels=labels(ctx),
              replication=block("replication", user_managed=block("user_managed", replicas=block(
                  "replicas", location=Ref("var.region"))))),
        block("resource", "google_secret_manager_secret_version", local,
              secret=Ref(f"google_secret_manager_secret.{local}.id"), secret_data=value),
        block("resource", "google_secret_manager_secret_iam_member", f"{local}_app",
              secret_id=Ref(f"google_secret_manager_secret.{local}.secret_id"),
              role="roles/secretmanager.secretAccessor", member=app_member()),
        block("output", f"{local}_secret", value=Ref(f"google_secret_manager_secret.{local}.secret_id"),
              description=f"Secret Manager secret holding the {purpose.replace('-', ' ')} (the name, not the value)."),
    ]


def build(ctx: Context) -> list[Block]:
    blocks: list[Block] = []
    for local, _db in local_names(ctx.plan):
        blocks.append(block("resource", "random_password", f"{local}_admin", length=32, special=True,
                            override_special="-_=+.~"))
        blocks += _secret(ctx, f"{local}_admin_password", f"{local}-admin-password",
                          Ref(f"random_password.{local}_admin.result"))
    if _has_redis(ctx.plan):
        blocks += _secret(ctx, "redis_auth", "redis-auth", Ref("google_redis_instance.cache.auth_string"))
    return blocks
