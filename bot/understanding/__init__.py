"""Understanding: plain-language request -> EnvironmentSpec (or questions back).

Two engines behind one interface: the deterministic parser (default, offline) and Claude (when
ANTHROPIC_API_KEY is set), which falls back to the parser on any failure and says why.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, Field

from bot.errors import InputError
from bot.settings import Settings, get_settings
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


def understand(text: str, settings: Settings | None = None, answers: Sequence[str] = ()) -> Understanding:
    """Understand one request: Claude when an API key is configured, else the deterministic parser.

    `answers`: the requester's later answers and amendments, oldest first (they replace what the request said).
    Raises RequestError when the text cannot be read at all (empty, binary, too long).
    """
    from bot.understanding import deterministic
    from bot.understanding.guard import check_request

    check_request(text)
    settings = settings or get_settings()
    if settings.anthropic_api_key is not None and settings.anthropic_api_key.get_secret_value():
        from bot.understanding import claude  # the SDK is slow to import; only load it when used

        return claude.parse(text, settings, answers)
    return deterministic.parse(text, answers)
