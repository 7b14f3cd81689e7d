"""`installation*` events: remember which accounts and repositories the App is installed on."""

from __future__ import annotations

from typing import Any

from bot.jobs.context import HandlerContext
from bot.jobs.routing import Router

router = Router()  # this module's handlers; bot.jobs.handlers combines the routers

def _names(repositories: Any) -> list[str]:
    return [r["full_name"] for r in repositories or [] if isinstance(r, dict) and "full_name" in r]


@router.register("installation", "created")
@router.register("installation", "new_permissions_accepted")
def on_installed(ctx: HandlerContext, payload: dict[str, Any]) -> None:
    installation = payload["installation"]
    ctx.installations.save(installation["id"], (installation.get("account") or {}).get("login", ""),
                           _names(payload.get("repositories")))


@router.register("installation", "deleted")
def on_uninstalled(ctx: HandlerContext, payload: dict[str, Any]) -> None:
    ctx.installations.delete(payload["installation"]["id"])


@router.register("installation_repositories", "added")
@router.register("installation_repositories", "removed")
def on_repositories(ctx: HandlerContext, payload: dict[str, Any]) -> None:
    installation_id = payload["installation"]["id"]
    ctx.installations.add_repositories(installation_id, _names(payload.get("repositories_added")))
    ctx.installations.remove_repositories(installation_id, _names(payload.get("repositories_removed")))
