"""Job queues: rq on Redis (any number of `dev-agent worker` processes) or an in-process worker thread."""

from __future__ import annotations

import logging
import queue as stdlib_queue
import threading
from collections.abc import Callable
from typing import Any, Protocol

from bot.webhooks import Delivery

log = logging.getLogger(__name__)

JOB_FUNCTION = "bot.jobs.process_delivery"
JOB_TIMEOUT_SECONDS = 600
RETRY_INTERVALS = [2, 10, 30]


class JobQueue(Protocol):
    """Where verified deliveries go; `enqueue` must return quickly."""

    def enqueue(self, delivery: Delivery) -> None: ...

    def ready(self) -> bool: ...


def job_id(delivery_id: str) -> str:
    """One job per delivery: a retried job keeps its id (and with it its locks)."""
    return f"delivery-{delivery_id}"


class RQQueue:
    """rq queue: jobs survive web restarts and are retried (also after a worker is killed)."""

    def __init__(self, redis: Any, name: str):
        from rq import Queue

        self.redis = redis
        self.queue = Queue(name, connection=redis)

    def enqueue(self, delivery: Delivery) -> None:
        from rq import Retry

        self.queue.enqueue(
            JOB_FUNCTION,
            delivery.id,
            delivery.event,
            delivery.payload,
            job_id=job_id(delivery.id),
            job_timeout=JOB_TIMEOUT_SECONDS,
            retry=Retry(max=len(RETRY_INTERVALS), interval=RETRY_INTERVALS),
            result_ttl=3600,
            failure_ttl=7 * 24 * 3600,
        )

    def ready(self) -> bool:
        return bool(self.redis.ping())


class InProcessQueue:
    """The embedded default: one daemon thread runs jobs in arrival order, retrying like rq would."""

    def __init__(self, run: Callable[[str, str, dict[str, Any]], Any], retry_intervals: list[float] | None = None):
        self.run = run
        self.retry_intervals = RETRY_INTERVALS if retry_intervals is None else retry_intervals
        self.jobs: stdlib_queue.Queue[Delivery | None] = stdlib_queue.Queue()
        self.thread = threading.Thread(target=self._work, name="dev-agent-worker", daemon=True)
        self.thread.start()

    def enqueue(self, delivery: Delivery) -> None:
        self.jobs.put(delivery)

    def ready(self) -> bool:
        return self.thread.is_alive()

    def join(self) -> None:
        """Wait until every queued job ran (tests and the demo)."""
        self.jobs.join()

    def stop(self) -> None:
        self.jobs.put(None)
        self.thread.join(timeout=10)

    def _work(self) -> None:
        while True:
            delivery = self.jobs.get()
            try:
                if delivery is None:
                    return
                self._run_with_retries(delivery)
            finally:
                self.jobs.task_done()

    def _run_with_retries(self, delivery: Delivery) -> None:
        import time

        for attempt, wait in enumerate([0.0, *self.retry_intervals]):
            time.sleep(wait)
            try:
                self.run(delivery.id, delivery.event, delivery.payload)
                return
            except Exception:
                log.exception("delivery %s failed (attempt %d)", delivery.id, attempt + 1)
