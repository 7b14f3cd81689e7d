"""Field accuracy and parse time of the deterministic engine on the labelled request sets.

Run from the repository root: `python bench/understanding.py [FILE.jsonl ...]` (default: the dev set).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.understanding import deterministic  # noqa: E402
from bot.understanding.evaluate import evaluate, load_requests  # noqa: E402

DEFAULT_SET = ROOT / "tests" / "fixtures" / "requests" / "dev.jsonl"


def main(paths: list[Path]) -> int:
    for path in paths:
        requests = load_requests(path)
        deterministic.parse(requests[0]["text"])  # warm up regex caches
        report = evaluate(requests, deterministic.parse)
        print(f"{path.name}: {len(requests)} requests, {len(report.results)} fields")
        print(f"  {'field':<28} {'correct':>9}")
        for name, (ok, total) in report.per_field().items():
            print(f"  {name:<28} {ok:>4}/{total:<4}")
        for failure in report.failures():
            print(f"  MISS {failure.request_id} {failure.field}: expected {failure.expected!r}, got {failure.actual!r}")
        print(f"  field accuracy: {report.accuracy:.1%}")
        print(f"  parse time: median {report.median_ms:.2f} ms, p95 {report.p95_ms:.2f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main([Path(p) for p in sys.argv[1:]] or [DEFAULT_SET]))
