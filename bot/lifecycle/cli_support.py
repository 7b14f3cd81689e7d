"""Options and output shared by the `apply`, `drift`, `expire` and `destroy` commands."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import typer

from bot.lifecycle.github import GitHubTarget, connect

OVERRIDE_HELP = ("A *_override.tf copied into the Terraform directory for this run only (tests, demos: "
                 "provider endpoints, local state). Repeatable.")


def github_options(token: str | None, repository: str | None, api_url: str | None) -> GitHubTarget | None:
    """The workflow-token client, or None (with a note) when no token/repository is set."""
    target = connect(token, repository, api_url)
    if target is None:
        progress("GitHub: no GITHUB_TOKEN/GITHUB_REPOSITORY; results are not reported")
    return target


def current_revision(env_dir: Path) -> str:
    """`GITHUB_SHA`, else the checkout's HEAD (empty when not a git checkout)."""
    if os.environ.get("GITHUB_SHA"):
        return os.environ["GITHUB_SHA"]
    proc = subprocess.run(["git", "-C", str(env_dir), "rev-parse", "HEAD"], capture_output=True, text=True, check=False)
    return proc.stdout.strip() if proc.returncode == 0 else ""


def event_pull() -> int | None:
    """The pull request a `pull_request` workflow run is about (`GITHUB_REF=refs/pull/<n>/merge`), else None."""
    match = re.fullmatch(r"refs/pull/([0-9]+)/merge", os.environ.get("GITHUB_REF", ""))
    return int(match.group(1)) if match else None


def progress(line: str) -> None:
    """Progress goes to stderr so `--json` output on stdout stays parseable."""
    print(line, file=sys.stderr, flush=True)


TOKEN = typer.Option(None, "--github-token", envvar="GITHUB_TOKEN", show_envvar=False, help="Token (default: GITHUB_TOKEN).")
REPOSITORY = typer.Option(None, "--repository", help="owner/name (default: GITHUB_REPOSITORY).")
API_URL = typer.Option(None, "--github-api-url", help="REST API base (default: GITHUB_API_URL).")
OVERRIDES = typer.Option([], "--override", help=OVERRIDE_HELP)
ACTOR = typer.Option("dev-agent", "--actor", envvar="GITHUB_ACTOR", show_envvar=False,
                     help="Who runs this, for the audit trail (default: GITHUB_ACTOR).")
