"""Change cost: two Infracost JSON estimates (or a terraform plan) -> Infracost's diff JSON, and its text.

:func:`diff_reports` is the one seam the PR report and ``dev-agent cost --compare OLD NEW`` share: the result
has ``pastBreakdown`` (before), ``breakdown`` (after) and ``diff`` (after - before, per resource and per cost
component, unchanged resources left out) in each project, and the ``past*`` / ``diff*`` totals, as
``infracost diff --format json`` writes them. :func:`diff_plan` prices a ``terraform show -json`` plan the way
``infracost diff --path plan.json`` does: its prior state before, its planned values after (what the plan on a
pull request changes, bot/review/preview.py). :func:`delta_line` and :func:`change_table` are the words and the
table a reviewer reads, for every place that shows a change's cost (the plan section, replies to amendments).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.cost import estimate_plan_document
from bot.cost.output import dec
from bot.cost.table import _fmt_money
from bot.cost.usage import UsageFile
from bot.markdown import code_span, table


@dataclass(frozen=True)
class Change:
    """One resource's monthly cost before and after (None when it did not exist)."""

    name: str
    before: float | None
    after: float | None

    @property
    def delta(self) -> float:
        return (self.after or 0.0) - (self.before or 0.0)

    @property
    def kind(self) -> str:
        """``+`` added, ``-`` removed, ``~`` changed."""
        return "+" if self.before is None else "-" if self.after is None else "~"


def _f(value: str | float | None) -> float:
    """A decimal string (or number) of Infracost's JSON as a number; missing is 0."""
    return float(value or 0)


def _sub(a: str | None, b: str | None) -> str | None:
    if a is None and b is None:
        return None
    return dec(_f(a) - _f(b))


def _component_diff(new: dict[str, Any] | None, old: dict[str, Any] | None) -> dict[str, Any] | None:
    base = dict(new or old or {})
    new, old = new or {}, old or {}
    out = {
        "name": base.get("name"),
        "unit": base.get("unit"),
        "hourlyQuantity": _sub(new.get("hourlyQuantity"), old.get("hourlyQuantity")),
        "monthlyQuantity": _sub(new.get("monthlyQuantity"), old.get("monthlyQuantity")),
        "price": new.get("price", old.get("price", "0")),
        "hourlyCost": _sub(new.get("hourlyCost"), old.get("hourlyCost")),
        "monthlyCost": _sub(new.get("monthlyCost"), old.get("monthlyCost")),
    }
    if base.get("usageBased"):
        out["usageBased"] = True
    out["priceNotFound"] = bool(new.get("priceNotFound") or old.get("priceNotFound"))
    changed = any(_f(out[k]) for k in ("monthlyQuantity", "monthlyCost")) or new.get("price") != old.get("price")
    return out if changed else None


def _resource_diff(new: dict[str, Any] | None, old: dict[str, Any] | None, top: bool) -> dict[str, Any] | None:
    base = new or old or {}
    new, old = new or {}, old or {}
    comps_new = {c["name"]: c for c in new.get("costComponents") or []}
    comps_old = {c["name"]: c for c in old.get("costComponents") or []}
    comps = [
        d
        for name in _ordered(comps_new, comps_old)
        if (d := _component_diff(comps_new.get(name), comps_old.get(name))) is not None
    ]
    subs_new = {s["name"]: s for s in new.get("subresources") or []}
    subs_old = {s["name"]: s for s in old.get("subresources") or []}
    subs = [
        d
        for name in _ordered(subs_new, subs_old)
        if (d := _resource_diff(subs_new.get(name), subs_old.get(name), False)) is not None
    ]
    monthly = _f(new.get("monthlyCost")) - _f(old.get("monthlyCost"))
    if not comps and not subs and not monthly and bool(new) == bool(old):
        return None
    out: dict[str, Any] = {"name": base["name"]}
    if top:
        out.update({"resourceType": base.get("resourceType", ""), "tags": base.get("tags", {})})
    out["metadata"] = {}
    out["hourlyCost"] = _sub(new.get("hourlyCost"), old.get("hourlyCost"))
    out["monthlyCost"] = dec(monthly)
    if top and ("monthlyUsageCost" in new or "monthlyUsageCost" in old):
        out["monthlyUsageCost"] = _sub(new.get("monthlyUsageCost"), old.get("monthlyUsageCost"))
    if comps:
        out["costComponents"] = comps
    if subs:
        out["subresources"] = subs
    return out


