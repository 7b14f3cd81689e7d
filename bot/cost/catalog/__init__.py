"""The price catalog: YAML data files (one per service), each entry with its source and date.

File format::

    service: aws_ec2
    sources: {od: "AWS Price List API, on-demand"}
    prices:
      us-east-1:
        od.linux.shared.t3.medium: {usd: 0.0416, src: od, date: "2025-06-01"}
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

CATALOG_DIR = Path(__file__).parent
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Catalog:
    """Prices by service, region and key; ``None`` when the catalog has no entry."""

    def __init__(self, services: dict[str, dict[str, Any]]) -> None:
        self.services = services
        self._flat: dict[tuple[str, str, str], float] = {}
        self.regions: dict[str, set[str]] = {}
        for name, doc in services.items():
            cloud = name.split("_", 1)[0]
            for region, entries in (doc.get("prices") or {}).items():
                self.regions.setdefault(cloud, set()).add(region)
                for key, entry in entries.items():
                    self._flat[(name, region, key)] = float(entry["usd"])

    def price(self, service: str, region: str, key: str) -> float | None:
        """The unit price, or None when the catalog has no such entry."""
        return self._flat.get((service, region, key))

    def entry(self, service: str, region: str, key: str) -> dict[str, Any] | None:
        """The full entry (usd, source text, date)."""
        doc = self.services.get(service) or {}
        entry = (doc.get("prices") or {}).get(region, {}).get(key)
        if entry is None:
            return None
        return {**entry, "source": (doc.get("sources") or {}).get(entry.get("src"), entry.get("src"))}

    def has_region(self, cloud: str, region: str) -> bool:
        return region in self.regions.get(cloud, set())


@lru_cache(maxsize=1)
def load_catalog() -> Catalog:
    """Load every ``*.yaml`` under this package (cached)."""
    services = {}
    for path in sorted(CATALOG_DIR.rglob("*.yaml")):
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
        services[doc["service"]] = doc
    return Catalog(services)
