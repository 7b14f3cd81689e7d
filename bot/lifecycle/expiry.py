"""Expiry (TTL): when an environment expires, when to warn, and extending it within policy."""

from __future__ import annotations

import datetime as dt

from bot.spec import EnvironmentSpec

WARN_DAYS = (2, 1)


def expiry_action(expires_on: dt.date | None, today: dt.date) -> str | None:
    """'destroy' when expired, 'warn-2' / 'warn-1' on the warning days, else None."""
    if expires_on is None:
        return None
    left = (expires_on - today).days
    if left <= 0:
        return "destroy"
    return f"warn-{left}" if left in WARN_DAYS else None


def extended_spec(spec: EnvironmentSpec, days: int, today: dt.date, max_ttl_days: int | None) -> EnvironmentSpec:
    """The spec with `expires_on` moved by `days`; ValueError when that passes the tier's maximum TTL."""
    current = spec.expires_on or today
    new_date = max(current, today) + dt.timedelta(days=days)
    if max_ttl_days is not None and (new_date - today).days > max_ttl_days:
        raise ValueError(
            f"extending {spec.name} to {new_date} would leave {(new_date - today).days} days; "
            f"the org policy allows at most {max_ttl_days} days for tier {spec.tier.value} "
            f"(tiers.{spec.tier.value}.max_ttl_days)"
        )
    return spec.model_copy(update={"expires_on": new_date})
