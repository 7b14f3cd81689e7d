"""Poll a condition until it holds: servers starting, pull requests appearing, mutexes coming free."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


def wait_until(predicate: Callable[[], Any], timeout: float = 30.0, *, interval: float = 0.1,
               what: str = "condition", error: type[Exception] = TimeoutError) -> Any:
    """Call `predicate` every `interval` seconds until it returns something truthy and return that value;
    after `timeout` seconds raise `error` naming `what`."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise error(f"timed out after {timeout:g}s waiting for {what}")
        time.sleep(interval)
