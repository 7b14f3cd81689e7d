"""`environments/<name>/terraform/*.tf`: every applicable component of the spec's cloud, rendered one file each, with
the variables, outputs and tfvars gathered."""

from __future__ import annotations

from bot.pipeline.planning import Plan
from bot.settings import Settings
from generators.hcl import Block, render
from generators.paths import environment_dir
from generators.terraform import aws, azure, gcp, tfvars
from generators.terraform.context import Component, Context, public_image_ok, standard_tags


def render_components(ctx: Context, components: list[Component]) -> dict[str, str]:
    """Build every applicable component; variables and outputs are gathered into their own files."""
    files: dict[str, str] = {}
    variables: list[Block] = []
    outputs: list[Block] = []
    for component in components:
        if not component.applies(ctx.plan):
            continue
        blocks = component.build(ctx)
        variables += [b for b in blocks if b.type == "variable"]
        outputs += [b for b in blocks if b.type == "output"]
        body = [b for b in blocks if b.type not in {"variable", "output"}]
        if body:
            files[f"{component.name}.tf"] = render(body)
    if variables:
        files["variables.tf"] = render(variables)
    if outputs:
        files["outputs.tf"] = render(outputs)
    required = [b.labels[0] for b in variables if "default" not in b.body]
    if required:
        files[tfvars.filename()] = tfvars.render(ctx.spec, required, tfvars.image_value(ctx.spec, public_image_ok(ctx)))
    return files


def generate(plan: Plan, settings: Settings) -> dict[str, str]:
    """`environments/<name>/terraform/*.tf` for the spec's cloud."""
    clouds = {"aws": aws.COMPONENTS, "gcp": gcp.COMPONENTS, "azure": azure.COMPONENTS}
    ctx = Context(plan=plan, settings=settings, tags=standard_tags(plan))
    files = render_components(ctx, clouds[plan.spec.cloud.value])
    return {f"{environment_dir(plan)}/terraform/{name}": text for name, text in files.items()}
