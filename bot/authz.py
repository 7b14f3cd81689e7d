"""Who may ask the bot for what: write access to the repository, then the org policy's lists.

Policy lists name users (`*` = anyone) and teams (`org/team-slug`, or `team-slug` in the repository owner's
organisation). Team membership is looked up on GitHub only when no user entry admits the person, one call
per team entry (`GET /orgs/{org}/teams/{team_slug}/memberships/{username}`; pending invitations do not count).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

WRITE_PERMISSIONS = frozenset({"admin", "maintain", "write"})

MemberOf = Callable[[str], bool]  # policy team entry -> whether the person is an active member


def refusal(ctx: Any, writer: Any, login: str, action: str) -> str | None:
    """Why `login` may not perform `action` ("request" or "override"), or None when allowed."""
    permission = writer.permission(login)
    if permission not in WRITE_PERMISSIONS:
        return f"@{login} needs write access to this repository (has: {permission})"
    return ctx.org_policy(login, action, membership(writer, login))


def membership(writer: Any, login: str) -> MemberOf:
    """Team membership of `login` through the repository's installation (bare slugs: the owner's org)."""
    owner = writer.full_name.split("/", 1)[0]

    def member_of(entry: str) -> bool:
        org, _, slug = entry.rpartition("/")
        return writer.team_role(org or owner, slug, login) is not None

    return member_of


def member_teams(entries: Iterable[str], member_of: MemberOf) -> list[str]:
    """The team entries the person is a member of."""
    return [entry for entry in entries if member_of(entry)]


def org_policy_refusal(settings: Any, login: str, action: str, member_of: MemberOf = lambda entry: False) -> str | None:
    """The org policy's `request` or `override` list (policies/schema.py `OrgPolicy.may_*`).

    Without the policy package only the repository permission applies.
    """
    try:
        from policies.schema import load_policy
    except ImportError:
        return None
    policy = load_policy(settings.policy_file)
    people = {"request": policy.request, "override": policy.override}[action]
    if people.admits(login) or people.admits(login, member_teams(people.teams, member_of)):
        return None
    teams = f" nor a member of its teams ({', '.join(people.teams)})" if people.teams else ""
    return f"@{login} is not on the org policy's `{action}` list{teams}"
