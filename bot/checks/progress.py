"""Who hears about each check as it finishes (the demo's progress lines, the worker's log)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

log = logging.getLogger("bot.checks")


@dataclass(frozen=True)
class CheckEvent:
    """One check's result, as soon as it is known."""

    name: str
    passed: bool
    skipped: bool
    seconds: float
    cached: bool

    def describe(self) -> str:
        """`checkov terraform: passed in 1.2 s` (or `failed`, `skipped`, `passed (unchanged, from cache)`)."""
        outcome = "skipped" if self.skipped else "passed" if self.passed else "failed"
        return f"{self.name}: {outcome}" + (" (unchanged, from cache)" if self.cached else f" in {self.seconds:.1f} s")


Listener = Callable[[CheckEvent], None]
_listeners: list[Listener] = []
_lock = threading.Lock()


@contextmanager
def watching(listener: Listener) -> Iterator[None]:
    """Call `listener` with every check event of this process while the block runs."""
    with _lock:
        _listeners.append(listener)
    try:
        yield
    finally:
        with _lock:
            _listeners.remove(listener)


def emit(event: CheckEvent) -> None:
    """Log the event and pass it to every listener (a failing listener is logged, never raised)."""
    log.info("check %s", event.describe())
    with _lock:
        listeners = list(_listeners)
    for listener in listeners:
        try:
            listener(event)
        except Exception:
            log.exception("check progress listener failed")
