"""aws_lambda_function: requests, duration tiers (x86_64 / arm64), ephemeral storage."""

from __future__ import annotations

from bot.cost.model import Component, Ctx, Priced, num

# (tier name, tier size in GB-seconds, price multiplier key) per architecture (AWS Lambda pricing tiers)
TIERS = {
    "x86_64": [
        ("Duration (first 6B)", 6e9, "lambda.gb_s"),
        ("Duration (next 9B)", 9e9, "lambda.gb_s.tier2"),
        ("Duration (over 15B)", None, "lambda.gb_s.tier3"),
    ],
    "arm64": [
        ("Duration (first 7.5B)", 7.5e9, "lambda.gb_s.arm64"),
        ("Duration (next 11.25B)", 11.25e9, "lambda.gb_s.arm64.tier2"),
        ("Duration (over 18.75B)", None, "lambda.gb_s.arm64.tier3"),
    ],
}


def price(ctx: Ctx) -> Priced:
    u = ctx.usage
    archs = ctx.get("architectures") or ["x86_64"]
    arch = "arm64" if "arm64" in archs else "x86_64"
    memory_gb = num(ctx.get("memory_size"), 128) / 1024
    requests = u.num("monthly_requests")
    duration_ms = u.num("request_duration_ms")
    tiers = TIERS[arch]
    comps = [
        Component(
            "Requests",
            "1M requests",
            ctx.price("aws_misc", "lambda.requests"),
            None if requests is None else requests / 1e6,
            True,
        )
    ]
    if requests is None or duration_ms is None:
        comps.append(Component("Ephemeral storage", "GB-seconds", ctx.price("aws_misc", "lambda.storage"), None, True))
        comps.append(Component(tiers[0][0], "GB-seconds", ctx.price("aws_misc", tiers[0][2]), None, True))
        return Priced(ctx.address, comps)
    gb_seconds = requests * memory_gb * duration_ms / 1000
    storage_gb = num((ctx.blocks("ephemeral_storage") or [{}])[0].get("size"), 512) / 1024
    if storage_gb > 0.5:
        comps.append(
            Component(
                "Ephemeral storage",
                "GB-seconds",
                ctx.price("aws_misc", "lambda.storage"),
                requests * (storage_gb - 0.5) * duration_ms / 1000,
                True,
            )
        )
    left = gb_seconds
    threshold = sum(size for _, size, _ in tiers if size)
    for name, size, key in tiers:
        if left <= 0:
            break
        # Infracost caps the last ("over") tier at the threshold itself; matched here on purpose
        qty = min(left, threshold) if size is None else min(left, size)
        comps.append(Component(name, "GB-seconds", ctx.price("aws_misc", key), qty, True))
        left -= qty
    return Priced(ctx.address, comps)
