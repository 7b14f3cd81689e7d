"""Compare an estimate with an Infracost golden table, resource by resource (tests and bench use it)."""

from __future__ import annotations

from typing import Any

from bot.cost.table import parse_table


def flatten(report: dict[str, Any]) -> dict[str, dict[str, dict[str, Any]]]:
    """``{resource: {"sub/component": component JSON}}`` from an Infracost JSON report."""
    out: dict[str, dict[str, dict[str, Any]]] = {}

    def walk(node: dict[str, Any], prefix: str, acc: dict[str, Any]) -> None:
        for c in node.get("costComponents", []):
            acc[prefix + c["name"]] = c
        for s in node.get("subresources", []):
            walk(s, prefix + s["name"] + "/", acc)

    for project in report["projects"]:
        for res in project["breakdown"]["resources"]:
            acc: dict[str, Any] = {}
            walk(res, "", acc)
            out[res["name"]] = acc
    return out


def compare_with_golden(report: dict[str, Any], golden_text: str, tolerance: float = 0.01) -> tuple[list[str], float, int]:
    """(problems, max relative deviation of resource monthly cost, resources compared)."""
    gold = parse_table(golden_text)
    ours = flatten(report)
    costs = {r["name"]: float(r["monthlyCost"]) for p in report["projects"] for r in p["breakdown"]["resources"]}
    problems: list[str] = []
    worst = 0.0
    for name, comps in gold.items():
        if name not in ours:
            problems.append(f"{name}: missing")
            continue
        want_total = sum(c["monthly_cost"] or 0.0 for c in comps.values())
        # the table rounds every component to cents: allow half a cent each before counting a deviation
        slack = 0.005 * len(comps)
        diff = max(abs(costs[name] - want_total) - slack, 0.0)
        dev = diff / want_total if want_total else diff
        worst = max(worst, dev)
        if dev > tolerance:
            problems.append(f"{name}: monthly {costs[name]:.2f} != {want_total:.2f}")
        for cname, want in comps.items():
            got = ours[name].get(cname)
            if got is None:
                problems.append(f"{name}: component {cname!r} missing")
                continue
            if got["unit"] != want["unit"]:
                problems.append(f"{name}: {cname!r} unit {got['unit']!r} != {want['unit']!r}")
            got_cost = None if got["monthlyCost"] is None else float(got["monthlyCost"])
            if (got_cost is None) != (want["monthly_cost"] is None):
                problems.append(f"{name}: {cname!r} cost {got_cost} != {want['monthly_cost']}")
            elif got_cost is not None and abs(got_cost - want["monthly_cost"]) > max(
                tolerance * want["monthly_cost"], 0.006
            ):
                problems.append(f"{name}: {cname!r} cost {got_cost:.4f} != {want['monthly_cost']}")
            elif got_cost is None and abs(float(got["price"]) - want["price"]) > max(tolerance * want["price"], 0.006):
                problems.append(f"{name}: {cname!r} price {got['price']} != {want['price']}")
        for extra in sorted(set(ours[name]) - set(comps)):
            problems.append(f"{name}: unexpected component {extra!r}")
    for extra in sorted(set(ours) - set(gold)):
        problems.append(f"{extra}: not in golden")
    return problems, worst, len(gold)
