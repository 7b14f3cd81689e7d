"""Side effects of branch updates (REST ref writes, merges and git pushes) on pull requests."""

from __future__ import annotations

from .core import SandboxCore
from .model import Repository, User, now


def branch_moved(
    core: SandboxCore, repo: Repository, ref: str, before: str | None, after: str | None, sender: User
) -> None:
    """Track PR head/base SHAs and send ``pull_request.synchronize`` when a PR's head branch gains commits."""
    if not ref.startswith("refs/heads/") or after is None:
        return
    branch = ref.removeprefix("refs/heads/")
    repo.pushed_at = now()
    for issue in repo.issues.values():
        pull = issue.pull
        if pull is None or issue.state != "open":
            continue
        if pull.base_ref == branch:
            pull.base_sha = after
        if pull.head_ref == branch and pull.head_sha != after:
            previous = pull.head_sha
            pull.head_sha = after
            issue.updated_at = now()

            def build(shapes, issue=issue, previous=previous):
                return {
                    "action": "synchronize",
                    "number": issue.number,
                    "before": previous,
                    "after": after,
                    "pull_request": shapes.pull(repo, issue),
                }

            core.emit("pull_request", repo, sender, build)
