"""storage.tf: one GCS bucket per requested bucket: uniform access, public access prevented, versioning
as requested, force_destroy off."""

from __future__ import annotations

from bot.pipeline.planning import Plan
from generators.hcl import Block, Ref, block
from generators.terraform.context import Context
from generators.terraform.gcp.identity import app_member
from generators.terraform.gcp.names import bucket_name, labels


def local_name(bucket: str) -> str:
    return bucket.replace("-", "_")


def bucket_block(ctx: Context, local: str, purpose: str, versioning: bool) -> Block:
    """A private bucket; also used for the Cloud Functions source bucket."""
    return block(
        "resource", "google_storage_bucket", local,
        name=bucket_name(ctx, purpose),
        location=Ref("var.region"),
        storage_class="STANDARD",
        uniform_bucket_level_access=True,
        public_access_prevention="enforced",
        force_destroy=False,
        labels=labels(ctx),
        versioning=block("versioning", enabled=versioning),
        soft_delete_policy=block("soft_delete_policy", retention_duration_seconds=7 * 24 * 3600),
    )


def applies(plan: Plan) -> bool:
    return bool(plan.spec.buckets)


def build(ctx: Context) -> list[Block]:
    blocks: list[Block] = []
    for bucket in ctx.spec.buckets:
        local = local_name(bucket.name)
        blocks.append(bucket_block(ctx, local, bucket.name, bucket.versioning))
        blocks.append(block("resource", "google_storage_bucket_iam_member", f"{local}_app", bucket=Ref(f"google_storage_bucket.{local}.name"),
                            role="roles/storage.objectUser",
                            member=app_member()))
    blocks.append(block("output", "buckets", value={b.name: Ref(f"google_storage_bucket.{local_name(b.name)}.name") for b in ctx.spec.buckets},
                        description="Requested bucket name -> GCS bucket name."))
    return blocks
