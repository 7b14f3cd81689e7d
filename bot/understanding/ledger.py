"""The requirements ledger: every ask recognised in a request, its words, and what became of it.

Statuses: `honoured` (where: the spec field, then the generated file and line), `adjusted` (built
differently, and why), `unsupported` (a question to the requester, or a risk the reviewer must accept)
and `refused` (and why). `locate` checks honoured rows against the generated files: a row whose
evidence is missing is downgraded to unsupported, so a ledger can never claim what was not built.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field


class Status(StrEnum):
    honoured = "honoured"
    adjusted = "adjusted"
    unsupported = "unsupported"
    refused = "refused"


class Requirement(BaseModel):
    """One ask of the request."""

    key: str = Field(description="what kind of ask, e.g. database:postgres, compliance:hipaa, access:ssh")
    label: str = Field(description="the ask in plain words")
    words: str = Field(description="the request's own words")
    start: int = Field(ge=0, description="offset of `words` in the (normalised) request text")
    end: int = Field(ge=0)
    status: Status
    where: str = Field(default="", description="spec field, or file:line once generated")
    reason: str = Field(default="", description="why it was adjusted, is unsupported or was refused")
    question: str | None = Field(default=None, description="asked of the requester before anything is proposed")
    accepted: str | None = Field(default=None, description="who accepted the unsupported ask as a risk, and why")
    evidence: list[str] = Field(default_factory=list, exclude=True, description="regexes over generated files")
    field: str | None = Field(default=None, exclude=True, description="the spec field that records it")

    @property
    def open(self) -> bool:
        """Unsupported and not (yet) accepted by a reviewer: the environment is not ready for review."""
        return self.status == Status.unsupported and self.accepted is None

    @property
    def accept_key(self) -> str:
        """The name to accept it by: `/dev-agent override requirement:<key> reason`."""
        return f"requirement:{self.key}"


def locate(rows: list[Requirement], files: dict[str, str]) -> list[Requirement]:
    """Honoured rows pointed at the generated file and line that meets them (or downgraded when none does)."""
    spec_path = next((p for p in sorted(files) if p.endswith("/environment.yaml") or p == "environment.yaml"), None)
    located = []
    for row in rows:
        if row.status != Status.honoured:
            located.append(row)
            continue
        found = _find(files, row.evidence) if row.evidence else None
        if found:
            located.append(row.model_copy(update={"where": found}))
        elif row.evidence:  # recorded in the spec, but no generated file builds it: flagged, never claimed
            located.append(
                row.model_copy(
                    update={
                        "status": Status.unsupported,
                        "where": "",
                        "reason": (row.reason + "; " if row.reason else "")
                        + (f"the spec records it (`{row.field}`) but " if row.field else "")
                        + "not found in the generated files",
                    }
                )
            )
        elif spec_path and row.field:
            line = yaml_line(files[spec_path], row.field)
            located.append(row.model_copy(update={"where": f"{spec_path}:{line}" if line else row.where}))
        else:
            located.append(row)
    return located


def _find(files: dict[str, str], patterns: list[str]) -> str | None:
    compiled = [re.compile(p, re.MULTILINE) for p in patterns]
    for path in sorted(files, key=lambda p: (not p.endswith(".tf"), p)):
        text = files[path]
        for pattern in compiled:
            match = pattern.search(text)
            if match:
                return f"{path}:{text.count(chr(10), 0, match.start()) + 1}"
    return None


def yaml_line(text: str, dotted: str) -> int | None:
    """1-based line of a dotted key (`app.framework`, `databases`) in block YAML, or None."""
    parts = dotted.split(".")
    depth, indent = 0, -1
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.lstrip(" ")
        if not stripped or stripped.startswith("#"):
            continue
        current = len(line) - len(stripped)
        key = stripped.removeprefix("- ").split(":", 1)[0].strip()
        if current > indent and key == parts[depth] and ":" in stripped:
            depth, indent = depth + 1, current
            if depth == len(parts):
                return number
    return None


def accept(rows: list[Requirement], overrides: dict[str, Any]) -> list[Requirement]:
    """Mark unsupported rows a reviewer accepted (`/dev-agent override requirement:<key> reason`)."""
    accepted = []
    for row in rows:
        grant = overrides.get(row.accept_key)
        if row.status == Status.unsupported and grant is not None:
            row = row.model_copy(update={"accepted": f"accepted by @{grant.by}: {grant.reason}"})
        accepted.append(row)
    return accepted


def open_rows(rows: list[Requirement]) -> list[Requirement]:
    """Unsupported rows nobody accepted yet."""
    return [row for row in rows if row.open]
