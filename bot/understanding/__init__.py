"""Understanding: plain-language request -> EnvironmentSpec (or questions back).

Two engines behind one interface: the deterministic parser (default, offline) and Claude (when
ANTHROPIC_API_KEY is set), which falls back to the parser on any failure and says why. The result types are in
bot/understanding/model.py.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.settings import Settings, get_settings
from bot.understanding import deterministic
from bot.understanding.guard import check_request
from bot.understanding.model import Understanding


def understand(text: str, settings: Settings | None = None, answers: Sequence[str] = ()) -> Understanding:
    """Understand one request: Claude when an API key is configured, else the deterministic parser.

    `answers`: the requester's later answers and amendments, oldest first (they replace what the request said).
    Raises RequestError when the text cannot be read at all (empty, binary, too long).
    """
    check_request(text)
    settings = settings or get_settings()
    if settings.anthropic_api_key is not None and settings.anthropic_api_key.get_secret_value():
        from bot.understanding import claude  # deferred: the anthropic SDK is slow to import; only load it when used

        return claude.parse(text, settings, answers)
    return deterministic.parse(text, answers)
