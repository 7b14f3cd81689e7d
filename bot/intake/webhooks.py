"""Webhook intake: signature check, header/body validation and delivery dedupe.

Everything here is cheap and synchronous so the endpoint can answer GitHub in milliseconds.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import threading
import time
from dataclasses import dataclass
from typing import Any

from bot.errors import DevAgentError

MAX_BODY_BYTES = 25 * 1024 * 1024  # GitHub caps payloads at 25 MB
DEDUPE_TTL_SECONDS = 24 * 3600
MAX_JSON_DEPTH = 64  # real deliveries nest under 15 levels; rq pickles payloads, which recursion limits
_EVENT_NAME = re.compile(r"^[a-z_]{1,64}$")
DELIVERY_ID = re.compile(r"^[A-Za-z0-9-]{1,100}$")


class WebhookError(DevAgentError):
    """A delivery that is refused; `status` is the HTTP answer."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Delivery:
    """One verified webhook delivery."""

    id: str
    event: str
    payload: dict[str, Any]

    @property
    def action(self) -> str | None:
        action = self.payload.get("action")
        return action if isinstance(action, str) else None


def signature_for(secret: bytes, body: bytes) -> str:
    """The `X-Hub-Signature-256` value GitHub sends for `body`."""
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


def verify_signature(secret: bytes, body: bytes, header: str | None) -> bool:
    """Constant-time check of `X-Hub-Signature-256` against the HMAC-SHA256 of the raw body."""
    if not header:
        return False
    expected = signature_for(secret, body)
    return hmac.compare_digest(expected.encode(), header.strip().encode("utf-8", "replace"))


def parse_delivery(headers: dict[str, str], body: bytes, secret: bytes) -> Delivery:
    """Validate one delivery (headers are lower-cased names) or raise WebhookError with its status."""
    if len(body) > MAX_BODY_BYTES:
        raise WebhookError(413, f"payload is {len(body)} bytes; the limit is {MAX_BODY_BYTES}")
    if not verify_signature(secret, body, headers.get("x-hub-signature-256")):
        raise WebhookError(401, "missing or wrong X-Hub-Signature-256")
    event = headers.get("x-github-event", "")
    if not _EVENT_NAME.match(event):
        raise WebhookError(400, "missing or malformed X-GitHub-Event header")
    delivery_id = headers.get("x-github-delivery", "")
    if not DELIVERY_ID.match(delivery_id):
        raise WebhookError(400, "missing or malformed X-GitHub-Delivery header")
    content_type = headers.get("content-type", "application/json").split(";")[0].strip().lower()
    if content_type != "application/json":
        raise WebhookError(415, "content type must be application/json (set it in the App's webhook settings)")
    try:
        payload = json.loads(body.decode("utf-8"))  # GitHub sends UTF-8: no UTF-16 guessing, no BOM
    except (ValueError, RecursionError):  # JSONDecodeError, bad UTF-8, an integer past Python's 4,300 digits
        raise WebhookError(400, "body is not valid JSON") from None
    if not isinstance(payload, dict):
        raise WebhookError(400, "body must be a JSON object")
    if json_depth(payload) > MAX_JSON_DEPTH:
        raise WebhookError(400, f"body nests deeper than {MAX_JSON_DEPTH} levels (GitHub's payloads nest far less)")
    return Delivery(id=delivery_id, event=event, payload=payload)


def json_depth(value: Any) -> int:
    """How deeply a parsed JSON value nests (a scalar is 0), without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, depth = stack.pop()
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else None
        if children is None:
            continue
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return deepest


class MemoryDeduper:
    """Remembers delivery ids for the single-process (embedded) mode; `first_time` is True once per id.
    (With Redis the queue dedupes atomically with the enqueue.)"""

    def __init__(self, ttl_seconds: int = DEDUPE_TTL_SECONDS):
        self.ttl = ttl_seconds
        self._seen: dict[str, float] = {}
        self._lock = threading.Lock()

    def first_time(self, delivery_id: str) -> bool:
        now = time.monotonic()
        with self._lock:
            if len(self._seen) > 100_000:
                self._seen = {k: v for k, v in self._seen.items() if v > now}
            if self._seen.get(delivery_id, 0) > now:
                return False
            self._seen[delivery_id] = now + self.ttl
            return True

    def forget(self, delivery_id: str) -> None:
        with self._lock:
            self._seen.pop(delivery_id, None)
