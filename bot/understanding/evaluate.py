"""Field accuracy of an engine on a labelled request set (`{"id", "text", "expect"}` per JSONL line).

Comparison rules: `databases.engine` and `monitoring` compare as sorted lists; `databases.version`
holds the versions the request names, each of which must be among the spec's databases (a trailing
`.0` is ignored); `buckets.count` is the number of buckets; `public_ssh: false` holds when nothing in
the result opens anything to 0.0.0.0/0; `needs_clarification` compares the flag; `requirements.<key>` is the
ledger status of the first row with that key (it is read even when the request needs clarification).
Every other key is a dotted path into the spec. A request that should produce a spec but asks questions fails every field.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.understanding.model import Understanding

Engine = Callable[[str], Understanding]


@dataclass
class FieldResult:
    request_id: str
    field: str
    expected: Any
    actual: Any

    @property
    def ok(self) -> bool:
        return _same(self.field, self.expected, self.actual)


@dataclass
class Report:
    results: list[FieldResult] = field(default_factory=list)
    timings_ms: list[float] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return sum(r.ok for r in self.results) / len(self.results) if self.results else 0.0

    def per_field(self) -> dict[str, tuple[int, int]]:
        table: dict[str, tuple[int, int]] = {}
        for result in self.results:
            ok, total = table.get(result.field, (0, 0))
            table[result.field] = (ok + result.ok, total + 1)
        return dict(sorted(table.items()))

    def failures(self) -> list[FieldResult]:
        return [r for r in self.results if not r.ok]

    @property
    def whole_accuracy(self) -> float:
        """Share of requests whose every expected field is right."""
        ok: dict[str, bool] = {}
        for result in self.results:
            ok[result.request_id] = ok.get(result.request_id, True) and result.ok
        return sum(ok.values()) / len(ok) if ok else 0.0

    @property
    def median_ms(self) -> float:
        return statistics.median(self.timings_ms) if self.timings_ms else 0.0

    @property
    def p95_ms(self) -> float:
        ordered = sorted(self.timings_ms)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] if ordered else 0.0


def load_requests(path: Path) -> list[dict[str, Any]]:
    """Labelled requests from a JSONL file (blank lines skipped)."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def evaluate(requests: list[dict[str, Any]], engine: Engine) -> Report:
    """Run `engine` on each request and compare every expected field."""
    report = Report()
    for request in requests:
        started = time.perf_counter()
        understanding = engine(request["text"])
        report.timings_ms.append((time.perf_counter() - started) * 1000)
        for path, expected in request["expect"].items():
            report.results.append(FieldResult(request["id"], path, expected, actual_value(understanding, path)))
    return report


def actual_value(understanding: Understanding, path: str) -> Any:
    """The value the scorer compares for `path`."""
    if path == "needs_clarification":
        return understanding.needs_clarification
    if path.startswith("requirements."):  # the ledger status of the first row with that key
        key = path.removeprefix("requirements.")
        return next((row.status.value for row in understanding.requirements if row.key == key), "<no row>")
    spec = understanding.spec
    if spec is None:
        return "<no spec: needs clarification>"
    data = spec.model_dump(mode="json")
    if path == "public_ssh":
        text = json.dumps(data)
        return "0.0.0.0/0" in text or "::/0" in text or '"port": 22' in text
    if path == "buckets.count":
        return len(data["buckets"])
    if path.startswith("databases."):
        return [db.get(path.split(".", 1)[1]) for db in data["databases"]]
    value: Any = data
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _version(value: Any) -> str:
    text = str(value)
    while text.endswith(".0"):
        text = text[:-2]
    return text


def _same(path: str, expected: Any, actual: Any) -> bool:
    if path == "databases.version":
        if not isinstance(actual, list):
            return False
        remaining = [_version(v) for v in actual]
        for version in expected:
            if _version(version) not in remaining:
                return False
            remaining.remove(_version(version))
        return True
    if path in {"databases.engine", "monitoring"}:
        return isinstance(actual, list) and sorted(expected) == sorted(actual)
    if path == "app.runtime_version":
        return actual is not None and _version(expected) == _version(actual)
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected is actual or expected == actual
    if isinstance(expected, (int, float)) and isinstance(actual, (int, float)):
        return abs(expected - actual) < 1e-6
    return bool(expected == actual)
