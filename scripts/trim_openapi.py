"""Trim GitHub's OpenAPI description to the operations the sandbox implements.

Usage: python scripts/trim_openapi.py [SOURCE] [DEST]
Keeps only the sandbox's operations (sandbox.operations.OPERATIONS) and every component they reach
through $ref, so tests can validate sandbox responses against a small, committed fixture.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sandbox.operations import OPERATIONS

DEFAULT_SOURCE = Path("/work/shared/github/openapi/api.github.com.json")
DEFAULT_DEST = Path(__file__).resolve().parents[1] / "tests/fixtures/github/openapi/api.github.com.trimmed.json"


def _refs(node, found: set[str]) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            found.add(ref)
        for value in node.values():
            _refs(value, found)
    elif isinstance(node, list):
        for value in node:
            _refs(value, found)


def _resolve(spec: dict, ref: str):
    node = spec
    for part in ref.removeprefix("#/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def trim(spec: dict) -> dict:
    """Return a copy of ``spec`` restricted to OPERATIONS and the components they reference."""
    paths: dict[str, dict] = {}
    for method, path in OPERATIONS:
        item = spec["paths"][path]
        kept = paths.setdefault(path, {k: v for k, v in item.items() if k == "parameters"})
        kept[method.lower()] = item[method.lower()]
    pending: set[str] = set()
    _refs(paths, pending)
    seen: set[str] = set()
    while pending:
        ref = pending.pop()
        if ref in seen:
            continue
        seen.add(ref)
        _refs(_resolve(spec, ref), pending)
    components: dict[str, dict] = {}
    for ref in sorted(seen):
        _, _, section, name = ref.split("/", 3)
        components.setdefault(section, {})[name] = spec["components"][section][name]
    keys = ("openapi", "info", "servers", "externalDocs")
    return {**{k: spec[k] for k in keys if k in spec}, "paths": paths, "components": components}


def main(argv: list[str]) -> int:
    source = Path(argv[0]) if argv else DEFAULT_SOURCE
    dest = Path(argv[1]) if len(argv) > 1 else DEFAULT_DEST
    trimmed = trim(json.loads(source.read_text()))
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(json.dumps(trimmed, indent=1, sort_keys=True) + "\n")
    print(f"{dest}: {len(trimmed['paths'])} paths, {sum(map(len, trimmed['components'].values()))} components")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
