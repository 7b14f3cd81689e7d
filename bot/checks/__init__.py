"""Validators run on a generated environment, one module per check, run in parallel (threads + subprocesses).

`run_checks(env_dir, repo_root)` returns one CheckResult per result name, in CHECKS order. Each check
declares what it reads; its results are remembered under the hash of that (bot/checks/cache.py), so a
re-plan of an unchanged environment re-runs nothing and an amendment re-runs only the checks whose inputs
changed. checkov runs in a warm process per worker (bot/checks/warm.py) and `terraform validate` in a
directory initialised once per provider set (bot/checks/terraform_init.py). A check whose tool is missing
fails. Every result is announced as it finishes (bot/checks/progress.py).
"""

from __future__ import annotations

import contextvars
import logging
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import NamedTuple

from bot.checks import (
    checkov,
    hcl_parse,
    helm_lint,
    helm_render,
    inputs,
    placeholders,
    providers,
    terraform_fmt,
    terraform_init,
    terraform_validate,
    workflow_schema,
    zizmor,
)
from bot.checks.cache import Input, ResultCache, cache_key
from bot.checks.context import CheckContext
from bot.checks.progress import CheckEvent, emit
from bot.checks.tools import CheckIncomplete, find_tool
from bot.checks.warm import adopt_owner, owner, shared
from bot.pipeline.results import CheckResult
from bot.settings import Settings, get_settings
from generators.output import write_tree

log = logging.getLogger(__name__)


class Check(NamedTuple):
    """One check: the result names it produces, how it runs, and what its results depend on."""

    names: tuple[str, ...]
    run: Callable[[CheckContext], list[CheckResult]]
    reads: Callable[[CheckContext], list[Input]]

    @property
    def name(self) -> str:
        return " + ".join(self.names)


# Slowest first, so the long runs start before the quick ones take the workers.
CHECKS: list[Check] = [
    Check(("checkov terraform",), checkov.check_terraform, checkov.terraform_reads),
    Check(("checkov kubernetes",), checkov.check_kubernetes, checkov.kubernetes_reads),
    Check(("terraform validate",), terraform_validate.check, terraform_validate.reads),
    Check(("zizmor",), zizmor.check, zizmor.reads),
    Check(("workflow schema",), workflow_schema.check, workflow_schema.reads),
    Check(("terraform fmt",), terraform_fmt.check, terraform_fmt.reads),
    Check(("hcl parse",), hcl_parse.check, hcl_parse.reads),
    Check(("helm lint",), helm_lint.check, helm_lint.reads),
    Check(("helm render",), helm_render.check, helm_render.reads),
    Check(("inputs",), inputs.check, inputs.reads),
    Check(("settings",), placeholders.check, placeholders.reads),
]


def _failed(check: Check, details: str) -> list[CheckResult]:
    return [CheckResult(name=name, passed=False, details=details) for name in check.names]


def _run_one(check: Check, ctx: CheckContext, cache: ResultCache) -> list[CheckResult]:
    """The check's results: remembered ones when its inputs are unchanged, else a run (stored unless incomplete)."""
    started = time.perf_counter()
    try:
        key: str | None = cache_key(check.name, check.reads(ctx))
    except Exception:  # noqa: BLE001 - unreadable inputs: run the check, which reports the problem
        key = None
    results = cache.get(key) if key else None
    cached = results is not None
    if results is None:
        try:
            results = check.run(ctx)
        except CheckIncomplete as exc:
            results = _failed(check, str(exc))
        except Exception as exc:  # noqa: BLE001 - a crashing check is a failed check, never a crashed run
            results = _failed(check, f"check crashed: {type(exc).__name__}: {exc}")
        else:
            if key:
                cache.put(key, results)
    seconds = time.perf_counter() - started
    for result in results:
        emit(CheckEvent(name=result.name, passed=result.passed, skipped=bool(result.skipped_reason),
                        seconds=seconds, cached=cached))
    return results


def run_checks(env_dir: Path, repo_root: Path, settings: Settings | None = None) -> list[CheckResult]:
    """Every check on `env_dir` (an `environments/<name>` dir) inside `repo_root`, in CHECKS order."""
    settings = settings or get_settings()
    cache = ResultCache(settings.check_cache_dir if settings.check_cache else None)
    with tempfile.TemporaryDirectory(prefix="dev-agent-checks-") as scratch:
        ctx = CheckContext(env_dir=env_dir.resolve(), repo_root=repo_root.resolve(), workdir=Path(scratch),
                           settings=settings)
        with ThreadPoolExecutor(max_workers=len(CHECKS)) as pool:
            futures = [pool.submit(contextvars.copy_context().run, _run_one, check, ctx, cache) for check in CHECKS]
            return [result for future in futures for result in future.result()]


def check_files(files: dict[str, str], env_dir: str, settings: Settings | None = None) -> list[CheckResult]:
    """Write generated files (repository-relative paths) to a temp repository and check `env_dir` there."""
    with tempfile.TemporaryDirectory(prefix="dev-agent-generated-") as repo:
        write_tree(files, Path(repo))
        return run_checks(Path(repo) / env_dir, Path(repo), settings)


def warm_up(settings: Settings | None = None) -> None:
    """Start this process's warm checkov and initialise Terraform for the generators' provider sets (both at
    once), so the first job pays neither. An rq worker calls it before forking its work horses."""
    settings = settings or get_settings()
    if not settings.run_checks or not settings.warm_checks:
        return
    adopt_owner()
    with ThreadPoolExecutor(max_workers=2) as pool:
        for future in [pool.submit(_start_checkov, settings), pool.submit(_initialise_terraform, settings)]:
            try:
                future.result()
            except Exception as exc:  # noqa: BLE001 - the checks start what they need on first use instead
                log.warning("checks not warmed up: %s", exc)


def _start_checkov(settings: Settings) -> None:
    binary = find_tool(settings.checkov_bin)
    if binary:
        shared(binary, settings.checkov_max_rss_mb).ensure_started()


def _initialise_terraform(settings: Settings) -> None:
    for requirements in terraform_init.generator_requirements():
        prepared = terraform_init.prepared(requirements, settings.tool_timeout_seconds)
        providers.reattach(prepared, owner())
