"""Signed webhook deliveries from a background thread, with a delivery log and redelivery."""

from __future__ import annotations

import hashlib
import hmac
import json
import queue
import threading
import time
import uuid
from dataclasses import dataclass, field

import httpx

from .model import iso, now


@dataclass
class Hook:
    id: int
    url: str
    secret: str
    app_id: int | None  # None: a repository hook delivering every event; else the App's hook


@dataclass
class Delivery:
    id: int
    guid: str
    hook: Hook
    event: str
    action: str | None
    body: bytes
    redelivery: bool = False
    delivered_at: str | None = None
    status_code: int | None = None
    duration: float | None = None
    response_body: str | None = None
    error: str | None = None
    done: threading.Event = field(default_factory=threading.Event)

    def headers(self, target_id: int, target_type: str) -> dict[str, str]:
        secret = self.hook.secret.encode()
        return {
            "Content-Type": "application/json",
            "User-Agent": "GitHub-Hookshot/sandbox",
            "X-GitHub-Event": self.event,
            "X-GitHub-Delivery": self.guid,
            "X-GitHub-Hook-ID": str(self.hook.id),
            "X-GitHub-Hook-Installation-Target-ID": str(target_id),
            "X-GitHub-Hook-Installation-Target-Type": target_type,
            "X-Hub-Signature": "sha1=" + hmac.new(secret, self.body, hashlib.sha1).hexdigest(),
            "X-Hub-Signature-256": "sha256=" + hmac.new(secret, self.body, hashlib.sha256).hexdigest(),
        }

    def summary(self) -> dict:
        return {
            "id": self.id,
            "guid": self.guid,
            "hook_id": self.hook.id,
            "url": self.hook.url,
            "event": self.event,
            "action": self.action,
            "redelivery": self.redelivery,
            "delivered_at": self.delivered_at,
            "status_code": self.status_code,
            "duration": self.duration,
            "error": self.error,
            "response_body": self.response_body,
            "payload": json.loads(self.body),
        }


class Deliverer:
    """Queues deliveries and posts them from one worker thread, so API calls never wait on receivers."""

    def __init__(self, timeout: float = 10.0):
        self.timeout = timeout
        self.log: list[Delivery] = []
        self._queue: queue.Queue[Delivery | None] = queue.Queue()
        self._lock = threading.Lock()
        self._ids = iter(range(1, 10**9))
        self._targets: dict[int, tuple[int, str]] = {}
        self._thread = threading.Thread(target=self._run, name="sandbox-webhooks", daemon=True)
        self._thread.start()

    def enqueue(self, hook: Hook, event: str, payload: dict, target: tuple[int, str]) -> Delivery:
        body = json.dumps(payload, separators=(",", ":")).encode()
        with self._lock:
            delivery = Delivery(next(self._ids), str(uuid.uuid4()), hook, event, payload.get("action"), body)
            self.log.append(delivery)
            self._targets[delivery.id] = target
        self._queue.put(delivery)
        return delivery

    def redeliver(self, delivery_id: int) -> Delivery | None:
        original = self.get(delivery_id)
        if original is None:
            return None
        with self._lock:
            again = Delivery(
                next(self._ids),
                original.guid,
                original.hook,
                original.event,
                original.action,
                original.body,
                redelivery=True,
            )
            self.log.append(again)
            self._targets[again.id] = self._targets[original.id]
        self._queue.put(again)
        return again

    def get(self, delivery_id: int) -> Delivery | None:
        with self._lock:
            return next((d for d in self.log if d.id == delivery_id), None)

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until every queued delivery has been attempted."""
        deadline = time.monotonic() + timeout
        with self._lock:
            pending = [d for d in self.log if not d.done.is_set()]
        return all(d.done.wait(max(0.0, deadline - time.monotonic())) for d in pending)

    def clear(self) -> None:
        with self._lock:
            self.log.clear()

    def stop(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=5)

    def _run(self) -> None:
        with httpx.Client(timeout=self.timeout) as client:
            while (delivery := self._queue.get()) is not None:
                self._post(client, delivery)

    def _post(self, client: httpx.Client, delivery: Delivery) -> None:
        target_id, target_type = self._targets[delivery.id]
        started = time.monotonic()
        delivery.delivered_at = iso(now())
        try:
            response = client.post(
                delivery.hook.url, content=delivery.body, headers=delivery.headers(target_id, target_type)
            )
            delivery.status_code = response.status_code
            delivery.response_body = response.text[:2000]
        except httpx.HTTPError as exc:
            delivery.error = f"{type(exc).__name__}: {exc}"
        finally:
            delivery.duration = round(time.monotonic() - started, 3)
            delivery.done.set()
