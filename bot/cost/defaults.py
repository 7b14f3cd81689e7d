"""Usage defaults per tier (``bot/cost/usage_defaults/<tier>.yml``, Infracost's usage-file format) and the
estimate of a generated environment: its usage-priced total and its min-max range.

An environment overrides the defaults with its own usage file (``environments/<name>/cost-usage.yml``, same
format): its ``resource_type_default_usage`` keys replace the tier's for that type, its ``resource_usage``
entries apply to single resources.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from bot.cost import estimate_parsed
from bot.cost.usage import UsageFile, parse_usage

DEFAULTS_DIR = Path(__file__).parent / "usage_defaults"
OVERRIDE_NAME = "cost-usage.yml"


@lru_cache(maxsize=4)
def tier_usage(tier: str) -> UsageFile:
    """The documented default usage of a tier ("dev", "staging", "prod")."""
    path = DEFAULTS_DIR / f"{tier}.yml"
    return parse_usage(path.read_text(encoding="utf-8"), f"bot/cost/usage_defaults/{tier}.yml")


def merged(base: UsageFile, override: UsageFile | None) -> UsageFile:
    """``base`` with ``override`` on top (type defaults merged key by key; resource entries replaced)."""
    if override is None:
        return base
    types = {t: dict(v) for t, v in base.type_defaults.items()}
    for rtype, values in override.type_defaults.items():
        types.setdefault(rtype, {}).update(values)
    return UsageFile(
        path=override.path,
        resource_usage={**base.resource_usage, **override.resource_usage},
        type_defaults=types,
        lines={**base.lines, **override.lines},
    )


@dataclass
class EnvironmentCost:
    """An environment's estimate (Infracost JSON, minimum counts) and the top of its monthly range."""

    report: dict[str, Any]
    max_monthly: float
    usage: UsageFile

    @property
    def min_monthly(self) -> float:
        return float(self.report.get("totalMonthlyCost") or 0)


def estimate_environment(
    modules: dict[str, dict[str, Any]], tier: str, override: str | None = None, project: str = "main"
) -> EnvironmentCost:
    """Estimate parsed Terraform of a generated environment with the tier's default usage (and the
    environment's override text, if any): the minimum-count report and the maximum-count total.

    A malformed override raises CostInputError naming ``cost-usage.yml`` and the line."""
    usage = merged(tier_usage(tier), parse_usage(override, OVERRIDE_NAME) if override else None)
    report = estimate_parsed(modules, usage, project=project)
    top = estimate_parsed(modules, usage, project=project, scenario="max")
    return EnvironmentCost(report, float(top.get("totalMonthlyCost") or 0), usage)
