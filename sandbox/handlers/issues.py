"""Issues, issue comments, labels and reactions (pull requests share the issue number sequence)."""

from __future__ import annotations

import re

from ..context import Ctx
from ..errors import ApiError, forbidden, invalid, not_found
from ..model import PERMISSION_RANK, REACTIONS, Comment, Issue, Label, Reaction, Repository, now
from ..routing import route

COLOR = re.compile(r"^[0-9a-fA-F]{6}$")


def issue_event_name(issue: Issue) -> str:
    return "pull_request" if issue.pull else "issues"


def emit_issue(ctx: Ctx, repo: Repository, issue: Issue, action: str, **extra) -> None:
    """Send ``issues.<action>`` (or ``pull_request.<action>`` for a PR) about ``issue``."""

    def build(shapes):
        if issue.pull:
            return {"action": action, "number": issue.number, "pull_request": shapes.pull(repo, issue), **extra}
        return {"action": action, "issue": shapes.issue(repo, issue), **extra}

    ctx.core.emit(issue_event_name(issue), repo, ctx.actor(), build)


def _may_triage(ctx: Ctx, repo: Repository) -> bool:
    ident = ctx.identity
    if ident.kind == "installation":
        return True
    return PERMISSION_RANK[ctx.state.permission(ident.user, repo)] >= PERMISSION_RANK["triage"]


def find_issue(ctx: Ctx, repo: Repository) -> Issue:
    issue = repo.issues.get(ctx.int_param("issue_number"))
    if issue is None:
        raise not_found()
    return issue


def ensure_label(ctx: Ctx, repo: Repository, name: str) -> Label:
    label = repo.labels.get(name.lower())
    if label is None:
        label = Label(ctx.state.new_id(), name, "ededed", None)
        repo.labels[name.lower()] = label
    return label


def _label_names(value, field: str) -> list[str]:
    if isinstance(value, dict):
        value = value.get("labels")
    if not isinstance(value, list):
        raise invalid("Label", field, "invalid")
    names = [v.get("name") if isinstance(v, dict) else v for v in value]
    if any(not isinstance(n, str) or not n.strip() for n in names):
        raise invalid("Label", field, "invalid")
    return names


def _app(ctx: Ctx):
    return ctx.identity.app if ctx.identity.kind == "installation" else None


@route("GET", "/repos/{owner}/{repo}/issues")
def list_issues(ctx: Ctx):
    repo = ctx.repo("issues")
    state = ctx.query.get("state", "open")
    if state not in ("open", "closed", "all"):
        raise invalid("Issue", "state", "invalid")
    wanted = {n.strip().lower() for n in ctx.query.get("labels", "").split(",") if n.strip()}
    creator = ctx.query.get("creator", "").lower()
    found = [
        i
        for i in repo.issues.values()
        if state in ("all", i.state)
        and wanted <= {n.lower() for n in i.labels}
        and (not creator or i.user.login.lower() == creator)
    ]
    found.sort(key=lambda i: i.number, reverse=ctx.query.get("direction", "desc") == "desc")
    return 200, [ctx.shapes.issue(repo, i) for i in ctx.paginate(found)]


@route("POST", "/repos/{owner}/{repo}/issues")
def create_issue(ctx: Ctx):
    repo = ctx.repo("issues", "read" if ctx.identity.kind == "user" else "write")
    body = ctx.json()
    title = body.get("title")
    if not isinstance(title, str) or not title.strip():
        raise invalid("Issue", "title", "missing_field")
    if body.get("body") is not None and not isinstance(body.get("body"), str):
        raise invalid("Issue", "body", "invalid")
    labels = _label_names(body.get("labels", []), "labels") if _may_triage(ctx, repo) else []
    assignees = []
    for login in body.get("assignees") or []:
        user = ctx.state.user(str(login))
        if user is None:
            raise invalid("Issue", "assignees", "invalid", f"{login} is not a valid assignee")
        assignees.append(user)
    for name in labels:
        ensure_label(ctx, repo, name)
    issue = Issue(
        ctx.state.new_id(),
        None,
        repo.next_number(),
        title,
        body.get("body"),
        ctx.actor(),
        app=_app(ctx),
        labels=[repo.labels[n.lower()].name for n in labels],
        assignees=assignees,
    )
    repo.issues[issue.number] = issue
    emit_issue(ctx, repo, issue, "opened")
    ctx.headers["Location"] = f"{ctx.urls.repo(repo)}/issues/{issue.number}"
    return 201, ctx.shapes.issue(repo, issue)


@route("GET", "/repos/{owner}/{repo}/issues/{issue_number}")
def get_issue(ctx: Ctx):
    repo = ctx.repo("issues")
    return 200, ctx.shapes.issue(repo, find_issue(ctx, repo))


