"""Side effects of branch updates (REST ref writes, merges and git pushes): `push` webhooks and pull requests."""

from __future__ import annotations

from .core import SandboxCore
from .gitstore import CommitInfo
from .model import Repository, User, now

ZERO_SHA = "0" * 40
PUSH_COMMITS = 20  # commits listed in a push payload (head_commit is always there)


def branch_moved(
    core: SandboxCore, repo: Repository, ref: str, before: str | None, after: str | None, sender: User
) -> None:
    """Send ``push``, track PR head/base SHAs and send ``pull_request.synchronize`` when a PR's head branch gains
    commits."""
    if not ref.startswith("refs/heads/"):
        return
    pushed(core, repo, ref, before, after, sender)
    if after is None:
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


def _push_commit(shapes, repo: Repository, info: CommitInfo) -> dict:
    """A commit as push payloads list it: files added/removed/modified against its first parent."""
    files: dict[str, list[str]] = {"added": [], "removed": [], "modified": []}
    for change in repo.git.diff(info.parents[0] if info.parents else None, info.sha):
        files["added" if change.status == "added" else "removed" if change.status == "removed" else "modified"].append(
            change.filename)
    return {
        "id": info.sha,
        "tree_id": info.tree,
        "distinct": True,
        "message": info.message.rstrip("\n"),
        "timestamp": info.committer.date,
        "url": f"{shapes.urls.web}/{repo.full_name}/commit/{info.sha}",
        "author": {"name": info.author.name, "email": info.author.email},
        "committer": {"name": info.committer.name, "email": info.committer.email},
        **files,
    }


def pushed(core: SandboxCore, repo: Repository, ref: str, before: str | None, after: str | None, sender: User) -> None:
    """Send ``push`` for a branch that moved (created: no ``before``; deleted: no ``after``)."""
    old, new = before or ZERO_SHA, after or ZERO_SHA
    commits: list[CommitInfo] = []
    if after is not None:
        # new commits: since `before`, or (a new branch) those on no other branch
        others = [sha for name, sha in repo.git.refs("refs/heads/").items() if name != ref]
        listed = repo.git.git("rev-list", "--reverse", after, "--not", *([before] if before else others))
        commits = [repo.git.read_commit(sha) for sha in listed.decode().split()]
    forced = bool(before and after and not repo.git.is_ancestor(before, after))
    head = repo.git.read_commit(after) if after else None

    def build(shapes) -> dict:
        web = f"{shapes.urls.web}/{repo.full_name}"
        return {
            "ref": ref,
            "before": old,
            "after": new,
            "created": before is None,
            "deleted": after is None,
            "forced": forced,
            "base_ref": None,
            "compare": f"{web}/compare/{old[:12]}...{new[:12]}" if before else f"{web}/commit/{new[:12]}",
            "commits": [_push_commit(shapes, repo, c) for c in commits[-PUSH_COMMITS:]],
            "head_commit": _push_commit(shapes, repo, head) if head else None,
            "pusher": {"name": sender.login, "email": sender.email},
        }

    core.emit("push", repo, sender, build)
