"""Who may ask the bot for what: write access to the repository, then the org policy's lists."""

from __future__ import annotations

from typing import Any

WRITE_PERMISSIONS = frozenset({"admin", "maintain", "write"})


def refusal(ctx: Any, writer: Any, login: str, action: str) -> str | None:
    """Why `login` may not perform `action` ("request" or "apply"), or None when allowed."""
    permission = writer.permission(login)
    if permission not in WRITE_PERMISSIONS:
        return f"@{login} needs write access to this repository (has: {permission})"
    return ctx.org_policy(login, action)


def org_policy_refusal(settings: Any, login: str, action: str) -> str | None:
    """The org policy's requester (`request`) or applier (`apply`) list.

    Seam: the policy engine (`policies.engine.may_request/may_apply(login, settings) -> bool`) ships on
    its own branch; without it only the repository permission applies.
    """
    try:
        from policies import engine
    except ImportError:
        return None
    check = getattr(engine, "may_apply" if action == "apply" else "may_request", None)
    if check is None or check(login, settings):
        return None
    listing = "appliers" if action == "apply" else "requesters"
    return f"@{login} is not on the org policy's {listing} list"
