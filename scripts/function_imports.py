"""Imports inside functions must say why they are there (exit 1 when one does not).

Usage: python scripts/function_imports.py [PATH ...]   (default: the project's packages)
An import belongs at the top of its module. One inside a function (at any depth) is allowed only when it defers
something heavy or optional, and then a comment `# deferred: <why>` on its line (or on the line just above it, or
above a run of consecutive imports it belongs to) says what it defers, e.g.
`from bot.understanding import claude  # deferred: the anthropic SDK is slow to import`.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "generators", "policies", "sandbox")
REASON = re.compile(r"#\s*deferred:\s*\S")


def function_imports(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement inside a function body, nested blocks and inner functions included."""
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Import | ast.ImportFrom):
                    yield inner


def findings(path: Path) -> list[str]:
    """`path:line: ...` for each in-function import of `path` without a `# deferred:` reason."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    nodes = list(function_imports(ast.parse(source, str(path))))
    covered = {line for node in nodes for line in range(node.lineno, (node.end_lineno or node.lineno) + 1)}
    found = set()
    for node in nodes:
        start, end = node.lineno, node.end_lineno or node.lineno
        while start - 1 in covered:  # a run of imports: one comment above the run covers them all
            start -= 1
        around = lines[max(start - 2, 0) : end]  # the line above the run and every line of the statement
        if not any(REASON.search(line) for line in around):
            found.add((node.lineno, ast.unparse(node)))
    shown = path.resolve().relative_to(ROOT) if path.resolve().is_relative_to(ROOT) else path
    return [f"{shown}:{line}: `{text}` inside a function without a `# deferred: <why>` comment"
            for line, text in sorted(found)]


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or [ROOT / p for p in PACKAGES]
    files = sorted(f for p in paths for f in ([p] if p.is_file() else p.rglob("*.py")))
    problems = [problem for f in files for problem in findings(f)]
    print("\n".join(problems) if problems else f"no undocumented imports inside functions ({len(files)} files)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
