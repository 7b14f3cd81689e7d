"""google_secret_manager_secret_version: one active version per replication location of its secret."""

from bot.cost.expr import Unknown
from bot.cost.model import Component, Ctx, Priced
from bot.cost.resources.gcp.secret_manager_secret import access_operations, replication_locations


def price(ctx: Ctx) -> Priced:
    ref = ctx.raw("secret")
    addr = ref.ref if isinstance(ref, Unknown) else None
    secret = (
        ctx.lookup("google_secret_manager_secret", lambda a: addr is not None and a.get("__address__") == addr) or {}
    )
    return Priced(
        ctx.address,
        [
            Component(
                "Active secret versions",
                "versions",
                ctx.price("google_ops", "secrets.version"),
                float(replication_locations(secret)),
            ),
            access_operations(ctx),
        ],
    )
