"""What the catalog can price: the regions the planner accepts, and what an estimate left unpriced.

A region is *priced* for a cloud when every service file of that cloud in the catalog has prices for it
(the generators draw on all of them). The planner refuses any other region with a message naming the
priced ones; an estimate whose resources or components lack a price lists them (:func:`unpriced`), and the
report and the cost rules treat its total as a partial sum, never as a complete one.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from bot.cost.catalog import load_catalog
from bot.errors import RefusedError

# The spec's cloud names -> the catalog's (Terraform provider) prefixes.
CATALOG_CLOUD = {"aws": "aws", "gcp": "google", "azure": "azurerm"}


# Offers the generators can emit whose prices the catalog holds only in some regions (or none): the catalog
# keys they need. The planner refuses an offer in a region where these prices are missing, naming the regions where
# they exist (if any): the estimate would otherwise show it as $0.
OFFER_PRICES: dict[tuple[str, str, str], tuple[str, list[tuple[str, str]]]] = {
    ("gcp", "cache", "memcached"): ("Memorystore for Memcached", [("google_memcache", "node.vcpu")]),
    ("azure", "queue", "kafka"): (
        "Event Hubs",
        [("azurerm_app", "eventhubs.standard.tu"), ("azurerm_app", "eventhubs.ingress_1m")],
    ),
}


class UnpricedRegion(RefusedError):
    """The planner refuses a region (or an offer) the price catalog does not cover."""


@lru_cache(maxsize=8)
def priced_regions(cloud: str) -> tuple[str, ...]:
    """Regions (sorted) where every service of ``cloud`` ("aws", "gcp", "azure") has catalog prices."""
    prefix = CATALOG_CLOUD.get(cloud, cloud)
    catalog = load_catalog()
    per_service = [
        set(doc.get("prices") or {}) for name, doc in catalog.services.items() if name.split("_", 1)[0] == prefix
    ]
    if not per_service:
        return ()
    return tuple(sorted(set.intersection(*per_service)))


def region_refusal(cloud: str, region: str) -> str | None:
    """Why the planner refuses ``region`` (None when it is priced)."""
    regions = priced_regions(cloud)
    if region in regions:
        return None
    return (
        f"region {region!r}: the cost catalog has no sourced {cloud} prices there, so the environment "
        f"cannot be estimated (it would show $0); priced {cloud} regions: {', '.join(regions)}"
    )


def planner_refusal(cloud: str, region: str, offers: list[tuple[str, str]]) -> str | None:
    """Why the planner refuses this environment: an unpriced region, or an offer ``(kind, engine)`` whose
    resources have no sourced price. None when everything it would generate can be priced."""
    refusal = region_refusal(cloud, region)
    if refusal:
        return refusal
    catalog = load_catalog()
    for kind, engine in offers:
        product, keys = OFFER_PRICES.get((cloud, kind, engine), ("", []))
        if all(catalog.price(service, region, key) is not None for service, key in keys):
            continue
        where = [r for r in priced_regions(cloud) if all(catalog.price(service, r, key) is not None for service, key in keys)]
        if where:
            return (f"{kind} {engine} on {cloud}: {product} has a sourced price only in {', '.join(where)}, not in "
                    f"{region!r}; it would be estimated as $0 here (choose {', '.join(where)}, or another {kind})")
        return f"{kind} {engine} on {cloud}: {product} has no sourced price in any region; it would be estimated as $0"
    return None


def spec_refusal(spec: Any) -> str | None:
    """:func:`planner_refusal` for an EnvironmentSpec."""
    offers = [("database", d.engine.value) for d in spec.databases]
    offers += [("cache", spec.cache.engine.value)] if spec.cache else []
    offers += [("queue", spec.queue.engine.value)] if spec.queue else []
    offers += [("search", spec.search.engine.value)] if spec.search else []
    return planner_refusal(spec.cloud.value, spec.region, offers)


def check_spec(spec: Any) -> None:
    """Raise :class:`UnpricedRegion` with :func:`spec_refusal`'s message."""
    message = spec_refusal(spec)
    if message:
        raise UnpricedRegion(message)


def unpriced(report: dict[str, Any]) -> list[str]:
    """What an Infracost JSON estimate could not price: unsupported resources and components whose price
    was not found (``address: component``). Empty when the total is complete."""
    out: list[str] = []
    for rtype, count in sorted((report.get("summary") or {}).get("unsupportedResourceCounts", {}).items()):
        out.append(f"{count} x {rtype} (no price)")

    def walk(node: dict[str, Any], prefix: str) -> None:
        for c in node.get("costComponents") or []:
            if c.get("priceNotFound"):
                out.append(f"{prefix}: {c.get('name', '?')} (price not found)")
        for sub in node.get("subresources") or []:
            walk(sub, prefix)

    for project in report.get("projects") or []:
        for res in (project.get("breakdown") or {}).get("resources") or []:
            walk(res, res.get("name", "?"))
    return out
