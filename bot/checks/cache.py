"""Check results remembered by the content hash of what each check reads.

A key hashes the check's name, every input it declares (file paths and contents, the skip list, the tools'
identities) and the source of bot/checks itself, so an edit to a check or a tool upgrade misses. Entries are
JSON files under one directory (shared by a worker's forked work horses and by its processes); only results
the check reached on the content are stored, never a missing tool, a timeout or a crash.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from bot.diskcache import prune_sometimes, write_atomic
from bot.pipeline.results import CheckResult

MAX_ENTRIES = 2000
Input = str | bytes | Path | None


def file_inputs(root: Path, include_hidden: bool = False) -> list[Input]:
    """Every file under `root` (relative path, then content), in a stable order; nothing when it is missing.

    Hidden entries (`.terraform/`, editor files) are left out unless asked for."""
    if not root.is_dir():
        return [f"missing:{root.name}"]
    found: list[Input] = []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if not path.is_file() or (not include_hidden and any(part.startswith(".") for part in rel.parts)):
            continue
        found += [str(rel), path.read_bytes()]
    return found


def tool_identity(path: str | None) -> str:
    """A tool's path, size and modification time (an upgrade changes them); `missing` when absent."""
    if path is None:
        return "missing"
    try:
        stat = Path(path).resolve().stat()
    except OSError:
        return f"{path}:unreadable"
    return f"{path}:{stat.st_size}:{stat.st_mtime_ns}"


@lru_cache(maxsize=1)
def code_identity() -> str:
    """Hash of the source of every module of bot.checks (an edited check never reuses old results)."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def cache_key(name: str, inputs: Iterable[Input]) -> str:
    """sha256 over the check's name, the bot.checks source and each input (length-prefixed)."""
    digest = hashlib.sha256()
    for part in [name, code_identity(), *inputs]:
        data = part if isinstance(part, bytes) else str(part).encode()
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


class ResultCache:
    """Check results on disk, one JSON file per key; `directory=None` remembers nothing."""

    def __init__(self, directory: Path | None):
        self.directory = directory.expanduser() if directory is not None else None

    def get(self, key: str) -> list[CheckResult] | None:
        if self.directory is None:
            return None
        try:
            data = json.loads((self.directory / f"{key}.json").read_text(encoding="utf-8"))
            return [CheckResult.model_validate(item) for item in data]
        except (OSError, ValueError):
            return None

    def put(self, key: str, results: list[CheckResult]) -> None:
        if self.directory is None:
            return
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            data = json.dumps([r.model_dump(mode="json") for r in results]).encode("utf-8")
            write_atomic(self.directory / f"{key}.json", data)
            directory = self.directory
            prune_sometimes(lambda: directory.glob("*.json"), MAX_ENTRIES)
        except OSError:
            return  # a cache that cannot be written only costs time
