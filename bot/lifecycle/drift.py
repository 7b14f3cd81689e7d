"""Drift: what `terraform plan` found changed outside Terraform, per resource and attribute."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from bot.markdown import code_span, escape_cell

DRIFT_MARKER = "<!-- dev-agent:drift env={name} -->"


class DriftedResource(BaseModel):
    """One resource whose real state differs from the last applied state."""

    address: str
    actions: list[str]
    attributes: list[str]


def _changed_paths(before: Any, after: Any, prefix: str = "") -> list[str]:
    """Dotted paths where two JSON values differ (maps compared key by key, lists as a whole)."""
    if isinstance(before, dict) and isinstance(after, dict):
        paths: list[str] = []
        for key in sorted(set(before) | set(after)):
            paths += _changed_paths(before.get(key), after.get(key), f"{prefix}{key}.")
        return paths
    return [prefix.rstrip(".")] if before != after else []


def drift_from_plan(plan_json: dict[str, Any]) -> list[DriftedResource]:
    """Resources in `resource_drift` of a `terraform show -json` plan, with the attributes that moved."""
    drifted = []
    for change in plan_json.get("resource_drift", []):
        detail = change.get("change", {})
        before, after = detail.get("before") or {}, detail.get("after") or {}
        attributes = _changed_paths(before, after) if detail.get("actions") != ["delete"] else ["(deleted outside Terraform)"]
        drifted.append(DriftedResource(address=change["address"], actions=detail.get("actions", []), attributes=attributes))
    return drifted


def drift_issue_title(name: str) -> str:
    return f"Drift in {name}"


def drift_issue_body(name: str, drifted: list[DriftedResource]) -> str:
    """The body of the drift issue: a table of resources and changed attributes, and what to do."""
    rows = "\n".join(
        f"| {code_span(d.address, in_table=True)} | {escape_cell(', '.join(d.actions))} | {escape_cell(', '.join(d.attributes) or '-')} |"
        for d in drifted
    )
    return (
        f"{DRIFT_MARKER.format(name=name)}\n"
        f"`dev-agent drift` found {len(drifted)} resource(s) of **{escape_cell(name)}** changed outside Terraform.\n\n"
        "| resource | change | attributes |\n|---|---|---|\n"
        f"{rows}\n\n"
        "Re-apply the environment to restore the reviewed configuration, or change `environment.yaml` through a PR "
        "if the change should stay. This issue closes itself when a later drift check is clean.\n"
    )
