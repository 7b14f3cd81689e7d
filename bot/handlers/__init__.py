"""Event handlers, one module per webhook event; each owns a `router` (bot.jobs.routing.Router); bot.jobs.handlers combines them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot.github.protocols import GitHubWriter
from bot.github.writer import RepositoryWriter
from bot.jobs.context import HandlerContext
from bot.request.state import Target


def event_time(*stamps: Any) -> dt.datetime:
    """The first parseable ISO timestamp of the event (it fixes the commit date, so retries are no-ops)."""
    for stamp in stamps:
        if isinstance(stamp, str):
            try:
                return dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
            except ValueError:
                continue
    return dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def writer_for(ctx: HandlerContext, payload: dict[str, Any]) -> RepositoryWriter:
    installation = (payload.get("installation") or {}).get("id")
    if not isinstance(installation, int):
        raise ValueError("delivery has no installation id (is it sent by the App's webhook?)")
    return RepositoryWriter(ctx.github(installation), payload["repository"]["full_name"], authors=ctx.authors())


def target_for(ctx: HandlerContext, payload: dict[str, Any], issue: dict[str, Any], when: dt.datetime,
               writer: GitHubWriter | None = None) -> Target:
    return Target(writer=writer or writer_for(ctx, payload), repo=payload["repository"], issue=issue,
                  actor=payload["sender"]["login"], when=when, keys=ctx.keyring())
