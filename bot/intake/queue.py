"""Job queues: rq on Redis (any number of `dev-agent worker` processes) or an in-process worker thread."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import queue as stdlib_queue
import threading
import time
import zlib
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Protocol

from redis import Redis
from redis.backoff import ConstantBackoff
from redis.exceptions import NoScriptError
from redis.retry import Retry

from bot.intake.redis_pipe import PipelinedRedis
from bot.intake.webhooks import DEDUPE_TTL_SECONDS, Delivery, MemoryDeduper

log = logging.getLogger(__name__)

JOB_FUNCTION = "bot.jobs.delivery.process_delivery"
JOB_TIMEOUT_SECONDS = 600
RETRY_INTERVALS = [2, 10, 30]


class JobQueue(Protocol):
    """Where verified deliveries go. `submit` dedupes by delivery id and enqueues in one step, quickly:
    True when queued, False for a delivery seen before."""

    async def submit(self, delivery: Delivery) -> bool: ...

    async def ready(self) -> bool: ...

    def depth(self) -> int: ...


def _utcnow() -> Any:
    return datetime.now(UTC)


def job_id(delivery_id: str) -> str:
    """One job per delivery: a retried job keeps its id (and with it its locks)."""
    return f"delivery-{delivery_id}"


# Dedupe mark + rq job hash + queue push in one atomic round trip: a delivery is either fully queued
# or not at all (a Redis failure leaves nothing behind, so GitHub's redelivery is accepted later).
# The job hash is the template hash (KEYS[5], the fields every delivery job shares) plus the delivery's
# own fields (ARGV: dedupe TTL, job id, pickled call, timestamp, description); -1 asks the caller to store
# the template first (new queue, or Redis was flushed).
_SUBMIT = """
local template = redis.call('HGETALL', KEYS[5])
if #template == 0 then return -1 end
if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then return 0 end
redis.call('HSET', KEYS[2], unpack(template))
redis.call('HSET', KEYS[2], 'data', ARGV[3], 'created_at', ARGV[4], 'enqueued_at', ARGV[4], 'description', ARGV[5])
redis.call('RPUSH', KEYS[3], ARGV[2])
redis.call('SADD', KEYS[4], KEYS[3])
return 1
"""

_SUBMIT_SHA = hashlib.sha1(_SUBMIT.encode()).hexdigest()


def redis_options() -> dict[str, Any]:
    """Options for the queue's synchronous client (rq, the job template, queue depth for /metrics): short
    timeouts and one quick retry, so an outage is answered fast. Deliveries go through `bot.intake.redis_pipe`."""
    return {"socket_timeout": 1, "socket_connect_timeout": 1, "retry": Retry(ConstantBackoff(0.01), 1)}


class RQQueue:
    """rq queue: jobs survive web restarts and are retried (also after a worker is killed).

    The endpoint talks to Redis through `bot.intake.redis_pipe` (one auto-pipelined connection per event loop), so
    waiting on Redis never blocks other deliveries; the job itself is built by rq and stored by one Lua script.
    """

    def __init__(self, url: str, name: str, dedupe_ttl: int = DEDUPE_TTL_SECONDS,
                 dedupe_prefix: str = "dev-agent:delivery:"):
        from rq import Queue  # deferred: rq is only needed when jobs go through Redis (REDIS_URL)

        self.url = url
        self.queue = Queue(name, connection=Redis.from_url(url, **redis_options()))
        self.dedupe_ttl, self.dedupe_prefix = dedupe_ttl, dedupe_prefix
        self._loop: Any = None
        self._pipe: PipelinedRedis | None = None
        self._template = self._job_template()
        digest = hashlib.sha256(repr(sorted(self._template.items())).encode()).hexdigest()[:16]
        self._template_key = f"dev-agent:job-template:{name}:{digest}"

    def _client(self) -> PipelinedRedis:
        """The auto-pipelined client of the running event loop (uvicorn runs one loop per process)."""
        loop = asyncio.get_running_loop()
        pipe = self._pipe
        if self._loop is not loop or pipe is None:
            pipe = PipelinedRedis(self.url)
            self._loop, self._pipe = loop, pipe
        return pipe

    def _job_template(self) -> dict[str, str | bytes]:
        """The fields every delivery job's rq hash shares, built by rq once: per delivery only its own fields
        (`delivery_fields`) travel to Redis, and the ack path builds no rq Job object."""
        from rq import Retry  # deferred: rq is only needed when jobs go through Redis (REDIS_URL)
        from rq.job import JobStatus  # deferred: rq is only needed when jobs go through Redis (REDIS_URL)

        job = self.queue.create_job(
            JOB_FUNCTION, args=("", "", {}), job_id="template", description="delivery", timeout=JOB_TIMEOUT_SECONDS,
            retry=Retry(max=len(RETRY_INTERVALS), interval=RETRY_INTERVALS), result_ttl=3600, failure_ttl=7 * 24 * 3600,
        )
        job.origin, job.enqueued_at, job._status = self.queue.name, _utcnow(), JobStatus.QUEUED
        return {key: value if isinstance(value, (bytes, str)) else str(value) for key, value in job.to_dict().items()
                if value is not None and key not in ("data", "created_at", "enqueued_at", "description")}

    def delivery_fields(self, delivery: Delivery) -> list[str | bytes]:
        """The delivery's own fields of its rq job hash: the pickled call, the timestamp and the description."""
        from rq.utils import utcformat  # deferred: rq is only needed when jobs go through Redis (REDIS_URL)

        stamp = utcformat(_utcnow())
        data = zlib.compress(self.queue.serializer.dumps((JOB_FUNCTION, None, (delivery.id, delivery.event,
                                                                                delivery.payload), {})))
        description = f"delivery {delivery.id} ({delivery.event}.{delivery.action or ''})"
        return [data, stamp, description]

    async def submit(self, delivery: Delivery) -> bool:
        job = job_id(delivery.id)
        keys = [self.dedupe_prefix + delivery.id, self.queue.job_class.key_for(job), self.queue.key,
                self.queue.redis_queues_keys, self._template_key]
        args = [self.dedupe_ttl, job, *self.delivery_fields(delivery)]
        queued = await self._run_submit(keys, args)
        if queued == -1:
            await self._client().execute("HSET", self._template_key, *(x for item in self._template.items() for x in item))
            queued = await self._run_submit(keys, args)
        return bool(queued == 1)

    async def _run_submit(self, keys: list[str], args: list[Any]) -> Any:
        client = self._client()
        try:
            return await client.execute("EVALSHA", _SUBMIT_SHA, len(keys), *keys, *args)
        except NoScriptError:  # a new or restarted Redis: EVAL caches the script for the next EVALSHA
            return await client.execute("EVAL", _SUBMIT, len(keys), *keys, *args)

    async def ready(self) -> bool:
        return bool(await self._client().execute("PING") == b"PONG")

    def depth(self) -> int:
        """Jobs waiting in the rq queue."""
        return self.queue.count


