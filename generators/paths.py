"""Where an environment's generated files live in the repository."""

from __future__ import annotations

from bot.pipeline.planning import Plan


def environment_dir(plan: Plan) -> str:
    """Where an environment's files live in the repository."""
    return f"environments/{plan.spec.name}"
