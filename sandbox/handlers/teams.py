"""Organisation teams: membership of a user (the bot resolves `org/team` entries of the org policy)."""

from __future__ import annotations

from ..context import Ctx
from ..errors import ApiError, not_found, requires_auth
from ..routing import route


@route("GET", "/orgs/{org}/teams/{team_slug}/memberships/{username}")
def team_membership(ctx: Ctx):
    """200 with role and state for a member; 404 without a body otherwise (as documented). An App
    installation sees only the teams of the account it is installed on."""
    identity = ctx.identity
    if identity.kind == "anonymous":
        raise requires_auth()
    org = ctx.state.user(ctx.params["org"])
    team = ctx.state.team(ctx.params["org"], ctx.params["team_slug"])
    if org is None or team is None:
        raise not_found()
    if identity.kind == "installation" and identity.installation.account.id != org.id:
        raise not_found()
    login = ctx.params["username"].lower()
    if login not in team.members:
        raise ApiError(404, "Not Found", bodyless=True)
    return 200, {
        "url": f"{ctx.urls.api}/organizations/{org.id}/team/{team.id}/memberships/{login}",
        "role": team.members[login],
        "state": "active",
    }