def set_state(ctx: Ctx, repo: Repository, issue: Issue, state: str, reason: str | None = None) -> None:
    """Close or reopen an issue/PR and send the matching event."""
    if state == issue.state:
        return
    issue.state = state
    issue.updated_at = now()
    if state == "closed":
        issue.closed_at, issue.closed_by = now(), ctx.actor()
        issue.state_reason = None if issue.pull else (reason or "completed")
        emit_issue(ctx, repo, issue, "closed")
    else:
        issue.closed_at, issue.closed_by = None, None
        issue.state_reason = None if issue.pull else "reopened"
        emit_issue(ctx, repo, issue, "reopened")


def edit_issue(ctx: Ctx, repo: Repository, issue: Issue, body: dict) -> None:
    """Apply title/body/state/labels changes from a PATCH body, emitting an event per change."""
    author = ctx.identity.user is not None and ctx.identity.user.id == issue.user.id
    if not (author or _may_triage(ctx, repo)):
        raise forbidden("Must have triage access to repository.")
    changes = {}
    for field in ("title", "body"):
        if field in body and body[field] != getattr(issue, field):
            if field == "title" and (not isinstance(body[field], str) or not body[field].strip()):
                raise invalid("Issue", "title", "missing_field")
            changes[field] = {"from": getattr(issue, field)}
    state = body.get("state")
    if state not in (None, "open", "closed"):
        raise invalid("Issue", "state", "invalid")
    new_labels = _label_names(body["labels"], "labels") if "labels" in body else None
    for field in changes:
        setattr(issue, field, body[field])
    if changes:
        issue.updated_at = now()
        emit_issue(ctx, repo, issue, "edited", changes=changes)
    if new_labels is not None and _may_triage(ctx, repo):
        set_labels(ctx, repo, issue, new_labels)
    if state:
        set_state(ctx, repo, issue, state, body.get("state_reason"))


def set_labels(ctx: Ctx, repo: Repository, issue: Issue, names: list[str]) -> None:
    wanted = [ensure_label(ctx, repo, n).name for n in names]
    for name in [n for n in issue.labels if n.lower() not in {w.lower() for w in wanted}]:
        issue.labels.remove(name)
        emit_issue(ctx, repo, issue, "unlabeled", label=ctx.core.shapes().label(repo, repo.labels[name.lower()]))
    add_labels(ctx, repo, issue, wanted)


def add_labels(ctx: Ctx, repo: Repository, issue: Issue, names: list[str]) -> None:
    for name in names:
        label = ensure_label(ctx, repo, name)
        if label.name.lower() not in {n.lower() for n in issue.labels}:
            issue.labels.append(label.name)
            issue.updated_at = now()
            emit_issue(ctx, repo, issue, "labeled", label=ctx.core.shapes().label(repo, label))


@route("PATCH", "/repos/{owner}/{repo}/issues/{issue_number}")
def update_issue(ctx: Ctx):
    repo = ctx.repo("issues", "read" if ctx.identity.kind == "user" else "write")
    issue = find_issue(ctx, repo)
    edit_issue(ctx, repo, issue, ctx.json())
    return 200, ctx.shapes.issue(repo, issue)


@route("GET", "/repos/{owner}/{repo}/issues/{issue_number}/comments")
def list_comments(ctx: Ctx):
    repo = ctx.repo("issues")
    issue = find_issue(ctx, repo)
    comments = [ctx.state.comments[c][1] for c in issue.comments]
    return 200, [ctx.shapes.comment(repo, c) for c in ctx.paginate(comments)]


MAX_BODY_CHARS = 65_536  # GitHub refuses a longer comment body with 422


def comment_body(text: object) -> str:
    """A comment body as GitHub accepts it: present, not blank, at most 65,536 characters (else 422)."""
    if not isinstance(text, str) or not text.strip():
        raise invalid("IssueComment", "body", "missing_field")
    if len(text) > MAX_BODY_CHARS:
        raise invalid("IssueComment", "body", "custom", f"body is too long (maximum is {MAX_BODY_CHARS} characters)")
    return text


def add_comment(ctx: Ctx, repo: Repository, issue: Issue, text: str) -> Comment:
    comment = Comment(ctx.state.new_id(), issue.number, ctx.actor(), text, app=_app(ctx))
    ctx.state.comments[comment.id] = (repo, comment)
    issue.comments.append(comment.id)
    issue.updated_at = now()

    def build(shapes):
        return {"action": "created", "issue": shapes.issue(repo, issue), "comment": shapes.comment(repo, comment)}

    ctx.core.emit("issue_comment", repo, ctx.actor(), build)
    return comment


@route("POST", "/repos/{owner}/{repo}/issues/{issue_number}/comments")
def create_comment(ctx: Ctx):
    repo = ctx.repo("issues", "read" if ctx.identity.kind == "user" else "write")
    issue = find_issue(ctx, repo)
    text = comment_body(ctx.json().get("body"))
    comment = add_comment(ctx, repo, issue, text)
    ctx.headers["Location"] = f"{ctx.urls.repo(repo)}/issues/comments/{comment.id}"
    return 201, ctx.shapes.comment(repo, comment)


