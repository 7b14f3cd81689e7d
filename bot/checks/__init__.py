"""Validators run on a generated environment, one module per check, run in parallel (threads + subprocesses).

`run_checks(env_dir, repo_root)` returns one CheckResult per check; a check whose tool is missing fails.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bot.checks import (
    checkov,
    hcl_parse,
    helm_lint,
    helm_render,
    inputs,
    placeholders,
    terraform_fmt,
    terraform_validate,
    workflow_schema,
    zizmor,
)
from bot.checks.context import CheckContext
from bot.pipeline import CheckResult
from bot.settings import Settings, get_settings

Check = Callable[[CheckContext], list[CheckResult]]

# Slowest first, so the long runs start before the quick ones take the workers.
CHECKS: list[tuple[str, Check]] = [
    ("checkov", checkov.check),
    ("terraform validate", terraform_validate.check),
    ("zizmor", zizmor.check),
    ("workflow schema", workflow_schema.check),
    ("terraform fmt", terraform_fmt.check),
    ("hcl parse", hcl_parse.check),
    ("helm lint", helm_lint.check),
    ("helm render", helm_render.check),
    ("inputs", inputs.check),
    ("settings", placeholders.check),
]


def _guarded(name: str, check: Check, ctx: CheckContext) -> list[CheckResult]:
    try:
        return check(ctx)
    except Exception as exc:  # noqa: BLE001 - a crashing check is a failed check, never a crashed run
        return [CheckResult(name=name, passed=False, details=f"check crashed: {type(exc).__name__}: {exc}")]


def run_checks(env_dir: Path, repo_root: Path, settings: Settings | None = None) -> list[CheckResult]:
    """Every check on `env_dir` (an `environments/<name>` dir) inside `repo_root`, in CHECKS order."""
    settings = settings or get_settings()
    with tempfile.TemporaryDirectory(prefix="dev-agent-checks-") as scratch:
        ctx = CheckContext(env_dir=env_dir.resolve(), repo_root=repo_root.resolve(), workdir=Path(scratch), settings=settings)
        with ThreadPoolExecutor(max_workers=len(CHECKS)) as pool:
            futures = [pool.submit(_guarded, name, check, ctx) for name, check in CHECKS]
            return [result for future in futures for result in future.result()]


def check_files(files: dict[str, str], env_dir: str, settings: Settings | None = None) -> list[CheckResult]:
    """Write generated files (repository-relative paths) to a temp repository and check `env_dir` there."""
    from generators.output import write_tree

    with tempfile.TemporaryDirectory(prefix="dev-agent-generated-") as repo:
        write_tree(files, Path(repo))
        return run_checks(Path(repo) / env_dir, Path(repo), settings)
