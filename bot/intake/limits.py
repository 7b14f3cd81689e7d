"""Deadlines for reading a request, so slow clients cannot hold connections (and their buffers) open.

uvicorn bounds only the idle time between keep-alive requests. `DeadlineHttpToolsProtocol` adds two more:
the request line and headers must arrive within `http_header_timeout_seconds` of the connection opening (or of
the request's first byte on a kept-alive connection), and the whole body within `http_body_timeout_seconds` of
the headers. A request that misses either is answered 408 (JSON) and its connection closed; the app sees a
disconnect. `dev-agent serve` runs uvicorn with this protocol.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from bot.settings import get_settings

log = logging.getLogger(__name__)


class DeadlineHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with header and body read deadlines (seconds, from the bot's settings)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)

        settings = get_settings()
        self.header_timeout = settings.http_header_timeout_seconds
        self.body_timeout = settings.http_body_timeout_seconds
        self._deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm(self.header_timeout, "headers")

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._arm(self.header_timeout, "headers")

    def on_headers_complete(self) -> None:
        super().on_headers_complete()
        self._arm(self.body_timeout, "body")

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._disarm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self, seconds: float, what: str) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(seconds, self._expired, what, seconds)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expired(self, what: str, seconds: float) -> None:
        self._deadline = None
        if self.transport.is_closing():
            return
        log.warning("closing a connection from %s: request %s not received within %gs", self.client, what, seconds)
        cycle = self.cycle
        started = cycle is not None and cycle.response_started
        if cycle is not None:
            cycle.disconnected = True  # the app's next receive() is a disconnect; its response is dropped
            cycle.message_event.set()
        if not started:
            body = json.dumps({"error": f"request {what} not received within {seconds:g}s"}).encode()
            self.transport.write(
                b"HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json\r\n"
                b"content-length: " + str(len(body)).encode() + b"\r\nconnection: close\r\n\r\n" + body
            )
        self.transport.close()
