"""Infracost usage files: load with line numbers, match resources (wildcards), validate types."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, overload

import yaml

from bot.errors import InputError


class CostInputError(InputError):
    """Bad input to the estimator; the message names the file and line."""


@dataclass
class UsageFile:
    """A parsed usage file: values plus the line each key was written on."""

    path: str = "<usage>"
    resource_usage: dict[str, dict[str, Any]] = field(default_factory=dict)
    type_defaults: dict[str, dict[str, Any]] = field(default_factory=dict)
    lines: dict[tuple[str, ...], int] = field(default_factory=dict)
    _nested: dict[tuple[str, ...], list[tuple[str, int]]] | None = field(default=None, repr=False, compare=False)
    _nested_size: int = field(default=-1, repr=False, compare=False)

    def for_resource(self, address: str, rtype: str) -> Usage:
        """Usage for one resource: type defaults, then wildcard entries, then the exact address."""
        values: dict[str, Any] = {}
        where: dict[str, tuple[str, ...]] = {}
        for key, val in self.type_defaults.get(rtype, {}).items():
            values[key] = val
            where[key] = ("resource_type_default_usage", rtype, key)
        for pattern, entry in self.resource_usage.items():
            if pattern != address and ("*" in pattern and fnmatch.fnmatchcase(address, _glob(pattern))):
                for key, val in entry.items():
                    values[key] = val
                    where[key] = ("resource_usage", pattern, key)
        for key, val in self.resource_usage.get(address, {}).items():
            values[key] = val
            where[key] = ("resource_usage", address, key)
        lines: dict[str, int] = {}
        nested = self._nested_lines()
        for key, src in where.items():
            lines[key] = self.lines.get(src, 0)
            for sub, line in nested.get(src, ()):
                lines[f"{key}.{sub}"] = line
        return Usage(values, lines, self.path)

    def _nested_lines(self) -> dict[tuple[str, ...], list[tuple[str, int]]]:
        """Lines of nested keys (``standard.storage_gb``) by their parent key, computed once."""
        if self._nested is None or self._nested_size != len(self.lines):
            nested: dict[tuple[str, ...], list[tuple[str, int]]] = {}
            for lkey, line in self.lines.items():
                if len(lkey) == 4:
                    nested.setdefault(lkey[:3], []).append((lkey[3], line))
            self._nested, self._nested_size = nested, len(self.lines)
        return self._nested


def _glob(pattern: str) -> str:
    return pattern.replace("[", "[[]")


class Usage:
    """Usage values of one resource with typed accessors that report file:line on bad types."""

    def __init__(self, values: dict[str, Any], lines: dict[str, int] | None = None, path: str = "<usage>") -> None:
        self.values = values
        self.lines = lines or {}
        self.path = path

    def __contains__(self, key: str) -> bool:
        return self.values.get(key) is not None

    def _err(self, key: str, want: str, got: Any) -> CostInputError:
        line = self.lines.get(key, 0)
        return CostInputError(f"{self.path}:{line}: usage key {key!r} must be {want}, got {got!r}")

    @overload
    def num(self, key: str, default: float) -> float: ...

    @overload
    def num(self, key: str, default: None = None) -> float | None: ...

    def num(self, key: str, default: float | None = None) -> float | None:
        """A number, or `default` (None unless given) when absent."""
        val = self.values.get(key)
        if val is None:
            return default
        if isinstance(val, bool) or not isinstance(val, (int, float)):
            raise self._err(key, "a number", val)
        return float(val)

    def text(self, key: str) -> str | None:
        """A string, or None when absent."""
        val = self.values.get(key)
        if val is None:
            return None
        if not isinstance(val, str):
            raise self._err(key, "a string", val)
        return val

    def sub(self, key: str) -> Usage:
        """A nested mapping (for example S3 storage classes)."""
        val = self.values.get(key)
        if val is None:
            return Usage({}, {}, self.path)
        if not isinstance(val, dict):
            raise self._err(key, "a mapping", val)
        prefix = key + "."
        lines = {k[len(prefix) :]: v for k, v in self.lines.items() if k.startswith(prefix)}
        base = self.lines.get(key, 0)
        return Usage(val, {k: lines.get(k, base) for k in val}, self.path)


EMPTY = Usage({})


def load_usage_file(path: str | Path) -> UsageFile:
    """Read and validate an Infracost usage file (version 0.1)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CostInputError(f"{path}: cannot read usage file: {exc}") from None
    return parse_usage(text, str(path))


def parse_usage(text: str, path: str = "<usage>") -> UsageFile:
    """Parse usage-file text; structural problems raise CostInputError naming path:line."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 0
        raise CostInputError(f"{path}:{line}: not valid YAML: {getattr(exc, 'problem', exc)}") from None
    out = UsageFile(path=path)
    if node is None:
        return out
    if not isinstance(node, yaml.MappingNode):
        raise CostInputError(f"{path}:{node.start_mark.line + 1}: a usage file must be a mapping")
    for knode, vnode in node.value:
        key = knode.value
        line = knode.start_mark.line + 1
        if key == "version":
            if str(vnode.value) not in ("0.1",):
                raise CostInputError(f"{path}:{line}: unsupported usage file version {vnode.value!r} (expected 0.1)")
        elif key in ("resource_usage", "resource_type_default_usage"):
            if isinstance(vnode, yaml.ScalarNode) and vnode.value in ("", "null", "~"):
                continue
            if not isinstance(vnode, yaml.MappingNode):
                raise CostInputError(f"{path}:{line}: {key} must be a mapping of resources")
            target = out.resource_usage if key == "resource_usage" else out.type_defaults
            for rnode, body in vnode.value:
                rline = rnode.start_mark.line + 1
                if isinstance(body, yaml.ScalarNode) and body.value in ("", "null", "~"):
                    target[rnode.value] = {}
                    continue
                if not isinstance(body, yaml.MappingNode):
                    raise CostInputError(f"{path}:{rline}: usage for {rnode.value!r} must be a mapping of keys")
                target[rnode.value] = _values(body, (key, rnode.value), out.lines, path)
        else:
            raise CostInputError(
                f"{path}:{line}: unknown top-level key {key!r} "
                "(expected version, resource_usage, resource_type_default_usage)"
            )
    return out


def _values(node: yaml.MappingNode, prefix: tuple[str, ...], lines: dict[tuple[str, ...], int], path: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for knode, vnode in node.value:
        key = knode.value
        lines[(*prefix, key)] = knode.start_mark.line + 1
        if isinstance(vnode, yaml.MappingNode):
            out[key] = _values(vnode, (*prefix, key), lines, path)
        elif isinstance(vnode, yaml.SequenceNode):
            out[key] = yaml.safe_load(yaml.serialize(vnode))
        else:
            out[key] = yaml.safe_load(yaml.serialize(vnode)) if vnode.value != "" else None
    return out