def find_comment(ctx: Ctx, repo: Repository) -> Comment:
    found = ctx.state.comments.get(ctx.int_param("comment_id"))
    if found is None or found[0] is not repo:
        raise not_found()
    return found[1]


@route("GET", "/repos/{owner}/{repo}/issues/comments/{comment_id}")
def get_comment(ctx: Ctx):
    repo = ctx.repo("issues")
    return 200, ctx.shapes.comment(repo, find_comment(ctx, repo))


@route("PATCH", "/repos/{owner}/{repo}/issues/comments/{comment_id}")
def update_comment(ctx: Ctx):
    repo = ctx.repo("issues", "read" if ctx.identity.kind == "user" else "write")
    comment = find_comment(ctx, repo)
    actor = ctx.actor()
    if (
        actor.id != comment.user.id
        and ctx.identity.kind == "user"
        and PERMISSION_RANK[ctx.state.permission(actor, repo)] < PERMISSION_RANK["write"]
    ):
        raise forbidden("Must have write access to repository.")
    text = comment_body(ctx.json().get("body"))
    previous, comment.body, comment.updated_at = comment.body, text, now()
    issue = repo.issues[comment.issue_number]

    def build(shapes):
        return {
            "action": "edited",
            "changes": {"body": {"from": previous}},
            "issue": shapes.issue(repo, issue),
            "comment": shapes.comment(repo, comment),
        }

    ctx.core.emit("issue_comment", repo, actor, build)
    return 200, ctx.shapes.comment(repo, comment)


@route("POST", "/repos/{owner}/{repo}/issues/{issue_number}/labels")
def add_issue_labels(ctx: Ctx):
    repo = ctx.repo("issues", "triage" if ctx.identity.kind == "user" else "write")
    issue = find_issue(ctx, repo)
    names = _label_names(ctx.json_value(), "labels")
    add_labels(ctx, repo, issue, names)
    return 200, [ctx.shapes.label(repo, repo.labels[n.lower()]) for n in issue.labels]


@route("DELETE", "/repos/{owner}/{repo}/issues/{issue_number}/labels/{name}")
def remove_issue_label(ctx: Ctx):
    repo = ctx.repo("issues", "triage" if ctx.identity.kind == "user" else "write")
    issue = find_issue(ctx, repo)
    name = ctx.params["name"]
    current = next((n for n in issue.labels if n.lower() == name.lower()), None)
    if current is None:
        raise ApiError(404, "Label does not exist")
    issue.labels.remove(current)
    issue.updated_at = now()
    emit_issue(ctx, repo, issue, "unlabeled", label=ctx.core.shapes().label(repo, repo.labels[current.lower()]))
    return 200, [ctx.shapes.label(repo, repo.labels[n.lower()]) for n in issue.labels]


@route("GET", "/repos/{owner}/{repo}/labels")
def list_labels(ctx: Ctx):
    repo = ctx.repo("issues")
    return 200, [ctx.shapes.label(repo, lbl) for lbl in ctx.paginate(list(repo.labels.values()))]


@route("POST", "/repos/{owner}/{repo}/labels")
def create_label(ctx: Ctx):
    repo = ctx.repo("issues", "write")
    body = ctx.json()
    name, color = body.get("name"), str(body.get("color", "ededed")).lstrip("#")
    if not isinstance(name, str) or not name.strip():
        raise invalid("Label", "name", "missing_field")
    if not COLOR.match(color):
        raise invalid("Label", "color", "invalid")
    if name.lower() in repo.labels:
        raise invalid("Label", "name", "already_exists")
    label = Label(ctx.state.new_id(), name, color.lower(), body.get("description"))
    repo.labels[name.lower()] = label
    return 201, ctx.shapes.label(repo, label)


def _react(ctx: Ctx, reactions: list[Reaction]):
    content = ctx.json().get("content")
    if content not in REACTIONS:
        raise invalid("Reaction", "content", "invalid")
    actor = ctx.actor()
    existing = next((r for r in reactions if r.user.id == actor.id and r.content == content), None)
    if existing:
        return 200, ctx.shapes.reaction(existing)
    reaction = Reaction(ctx.state.new_id(), actor, content)
    reactions.append(reaction)
    return 201, ctx.shapes.reaction(reaction)


@route("POST", "/repos/{owner}/{repo}/issues/{issue_number}/reactions")
def react_issue(ctx: Ctx):
    repo = ctx.repo("issues", "read" if ctx.identity.kind == "user" else "write")
    return _react(ctx, find_issue(ctx, repo).reactions)


@route("POST", "/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions")
def react_comment(ctx: Ctx):
    repo = ctx.repo("issues", "read" if ctx.identity.kind == "user" else "write")
    return _react(ctx, find_comment(ctx, repo).reactions)
