"""Infracost's breakdown table: render it, and parse it back (used to compare with golden files)."""

from __future__ import annotations

import html
import math
import re
from typing import Any

_COST_ROW = re.compile(
    r"^(?P<name>.+?)\s{2,}(?P<qty>-?[\d,]+(?:\.\d+)?)\s{2,}(?P<unit>\S.*?)\s{2,}\$(?P<cost>-?[\d,]+(?:\.\d+)?)(?:\s+\*)?\s*$"
)
_USAGE_ROW = re.compile(
    r"^(?P<name>.+?)\s{2,}Monthly cost depends on usage: \$(?P<price>[\d,.]+) per (?P<unit>.+?)\s*$"
)
_TREE = "├└│─ "


def parse_table(text: str) -> dict[str, dict[str, dict[str, Any]]]:
    """``{resource: {"sub/…/component": {"qty", "unit", "monthly_cost", "price"}}}`` from a table."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    current: dict[str, dict[str, Any]] | None = None
    stack: list[str] = []
    for raw in text.splitlines():
        line = raw.rstrip()
        if not line.strip() or (line.lstrip().startswith("Name ") and "Monthly Qty" in line):
            continue
        if "OVERALL TOTAL" in line or "PROJECT TOTAL" in line:
            break
        body = line.removeprefix(" ")
        if body and body[0] not in _TREE:
            current = out.setdefault(body.split()[0], {})
            stack = []
            continue
        if current is None:
            continue
        marker = max(body.find("├─"), body.find("└─"))
        depth = marker // 3
        content = body[marker + 2 :].strip()
        stack = stack[:depth]
        m = _COST_ROW.match(content)
        u = _USAGE_ROW.match(content) if not m else None
        if m:
            key = "/".join([*stack, m["name"].strip()])
            current[key] = {
                "qty": _n(m["qty"]),
                "unit": m["unit"].strip(),
                "monthly_cost": _n(m["cost"]),
                "price": None,
            }
        elif u:
            key = "/".join([*stack, u["name"].strip()])
            current[key] = {"qty": None, "unit": u["unit"].strip(), "monthly_cost": None, "price": _n(u["price"])}
        else:
            stack.append(content)
    return out


def _n(text: str) -> float:
    return float(text.replace(",", ""))


def _fmt_qty(q: float | None) -> str:
    if q is None:
        return ""
    if abs(q - round(q)) < 1e-9:
        return f"{round(q):,}"
    truncated = math.floor(q * 10000) / 10000  # Infracost truncates quantities to 4 decimals
    return f"{truncated:,.4f}".rstrip("0").rstrip(".")


def _fmt_money(v: float) -> str:
    return f"${v:,.2f}"


def _fmt_price(p: float) -> str:
    if p >= 0.01 or p == 0:
        s = f"{p:,.2f}"
        if abs(p * 100 - round(p * 100)) > 1e-9:
            s = f"{p:,.6f}".rstrip("0")
        return "$" + s
    return "$" + f"{p:.10f}".rstrip("0")


def render_table(report: dict[str, Any]) -> str:
    """Infracost's ``breakdown`` table for an Infracost JSON (version 0.2) report."""
    rows: list[tuple[str, str, str, str]] = [("Name", "Monthly Qty", "Unit", "Monthly Cost"), ("", "", "", "")]
    for project in report["projects"]:
        for res in project["breakdown"]["resources"]:
            rows.append((res["name"], "", "", ""))
            _rows(res, "", rows)
            rows.append(("", "", "", ""))
    wn = max(len(r[0]) for r in rows) + 2
    wq = max(len(r[1]) for r in rows) + 2
    wu = max(len(r[2]) for r in rows if not r[2].startswith("Monthly cost depends")) + 2
    wc = max(max(len(r[3]) for r in rows), 12)
    lines = []
    for name, qty, unit, cost in rows:
        if qty == "" and unit.startswith("Monthly cost depends"):
            lines.append(f" {name.ljust(wn)}{unit}")
        else:
            lines.append(f" {name.ljust(wn)}{qty.rjust(wq - 2)}  {unit.ljust(wu)}{cost.rjust(wc)}")
    total = float(report["totalMonthlyCost"] or 0)
    lines.append(f" {'OVERALL TOTAL'.ljust(wn + wq + wu)}{_fmt_money(total).rjust(wc - 3)}")
    lines.append("")
    lines.append("──────────────────────────────────")
    summary = report["summary"]
    lines.append(f"{summary['totalDetectedResources']} cloud resources were detected:")
    lines.append(f"∙ {summary['totalSupportedResources']} were estimated")
    free = sum(summary["noPriceResourceCounts"].values())
    if free:
        lines.append(f"∙ {free} {'was' if free == 1 else 'were'} free")
    unsupported = summary["unsupportedResourceCounts"]
    if unsupported:
        n = sum(unsupported.values())
        lines.append(f"∙ {n} {'is' if n == 1 else 'are'} not supported yet:")
        for rtype, count in sorted(unsupported.items()):
            lines.append(f"  ∙ {count} x {rtype}")
    notes = [w["message"] for p in report["projects"] for w in (p.get("metadata") or {}).get("warnings") or []]
    for note in notes:
        lines.append(f"  note: {note}")
    return "\n".join(lines) + "\n"


