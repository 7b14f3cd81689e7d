"""Generated Terraform as data for policy rules: resources and providers with their file and line."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from bot import hclread

_INTERPOLATION = re.compile(r"^\$\{(.*)\}$", re.S)


@dataclass(frozen=True)
class Resource:
    type: str
    name: str
    body: dict[str, Any]
    file: str
    line: int

    @property
    def address(self) -> str:
        return f"{self.type}.{self.name}"

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass
class Terraform:
    """Every resource, provider and local of an environment's .tf files, plus files that did not parse."""

    resources: list[Resource] = field(default_factory=list)
    providers: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    locals: dict[str, Any] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def of_type(self, *types: str) -> list[Resource]:
        return [r for r in self.resources if r.type in types]

    def resolve(self, value: Any) -> Any:
        """`${local.x}` resolved to the local's value; any other expression stays a string."""
        if isinstance(value, str):
            match = _INTERPOLATION.match(value)
            if match and match.group(1).startswith("local.") and match.group(1)[6:] in self.locals:
                return self.locals[match.group(1)[6:]]
        return value


def first(value: Any) -> Any:
    """Nested blocks parse as lists of dicts; the first one (or the value itself)."""
    if isinstance(value, list):
        return value[0] if value else None
    return value


def blocks(value: Any) -> list[dict[str, Any]]:
    """A nested block attribute as a list of dicts."""
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, dict)]
    return []


_RESOURCE_HEAD = re.compile(r'^resource "([A-Za-z0-9_-]+)" "([A-Za-z0-9_-]+)"', re.M)


def resource_lines(text: str) -> list[tuple[str, str, int]]:
    """(type, name, line) of each resource block in canonical .tf text (as generators.hcl writes it)."""
    return [(m.group(1), m.group(2), text.count("\n", 0, m.start()) + 1) for m in _RESOURCE_HEAD.finditer(text)]


def parse_terraform(files: dict[str, str], parsed: hclread.ParsedFiles | None = None) -> Terraform:
    """The `.tf` files of `files` (path -> text) as data; `parsed` is their parse when the caller already has it."""
    parsed = parsed if parsed is not None else hclread.parse_files(files)
    tf = Terraform()
    for path, text in sorted(files.items()):
        if not path.endswith(".tf"):
            continue
        if path in parsed.errors:
            exc = parsed.errors[path]
            tf.errors.append(f"{path}: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}")
            continue
        data = parsed.modules[path]
        lines = {(type_, name): line for type_, name, line in resource_lines(text)}
        for item in data.get("resource", []):
            for type_, named in item.items():
                for name, body in named.items():
                    tf.resources.append(Resource(type_, name, body or {}, path, lines.get((type_, name), 1)))
        for item in data.get("provider", []):
            for name, body in item.items():
                tf.providers.setdefault(name, []).append(body or {})
        for item in data.get("locals", []):
            tf.locals.update(item)
    return tf
