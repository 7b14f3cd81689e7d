"""`environments/<name>/environment.yaml`: the spec, the source of truth of the environment."""

from __future__ import annotations

from bot.pipeline.planning import Plan
from bot.settings import Settings
from generators.paths import environment_dir


def generate(plan: Plan, settings: Settings) -> dict[str, str]:
    """The spec as YAML, with the expiry date fixed at planning time."""
    spec = plan.spec
    if plan.expires_on and spec.expires_on != plan.expires_on:
        spec = spec.model_copy(update={"expires_on": plan.expires_on})
    header = "# Source of truth for this environment. Edit through /dev-agent commands or a PR.\n"
    return {f"{environment_dir(plan)}/environment.yaml": header + spec.to_yaml()}
