"""What a signed-in person may see, asked of GitHub on every request: a GitHub login sees a repository's
environments while it is a collaborator of that repository (an explicit role, as GitHub's "Check if a user is a
repository collaborator" answers it for the App's installation). Answers are kept for a short while
(`DEV_AGENT_ACCESS_CACHE_SECONDS`, 60 s by default), so access taken away on GitHub disappears from the dashboard
and the API within that time, without signing out."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from github import GithubException

from bot.api.keys import InstallationOf

log = logging.getLogger(__name__)
MAX_CACHED = 10_000  # (login, repository) answers kept per process before the oldest are dropped
# is_collaborator(installation id, repository, login) -> True (explicit role) / False (none); raises when unsure
IsCollaborator = Callable[[int, str, str], bool]


class RepositoryAccess:
    """`allows(login, repository)`: the repository is served by the App and the login is its collaborator now
    (cached `ttl` seconds). When GitHub cannot answer, access is refused for that request (never guessed)."""

    def __init__(self, installation_of: InstallationOf, is_collaborator: IsCollaborator, ttl: float = 60.0,
                 clock: Callable[[], float] = time.monotonic):
        self.installation_of = installation_of
        self.is_collaborator = is_collaborator
        self.ttl = ttl
        self.clock = clock
        self._answers: dict[tuple[str, str], tuple[float, bool]] = {}
        self._lock = threading.Lock()

    def allows(self, login: str, repository: str | None) -> bool:
        if not login or not repository:
            return False
        key = (login.lower(), repository.lower())
        now = self.clock()
        with self._lock:
            cached = self._answers.get(key)
        if cached is not None and now - cached[0] < self.ttl:
            return cached[1]
        try:
            installation = self.installation_of(repository)
            answer = installation is not None and self.is_collaborator(installation, repository, login)
        except (GithubException, OSError) as exc:
            log.warning("could not ask GitHub whether %s may see %s: %s", login, repository, type(exc).__name__)
            return False
        with self._lock:
            if len(self._answers) >= MAX_CACHED:
                self._answers.clear()
            self._answers[key] = (now, answer)
        return answer


def github_is_collaborator(app: Any) -> IsCollaborator:
    """is_collaborator through the App's installation token (`GET /repos/{o}/{r}/collaborators/{login}`)."""

    def is_collaborator(installation: int, repository: str, login: str) -> bool:
        return bool(app.client(installation).get_repo(repository, lazy=True).has_in_collaborators(login))

    return is_collaborator


def no_access() -> RepositoryAccess:
    """A RepositoryAccess that lets no person see anything (no GitHub App to ask: API keys only)."""
    return RepositoryAccess(lambda _repository: None, lambda _installation, _repository, _login: False)
