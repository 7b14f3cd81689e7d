"""A small auto-pipelining Redis client for the webhook ack path.

Every delivery costs the endpoint one Redis call (the submit script). redis-py's asyncio client spends more
CPU per call than the rest of the endpoint together (pool checkout, Python command packing, one write per
command). This client keeps one connection per event loop and sends every command issued in the same
loop iteration in one write; replies come back in order (Redis answers a connection's commands in order)
and resolve their callers' futures. Commands are packed and replies parsed by hiredis.

It speaks what `REDIS_URL` can say: `redis://` and `rediss://` (TLS) with user, password and database,
and `unix://` sockets. Errors are redis-py's exception types, so callers treat both clients alike.
A lost connection fails the commands in flight; the next command connects again.
"""

from __future__ import annotations

import asyncio
import collections
import ssl
from typing import Any

import hiredis
from redis.asyncio.connection import parse_url
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import NoScriptError, ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

CONNECT_TIMEOUT_SECONDS = 1.0
REPLY_TIMEOUT_SECONDS = 1.0


class _Protocol(asyncio.Protocol):
    """One connection: queued commands go out in one write per loop iteration; replies resolve in order."""

    def __init__(self) -> None:
        self.reader = hiredis.Reader(replyError=ResponseError)
        self.waiting: collections.deque[asyncio.Future[Any]] = collections.deque()
        self.outgoing: list[bytes] = []
        self.transport: asyncio.Transport | None = None
        self.lost = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.reader.feed(data)
        while (reply := self.reader.gets()) is not False:
            future = self.waiting.popleft()
            if future.done():  # its caller timed out or was cancelled; the reply is dropped in order
                continue
            if isinstance(reply, ResponseError):
                future.set_exception(NoScriptError(str(reply)) if str(reply).startswith("NOSCRIPT") else reply)
            else:
                future.set_result(reply)

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost = True
        while self.waiting:
            future = self.waiting.popleft()
            if not future.done():
                future.set_exception(RedisConnectionError(f"connection to Redis lost: {exc or 'closed'}"))

    def send(self, args: tuple[Any, ...]) -> asyncio.Future[Any]:
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        if self.lost:
            future.set_exception(RedisConnectionError("connection to Redis lost"))
            return future
        self.waiting.append(future)
        if not self.outgoing:
            loop.call_soon(self._flush)
        self.outgoing.append(hiredis.pack_command(args))
        return future

    def _flush(self) -> None:
        if self.transport is not None and not self.lost:
            self.transport.write(b"".join(self.outgoing))
        self.outgoing.clear()


class PipelinedRedis:
    """`await client.execute("EVALSHA", ...)` on one shared, auto-pipelined connection of the running loop."""

    def __init__(self, url: str):
        options = parse_url(url)
        self.path = options.get("path")
        self.host, self.port = options.get("host", "localhost"), options.get("port", 6379)
        self.tls = "ssl" in getattr(options.get("connection_class"), "__name__", "").lower()
        self.username, self.password, self.db = options.get("username"), options.get("password"), options.get("db", 0)
        self._connection: _Protocol | None = None
        self._connecting: asyncio.Future[_Protocol] | None = None

    async def execute(self, *args: Any) -> Any:
        """Send one command; RedisError subclasses on failure (a timeout drops the connection)."""
        connection = await self._connect()
        try:
            return await asyncio.wait_for(connection.send(args), REPLY_TIMEOUT_SECONDS)
        except TimeoutError:
            self._drop(connection)
            raise RedisTimeoutError(f"Redis did not answer within {REPLY_TIMEOUT_SECONDS}s") from None

    async def close(self) -> None:
        if self._connection is not None:
            self._drop(self._connection)

    def _drop(self, connection: _Protocol) -> None:
        if connection.transport is not None:
            connection.transport.close()
        if self._connection is connection:
            self._connection = None

    async def _connect(self) -> _Protocol:
        if self._connection is not None and not self._connection.lost:
            return self._connection
        if self._connecting is None:  # concurrent callers share one connection attempt
            self._connecting = asyncio.ensure_future(self._open())
        attempt = self._connecting
        try:
            connection = await asyncio.shield(attempt)
        finally:
            if attempt.done() and self._connecting is attempt:
                self._connecting = None
        self._connection = connection
        return connection

    async def _open(self) -> _Protocol:
        loop = asyncio.get_running_loop()
        try:
            if self.path:
                opening = loop.create_unix_connection(_Protocol, self.path)
            else:
                opening = loop.create_connection(_Protocol, self.host, self.port,
                                                 ssl=ssl.create_default_context() if self.tls else None)
            _, connection = await asyncio.wait_for(opening, CONNECT_TIMEOUT_SECONDS)
        except (TimeoutError, OSError) as exc:
            raise RedisConnectionError(f"cannot connect to Redis: {exc or 'timed out'}") from None
        setup = []
        if self.password:
            setup.append(connection.send(("AUTH", self.username, self.password) if self.username
                                         else ("AUTH", self.password)))
        if self.db:
            setup.append(connection.send(("SELECT", self.db)))
        try:
            await asyncio.wait_for(asyncio.gather(*setup), REPLY_TIMEOUT_SECONDS)
        except TimeoutError:
            self._drop(connection)
            raise RedisConnectionError("Redis did not answer AUTH/SELECT in time") from None
        except BaseException:
            self._drop(connection)
            raise
        return connection
