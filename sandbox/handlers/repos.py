"""Repository metadata, collaborators and their permission, contents, branches and commits."""

from __future__ import annotations

from ..context import Ctx
from ..errors import ApiError, not_found
from ..routing import route


@route("GET", "/repos/{owner}/{repo}")
def get_repo(ctx: Ctx):
    repo = ctx.repo()
    permission = None
    if ctx.identity.kind == "user":
        permission = ctx.state.permission(ctx.identity.user, repo)
    return 200, ctx.shapes.repo(repo, full=True, permission=permission)


@route("GET", "/repos/{owner}/{repo}/collaborators/{username}")
def is_collaborator(ctx: Ctx):
    """204 when the user has an explicit role on the repository (owner or collaborator), else 404 (no body, as
    GitHub's description says)."""
    repo = ctx.repo()
    user = ctx.state.user(ctx.params["username"])
    if user is None or ctx.state.explicit_permission(user, repo) is None:
        return 404, None
    return 204, None


@route("GET", "/repos/{owner}/{repo}/collaborators/{username}/permission")
def collaborator_permission(ctx: Ctx):
    repo = ctx.repo()
    user = ctx.state.user(ctx.params["username"])
    if user is None:
        raise not_found()
    role = ctx.state.permission(user, repo)
    legacy = {"maintain": "write", "triage": "read"}.get(role, role)
    shape = ctx.shapes.user(user)
    level = ["read", "triage", "write", "maintain", "admin"]
    rank = level.index(role) if role in level else -1
    shape["permissions"] = {
        "pull": rank >= 0,
        "triage": rank >= 1,
        "push": rank >= 2,
        "maintain": rank >= 3,
        "admin": rank >= 4,
    }
    shape["role_name"] = role
    return 200, {"permission": legacy, "role_name": role, "user": shape}


def _commitish(ctx: Ctx, repo, rev: str | None) -> str:
    sha = repo.git.resolve_commit(rev or repo.default_branch)
    if sha is None:
        raise ApiError(404, f"No commit found for the ref {rev}")
    return sha


@route("GET", "/repos/{owner}/{repo}/contents/{path}")
def get_contents(ctx: Ctx):
    repo = ctx.repo("contents")
    ref = ctx.query.get("ref") or repo.default_branch
    commit = _commitish(ctx, repo, ref)
    path = ctx.params["path"].strip("/")
    entry = repo.git.entry_at(commit, path)
    if entry is None:
        raise not_found()
    if entry.type == "tree":
        children = repo.git.ls_tree(f"{commit}:{path}" if path else commit)
        listing = []
        for child in children:
            child = type(child)(child.mode, child.type, child.sha, f"{path}/{child.path}".strip("/"), child.size)
            listing.append(ctx.shapes.content_entry(repo, child, ref))
        return 200, listing
    return 200, ctx.shapes.content_entry(repo, entry, ref, repo.git.read_blob(entry.sha))


@route("GET", "/repos/{owner}/{repo}/branches/{branch}")
def get_branch(ctx: Ctx):
    repo = ctx.repo("contents")
    name = ctx.params["branch"]
    sha = repo.git.ref(f"refs/heads/{name}")
    if sha is None:
        raise ApiError(404, "Branch not found")
    return 200, ctx.shapes.branch(repo, name, repo.git.read_commit(sha))


@route("GET", "/repos/{owner}/{repo}/commits/{ref}")
def get_commit(ctx: Ctx):
    repo = ctx.repo("contents")
    sha = repo.git.resolve_commit(ctx.params["ref"])
    if sha is None:
        raise ApiError(422, f"No commit found for SHA: {ctx.params['ref']}")
    info = repo.git.read_commit(sha)
    parent = info.parents[0] if info.parents else None
    files = repo.git.diff(parent, sha)
    return 200, ctx.shapes.commit(repo, info, files)
