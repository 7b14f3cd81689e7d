"""Open a request issue on behalf of an API caller, as the App installation of the target repository."""

from __future__ import annotations

import uuid
from typing import Any

from github import GithubException

from bot.api.keys import InstallationOf
from bot.api.routes import OpenedRequest, RequestOpener
from bot.github.app import GitHubApp
from bot.github.authz import PolicyContext, refusal
from bot.github.retry import call_with_backoff
from bot.github.writer import RepositoryWriter
from bot.intake.webhooks import Delivery
from bot.request.issue_form import API_NOTE

REQUEST_LABEL = "environment-request"


def github_request_opener(ctx: PolicyContext, app: GitHubApp) -> RequestOpener:
    """open_request for the API: checks `requested_by` like an issue author, then files the issue.

    `ctx` gives the org policy (a JobContext). The returned delivery is the
    `issues.opened` event the App's own webhook would have been, sent by the requester, so the usual
    handler plans it (and checks the requester again) in a worker.
    """
    def open_request(repository: str, requested_by: str, title: str, body: str) -> OpenedRequest:
        owner, name = repository.split("/", 1)
        try:
            installation = call_with_backoff(lambda: app.integration.get_repo_installation(owner, name))
        except Exception as exc:  # PyGithub raises UnknownObjectException and friends
            raise PermissionError(f"the dev-agent App is not installed on {repository}") from exc
        writer = RepositoryWriter(app.client(installation.id), repository, authors={app.bot_login()})
        reason = refusal(ctx, writer, requested_by, "request")
        if reason:
            raise PermissionError(reason)
        issue = writer.repo.create_issue(title=title, body=_with_requester(body, requested_by), labels=[REQUEST_LABEL])
        return OpenedRequest(issue.html_url, plan_delivery(issue.raw_data, writer.repo.raw_data, installation.id,
                                                           requested_by))

    return open_request


def plan_delivery(issue: dict[str, Any], repository: dict[str, Any], installation_id: int, requester: str) -> Delivery:
    """An `issues.opened` delivery for an issue the App filed, sent by the person it was filed for."""
    payload = {"action": "opened", "issue": issue, "repository": repository, "installation": {"id": installation_id},
               "sender": {"login": requester, "type": "User"}}
    return Delivery(id=f"api-{uuid.uuid4()}", event="issues", payload=payload)


def _with_requester(body: str, requested_by: str) -> str:
    return f"{API_NOTE.format(login=requested_by)}\n\n{body}"


def github_installation_of(app: Any) -> InstallationOf:
    """installation_of for key scopes: the App installation serving a repository (GET /repos/{o}/{r}/installation),
    cached once found; None when the App is not installed there."""

    found: dict[str, int] = {}

    def installation_of(repository: str) -> int | None:
        repo = repository.lower()
        if repo not in found:
            owner, _, name = repository.partition("/")
            try:
                found[repo] = int(call_with_backoff(lambda: app.integration.get_repo_installation(owner, name)).id)
            except GithubException:  # 404 UnknownObjectException: not installed there
                return None
        return found[repo]

    return installation_of
