"""What a `set` or an amendment changed, as the reply says it: spec fields before → after and the cost delta."""

from __future__ import annotations

from typing import Any

from bot.cost.diff import change_table, changes, delta_line, diff_reports
from bot.markdown import code_span, escape_cell
from bot.pipeline.results import PipelineResult
from bot.request.write import Proposed
from bot.spec import EnvironmentSpec

MAX_ROWS = 20
MAX_COST_ROWS = 8


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        flat: dict[str, Any] = {}
        for key, item in value.items():
            flat |= _flatten(item, f"{prefix}{key}.")
        return flat
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        flat = {}
        for index, item in enumerate(value):
            flat |= _flatten(item, f"{prefix}{index}.")
        return flat
    return {prefix.rstrip("."): value}


def _shown(value: Any) -> str:
    if value is None or value == []:
        return "—"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a budget of 400.0 reads as 400
    return str(value).lower() if isinstance(value, bool) else str(value)


def spec_changes(before: EnvironmentSpec, after: EnvironmentSpec) -> list[tuple[str, str, str]]:
    """(field, before, after) for every spec field whose value differs."""
    old, new = _flatten(before.model_dump(mode="json")), _flatten(after.model_dump(mode="json"))
    return [(key, _shown(old.get(key)), _shown(new.get(key))) for key in sorted(set(old) | set(new))
            if _shown(old.get(key)) != _shown(new.get(key))]


def cost_lines(result: PipelineResult) -> str:
    """The cost of the change, from the pipeline's estimates before and after it (bot.cost.diff, the same diff the
    report's cost section shows): the total's before -> after and the resources whose cost moved."""
    if result.cost is None:
        return "Monthly cost: see the report."
    if result.previous_cost is None:  # no earlier estimate to compare with (the old files did not parse)
        return f"Monthly cost: ${result.monthly_cost or 0:,.2f} (no earlier estimate to compare with)."
    diff = diff_reports(result.previous_cost, result.cost)
    moved = changes(diff)
    return delta_line(diff) + "." + (f"\n\n{change_table(diff, MAX_COST_ROWS)}" if moved else "")


def changes_reply(changes: list[tuple[str, str, str]], proposed: Proposed) -> str:
    """The reply after an update: a before → after table of the fields that moved and the cost of the change."""
    number = proposed.number
    rows = "\n".join(f"| {code_span(key, in_table=True)} | {escape_cell(old)} | {escape_cell(new)} |"
                     for key, old, new in changes[:MAX_ROWS])
    more = f"\n\n…and {len(changes) - MAX_ROWS} more field(s); see the diff in #{number}." if len(
        changes) > MAX_ROWS else ""
    return (f"Updated #{number}:\n\n| field | before | after |\n|---|---|---|\n{rows}{more}\n\n"
            f"{cost_lines(proposed.result)}")
