"""Import cycles between the project's modules, counting imports inside functions (exit 1 when there is one).

Usage: python scripts/import_cycles.py [--graph]
An import of `a.b.c` is an edge to the module `a.b.c` and to the packages `a` and `a.b` (Python runs their
`__init__` first, so a package that imports its submodules is part of every cycle through them). `from a.b import c`
is an edge to `a.b.c` when that is a module. A module's own parent packages are edges only when it imports them
by name (Python is already running them).
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "generators", "policies", "sandbox")

# Tolerated cycles, each with what removes it. A cycle passes only when every module in it is inside one of these
# groups (a module prefix matches the module and its submodules); any other cycle fails. The four that predated the
# check (2026-12-06) are gone; keep this empty.
KNOWN: dict[tuple[str, ...], str] = {}


def modules() -> dict[str, Path]:
    """Dotted name -> file of every project module."""
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def imports(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The project modules `name` imports, at any depth of its code."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                child = f"{base}.{alias.name}"
                found.add(child if child in known else base)
    parents = {".".join(m.split(".")[:i]) for m in found for i in range(1, m.count(".") + 1)}
    parents = {p for p in parents if not name.startswith(p + ".")}  # its own packages are already running
    return {m for m in found | parents if m in known and m != name}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def allowed(component: list[str]) -> str | None:
    """The reason a known cycle is still there, or None for a new cycle."""
    for group, reason in KNOWN.items():
        if all(any(m == p or m.startswith(p + ".") for p in group) for m in component):
            return reason
    return None


def main() -> int:
    known = modules()
    graph = {name: imports(name, path, known) for name, path in known.items()}
    new = 0
    for component in cycles(graph):
        reason = allowed(component)
        if reason:
            print(f"known cycle ({len(component)} modules from {component[0]}): {reason}")
            continue
        new += 1
        inner = sorted(f"{a} -> {b}" for a in component for b in graph[a] if b in component)
        print(f"import cycle between {len(component)} modules:\n  " + "\n  ".join(inner))
    if "--graph" in sys.argv:
        for name in sorted(graph):
            print(name, "->", " ".join(sorted(graph[name])))
    return 1 if new else 0


if __name__ == "__main__":
    sys.exit(main())
