"""Retrying GitHub calls safely.

Transport level (`GitHubRetry`, given to PyGithub): honour `Retry-After` and `X-RateLimit-Reset`, back off
exponentially on 5xx, but never re-send a POST after a 5xx or a dropped connection: the first one may
have succeeded. Application level (`create_once`): after such a failure, look for the object first and
POST again only when it is not there.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

import requests
from github import GithubException
from github.GithubRetry import GithubRetry

from bot.metrics import GITHUB_CALLS

log = logging.getLogger(__name__)
T = TypeVar("T")

IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE"})
REFUSED_BEFORE_PROCESSING = frozenset({403, 429})  # rate limits: GitHub did not act on the request


class GitHubRetry(GithubRetry):
    """PyGithub/urllib3 retry policy of the bot."""

    def __init__(self, total: int = 6, backoff_factor: float = 0.5, max_wait: float = 120.0, **kwargs: Any):
        kwargs.setdefault("status_forcelist", [*range(500, 600), 429])
        kwargs.setdefault("allowed_methods", IDEMPOTENT)  # read errors re-send only these
        kwargs.setdefault("raise_on_status", False)
        kwargs.setdefault("backoff_max", 30)
        kwargs.setdefault("secondary_rate_wait", min(60.0, max_wait))
        kwargs.setdefault("max_rate_limit_wait", max_wait)
        super().__init__(total=total, backoff_factor=backoff_factor, **kwargs)
        self.max_wait = max_wait

    def new(self, **kw: Any) -> GitHubRetry:
        retry = super().new(**kw)
        retry.max_wait = self.max_wait
        return retry

    def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
        """Asked by urllib3 once per response: counted there as a GitHub API call."""
        GITHUB_CALLS.labels(method=method.upper(), status=str(status_code)).inc()
        if method.upper() not in IDEMPOTENT:
            # A POST answered 5xx may have been carried out (the caller looks first); one refused by a
            # rate limit was not, so it is retried like any other request.
            return status_code in REFUSED_BEFORE_PROCESSING and bool(self.total)
        return super().is_retry(method, status_code, has_retry_after)

    def get_retry_after(self, response: Any) -> float | None:
        """`Retry-After`, else the wait until `X-RateLimit-Reset` when the limit is used up; capped."""
        wait = super().get_retry_after(response)
        headers = response.headers
        if wait is None and headers.get("X-RateLimit-Remaining") == "0":
            reset = headers.get("X-RateLimit-Reset", "")
            if reset.isdigit():
                wait = max(0.0, int(reset) - time.time()) + 1
        return None if wait is None else min(wait, self.max_wait)


def is_uncertain(exc: BaseException) -> bool:
    """Errors after which a POST may or may not have taken effect."""
    if isinstance(exc, GithubException):
        return exc.status is None or exc.status >= 500
    return isinstance(exc, (requests.ConnectionError, requests.Timeout))


def create_once(create: Callable[[], T], find: Callable[[], T | None], *, attempts: int = 4,
                backoff: float = 0.5, sleep: Callable[[float], None] = time.sleep) -> T:
    """POST through `create`; after an uncertain failure look with `find` before POSTing again."""
    for attempt in range(attempts):
        try:
            return create()
        except Exception as exc:
            if not is_uncertain(exc) or attempt == attempts - 1:
                raise
            log.warning("POST failed uncertainly (%s); looking before retrying", exc)
        sleep(backoff * 2**attempt)
        found = find()
        if found is not None:
            return found
    raise AssertionError("unreachable")


def call_with_backoff(call: Callable[[], T], *, attempts: int = 4, backoff: float = 0.5,
                      sleep: Callable[[float], None] = time.sleep) -> T:
    """Retry a call whose repetition is harmless (e.g. minting an installation token) on uncertain errors."""
    for attempt in range(attempts):
        try:
            return call()
        except Exception as exc:
            if not is_uncertain(exc) or attempt == attempts - 1:
                raise
        sleep(backoff * 2**attempt)
    raise AssertionError("unreachable")
