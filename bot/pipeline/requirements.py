"""The report's "Requirements" table and "Compliance" section, and what keeps a report from being ready.

Every ask of the request is one row (refused ones too, with the guard's reason), so nothing the requester
asked for can disappear between the issue and the pull request. An unsupported ask, or a compliance control
with a gap, stays open until a reviewer accepts it with `/dev-agent override requirement:<key> reason`
(recorded with who and why like any override); while anything is open the report is not ready for review.
"""

from __future__ import annotations

from typing import Any

from bot.markdown import code_span, escape_cell, table
from bot.understanding.ledger import Requirement, Status

ICONS = {Status.honoured: "✅", Status.adjusted: "↪️", Status.unsupported: "⚠️", Status.refused: "⛔"}


def requirements_section(rows: list[Requirement]) -> str:
    """`### Requirements`: one row per ask, in the order of the request."""
    if not rows:
        return (
            "### Requirements\n\nNo specific asks were recognised in the request text "
            "(the spec was given as fields or YAML)."
        )
    body = [
        [
            f"{ICONS[row.status]} {row.status.value}" + (" (accepted)" if row.accepted else ""),
            escape_cell(row.label),
            code_span(_short(row.words), True),
            _where_or_why(row),
        ]
        for row in rows
    ]
    counts = ", ".join(
        f"{sum(r.status == s for r in rows)} {s.value}" for s in Status if any(r.status == s for r in rows)
    )
    return f"### Requirements ({counts})\n\n" + table(["Status", "Ask", "Request's words", "Where / why"], body)


def _where_or_why(row: Requirement) -> str:
    parts = []
    if row.where:
        parts.append(
            code_span(row.where, True) if ":" in row.where and " " not in row.where else escape_cell(row.where)
        )
    if row.reason:
        parts.append(escape_cell(row.reason))
    if row.accepted:
        parts.append(escape_cell(row.accepted))
    elif row.status == Status.unsupported:
        parts.append("accept with " + code_span(f"/dev-agent override {row.accept_key} <reason>", True))
    return " — ".join(parts) or "-"


def _short(words: str, limit: int = 60) -> str:
    words = " ".join(words.split())
    return words if len(words) <= limit else words[: limit - 1] + "…"


def compliance_section(controls: list[Any], overrides: dict[str, Any] | None = None) -> str | None:
    """`### Compliance`: each control of each framework with its evidence or its gap (None without frameworks)."""
    if not controls:
        return None
    overrides = overrides or {}
    rows = []
    for control in controls:
        accepted = overrides.get(_accept_key(control))
        if control.met:
            outcome = "✅ evidence"
            detail = "; ".join(code_span(e, True) if " " not in e else escape_cell(e) for e in control.evidence) or "-"
        else:
            outcome = "⚠️ gap" + (" (accepted)" if accepted else "")
            detail = escape_cell(control.gap)
            detail += (
                " — " + escape_cell(f"accepted by @{accepted.by}: {accepted.reason}")
                if accepted
                else " — accept with " + code_span(f"/dev-agent override {_accept_key(control)} <reason>", True)
            )
        checks = ", ".join(code_span(c, True) for c in control.checks) or "-"
        rows.append(
            [
                outcome,
                code_span(control.framework, True),
                escape_cell(control.requirement),
                escape_cell(control.reference),
                detail,
                checks,
            ]
        )
    met = sum(c.met for c in controls)
    head = (
        f"### Compliance: helps meet {met} of {len(controls)} controls\n\n"
        "dev-agent helps meet these frameworks; it does not certify an environment. Checks listed for a control "
        "verify it when checkov runs (a failed one turns the control into a gap)."
    )
    return head + "\n\n" + table(["", "Framework", "Control", "Reference", "Evidence or gap", "Checks"], rows)


def _accept_key(control: Any) -> str:
    return f"requirement:compliance:{control.framework}:{control.control}"


def open_items(
    rows: list[Requirement], controls: list[Any], overrides: dict[str, Any] | None = None
) -> list[tuple[str, str]]:
    """What keeps the report from being ready, each with the key that accepts it: unsupported asks and compliance
    gaps nobody accepted."""
    overrides = overrides or {}
    items = [
        (f"{row.label} ({_short(row.words, 40)!r}) is not supported: {row.reason}", row.accept_key)
        for row in rows
        if row.open
    ]
    items += [
        (f"{control.framework} control {control.control!r}: {control.gap}", _accept_key(control))
        for control in controls
        if not control.met and _accept_key(control) not in overrides
    ]
    return items
