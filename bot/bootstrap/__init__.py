"""`dev-agent bootstrap --cloud aws|gcp|azure`: create, idempotently, what the generated workflows need.

Per cloud: the Terraform state store (versioned, encrypted with a customer-managed key, never public, locked by
Terraform's own lock file) and two identities GitHub Actions logs in as through OIDC, trusted only by one
repository: a read-only plan identity for pull requests and a deploy identity for the default branch and the
`production` environment. The result lists the bot settings and repository variables to set (docs/install.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.errors import ToolError

REPOSITORY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}$")
BRANCH = re.compile(r"^[A-Za-z0-9._/-]{1,100}$")
GITHUB_ISSUER = "https://token.actions.githubusercontent.com"


class BootstrapError(ToolError):
    """A failed cloud call or tool; the message says which."""


class BootstrapInputError(BootstrapError):
    """Bad input (nothing was called)."""


@dataclass
class Target:
    """Whom the identities trust: one repository, its default branch, and the `production` environment."""

    repository: str
    default_branch: str = "main"
    issuer: str = GITHUB_ISSUER

    def __post_init__(self) -> None:
        if not REPOSITORY.match(self.repository):
            raise BootstrapInputError(f"--repository {self.repository!r}: expected owner/name")
        if not BRANCH.match(self.default_branch) or ".." in self.default_branch:
            raise BootstrapInputError(f"--default-branch {self.default_branch!r}: not a branch name")

    @property
    def plan_subjects(self) -> list[str]:
        """OIDC `sub` claims of the plan jobs: pull requests, and plan-production (environment: production)."""
        return [f"repo:{self.repository}:pull_request", f"repo:{self.repository}:environment:production"]

    @property
    def deploy_subjects(self) -> list[str]:
        """OIDC `sub` claims of the deploy jobs: pushes to the default branch and the production environment."""
        return [f"repo:{self.repository}:ref:refs/heads/{self.default_branch}",
                f"repo:{self.repository}:environment:production"]


@dataclass
class BootstrapResult:
    """What was created or found, and what to configure."""

    cloud: str
    dry_run: bool = False
    actions: list[str] = field(default_factory=list)  # "created ..." / "exists ..." / "updated ..."
    settings: dict[str, str] = field(default_factory=dict)  # bot settings (DEV_AGENT_*)
    variables: dict[str, str] = field(default_factory=dict)  # repository variables (vars.*)

    def text(self, repository: str) -> str:
        """What a person reads after the run."""
        state = "dry run, nothing was changed" if self.dry_run else "done"
        lines = [f"dev-agent bootstrap --cloud {self.cloud}: {state}", "", *[f"  {a}" for a in self.actions], "",
                 "Set these bot settings (environment of `dev-agent serve`/`worker`, e.g. the Helm chart's values):"]
        lines += [f"  {k}={v}" for k, v in self.settings.items()]
        lines.append("")
        if self.variables:
            lines.append("Set these repository variables (Settings > Secrets and variables > Actions > Variables):")
            lines += [f"  gh variable set {k} --repo {repository} --body '{v}'" for k, v in self.variables.items()]
        else:
            lines.append("Repository variables: none needed for this cloud.")
        lines += ["", "Create the `production` environment (Settings > Environments) with required reviewers and a",
                  "deployment branch rule for the default branch only: its jobs get the deploy identity.",
                  "Then re-plan the environments (`/dev-agent plan`) so the workflows use the new values."]
        return "\n".join(lines) + "\n"