class InProcessQueue:
    """The embedded default: one daemon thread runs jobs in arrival order, retrying like rq would."""

    def __init__(self, run: Callable[[str, str, dict[str, Any]], Any], retry_intervals: list[float] | None = None):
        self.run = run
        self.deduper = MemoryDeduper()
        self.retry_intervals = RETRY_INTERVALS if retry_intervals is None else retry_intervals
        self.jobs: stdlib_queue.Queue[Delivery] = stdlib_queue.Queue()
        self.thread = threading.Thread(target=self._work, name="dev-agent-worker", daemon=True)
        self.thread.start()

    async def submit(self, delivery: Delivery) -> bool:
        if not self.deduper.first_time(delivery.id):
            return False
        self.jobs.put(delivery)
        return True

    async def ready(self) -> bool:
        return self.thread.is_alive()

    def depth(self) -> int:
        """Deliveries waiting for the embedded worker."""
        return self.jobs.qsize()

    def join(self) -> None:
        """Wait until every queued job ran (tests and the demo)."""
        self.jobs.join()

    def _work(self) -> None:
        while True:
            delivery = self.jobs.get()
            try:
                self._run_with_retries(delivery)
            finally:
                self.jobs.task_done()

    def _run_with_retries(self, delivery: Delivery) -> None:
        for attempt, wait in enumerate([0.0, *self.retry_intervals]):
            time.sleep(wait)
            try:
                self.run(delivery.id, delivery.event, delivery.payload)
                return
            except Exception:
                log.exception("delivery %s failed (attempt %d)", delivery.id, attempt + 1)
