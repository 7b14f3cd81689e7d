"""Pull requests: open, list, edit, files, and real merges (merge commit, squash, fast-forward rebase)."""

from __future__ import annotations

from ..context import Ctx
from ..errors import ApiError, invalid, not_found
from ..events import branch_moved
from ..gitstore import Person
from ..model import Issue, PullData, Repository, iso, now
from ..routing import route
from .issues import edit_issue, emit_issue


def _pull(ctx: Ctx, repo: Repository) -> Issue:
    issue = repo.issues.get(ctx.int_param("pull_number"))
    if issue is None or issue.pull is None:
        raise not_found()
    return issue


def _branch(value: str, repo: Repository) -> str:
    owner, sep, branch = value.partition(":")
    if sep and owner.lower() != repo.owner.login.lower():
        return ""
    return branch if sep else value


@route("GET", "/repos/{owner}/{repo}/pulls")
def list_pulls(ctx: Ctx):
    repo = ctx.repo("pull_requests")
    state = ctx.query.get("state", "open")
    if state not in ("open", "closed", "all"):
        raise invalid("PullRequest", "state", "invalid")
    head = _branch(ctx.query["head"], repo) if ctx.query.get("head") else None
    base = ctx.query.get("base")
    found = [
        i
        for i in repo.issues.values()
        if i.pull
        and state in ("all", i.state)
        and (head is None or i.pull.head_ref == head)
        and (base is None or i.pull.base_ref == base)
    ]
    found.sort(key=lambda i: i.number, reverse=ctx.query.get("direction", "desc") == "desc")
    return 200, [ctx.shapes.pull(repo, i) for i in ctx.paginate(found)]


@route("POST", "/repos/{owner}/{repo}/pulls")
def create_pull(ctx: Ctx):
    repo = ctx.repo("pull_requests", "read" if ctx.identity.kind == "user" else "write")
    body = ctx.json()
    head_ref = _branch(str(body.get("head") or ""), repo)
    base_ref = str(body.get("base") or "")
    title = body.get("title")
    if not isinstance(title, str) or not title.strip():
        raise invalid("PullRequest", "title", "missing_field")
    head_sha = repo.git.ref(f"refs/heads/{head_ref}") if head_ref else None
    base_sha = repo.git.ref(f"refs/heads/{base_ref}") if base_ref else None
    if head_sha is None:
        raise invalid("PullRequest", "head", "invalid")
    if base_sha is None:
        raise invalid("PullRequest", "base", "invalid")
    if repo.git.is_ancestor(head_sha, base_sha):
        raise ApiError(
            422,
            "Validation Failed",
            [{"resource": "PullRequest", "code": "custom", "message": f"No commits between {base_ref} and {head_ref}"}],
        )
    if any(
        i.pull and i.state == "open" and i.pull.head_ref == head_ref and i.pull.base_ref == base_ref
        for i in repo.issues.values()
    ):
        raise ApiError(
            422,
            "Validation Failed",
            [
                {
                    "resource": "PullRequest",
                    "code": "custom",
                    "message": f"A pull request already exists for {repo.owner.login}:{head_ref}.",
                }
            ],
        )
    issue = Issue(
        ctx.state.new_id(),
        ctx.state.new_id(),
        repo.next_number(),
        title,
        body.get("body"),
        ctx.actor(),
        app=ctx.identity.app if ctx.identity.kind == "installation" else None,
        pull=PullData(
            head_ref,
            head_sha,
            base_ref,
            base_sha,
            draft=bool(body.get("draft")),
            maintainer_can_modify=bool(body.get("maintainer_can_modify")),
        ),
    )
    repo.issues[issue.number] = issue
    emit_issue(ctx, repo, issue, "opened")
    ctx.headers["Location"] = f"{ctx.urls.repo(repo)}/pulls/{issue.number}"
    return 201, ctx.shapes.pull(repo, issue)


@route("GET", "/repos/{owner}/{repo}/pulls/{pull_number}")
def get_pull(ctx: Ctx):
    repo = ctx.repo("pull_requests")
    return 200, ctx.shapes.pull(repo, _pull(ctx, repo))


