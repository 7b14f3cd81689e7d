"""Every file of an environment from its Plan: the table of generators, one module per generated component (where
the files go: generators/paths.py)."""

from __future__ import annotations

from collections.abc import Callable

from bot.pipeline.planning import Plan
from bot.settings import Settings
from generators import compose, environment_file, helm, readme, workflows
from generators.lockfile import generate_lock
from generators.terraform import build as terraform_build

Generator = Callable[[Plan, Settings], dict[str, str]]


def generate_all(plan: Plan, settings: Settings) -> dict[str, str]:
    """Every file of the environment, keyed by path relative to the repository root."""
    table: list[Generator] = [
        environment_file.generate,
        terraform_build.generate,
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
