"""Open a request issue on behalf of an API caller, as the App installation of the target repository."""

from __future__ import annotations

from typing import Any

from bot.api import RequestOpener

REQUEST_LABEL = "environment-request"


def github_request_opener(ctx: Any, app: Any) -> RequestOpener:
    """open_request for the API: checks `requested_by` like an issue author, then files the issue.

    `ctx` is a JobContext (its org policy), `app` a bot.github_app.GitHubApp.
    """
    from bot.authz import refusal
    from bot.github_writer import RepositoryWriter
    from bot.retry import call_with_backoff

    def open_request(repository: str, requested_by: str, title: str, body: str) -> str:
        owner, name = repository.split("/", 1)
        try:
            installation = call_with_backoff(lambda: app.integration.get_repo_installation(owner, name))
        except Exception as exc:  # noqa: BLE001 - PyGithub raises UnknownObjectException and friends
            raise PermissionError(f"the dev-agent App is not installed on {repository}") from exc
        writer = RepositoryWriter(app.client(installation.id), repository)
        reason = refusal(ctx, writer, requested_by, "request")
        if reason:
            raise PermissionError(reason)
        issue = writer.repo.create_issue(title=title, body=_with_requester(body, requested_by), labels=[REQUEST_LABEL])
        return issue.html_url

    return open_request


def _with_requester(body: str, requested_by: str) -> str:
    return f"{body}\n\n_Requested through the dev-agent API for @{requested_by}._\n"
