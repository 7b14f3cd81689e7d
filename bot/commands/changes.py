"""What a `set` or an amendment changed, as the reply says it: spec fields before → after and the cost delta."""

from __future__ import annotations

from typing import Any

from bot.markdown import code_span, escape_cell
from bot.spec import EnvironmentSpec

MAX_ROWS = 20


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


def cost_line(before: float | None, after: float | None) -> str:
    """`Monthly estimate: $98.80 → $124.35 (+$25.55)`, or what is known of it."""
    if after is None:
        return "Monthly estimate: see the report."
    if before is None:
        return f"Monthly estimate: ${after:,.2f}."
    delta = after - before
    sign = "+" if delta >= 0 else "-"
    return f"Monthly estimate: ${before:,.2f} → ${after:,.2f} ({sign}${abs(delta):,.2f})."


def changes_reply(changes: list[tuple[str, str, str]], number: int, before: float | None,
                  after: float | None) -> str:
    """The reply after an update: a before → after table of the fields that moved and the cost delta."""
    rows = "\n".join(f"| {code_span(key, in_table=True)} | {escape_cell(old)} | {escape_cell(new)} |"
                     for key, old, new in changes[:MAX_ROWS])
    more = f"\n\n…and {len(changes) - MAX_ROWS} more field(s); see the diff in #{number}." if len(
        changes) > MAX_ROWS else ""
    return (f"Updated #{number}:\n\n| field | before | after |\n|---|---|---|\n{rows}{more}\n\n"
            f"{cost_line(before, after)}")
