"""What understanding a request returns (Understanding), and the error for text that cannot be read at all."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from bot.errors import InputError
from bot.spec import EnvironmentSpec
from bot.understanding.ledger import Requirement


class Understanding(BaseModel):
    """Result of understanding one request."""

    spec: EnvironmentSpec | None = None
    partial: dict[str, Any] = Field(default_factory=dict, description="fields understood so far (when clarifying)")
    needs_clarification: bool = False
    questions: list[str] = Field(default_factory=list)
    refused: list[str] = Field(default_factory=list, description="asks that were refused, each with the reason")
    notes: list[str] = Field(default_factory=list)
    requirements: list[Requirement] = Field(default_factory=list, description="every ask recognised, with its status")
    engine: str = "deterministic"
    fallback_reason: str | None = None


class RequestError(InputError):
    """Request text that cannot be read at all (empty, binary, too long)."""
