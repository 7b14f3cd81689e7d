"""aws_apigatewayv2_api: HTTP requests or WebSocket messages and connection minutes (tiered)."""

from __future__ import annotations

from bot.cost.model import Component, Ctx, Priced


def _tiers(ctx: Ctx, qty: float | None, tiers: list[tuple[str, float | None, str]], unit: str) -> list[Component]:
    if qty is None:
        name, _, key = tiers[0]
        return [Component(name, unit, ctx.price("aws_misc", key), None, True)]
    out, left = [], qty
    for name, size, key in tiers:
        if left <= 0:
            break
        q = left if size is None else min(left, size)
        out.append(Component(name, unit, ctx.price("aws_misc", key), q, True))
        left -= q
    return out


def price(ctx: Ctx) -> Priced:
    u = ctx.usage
    if ctx.get("protocol_type", "HTTP") == "WEBSOCKET":
        msgs = u.num("monthly_messages")
        minutes = u.num("monthly_connection_mins")
        comps = _tiers(
            ctx,
            None if msgs is None else msgs / 1e6,
            [
                ("Messages (first 1B)", 1000, "apigw.ws.messages"),
                ("Messages (over 1B)", None, "apigw.ws.messages.tier2"),
            ],
            "1M messages",
        )
        comps.append(
            Component(
                "Connection duration",
                "1M minutes",
                ctx.price("aws_misc", "apigw.ws.minutes"),
                None if minutes is None else minutes / 1e6,
                True,
            )
        )
        return Priced(ctx.address, comps)
    reqs = u.num("monthly_requests")
    return Priced(
        ctx.address,
        _tiers(
            ctx,
            None if reqs is None else reqs / 1e6,
            [("Requests (first 300M)", 300, "apigw.http"), ("Requests (over 300M)", None, "apigw.http.tier2")],
            "1M requests",
        ),
    )
