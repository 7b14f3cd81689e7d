"""The webhook endpoint's auto-pipelined Redis client against a real redis-server."""

from __future__ import annotations

import asyncio
import shutil

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError, ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

from bot.intake.queue import RQQueue
from bot.intake.redis_pipe import PipelinedRedis
from bot.intake.webhooks import Delivery
from tests.support.redis_server import RedisServer, redis_server  # noqa: F401


def run(coroutine):
    return asyncio.run(coroutine)


def test_concurrent_commands_share_one_connection_and_each_gets_its_own_reply(redis_server):  # noqa: F811
    async def scenario() -> tuple[list, set]:
        client = PipelinedRedis(redis_server.url)
        replies = await asyncio.gather(*(client.execute("ECHO", f"reply-{n}") for n in range(300)))
        connection_ids = set(await asyncio.gather(*(client.execute("CLIENT", "ID") for _ in range(50))))
        await client.close()
        return replies, connection_ids

    replies, connection_ids = run(scenario())
    assert replies == [f"reply-{n}".encode() for n in range(300)]
    assert len(connection_ids) == 1


def test_an_error_reply_fails_only_its_own_command(redis_server):  # noqa: F811
    async def scenario() -> list:
        client = PipelinedRedis(redis_server.url)
        await client.execute("SET", "pipe:text", "not a number")
        results = await asyncio.gather(client.execute("ECHO", "before"), client.execute("INCR", "pipe:text"),
                                       client.execute("ECHO", "after"), return_exceptions=True)
        await client.close()
        return results

    before, error, after = run(scenario())
    assert (before, after) == (b"before", b"after")
    assert isinstance(error, ResponseError) and "not an integer" in str(error)


def test_database_and_password_come_from_the_url() -> None:
    from tests.conftest import require_tool

    require_tool("redis-server")
    server = RedisServer(password="s3cret")
    server.start()
    try:
        async def scenario(url: str) -> None:
            client = PipelinedRedis(url)
            await client.execute("SET", "pipe:where", "db3")
            await client.close()

        run(scenario(server.url.replace("/0", "/3")))
        assert server.client().get("pipe:where") is None
        from redis import Redis

        assert Redis.from_url(server.url.replace("/0", "/3")).get("pipe:where") == b"db3"
        with pytest.raises(RedisError, match=r"(?i)auth|password"):
            run(scenario(server.url.replace(":s3cret@", ":wrong@")))
    finally:
        server.stop()
        shutil.rmtree(server.dir, ignore_errors=True)


def test_redis_down_is_a_redis_error_and_the_next_command_reconnects() -> None:
    from tests.conftest import require_tool

    require_tool("redis-server")
    server = RedisServer()
    server.start()
    try:
        async def scenario() -> None:
            client = PipelinedRedis(server.url)
            assert await client.execute("PING") == b"PONG"
            server.stop()
            with pytest.raises(RedisConnectionError):
                await client.execute("PING")
            with pytest.raises(RedisConnectionError):
                await client.execute("PING")  # still down: a fresh connection attempt fails fast
            server.start()
            assert await client.execute("PING") == b"PONG"
            await client.close()

        run(scenario())
    finally:
        server.stop()
        shutil.rmtree(server.dir, ignore_errors=True)


def test_a_reply_that_comes_too_late_is_a_timeout_and_later_replies_stay_in_order(redis_server):  # noqa: F811
    async def scenario() -> None:
        client = PipelinedRedis(redis_server.url)
        await client.execute("CLIENT", "PAUSE", 1500)  # the server holds every client's commands for 1.5 s
        with pytest.raises(RedisTimeoutError):
            await client.execute("ECHO", "late")
        await asyncio.sleep(0.6)
        assert await client.execute("ECHO", "next") == b"next"
        await client.close()

    run(scenario())


def test_submit_survives_a_redis_that_forgot_the_script(redis_server):  # noqa: F811
    queue = RQQueue(redis_server.url, "pipe-noscript")
    redis_server.client().script_flush()

    async def submit(delivery_id: str) -> bool:
        return await queue.submit(Delivery(delivery_id, "issues", {"action": "opened"}))

    assert run(submit("pipe-noscript-1")) is True
    assert run(submit("pipe-noscript-1")) is False
    assert redis_server.client().lrange("rq:queue:pipe-noscript", 0, -1) == [b"delivery-pipe-noscript-1"]