def _rows(node: dict[str, Any], prefix: str, rows: list[Any]) -> None:
    items = [("c", c) for c in node.get("costComponents", [])] + [("s", s) for s in node.get("subresources", [])]
    for i, (kind, item) in enumerate(items):
        last = i == len(items) - 1
        branch = prefix + ("└─ " if last else "├─ ")
        if kind == "s":
            rows.append((branch + item["name"], "", "", ""))
            _rows(item, prefix + ("   " if last else "│  "), rows)
            continue
        if item.get("priceNotFound"):
            qty = "" if item["monthlyQuantity"] is None else _fmt_qty(float(item["monthlyQuantity"]))
            rows.append((branch + item["name"], qty, item["unit"], "not found   "))
        elif item["monthlyQuantity"] is None:
            price = float(item["price"])
            rows.append(
                (
                    branch + item["name"],
                    "",
                    f"Monthly cost depends on usage: {_fmt_price(price)} per {item['unit']}",
                    "",
                )
            )
        else:
            star = "  *" if item.get("usageBased") else "   "
            rows.append(
                (
                    branch + item["name"],
                    _fmt_qty(float(item["monthlyQuantity"])),
                    item["unit"],
                    _fmt_money(float(item["monthlyCost"] or 0)) + star,
                )
            )


def render_markdown(report: dict[str, Any]) -> str:
    """A PR comment in the shape of Infracost's: project totals table, then the breakdown in a details block."""
    rows = []
    for project in report["projects"]:
        b = project["breakdown"]
        total = float(b["totalMonthlyCost"] or 0)
        usage = float(b["totalMonthlyUsageCost"] or 0)
        rows.append(
            f"    <tr>\n      <td>{html.escape(project['name'])}</td>\n"
            f'      <td align="right">{_fmt_money(total - usage)}</td>\n'
            f'      <td align="right">{_fmt_money(usage) if usage else "-"}</td>\n'
            f'      <td align="right">{_fmt_money(total)}</td>\n    </tr>'
        )
    total = float(report["totalMonthlyCost"] or 0)
    return "\n".join(
        [
            "<h4>💰 Cost estimate</h4>",
            f"<h4>Monthly estimate: {_fmt_money(total)}</h4>",
            "<table>",
            "  <thead>",
            "    <td>Project</td>",
            "    <td>Baseline cost</td>",
            "    <td>Usage cost*</td>",
            "    <td>Monthly cost</td>",
            "  </thead>",
            "  <tbody>",
            *rows,
            "  </tbody>",
            "</table>",
            "",
            (
                "*Usage costs come from the usage file; usage-based components without usage are listed with their "
                "unit price only. A month is 730 hours."
            ),
            "<details>",
            "",
            "<summary>Estimate details</summary>",
            "",
            "```",
            render_table(report).rstrip("\n"),
            "```",
            "</details>",
            "",
        ]
    )
