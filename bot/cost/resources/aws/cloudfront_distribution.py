"""aws_cloudfront_distribution: data transfer out to viewers and to the origin, and HTTP/HTTPS requests, from usage
(``monthly_data_transfer_to_internet_gb``, ``monthly_data_transfer_to_origin_gb``, ``monthly_http_requests``,
``monthly_https_requests``, as Infracost names them: either one number or a map of Infracost's regions, ``us``,
``europe``, ...). The distribution runs in PriceClass_100 (North American and European edges), so quantities for
other regions are billed at the European rate, the higher of the two."""

from bot.cost.model import Component, Ctx, Priced

REGIONS = ("us", "europe")


def _by_region(ctx: Ctx, usage_key: str) -> dict[str, float] | None:
    """The usage quantity per priced region (`us` for a plain number), or None when the usage file has none."""
    value = ctx.usage.values.get(usage_key)
    if value is None:
        return None
    if not isinstance(value, dict):
        return {"us": ctx.usage.num(usage_key) or 0.0}
    spread: dict[str, float] = {}
    for region, quantity in value.items():
        if isinstance(quantity, bool) or not isinstance(quantity, (int, float)):
            raise ctx.usage._err(f"{usage_key}.{region}", "a number", quantity)
        priced = region if region in REGIONS else "europe"
        spread[priced] = spread.get(priced, 0.0) + float(quantity)
    return spread


def _components(ctx: Ctx, name: str, unit: str, key: str, usage_key: str, scale: float = 1.0) -> list[Component]:
    spread = _by_region(ctx, usage_key)
    if spread is None:
        return [Component(name, unit, ctx.price("aws_cloudfront", f"{key}.us"), None, True)]
    return [Component(f"{name} ({region})", unit, ctx.price("aws_cloudfront", f"{key}.{region}"), qty / scale, True)
            for region, qty in sorted(spread.items())]


def price(ctx: Ctx) -> Priced:
    return Priced(ctx.address, [
        *_components(ctx, "Data transfer out to internet", "GB", "transfer_out", "monthly_data_transfer_to_internet_gb"),
        *_components(ctx, "Data transfer out to origin", "GB", "transfer_origin", "monthly_data_transfer_to_origin_gb"),
        *_components(ctx, "HTTP requests", "10k requests", "http_10k", "monthly_http_requests", 1e4),
        *_components(ctx, "HTTPS requests", "10k requests", "https_10k", "monthly_https_requests", 1e4),
    ])
