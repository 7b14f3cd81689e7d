"""The CLI's GitHub side: the workflow token client and where an environment's PR and request issue are.

Authenticates like a workflow step: `GITHUB_TOKEN`, `GITHUB_REPOSITORY`, `GITHUB_API_URL` (flags override).
Every write goes through `RepositoryWriter`, the same client code the bot uses.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from github import Auth, Github, GithubException

from bot.github.branches import bot_branch
from bot.github.writer import RepositoryWriter
from bot.request.markers import request_of
from bot.settings import get_settings

APPLIED_REF = "dev-agent/applied/{name}"


@dataclass
class GitHubTarget:
    """A repository writer plus the default branch."""

    writer: RepositoryWriter
    default_branch: str

    def environment_threads(self, name: str) -> tuple[int | None, int | None]:
        """(merged PR, request issue) of the environment: the last merged `dev-agent/<name>` PR and the issue it names."""
        for pull in self.writer.repo.get_pulls(state="closed", head=f"{self.writer.full_name.split('/')[0]}:{bot_branch('request', name)}"):
            if pull.merged:
                return pull.number, request_of(pull, self.writer.authors)
        return None, None


def token_authors(gh: Github) -> frozenset[str]:
    """Whose objects the CLI may treat as dev-agent's: the App's bot user (DEV_AGENT_BOT_LOGIN) and whoever the
    token is: the token's user when GET /user answers (a person running the CLI by hand), else
    `github-actions[bot]` (a workflow's GITHUB_TOKEN, which GET /user refuses)."""
    try:
        me = gh.get_user().login
    except GithubException:
        me = "github-actions[bot]"
    return frozenset({get_settings().bot_login, me})


def connect(token: str | None = None, repository: str | None = None, api_url: str | None = None) -> GitHubTarget | None:
    """A target from flags or the Actions environment; None when no token/repository is available."""
    token = token or os.environ.get("GITHUB_TOKEN")
    repository = repository or os.environ.get("GITHUB_REPOSITORY")
    api_url = api_url or os.environ.get("GITHUB_API_URL") or "https://api.github.com"
    if not token or not repository:
        return None
    gh = Github(base_url=api_url, auth=Auth.Token(token), seconds_between_requests=0, seconds_between_writes=0)
    writer = RepositoryWriter(gh, repository, authors=token_authors(gh))
    return GitHubTarget(writer=writer, default_branch=writer.repo.default_branch or "main")