@route("PATCH", "/repos/{owner}/{repo}/pulls/{pull_number}")
def update_pull(ctx: Ctx):
    repo = ctx.repo("pull_requests", "read" if ctx.identity.kind == "user" else "write")
    issue = _pull(ctx, repo)
    body = ctx.json()
    if "base" in body:
        base_sha = repo.git.ref(f"refs/heads/{body['base']}")
        if base_sha is None:
            raise invalid("PullRequest", "base", "invalid")
        issue.pull.base_ref, issue.pull.base_sha = body["base"], base_sha
    if issue.pull.merged and body.get("state") == "open":
        raise ApiError(
            422,
            "Validation Failed",
            [
                {
                    "resource": "PullRequest",
                    "code": "custom",
                    "message": "state cannot be changed. The pull request is merged.",
                }
            ],
        )
    edit_issue(ctx, repo, issue, {k: v for k, v in body.items() if k in ("title", "body", "state")})
    return 200, ctx.shapes.pull(repo, issue)


@route("GET", "/repos/{owner}/{repo}/pulls/{pull_number}/files")
def pull_files(ctx: Ctx):
    repo = ctx.repo("pull_requests")
    pull = _pull(ctx, repo).pull
    changes = repo.git.diff(pull.base_sha, pull.head_sha)
    return 200, [ctx.shapes.diff_entry(repo, c, pull.head_sha) for c in ctx.paginate(changes)]


@route("PUT", "/repos/{owner}/{repo}/pulls/{pull_number}/merge")
def merge_pull(ctx: Ctx):
    repo = ctx.repo("contents", "write")
    issue = _pull(ctx, repo)
    body = ctx.json()
    method = body.get("merge_method", "merge")
    if method not in ("merge", "squash", "rebase"):
        raise invalid("PullRequest", "merge_method", "invalid")
    pull = issue.pull
    if pull.merged or issue.state != "open":
        raise ApiError(405, "Pull Request is not mergeable")
    head = repo.git.ref(f"refs/heads/{pull.head_ref}") or pull.head_sha
    if body.get("sha") and body["sha"] != head:
        raise ApiError(409, "Head branch was modified. Review and try the merge again.")
    base_ref = f"refs/heads/{pull.base_ref}"
    base = repo.git.ref(base_ref)
    sha = _merge_commit(ctx, repo, issue, method, base, head, body)
    if sha is None:
        raise ApiError(405, "Pull Request is not mergeable")
    repo.git.update_ref(base_ref, sha, base)
    pull.head_sha = head
    moment = now()
    pull.merged, pull.merged_at, pull.merged_by, pull.merge_commit_sha = True, moment, ctx.actor(), sha
    issue.state, issue.closed_at, issue.closed_by, issue.updated_at = "closed", moment, ctx.actor(), moment
    branch_moved(ctx.core, repo, base_ref, base, sha, ctx.actor())
    emit_issue(ctx, repo, issue, "closed")
    return 200, {"sha": sha, "merged": True, "message": "Pull Request successfully merged"}


def _merge_commit(
    ctx: Ctx, repo: Repository, issue: Issue, method: str, base: str, head: str, body: dict
) -> str | None:
    """Write the merge/squash commit (or fast-forward for rebase); None when it cannot merge cleanly."""
    if method == "rebase":
        return head if repo.git.is_ancestor(base, head) else None
    tree = repo.git.merge_trees(base, head)
    if tree is None:
        return None
    actor = ctx.actor()
    person = Person(
        actor.name or actor.login, actor.email or f"{actor.id}+{actor.login}@users.noreply.github.com", iso(now())
    )
    if method == "squash":
        title = body.get("commit_title") or f"{issue.title} (#{issue.number})"
        message = f"{title}\n\n{body.get('commit_message') or ''}".rstrip() + "\n"
        return repo.git.commit_tree(tree, [base], message, person, person)
    title = (
        body.get("commit_title") or f"Merge pull request #{issue.number} from {repo.owner.login}/{issue.pull.head_ref}"
    )
    message = f"{title}\n\n{body.get('commit_message') or issue.title}".rstrip() + "\n"
    return repo.git.commit_tree(tree, [base, head], message, person, person)
