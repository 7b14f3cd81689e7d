"""GitHub App authentication: the App itself, its installations, installation tokens; rate limits."""

from __future__ import annotations

from datetime import timedelta

from ..context import Ctx
from ..errors import ApiError, invalid, not_found
from ..model import PERMISSION_RANK, Token, now
from ..routing import route

TOKEN_LIFETIME = timedelta(hours=1)


@route("GET", "/app")
def get_app(ctx: Ctx):
    return 200, ctx.shapes.app(ctx.require_app())


@route("GET", "/app/installations")
def list_installations(ctx: Ctx):
    app = ctx.require_app()
    found = [i for i in ctx.state.installations.values() if i.app.id == app.id]
    return 200, [ctx.shapes.installation(i) for i in ctx.paginate(found)]


@route("POST", "/app/installations/{installation_id}/access_tokens")
def create_token(ctx: Ctx):
    app = ctx.require_app()
    inst = ctx.state.installations.get(ctx.int_param("installation_id"))
    if inst is None or inst.app.id != app.id:
        raise not_found()
    body = ctx.json()
    repo_ids = set(inst.repository_ids)
    selected = None
    if "repositories" in body or "repository_ids" in body:
        names = {n.lower() for n in body.get("repositories") or []}
        wanted_ids = set(body.get("repository_ids") or [])
        by_id = {r.id: r for r in ctx.state.repos.values()}
        selected = [by_id[i] for i in sorted(repo_ids) if by_id[i].name.lower() in names or i in wanted_ids]
        if len(selected) != len(names) + len(wanted_ids):
            raise invalid(
                "Repository",
                "repositories",
                "invalid",
                "There is at least one repository that does not exist or is not accessible to the parent installation.",
            )
        repo_ids = {r.id for r in selected}
    permissions = dict(app.permissions)
    for scope, level in (body.get("permissions") or {}).items():
        if PERMISSION_RANK.get(level, 99) > PERMISSION_RANK.get(app.permissions.get(scope, "none"), 0):
            raise ApiError(422, f"The permissions requested are not granted to this installation: {scope}")
        permissions[scope] = level
    token = Token(ctx.state.new_token("ghs_"), inst, now() + TOKEN_LIFETIME, repo_ids)
    ctx.state.tokens[token.value] = token
    data = {
        "token": token.value,
        "expires_at": token.expires_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "permissions": permissions,
        "repository_selection": "selected",
    }
    if selected is not None:
        data["repositories"] = [ctx.shapes.repo(r) for r in selected]
    return 201, data


@route("GET", "/repos/{owner}/{repo}/installation")
def repo_installation(ctx: Ctx):
    app = ctx.require_app()
    repo = ctx.state.repo(ctx.params["owner"], ctx.params["repo"])
    inst = next((i for i in ctx.state.installations_for(repo) if i.app.id == app.id), None) if repo else None
    if inst is None:
        raise not_found()
    return 200, ctx.shapes.installation(inst)


@route("GET", "/rate_limit")
def rate_limit(ctx: Ctx):
    window = ctx.core.rate(ctx.identity.rate_key, ctx.identity.kind, spend=False)
    core = {"limit": window.limit, "used": window.used, "remaining": window.limit - window.used, "reset": window.reset}
    search = {"limit": 30, "used": 0, "remaining": 30, "reset": window.reset}
    graphql = {**core, "used": 0, "remaining": window.limit}
    return 200, {"resources": {"core": core, "search": search, "graphql": graphql}, "rate": core}
