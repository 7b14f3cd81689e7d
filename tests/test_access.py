"""What a signed-in person may see (bot/api/access.py): GitHub's collaborator answer, kept a short while."""

from __future__ import annotations

from github import GithubException

from bot.api.access import RepositoryAccess


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_answers_are_kept_for_the_cache_time_then_asked_again() -> None:
    collaborators = {("octo/web", "alice")}
    asked: list[tuple[int, str, str]] = []

    def is_collaborator(installation: int, repository: str, login: str) -> bool:
        asked.append((installation, repository, login))
        return (repository, login) in collaborators

    clock = Clock()
    access = RepositoryAccess(lambda repo: 7 if repo.startswith("octo/") else None, is_collaborator, 60, clock)
    assert access.allows("alice", "octo/web") and access.allows("Alice", "OCTO/web")  # case-insensitive, cached
    assert asked == [(7, "octo/web", "alice")]
    collaborators.clear()  # removed on GitHub
    clock.now = 59
    assert access.allows("alice", "octo/web")  # still within the minute
    clock.now = 61
    assert not access.allows("alice", "octo/web")  # asked again: gone
    assert len(asked) == 2


def test_nobody_sees_a_repository_the_app_does_not_serve_or_when_github_cannot_answer() -> None:
    def failing(installation: int, repository: str, login: str) -> bool:
        raise GithubException(502, {"message": "bad gateway"}, None)

    assert not RepositoryAccess(lambda repo: None, lambda *_: True).allows("alice", "elsewhere/web")
    assert not RepositoryAccess(lambda repo: 7, failing).allows("alice", "octo/web")
    assert not RepositoryAccess(lambda repo: 7, lambda *_: True).allows("", "octo/web")  # an OIDC person without login
