"""What every Terraform component module shares: the Context it builds from, the Component table entry, the
predicates that include a component, database labels and the standard tags."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType

from bot.pipeline.planning import Plan
from bot.settings import Settings
from bot.spec import Cache, ComputeKind, Database, EnvironmentSpec
from generators.hcl import Block, Call, Cond, Op, Ref, block


@dataclass
class Context:
    """What a component builder sees: the plan, the settings, and the names/tags shared by all files."""

    plan: Plan
    settings: Settings
    tags: dict[str, str] = field(default_factory=dict)

    @property
    def spec(self) -> EnvironmentSpec:
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


def version_of(db: Database) -> str:
    """The database's engine version (spec validation sets the engine's default when the request names none)."""
    if db.version is None:
        raise ValueError(f"databases: {db.engine.value} has no version (the spec was not validated)")
    return db.version


def cache_of(spec: EnvironmentSpec) -> Cache:
    """The spec's cache, for the components that are generated only when it has one."""
    if spec.cache is None:
        raise ValueError("the spec has no cache")
    return spec.cache


ALERT_EMAIL = Ref("var.alert_email")
# count of the resource that subscribes var.alert_email: none until an address is set.
ALERT_EMAIL_COUNT = Cond(Op(ALERT_EMAIL, "==", None), 0, 1)


def alert_email_variable(ctx: Context, receives: str) -> Block:
    """`variable "alert_email"`: the owner's address that gets `receives` (the alarms, the alerts); its default is
    the spec's `inputs.alert_email` (`/dev-agent set alert_email=...`), else none."""
    owner = ctx.spec.owner or "the environment owner"
    default = ctx.spec.inputs.alert_email if ctx.spec.inputs and ctx.spec.inputs.alert_email else None
    return block("variable", "alert_email", type=Ref("string"), default=default,
                 description=f"Address of {owner} that receives {receives}.")


def pattern_variable(name: str, pattern: str, description: str, error_message: str, **default: str) -> Block:
    """A string `variable` that Terraform refuses unless it matches `pattern` (for inputs that reach a policy, a
    secret reference or a boot script); `default=` when it has one."""
    return block("variable", name, type=Ref("string"), **default, description=description,
                 validation=block("validation", condition=Call("can", Call("regex", pattern, Ref(f"var.{name}"))),
                                  error_message=error_message))


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


def public_image_ok(ctx: Context) -> bool:
    """Whether the compute can run a public registry image (a Lambda needs an ECR image of its own account)."""
    return not (ctx.spec.cloud.value == "aws" and ctx.spec.compute.kind == ComputeKind.functions)
