"""The signed-in user (`GET /user`) and, for a GitHub App's user-to-server token, the App's installations and
repositories that user can access (`GET /user/installations`, `GET /user/installations/{id}/repositories`)."""

from __future__ import annotations

from ..context import Ctx
from ..errors import ApiError, not_found, requires_auth
from ..model import iso
from ..routing import route


def _user_token(ctx: Ctx):
    """(user, app) of a user-to-server token; these endpoints refuse other credentials as GitHub does."""
    identity = ctx.identity
    if identity.kind != "user" or identity.user is None:
        raise requires_auth()
    if identity.app is None:
        raise ApiError(403, "You must authenticate with an access token authorized to a GitHub App in order to "
                            "list installations")
    return identity.user, identity.app


def _visible(ctx: Ctx, user, installation) -> list:
    repos = [r for r in ctx.state.repos.values() if r.id in installation.repository_ids]
    return sorted((r for r in repos if ctx.state.explicit_permission(user, r)), key=lambda r: r.id)


@route("GET", "/user")
def get_user(ctx: Ctx):
    user = ctx.actor()
    data = ctx.shapes.user(user)
    owned = [r for r in ctx.state.repos.values() if r.owner.id == user.id]
    data.update(
        name=user.name, company=None, blog="", location=None, email=user.email, hireable=None, bio=None,
        twitter_username=None, public_repos=sum(1 for r in owned if not r.private), public_gists=0, followers=0,
        following=0, created_at=iso(user.created_at), updated_at=iso(user.created_at),
        private_gists=0, total_private_repos=sum(1 for r in owned if r.private),
        owned_private_repos=sum(1 for r in owned if r.private), disk_usage=0, collaborators=0,
        two_factor_authentication=False,
    )
    return 200, data


@route("GET", "/user/installations")
def user_installations(ctx: Ctx):
    user, app = _user_token(ctx)
    found = [i for i in ctx.state.installations.values() if i.app.id == app.id and _visible(ctx, user, i)]
    found.sort(key=lambda i: i.id)
    return 200, {"total_count": len(found), "installations": [ctx.shapes.installation(i) for i in ctx.paginate(found)]}


@route("GET", "/user/installations/{installation_id}/repositories")
def user_installation_repositories(ctx: Ctx):
    user, app = _user_token(ctx)
    installation = ctx.state.installations.get(ctx.int_param("installation_id"))
    if installation is None or installation.app.id != app.id:
        raise not_found()
    repos = _visible(ctx, user, installation)
    if not repos:
        raise not_found()
    page = [ctx.shapes.repo(r, permission=ctx.state.explicit_permission(user, r)) for r in ctx.paginate(repos)]
    return 200, {"total_count": len(repos), "repository_selection": "selected", "repositories": page}
