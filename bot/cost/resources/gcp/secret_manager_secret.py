"""google_secret_manager_secret: active versions, access operations and rotations, all from usage."""

from typing import Any

from bot.cost.model import Component, Ctx, Priced


def replication_locations(secret: dict[str, Any]) -> int:
    """Locations a secret's versions are stored in: user-managed replicas, else 1 (automatic)."""
    rep = secret.get("replication")
    rep = rep[0] if isinstance(rep, list) and rep else rep
    user = rep.get("user_managed") if isinstance(rep, dict) else None
    user = user[0] if isinstance(user, list) and user else user
    replicas = user.get("replicas") if isinstance(user, dict) else None
    if isinstance(replicas, dict):
        return 1
    return len(replicas) if isinstance(replicas, list) and replicas else 1


def access_operations(ctx: Ctx) -> Component:
    """Secret accesses a month (usage `monthly_access_operations`), priced per 10K."""
    return ctx.usage_comp("Access operations", "10K requests", "google_ops", "secrets.access_10k",
                          "monthly_access_operations", scale=10_000)


def price(ctx: Ctx) -> Priced:
    versions = ctx.usage.num("active_secret_versions")
    qty = None if versions is None else versions * replication_locations(ctx.attrs)
    return Priced(
        ctx.address,
        [
            Component("Active secret versions", "versions", ctx.price("google_ops", "secrets.version"), qty, True),
            access_operations(ctx),
            ctx.usage_comp(
                "Rotation notifications",
                "rotations",
                "google_ops",
                "secrets.rotation",
                "monthly_rotation_notifications",
            ),
        ],
    )
