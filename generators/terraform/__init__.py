"""Terraform generation: one package per cloud, each with a table of components (one file each)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType

from bot.pipeline.planning import Plan
from bot.settings import Settings
from bot.spec import Database
from generators.hcl import Block, render
from generators.terraform import tfvars


@dataclass
class Context:
    """What a component builder sees: the plan, the settings, and the names/tags shared by all files."""

    plan: Plan
    settings: Settings
    tags: dict[str, str] = field(default_factory=dict)

    @property
    def spec(self):
        return self.plan.spec

    @property
    def name(self) -> str:
        return self.plan.spec.name


@dataclass(frozen=True)
class Component:
    """One generated file `<name>.tf`: included when `applies(plan)`, built by `build(ctx)`."""

    name: str
    applies: Callable[[Plan], bool]
    build: Callable[[Context], list[Block]]


def component(module: ModuleType, applies: Callable[[Plan], bool] | None = None, name: str | None = None) -> Component:
    """The component a generator module builds with its `build(ctx)`: the file is named after the module (or
    `name`) and included when `applies` holds, by default the module's own `applies(plan)`."""
    return Component(name or module.__name__.rpartition(".")[2], applies or module.applies, module.build)


def always(_plan: Plan) -> bool:
    """Predicate for components every environment has."""
    return True


def compute_is(kind: object) -> Callable[[Plan], bool]:
    """Predicate for components of one compute kind (a ComputeKind)."""
    return lambda plan: plan.spec.compute.kind == kind


def database_labels(databases: list[Database]) -> list[tuple[str, Database]]:
    """(Terraform label, database): the engine name, numbered from the second database of an engine."""
    seen: dict[str, int] = {}
    out = []
    for db in databases:
        seen[db.engine.value] = seen.get(db.engine.value, 0) + 1
        n = seen[db.engine.value]
        out.append((db.engine.value if n == 1 else f"{db.engine.value}_{n}", db))
    return out


def standard_tags(plan: Plan) -> dict[str, str]:
    """Tags/labels put on every resource."""
    spec = plan.spec
    tags = {
        "environment": spec.name,
        "tier": spec.tier.value,
        "owner": spec.owner or "unassigned",
        "managed-by": "dev-agent",
    }
    if plan.expires_on:
        tags["expires-at"] = plan.expires_on.isoformat()
    return tags


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


def public_image_ok(ctx: Context) -> bool:
    """Whether the compute can run a public registry image (a Lambda needs an ECR image of its own account)."""
    from bot.spec import ComputeKind

    return not (ctx.spec.cloud.value == "aws" and ctx.spec.compute.kind == ComputeKind.functions)


def generate(plan: Plan, settings: Settings) -> dict[str, str]:
    """`environments/<name>/terraform/*.tf` for the spec's cloud."""
    from generators import environment_dir
    from generators.terraform import aws, azure, gcp

    clouds = {"aws": aws.COMPONENTS, "gcp": gcp.COMPONENTS, "azure": azure.COMPONENTS}
    ctx = Context(plan=plan, settings=settings, tags=standard_tags(plan))
    files = render_components(ctx, clouds[plan.spec.cloud.value])
    return {f"{environment_dir(plan)}/terraform/{name}": text for name, text in files.items()}
