"""Priced resources and the context a resource pricer works with."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, overload

from bot.cost.catalog import Catalog
from bot.cost.expr import Unknown
from bot.cost.usage import EMPTY, Usage
from bot.errors import DevAgentError

HOURS_PER_MONTH = 730


@dataclass
class Component:
    """One cost component. Quantities and price are in the display unit (``1k requests``...)."""

    name: str
    unit: str
    price: float | None
    monthly_qty: float | None
    usage_based: bool = False

    @property
    def monthly_cost(self) -> float | None:
        if self.price is None or self.monthly_qty is None:
            return None
        return self.price * self.monthly_qty


@dataclass
class Priced:
    """A priced resource (or sub-resource such as ``root_block_device``)."""

    name: str
    components: list[Component] = field(default_factory=list)
    subresources: list[Priced] = field(default_factory=list)
    resource_type: str = ""

    def monthly_cost(self) -> float:
        own = sum(c.monthly_cost or 0.0 for c in self.components)
        return own + sum(s.monthly_cost() for s in self.subresources)

    def monthly_usage_cost(self) -> float:
        own = sum(c.monthly_cost or 0.0 for c in self.components if c.usage_based)
        return own + sum(s.monthly_usage_cost() for s in self.subresources)

    def has_usage(self) -> bool:
        return any(c.usage_based for c in self.components) or any(s.has_usage() for s in self.subresources)


class Unsupported(DevAgentError):
    """This resource instance cannot be priced (unsupported option or region); the reason is shown."""


@dataclass
class Ctx:
    """What a pricer sees: evaluated attributes, usage, the catalog for the region, other resources."""

    address: str
    type: str
    attrs: dict[str, Any]
    region: str
    catalog: Catalog
    usage: Usage = EMPTY
    lookup: Callable[[str, Callable[[dict[str, Any]], bool]], dict[str, Any] | None] = lambda t, f: None
    missing: list[str] = field(default_factory=list)
    scenario: str = "min"  # "max": autoscaled resources at their maximum count (the top of the range)
    usage_for: Callable[[str, str], Usage] = lambda address, rtype: EMPTY  # another resource's usage

    def scaled(self, low: float, high: float | None) -> float:
        """``low`` (the count Infracost prices), or ``high`` in the "max" scenario when it is known."""
        return high if self.scenario == "max" and high is not None and high > low else low

    def get(self, path: str, default: Any = None) -> Any:
        """Attribute by dotted path; blocks (lists) resolve to their first element. Unknown → default."""
        cur: Any = self.attrs
        for part in path.split("."):
            if isinstance(cur, list):
                cur = cur[0] if cur else None
            if not isinstance(cur, dict):
                return default
            cur = cur.get(part)
        if cur is None or isinstance(cur, Unknown):
            return default
        return cur

    def raw(self, key: str) -> Any:
        """The attribute as evaluated (may be Unknown)."""
        return self.attrs.get(key)

    def blocks(self, key: str) -> list[dict[str, Any]]:
        val = self.attrs.get(key)
        if isinstance(val, dict):
            return [val]
        return [b for b in val if isinstance(b, dict)] if isinstance(val, list) else []

    def price(self, service: str, key: str) -> float | None:
        """Catalog price in this resource's region; misses are remembered (reported as warnings)."""
        p = self.catalog.price(service, self.region, key)
        if p is None:
            self.missing.append(f"{service}:{key}")
        return p

    def hourly(self, name: str, service: str, key: str, qty: float = 1.0, hours: float | None = None) -> Component:
        """A per-hour component: ``qty`` instances running ``hours`` (usage ``monthly_hrs``) a month."""
        if hours is None:
            hours = self.usage.num("monthly_hrs", HOURS_PER_MONTH)
        return Component(name, "hours", self.price(service, key), qty * hours)

    def usage_comp(
        self,
        name: str,
        unit: str,
        service: str,
        key: str,
        usage_key: str | None,
        scale: float = 1.0,
        usage: Usage | None = None,
    ) -> Component:
        """A usage-based component: quantity from the usage file (divided by ``scale``) or unknown."""
        u = usage or self.usage
        qty = u.num(usage_key) if usage_key else None
        return Component(name, unit, self.price(service, key), None if qty is None else qty / scale, True)


@overload
def num(value: Any, default: float) -> float: ...


@overload
def num(value: Any, default: None = None) -> float | None: ...


def num(value: Any, default: float | None = None) -> float | None:
    """A number from an attribute value (strings of digits are accepted, unknown → default): a float when a
    number `default` is given, else `float | None` for the pricer to decide what an unknown value means."""
    if isinstance(value, bool) or value is None or isinstance(value, Unknown):
        return default
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(value)
    except (TypeError, ValueError):
        return default
