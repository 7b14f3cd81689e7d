"""Git data API (refs, commits, trees, blobs) over the bare repository."""

from __future__ import annotations

import base64
import binascii
import re
import subprocess

from ..context import Ctx
from ..errors import ApiError, invalid, not_found
from ..events import branch_moved
from ..gitstore import GitError, Person
from ..model import iso, now
from ..routing import route

MODES = {"100644": "blob", "100755": "blob", "120000": "blob", "040000": "tree", "160000": "commit"}
SHA = re.compile(r"^[0-9a-f]{40}$")


def _full_ref(ref: str) -> str:
    return ref if ref.startswith("refs/") else f"refs/{ref}"


@route("GET", "/repos/{owner}/{repo}/git/ref/{ref}")
def get_ref(ctx: Ctx):
    repo = ctx.repo("contents")
    name = _full_ref(ctx.params["ref"])
    sha = repo.git.ref(name)
    if sha is None:
        raise not_found()
    return 200, ctx.shapes.git_ref(repo, name, sha)


@route("GET", "/repos/{owner}/{repo}/git/matching-refs/{ref}")
def matching_refs(ctx: Ctx):
    repo = ctx.repo("contents")
    prefix = _full_ref(ctx.params["ref"])
    refs = sorted((n, s) for n, s in repo.git.refs().items() if n.startswith(prefix))
    return 200, [ctx.shapes.git_ref(repo, n, s) for n, s in refs]


def _commit_sha(ctx: Ctx, repo, value) -> str:
    if not isinstance(value, str) or not SHA.match(value) or repo.git.object_type(value) != "commit":
        raise ApiError(422, "Object does not exist")
    return value


@route("POST", "/repos/{owner}/{repo}/git/refs")
def create_ref(ctx: Ctx):
    repo = ctx.repo("contents", "write")
    body = ctx.json()
    name, sha = body.get("ref"), body.get("sha")
    if not isinstance(name, str) or not name.startswith("refs/") or name.count("/") < 2:
        raise ApiError(422, "Reference name is invalid")
    if not _valid_ref(name):
        raise ApiError(422, "Reference name is invalid")
    sha = _commit_sha(ctx, repo, sha)
    if repo.git.ref(name) is not None:
        raise ApiError(422, "Reference already exists")
    repo.git.update_ref(name, sha, "0" * 40)
    branch_moved(ctx.core, repo, name, None, sha, ctx.actor())
    ctx.headers["Location"] = f"{ctx.urls.repo(repo)}/git/{name}"
    return 201, ctx.shapes.git_ref(repo, name, sha)


def _valid_ref(name: str) -> bool:
    return subprocess.run(["git", "check-ref-format", name], capture_output=True, check=False).returncode == 0


@route("PATCH", "/repos/{owner}/{repo}/git/refs/{ref}")
def update_ref(ctx: Ctx):
    repo = ctx.repo("contents", "write")
    name = _full_ref(ctx.params["ref"])
    body = ctx.json()
    sha = _commit_sha(ctx, repo, body.get("sha"))
    current = repo.git.ref(name)
    if current is None:
        raise ApiError(422, "Reference does not exist")
    if not body.get("force") and not repo.git.is_ancestor(current, sha):
        raise ApiError(422, "Update is not a fast forward")
    repo.git.update_ref(name, sha, current)
    branch_moved(ctx.core, repo, name, current, sha, ctx.actor())
    return 200, ctx.shapes.git_ref(repo, name, sha)


@route("DELETE", "/repos/{owner}/{repo}/git/refs/{ref}")
def delete_ref(ctx: Ctx):
    repo = ctx.repo("contents", "write")
    name = _full_ref(ctx.params["ref"])
    if repo.git.ref(name) is None:
        raise ApiError(422, "Reference does not exist", bodyless=True)
    repo.git.delete_ref(name)
    return 204, None


def _person(value, fallback: Person, field: str) -> Person:
    if value is None:
        return fallback
    if not isinstance(value, dict) or not value.get("name") or not value.get("email"):
        raise invalid("Commit", field, "missing_field", f"{field} needs name and email")
    return Person(value["name"], value["email"], value.get("date") or fallback.date)


@route("POST", "/repos/{owner}/{repo}/git/commits")
def create_commit(ctx: Ctx):
    repo = ctx.repo("contents", "write")
    body = ctx.json()
    message, tree, parents = body.get("message"), body.get("tree"), body.get("parents", [])
    if not isinstance(message, str):
        raise invalid("Commit", "message", "missing_field")
    if not isinstance(tree, str) or repo.git.object_type(tree) != "tree":
        raise ApiError(422, "Tree SHA does not exist")
    if not isinstance(parents, list) or any(
        not isinstance(p, str) or repo.git.object_type(p) != "commit" for p in parents
    ):
        raise ApiError(422, "Parent SHA does not exist or is not a commit object")
    actor = ctx.actor()
    default = Person(
        actor.name or actor.login, actor.email or f"{actor.id}+{actor.login}@users.noreply.github.com", iso(now())
    )
    author = _person(body.get("author"), default, "author")
    committer = _person(body.get("committer"), author if body.get("author") else default, "committer")
    try:
        sha = repo.git.commit_tree(tree, parents, message, author, committer)
    except GitError as exc:
        raise ApiError(422, f"Invalid commit: {exc}") from None
    ctx.headers["Location"] = f"{ctx.urls.repo(repo)}/git/commits/{sha}"
    return 201, ctx.shapes.git_commit(repo, repo.git.read_commit(sha))


