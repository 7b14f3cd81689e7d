"""Running cloud CLIs (gcloud, az) for the GCP and Azure bootstraps: argument lists only, look before create."""

from __future__ import annotations

import shlex
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass

from bot.bootstrap import BootstrapError, BootstrapResult

Runner = Callable[[list[str]], subprocess.CompletedProcess[str]]


def default_runner(args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, timeout=300, check=False)


@dataclass(frozen=True)
class Step:
    """Make sure `what` exists: `exists` succeeds when it does; else (or always, for settings) run `apply`."""

    what: str
    apply: list[str]
    exists: list[str] | None = None


class Cli:
    """One CLI (gcloud or az), run for real or, with `dry_run`, only listed in the result."""

    def __init__(self, tool: str, result: BootstrapResult, dry_run: bool, runner: Runner | None = None):
        if not dry_run and runner is None and shutil.which(tool) is None:
            raise BootstrapError(f"{tool} is not installed; install it and log in, or run with --dry-run to see "
                                 "the commands")
        self.result, self.dry_run, self.runner = result, dry_run, runner or default_runner

    def ensure(self, step: Step) -> None:
        if self.dry_run:
            check = f"(unless `{shlex.join(step.exists)}` succeeds) " if step.exists else ""
            self.result.actions.append(f"would run {check}{shlex.join(step.apply)}")
            return
        if step.exists is not None and self.runner(step.exists).returncode == 0:
            self.result.actions.append(f"exists  {step.what}")
            return
        proc = self.runner(step.apply)
        if proc.returncode != 0:
            raise BootstrapError(f"{step.what}: {shlex.join(step.apply)} failed: {(proc.stderr or '').strip()[:500]}")
        self.result.actions.append(f"{'ensured' if step.exists is None else 'created'} {step.what}")

    def lookup(self, args: list[str]) -> str:
        """The first line the CLI prints, or "" when it prints nothing or fails (or in a dry run)."""
        if self.dry_run:
            return ""
        proc = self.runner(args)
        return proc.stdout.strip().splitlines()[0] if proc.returncode == 0 and proc.stdout.strip() else ""

    def value(self, args: list[str], placeholder: str) -> str:
        """One value read with the CLI (`placeholder` in a dry run)."""
        if self.dry_run:
            return placeholder
        proc = self.runner(args)
        if proc.returncode != 0 or not proc.stdout.strip():
            raise BootstrapError(f"{shlex.join(args)} failed: {(proc.stderr or '').strip()[:500]}")
        return str(proc.stdout).strip().splitlines()[0]
