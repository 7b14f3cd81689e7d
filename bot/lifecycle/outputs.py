"""What an apply reports back: non-secret outputs, step timings, and trimmed, redacted errors."""

from __future__ import annotations

from typing import Any

from bot.logs import redact
from bot.markdown import code_block, code_span, escape_cell
from bot.request import markers

MAX_ERROR_CHARS = 6000


def public_outputs(output_json: dict[str, Any]) -> dict[str, Any]:
    """`terraform output -json` without sensitive outputs (their values never leave the runner)."""
    return {name: item.get("value") for name, item in output_json.items() if not item.get("sensitive")}


def trim_error(text: str, limit: int = MAX_ERROR_CHARS) -> str:
    """The end of a tool's error output (where the cause is), with credentials redacted."""
    text = redact(text.strip())
    return text if len(text) <= limit else "…\n" + text[-limit:]


def timings_table(timings: dict[str, float]) -> str:
    rows = "\n".join(f"| {escape_cell(step)} | {seconds:.1f} s |" for step, seconds in timings.items())
    return "| step | time |\n|---|---|\n" + rows


def success_comment(name: str, outputs: dict[str, Any], timings: dict[str, float], helm_note: str) -> str:
    """The comment posted on the merged PR and the request issue after an apply."""
    rows = "\n".join(f"| {code_span(key, in_table=True)} | {code_span(value, in_table=True)} |" for key, value in sorted(outputs.items()))
    outputs_table = "| output | value |\n|---|---|\n" + rows if outputs else "_No outputs._"
    return (
        f"{markers.applied(name)}\n### 🚀 `{escape_cell(name)}` applied\n\n{outputs_table}\n\n"
        f"{escape_cell(helm_note)}\n\n<details><summary>Timings</summary>\n\n{timings_table(timings)}\n\n</details>\n"
    )


def refused_comment(name: str, reason: str) -> str:
    """The comment posted when apply refuses to start (a missing input, files that do not match their lock):
    nothing was run, so there is nothing to revert."""
    return (
        f"{markers.applied(name)}\n### ⛔ `{escape_cell(name)}` was not applied: nothing was run\n\n"
        f"{code_block(trim_error(reason))}\n\nFix what is named above in a new pull request (the environment's "
        "request can re-plan it: `/dev-agent set ...`, see `/dev-agent help`); merging it runs the apply again.\n"
    )


def failure_comment(name: str, step: str, error: str, revert_url: str | None) -> str:
    """The comment posted when an apply fails."""
    revert = f"A revert PR restores the last applied revision: {revert_url}" if revert_url else (
        "There is no earlier applied revision to restore; fix the environment with a new PR or `/dev-agent destroy`."
    )
    return (
        f"{markers.applied(name)}\n### 😕 Applying `{escape_cell(name)}` failed at {escape_cell(step)}\n\n"
        f"{code_block(trim_error(error))}\n\n{revert}\n"
    )
