"""The documented checkov skip list: which check ids `dev-agent check` skips for a plan, and why."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from bot.planning import Plan

SKIPS_FILE = Path(__file__).with_name("checkov-skips.yaml")


@dataclass(frozen=True)
class Skip:
    """One skipped check: its id, why, and the tiers it applies to (empty = all)."""

    id: str
    reason: str
    tiers: tuple[str, ...] = ()

    def applies(self, plan: Plan) -> bool:
        return not self.tiers or plan.spec.tier.value in self.tiers


@lru_cache(maxsize=4)
def load_skips(path: Path = SKIPS_FILE) -> tuple[Skip, ...]:
    """Every entry of the skip list; a malformed file raises ValueError naming the entry."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    skips = []
    for index, entry in enumerate(data.get("skips", [])):
        if not isinstance(entry, dict) or not entry.get("id") or not entry.get("reason"):
            raise ValueError(f"{path}: skips[{index}] needs an id and a reason")
        tiers = (entry.get("applies_to") or {}).get("tier", [])
        skips.append(Skip(id=str(entry["id"]), reason=str(entry["reason"]), tiers=tuple(str(t) for t in tiers)))
    return tuple(skips)


def skips_for(plan: Plan) -> list[Skip]:
    """The skips that apply to this plan."""
    return [skip for skip in load_skips() if skip.applies(plan)]


def skip_ids(plan: Plan) -> list[str]:
    """Check ids to pass to `checkov --skip-check` for this plan."""
    return [skip.id for skip in skips_for(plan)]
