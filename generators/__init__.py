"""Generators: turn a Plan into the files of an environment, one module per generated component."""

from __future__ import annotations

from collections.abc import Callable

from bot.pipeline.planning import Plan
from bot.settings import Settings

Generator = Callable[[Plan, Settings], dict[str, str]]


def environment_dir(plan: Plan) -> str:
    """Where an environment's files live in the repository."""
    return f"environments/{plan.spec.name}"


def generate_all(plan: Plan, settings: Settings) -> dict[str, str]:
    """Every file of the environment, keyed by path relative to the repository root."""
    from generators import compose, environment_file, helm, readme, terraform, workflows
    from generators.lockfile import generate_lock

    table: list[Generator] = [
        environment_file.generate,
        terraform.generate,
        helm.generate,
        workflows.generate,
        compose.generate,
        readme.generate,
    ]
    files: dict[str, str] = {}
    for generator in table:
        files.update(generator(plan, settings))
    files.update(generate_lock(plan, files))
    return files
