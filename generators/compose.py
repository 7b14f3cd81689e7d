"""Placeholder for the compose generator (filled in by its issue)."""

from __future__ import annotations

from bot.planning import Plan
from bot.settings import Settings


def generate(plan: Plan, settings: Settings) -> dict[str, str]:
    """Files of this component (none yet)."""
    return {}
