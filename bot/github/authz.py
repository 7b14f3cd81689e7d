"""Who may ask the bot for what: write access to the repository, then the org policy's lists.

Policy lists name users (`*` = anyone) and teams (`org/team-slug`, or `team-slug` in the repository owner's
organisation). Team membership is looked up on GitHub only when no user entry admits the person, one call
per team entry (`GET /orgs/{org}/teams/{team_slug}/memberships/{username}`; pending invitations do not count).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Protocol

from bot.github.protocols import GitHubWriter
from policies.schema import load_policy

WRITE_PERMISSIONS = frozenset({"admin", "maintain", "write"})

MemberOf = Callable[[str], bool]  # policy team entry -> whether the person is an active member


ACTIONS = ("request", "apply", "override")  # the org policy's people lists


class PolicyContext(Protocol):
    """What the checks need from a job's context (bot.jobs.context.HandlerContext has it)."""

    @property
    def org_policy(self) -> Callable[[str, str, MemberOf], str | None]: ...  # (login, action, member_of) -> refusal


def refusal(ctx: PolicyContext, writer: GitHubWriter, login: str, action: str) -> str | None:
    """Why `login` may not perform `action` (one of ACTIONS), or None when allowed."""
    permission = writer.permission(login)
    if permission not in WRITE_PERMISSIONS:
        return f"@{login} needs write access to this repository (has: {permission})"
    return list_refusal(ctx, writer, login, action)


def list_refusal(ctx: PolicyContext, writer: GitHubWriter, login: str, action: str) -> str | None:
    """Why `login` is not on the org policy's `action` list (teams looked up through `writer`), or None."""
    return ctx.org_policy(login, action, membership(writer, login))


def membership(writer: GitHubWriter, login: str) -> MemberOf:
    """Team membership of `login` through the repository's installation (bare slugs: the owner's org)."""
    owner = writer.full_name.split("/", 1)[0]

    def member_of(entry: str) -> bool:
        org, _, slug = entry.rpartition("/")
        return writer.team_role(org or owner, slug, login) is not None

    return member_of


def member_teams(entries: Iterable[str], member_of: MemberOf) -> list[str]:
    """The team entries the person is a member of."""
    return [entry for entry in entries if member_of(entry)]


def people_of(policy: Any, action: str) -> Any:
    """The policy's list for `action` (one of ACTIONS)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown policy action {action!r} (known: {', '.join(ACTIONS)})")
    return getattr(policy, action)


def describe_people(people: Any) -> str:
    """A list in words: `anyone`, `nobody`, or its users and teams (plain text: escape before showing it)."""
    if "*" in people.users:
        return "anyone"
    parts = [f"users {', '.join(people.users)}"] if people.users else []
    parts += [f"teams {', '.join(people.teams)}"] if people.teams else []
    return "; ".join(parts) or "nobody"


def org_policy_refusal(settings: Any, login: str, action: str, member_of: MemberOf = lambda entry: False) -> str | None:
    """The org policy's `request`, `apply` or `override` list (policies/schema.py `People`)."""
    people = people_of(load_policy(settings.policy_file), action)
    if people.admits(login) or people.admits(login, member_teams(people.teams, member_of)):
        return None
    teams = f" nor a member of its teams ({', '.join(people.teams)})" if people.teams else ""
    return f"@{login} is not on the org policy's `{action}` list{teams}"