def _ordered(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    return list(a) + [k for k in b if k not in a]


def _resources(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    projects = report.get("projects") or []
    return {r["name"]: r for p in projects for r in (p.get("breakdown") or {}).get("resources") or []}


def diff_reports(past: dict[str, Any], current: dict[str, Any], project: str | None = None) -> dict[str, Any]:
    """Infracost's diff JSON (version 0.2) for ``past`` -> ``current`` (both Infracost JSON estimates)."""
    old, new = _resources(past), _resources(current)
    diff_resources = [
        d
        for name in sorted(set(old) | set(new))
        if (d := _resource_diff(new.get(name), old.get(name), True)) is not None
    ]
    diff_resources.sort(key=lambda r: (-abs(_f(r["monthlyCost"])), r["name"]))

    def totals(report: dict[str, Any]) -> dict[str, Any]:
        return {k: report.get(k) or "0" for k in ("totalHourlyCost", "totalMonthlyCost", "totalMonthlyUsageCost")}

    before, after = totals(past), totals(current)
    diff_totals = {k: dec(_f(after[k]) - _f(before[k])) for k in after}
    current_project = (current.get("projects") or [{}])[0]
    past_breakdown = {"resources": list(old.values()), **before}
    breakdown = {"resources": list(new.values()), **after}
    name = project or current_project.get("name", "main")
    project_doc = {
        "name": name,
        "displayName": name,
        "metadata": current_project.get("metadata") or {"path": name, "type": "terraform_dir"},
        "pastBreakdown": past_breakdown,
        "breakdown": breakdown,
        "diff": {"resources": diff_resources, **diff_totals},
        "summary": current.get("summary") or current_project.get("summary") or {},
    }
    return {
        "version": "0.2",
        "metadata": {**(current.get("metadata") or {}), "infracostCommand": "diff"},
        "currency": current.get("currency", "USD"),
        "projects": [project_doc],
        **after,
        "pastTotalHourlyCost": before["totalHourlyCost"],
        "pastTotalMonthlyCost": before["totalMonthlyCost"],
        "pastTotalMonthlyUsageCost": before["totalMonthlyUsageCost"],
        "diffTotalHourlyCost": diff_totals["totalHourlyCost"],
        "diffTotalMonthlyCost": diff_totals["totalMonthlyCost"],
        "diffTotalMonthlyUsageCost": diff_totals["totalMonthlyUsageCost"],
        "timeGenerated": current.get("timeGenerated", ""),
        "summary": current.get("summary") or {},
    }


def changes(diff: dict[str, Any]) -> list[Change]:
    """Per-resource before/after from a diff report (changed resources only, largest change first)."""
    out = []
    for project in diff.get("projects") or []:
        old = {r["name"]: r for r in project["pastBreakdown"]["resources"]}
        new = {r["name"]: r for r in project["breakdown"]["resources"]}
        for r in project["diff"]["resources"]:
            name = r["name"]
            out.append(
                Change(
                    name,
                    _f(old[name]["monthlyCost"]) if name in old else None,
                    _f(new[name]["monthlyCost"]) if name in new else None,
                )
            )
    return out


def _signed(value: float) -> str:
    return ("+" if value >= 0 else "-") + _fmt_money(abs(value))


def render_diff(diff: dict[str, Any]) -> str:
    """Infracost's diff text: each changed resource with ``+``/``-``/``~``, then the monthly change."""
    lines = []
    for c in changes(diff):
        lines.append(f"{c.kind} {c.name}")
        if c.kind == "~":
            lines.append(f"  {_signed(c.delta)} ({_fmt_money(c.before or 0)} → {_fmt_money(c.after or 0)})")
        else:
            lines.append(f"  {_signed(c.delta)}")
        lines.append("")
    before, after = _f(diff["pastTotalMonthlyCost"]), _f(diff["totalMonthlyCost"])
    delta = after - before
    lines.append("Monthly cost change")
    lines.append(f"Amount:  {_signed(delta)} ({_fmt_money(before)} → {_fmt_money(after)})")
    if before:
        lines.append(f"Percent: {'+' if delta >= 0 else '-'}{abs(delta) / before:.0%}")
    if not changes(diff):
        lines.insert(0, "No resource cost changed.\n")
    return "\n".join(lines) + "\n"


def diff_plan(show_json: dict[str, Any], usage: UsageFile | str | Path | None = None, project: str = "main") -> dict[str, Any]:
    """Infracost's diff JSON of a ``terraform show -json`` plan: its prior state (nothing, for a new environment)
    before, its planned values after. Raises CostInputError like the estimates."""
    config = {"configuration": show_json.get("configuration") or {}}
    prior = (show_json.get("prior_state") or {}).get("values")
    past = estimate_plan_document({**config, "values": prior}, usage, project) if prior else {}
    current = estimate_plan_document({**config, "planned_values": show_json.get("planned_values") or {}}, usage,
                                     project)
    return diff_reports(past, current, project)


def delta_line(diff: dict[str, Any]) -> str:
    """"Monthly cost: $52.10 → $60.20 (+$8.10, +16%)", or "... unchanged at $52.10"."""
    before, after = _f(diff.get("pastTotalMonthlyCost")), _f(diff.get("totalMonthlyCost"))
    if round(after - before, 2) == 0:
        return f"Monthly cost: unchanged at {_fmt_money(after)}"
    percent = f", {'+' if after >= before else '-'}{abs(after - before) / before:.0%}" if before else ""
    return f"Monthly cost: {_fmt_money(before)} → {_fmt_money(after)} ({_signed(after - before)}{percent})"


def change_table(diff: dict[str, Any], max_rows: int = 25) -> str:
    """Markdown: each resource whose monthly cost changes, before → after and the change (largest first), then
    the total; rows past `max_rows` are counted in one line (their change is in the total)."""
    def money(value: float | None) -> str:
        return "-" if value is None else _fmt_money(value)

    found = changes(diff)
    rows = [[code_span(c.name, True), money(c.before), money(c.after), _signed(c.delta)] for c in found[:max_rows]]
    if len(found) > max_rows:
        rest = sum(c.delta for c in found[max_rows:])
        rows.append([f"{len(found) - max_rows} more resource(s)", "", "", _signed(rest)])
    before, after = _f(diff.get("pastTotalMonthlyCost")), _f(diff.get("totalMonthlyCost"))
    rows.append(["**Total**", f"**{_fmt_money(before)}**", f"**{_fmt_money(after)}**", f"**{_signed(after - before)}**"])
    return table(["Resource", "Before", "After", "Change"], rows, ["l", "r", "r", "r"])
