"""functions.tf: a Cloud Functions (2nd gen) function built from a source archive in a private bucket,
running as the app's service account, internal ingress, private egress through a VPC connector."""

from __future__ import annotations

from bot.spec import Language, SpecError
from generators.hcl import Block, Ref, block
from generators.terraform.context import Context
from generators.terraform.gcp.names import labels, resource_name
from generators.terraform.gcp.storage import bucket_block

RUNTIMES: dict[Language, str] = {
    Language.python: "python312",
    Language.node: "nodejs20",
    Language.go: "go122",
    Language.java: "java21",
    Language.ruby: "ruby33",
    Language.php: "php83",
    Language.dotnet: "dotnet8",
}


def runtime(ctx: Context) -> str:
    language = ctx.spec.app.language or Language.python
    if language not in RUNTIMES:
        reason = f"app.language: {language.value} has no Cloud Functions runtime; use compute.kind containers"
        raise SpecError(ctx.name, [reason])
    return RUNTIMES[language]


def build(ctx: Context) -> list[Block]:
    function = block(
        "resource", "google_cloudfunctions2_function", "app",
        name=resource_name(ctx.name, max_length=63),
        location=Ref("var.region"),
        labels=labels(ctx),
        build_config=block(
            "build_config", runtime=runtime(ctx), entry_point=Ref("var.function_entry_point"),
            source=block("source", storage_source=block(
                "storage_source", bucket=Ref("google_storage_bucket.function_source.name"),
                object=Ref("var.function_source_object"))),
        ),
        service_config=block(
            "service_config",
            available_memory=f"{ctx.plan.sizing.function_memory_mb}M",
            timeout_seconds=60,
            max_instance_count=10,
            ingress_settings="ALLOW_INTERNAL_ONLY",
            all_traffic_on_latest_revision=True,
            service_account_email=Ref("google_service_account.app.email"),
            vpc_connector=Ref("google_vpc_access_connector.main.id"),
            vpc_connector_egress_settings="PRIVATE_RANGES_ONLY",
        ),
    )
    return [
        bucket_block(ctx, "function_source", "function-source", versioning=True),
        function,
        block("variable", "function_source_object", type=Ref("string"), default="function-source.zip",
              description="Source archive in the function_source bucket (uploaded by the deploy workflow)."),
        block("variable", "function_entry_point", type=Ref("string"), default="handler",
              description="Function entry point in the source."),
        block("output", "function_uri", value=Ref("google_cloudfunctions2_function.app.url"),
              description="Internal URL of the function."),
    ]
