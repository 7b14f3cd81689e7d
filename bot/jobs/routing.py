"""Routing in the style of python/bedevere: each handler module owns a Router of small handlers registered per
(event, action); bot.jobs.handlers combines them at startup."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from bot.jobs.context import HandlerContext

log = logging.getLogger(__name__)

Handler = Callable[[HandlerContext, dict[str, Any]], Any]


class Router:
    """Maps (event, action) to handlers; `action=None` matches every action of the event."""

    def __init__(self, *routers: Router) -> None:
        self._handlers: dict[tuple[str, str | None], list[Handler]] = defaultdict(list)
        for other in routers:  # combine: every handler of every router, in order
            for key, handlers in other._handlers.items():
                self._handlers[key].extend(handlers)

    def register(self, event: str, action: str | None = None) -> Callable[[Handler], Handler]:
        def decorate(handler: Handler) -> Handler:
            self._handlers[(event, action)].append(handler)
            return handler

        return decorate

    def handlers_for(self, event: str, action: str | None) -> list[Handler]:
        return [*self._handlers.get((event, None), []), *(self._handlers.get((event, action), []) if action else [])]

    def dispatch(self, ctx: HandlerContext, event: str, payload: dict[str, Any]) -> int:
        """Run every matching handler; events sent by bots (this App included) are ignored.

        Returns how many handlers ran.
        """
        if sent_by_bot(payload, getattr(getattr(ctx, "settings", None), "bot_login", ""), event):
            log.info("ignoring %s sent by a bot", event)
            return 0
        action = payload.get("action") if isinstance(payload.get("action"), str) else None
        handlers = self.handlers_for(event, action)
        for handler in handlers:
            handler(ctx, payload)
        return len(handlers)


# Bot senders whose events a handler does want: the workflows' token (GITHUB_TOKEN) editing the bot's report
# comment is dev-agent-plan.yml posting the plan (bot/handlers/plan_posted.py checks the rest).
WORKFLOW_EDITS = {("issue_comment", "edited"): "github-actions[bot]"}


def sent_by_bot(payload: dict[str, Any], bot_login: str = "", event: str = "") -> bool:
    """True for events whose sender is a bot account or this App itself (except the workflows' WORKFLOW_EDITS)."""
    sender = payload.get("sender") or {}
    if not isinstance(sender, dict):
        return False
    login = str(sender.get("login") or "")
    if WORKFLOW_EDITS.get((event, str(payload.get("action") or ""))) == login and sender.get("type") == "Bot":
        return False
    return sender.get("type") == "Bot" or login.endswith("[bot]") or (bool(bot_login) and login == bot_login)