@route("GET", "/repos/{owner}/{repo}/git/commits/{commit_sha}")
def get_git_commit(ctx: Ctx):
    repo = ctx.repo("contents")
    sha = ctx.params["commit_sha"]
    if not SHA.match(sha) or repo.git.object_type(sha) != "commit":
        raise not_found()
    return 200, ctx.shapes.git_commit(repo, repo.git.read_commit(sha))


def _tree_entry(repo, entry, index: int) -> dict:
    if not isinstance(entry, dict) or not isinstance(entry.get("path"), str) or not entry["path"].strip("/"):
        raise invalid("Tree", f"tree[{index}].path", "missing_field")
    mode = entry.get("mode", "100644")
    kind = entry.get("type", MODES.get(mode))
    if MODES.get(mode) != kind:
        raise ApiError(422, f"tree.{index}.mode contains a malformed mode: {mode}")
    if "content" in entry and entry.get("content") is not None:
        if kind != "blob":
            raise ApiError(422, f"tree.{index}.content may only be set for blobs")
        sha = repo.git.hash_blob(str(entry["content"]).encode())
    elif "sha" in entry:
        sha = entry["sha"]
        if sha is not None and (not isinstance(sha, str) or repo.git.object_type(sha) != kind):
            raise ApiError(422, f"tree.sha {sha} is not a valid {kind}")
    else:
        raise ApiError(422, f"Must supply either tree.sha or tree.content for tree.{index}")
    return {"path": entry["path"], "mode": mode, "type": kind, "sha": sha}


@route("POST", "/repos/{owner}/{repo}/git/trees")
def create_tree(ctx: Ctx):
    repo = ctx.repo("contents", "write")
    body = ctx.json()
    entries = body.get("tree")
    if not isinstance(entries, list):
        raise invalid("Tree", "tree", "missing_field")
    base_tree = body.get("base_tree")
    if base_tree is not None and repo.git.object_type(base_tree) not in ("tree", "commit"):
        raise ApiError(422, "base_tree is not a valid tree oid")
    parsed = [_tree_entry(repo, e, i) for i, e in enumerate(entries)]
    sha = repo.git.build_tree(base_tree, parsed)
    ctx.headers["Location"] = f"{ctx.urls.repo(repo)}/git/trees/{sha}"
    return 201, ctx.shapes.git_tree(repo, sha, repo.git.ls_tree(sha))


@route("GET", "/repos/{owner}/{repo}/git/trees/{tree_sha}")
def get_tree(ctx: Ctx):
    repo = ctx.repo("contents")
    sha = ctx.params["tree_sha"]
    resolved = sha if repo.git.object_type(sha) == "tree" else None
    if resolved is None:
        commit = repo.git.resolve_commit(sha)
        resolved = repo.git.read_commit(commit).tree if commit else None
    if resolved is None:
        raise not_found()
    recursive = ctx.query.get("recursive") not in (None, "", "0", "false")
    return 200, ctx.shapes.git_tree(repo, resolved, repo.git.ls_tree(resolved, recursive))


@route("POST", "/repos/{owner}/{repo}/git/blobs")
def create_blob(ctx: Ctx):
    repo = ctx.repo("contents", "write")
    body = ctx.json()
    content, encoding = body.get("content"), body.get("encoding", "utf-8")
    if not isinstance(content, str):
        raise invalid("Blob", "content", "missing_field")
    if encoding == "base64":
        try:
            data = base64.b64decode(content, validate=False)
        except binascii.Error:
            raise invalid("Blob", "content", "invalid", "content is not valid Base64") from None
    elif encoding in ("utf-8", "utf8"):
        data = content.encode()
    else:
        raise invalid("Blob", "encoding", "invalid", f"encoding {encoding} is not supported")
    sha = repo.git.hash_blob(data)
    ctx.headers["Location"] = f"{ctx.urls.repo(repo)}/git/blobs/{sha}"
    return 201, {"url": f"{ctx.urls.repo(repo)}/git/blobs/{sha}", "sha": sha}


@route("GET", "/repos/{owner}/{repo}/git/blobs/{file_sha}")
def get_blob(ctx: Ctx):
    repo = ctx.repo("contents")
    sha = ctx.params["file_sha"]
    if not SHA.match(sha) or repo.git.object_type(sha) != "blob":
        raise not_found()
    return 200, ctx.shapes.blob(repo, sha, repo.git.read_blob(sha))
