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
    """Maps (event, action) to handlers; `action=None` matches every action of the event.

    Events sent by bots (this App included) reach no handler, except handlers registered with `workflows=True`,
    which also get events sent by the repository's workflows (GITHUB_TOKEN acts as `github-actions[bot]`):
    dev-agent-plan.yml posting a plan, `dev-agent apply`/`destroy` reporting an outcome. Those handlers check
    the rest themselves (whose comment, which marker).
    """

    def __init__(self, *routers: Router) -> None:
        self._handlers: dict[tuple[str, str | None], list[Handler]] = defaultdict(list)
        self._workflows: set[Handler] = set()
        for other in routers:  # combine: every handler of every router, in order
            for key, handlers in other._handlers.items():
                self._handlers[key].extend(handlers)
            self._workflows |= other._workflows

    def register(self, event: str, action: str | None = None, workflows: bool = False) -> Callable[[Handler], Handler]:
        def decorate(handler: Handler) -> Handler:
            self._handlers[(event, action)].append(handler)
            if workflows:
                self._workflows.add(handler)
            return handler

        return decorate

    def handlers_for(self, event: str, action: str | None, payload: dict[str, Any] | None = None,
                     bot_login: str = "") -> list[Handler]:
        """The handlers for (event, action); given the payload, only those that take its sender."""
        handlers = [*self._handlers.get((event, None), []),
                    *(self._handlers.get((event, action), []) if action else [])]
        if payload is not None and sent_by_bot(payload, bot_login):
            handlers = [h for h in handlers if h in self._workflows] if sent_by_workflow(payload) else []
        return handlers

    def dispatch(self, ctx: HandlerContext, event: str, payload: dict[str, Any]) -> int:
        """Run every matching handler that takes the event's sender. Returns how many handlers ran."""
        action = payload.get("action") if isinstance(payload.get("action"), str) else None
        handlers = self.handlers_for(event, action, payload, getattr(getattr(ctx, "settings", None), "bot_login", ""))
        if not handlers and sent_by_bot(payload):
            log.info("ignoring %s sent by a bot", event)
        for handler in handlers:
            handler(ctx, payload)
        return len(handlers)


WORKFLOW_LOGIN = "github-actions[bot]"  # who a workflow's GITHUB_TOKEN acts as


def sent_by_workflow(payload: dict[str, Any]) -> bool:
    """True for events a workflow's GITHUB_TOKEN caused (sender `github-actions[bot]`, account type Bot)."""
    sender = payload.get("sender") or {}
    return isinstance(sender, dict) and sender.get("login") == WORKFLOW_LOGIN and sender.get("type") == "Bot"


def sent_by_bot(payload: dict[str, Any], bot_login: str = "") -> bool:
    """True for events whose sender is a bot account or this App itself."""
    sender = payload.get("sender") or {}
    if not isinstance(sender, dict):
        return False
    login = str(sender.get("login") or "")
    return sender.get("type") == "Bot" or login.endswith("[bot]") or (bool(bot_login) and login == bot_login)
