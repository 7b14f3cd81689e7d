"""Who may ask the bot for what: write access to the repository, then the org policy's lists."""

from __future__ import annotations

from typing import Any

WRITE_PERMISSIONS = frozenset({"admin", "maintain", "write"})


def refusal(ctx: Any, writer: Any, login: str, action: str) -> str | None:
    """Why `login` may not perform `action` ("request" or "override"), or None when allowed."""
    permission = writer.permission(login)
    if permission not in WRITE_PERMISSIONS:
        return f"@{login} needs write access to this repository (has: {permission})"
    return ctx.org_policy(login, action)


def org_policy_refusal(settings: Any, login: str, action: str) -> str | None:
    """The org policy's `request` or `override` list (policies/schema.py `OrgPolicy.may_*`).

    Team membership is not looked up yet, so only user entries (and `*`) admit people. Without the policy
    package only the repository permission applies.
    """
    try:
        from policies.schema import load_policy
    except ImportError:
        return None
    policy = load_policy(settings.policy_file)
    check = {"request": policy.may_request, "override": policy.may_override}[action]
    if check(login, ()):
        return None
    return f"@{login} is not on the org policy's `{action}` list"
