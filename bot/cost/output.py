"""Infracost JSON (version "0.2") from priced resources."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.cost.model import HOURS_PER_MONTH, Component, Priced


def dec(value: float | None) -> str | None:
    """A decimal string as Infracost prints them (no exponent, no trailing zeros)."""
    if value is None:
        return None
    if float(value).is_integer():
        return str(int(value))
    text = f"{value:.10f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _component(c: Component) -> dict[str, Any]:
    cost = c.monthly_cost
    out: dict[str, Any] = {
        "name": c.name,
        "unit": c.unit,
        "hourlyQuantity": dec(None if c.monthly_qty is None else c.monthly_qty / HOURS_PER_MONTH),
        "monthlyQuantity": dec(c.monthly_qty),
        "price": dec(c.price if c.price is not None else 0),
        "hourlyCost": dec(None if cost is None else cost / HOURS_PER_MONTH),
        "monthlyCost": dec(cost),
    }
    if c.usage_based:
        out["usageBased"] = True
    out["priceNotFound"] = c.price is None
    return out


def _resource(p: Priced, top: bool) -> dict[str, Any]:
    monthly = p.monthly_cost()
    out: dict[str, Any] = {"name": p.name}
    if top:
        out.update({"resourceType": p.resource_type, "tags": {}})
    out["metadata"] = {}
    out["hourlyCost"] = dec(monthly / HOURS_PER_MONTH)
    out["monthlyCost"] = dec(monthly)
    if top and p.has_usage():
        out["monthlyUsageCost"] = dec(p.monthly_usage_cost())
    if p.components:
        out["costComponents"] = [_component(c) for c in p.components]
    if p.subresources:
        out["subresources"] = [_resource(s, False) for s in p.subresources]
    return out


def report(
    priced: list[Priced], free: dict[str, int], unsupported: dict[str, int], notes: list[str], project: str, kind: str
) -> dict[str, Any]:
    """The whole Infracost JSON document for one project."""
    resources = sorted((_resource(p, True) for p in priced), key=lambda r: (-float(r["monthlyCost"]), r["name"]))
    total = sum(p.monthly_cost() for p in priced)
    usage_total = sum(p.monthly_usage_cost() for p in priced)
    summary = {
        "totalDetectedResources": len(priced) + sum(free.values()) + sum(unsupported.values()),
        "totalSupportedResources": len(priced),
        "totalUnsupportedResources": sum(unsupported.values()),
        "totalUsageBasedResources": sum(1 for p in priced if p.has_usage()),
        "totalNoPriceResources": sum(free.values()),
        "unsupportedResourceCounts": dict(sorted(unsupported.items())),
        "noPriceResourceCounts": dict(sorted(free.items())),
    }
    breakdown = {
        "resources": resources,
        "totalHourlyCost": dec(total / HOURS_PER_MONTH),
        "totalMonthlyCost": dec(total),
        "totalMonthlyUsageCost": dec(usage_total),
    }
    warnings = [{"code": 0, "message": note, "data": None, "isError": False} for note in notes]
    project_doc = {
        "name": project,
        "displayName": project,
        "metadata": {"path": project, "type": kind, "warnings": warnings},
        "pastBreakdown": {
            "resources": [],
            "totalHourlyCost": "0",
            "totalMonthlyCost": "0",
            "totalMonthlyUsageCost": "0",
        },
        "breakdown": breakdown,
        "diff": breakdown,
        "summary": summary,
    }
    vcs = {
        k: ""
        for k in (
            "vcsBranch",
            "vcsCommitSha",
            "vcsCommitAuthorName",
            "vcsCommitAuthorEmail",
            "vcsCommitTimestamp",
            "vcsCommitMessage",
        )
    }
    return {
        "version": "0.2",
        "metadata": {"infracostCommand": "breakdown", **vcs},
        "currency": "USD",
        "projects": [project_doc],
        "totalHourlyCost": breakdown["totalHourlyCost"],
        "totalMonthlyCost": breakdown["totalMonthlyCost"],
        "totalMonthlyUsageCost": breakdown["totalMonthlyUsageCost"],
        "pastTotalHourlyCost": "0",
        "pastTotalMonthlyCost": "0",
        "pastTotalMonthlyUsageCost": "0",
        "diffTotalHourlyCost": breakdown["totalHourlyCost"],
        "diffTotalMonthlyCost": breakdown["totalMonthlyCost"],
        "diffTotalMonthlyUsageCost": breakdown["totalMonthlyUsageCost"],
        "timeGenerated": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "summary": summary,
    }
