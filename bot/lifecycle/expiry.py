"""Expiry (TTL): when an environment expires, when to warn, and extending it within policy."""

from __future__ import annotations

import datetime as dt
import re

from bot.spec import EnvironmentSpec

WARN_DAYS = (2, 1)
_DURATION = re.compile(r"^(\d{1,3})\s*(d|day|days|w|week|weeks)$")


def expiry_action(expires_on: dt.date | None, today: dt.date) -> str | None:
    """'destroy' when expired, 'warn-2' / 'warn-1' on the warning days, else None."""
    if expires_on is None:
        return None
    left = (expires_on - today).days
    if left <= 0:
        return "destroy"
    return f"warn-{left}" if left in WARN_DAYS else None


def parse_duration_days(text: str) -> int:
    """'7d', '2w', '10 days' -> days; ValueError with the accepted forms otherwise."""
    match = _DURATION.match(text.strip().lower())
    if not match:
        raise ValueError(f"cannot read {text!r} as a duration: use e.g. 7d or 2w")
    amount, unit = int(match.group(1)), match.group(2)
    days = amount * 7 if unit.startswith("w") else amount
    if days < 1:
        raise ValueError("extend by at least one day")
    return days


def extended_spec(spec: EnvironmentSpec, days: int, today: dt.date, max_ttl_days: int | None) -> EnvironmentSpec:
    """The spec with `expires_on` moved by `days`; ValueError when that passes the tier's maximum TTL."""
    current = spec.expires_on or today
    new_date = max(current, today) + dt.timedelta(days=days)
    if max_ttl_days is not None and (new_date - today).days > max_ttl_days:
        raise ValueError(
            f"extending {spec.name} to {new_date} would leave {(new_date - today).days} days; "
            f"the policy allows at most {max_ttl_days} days for tier {spec.tier.value}"
        )
    return spec.model_copy(update={"expires_on": new_date})
