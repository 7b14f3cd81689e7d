"""Files of the on-disk caches (check results, committed blobs): written whole or not at all, newest kept."""

from __future__ import annotations

import os
import random
from collections.abc import Callable, Iterable
from pathlib import Path

PRUNE_CHANCE = 0.02  # prune on about one write in fifty: a directory listing per write would cost more


def write_atomic(target: Path, data: bytes) -> None:
    """Write `target` through a per-process temporary file, so a reader never sees half of it."""
    tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    tmp.replace(target)


def prune_sometimes(entries: Callable[[], Iterable[Path]], keep: int) -> None:
    """Now and then, drop the oldest of `entries()` beyond `keep`."""
    if random.random() < PRUNE_CHANCE:
        prune_oldest(entries(), keep)


def prune_oldest(entries: Iterable[Path], keep: int) -> None:
    """Drop the oldest entries beyond `keep` (by modification time)."""
    for path in sorted(entries, key=lambda p: p.stat().st_mtime, reverse=True)[keep:]:
        path.unlink(missing_ok=True)
