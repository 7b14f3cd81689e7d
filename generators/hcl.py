"""HCL from data: the one emitter every Terraform generator uses.

Values are Python data. Strings are always quoted and escaped (`"`, `\\`, newlines, `${`, `%{`),
so request text can never become HCL syntax. References and function calls are built only from
generator code through `Ref` (validated identifier paths) and `Call`. The output is already in
`terraform fmt` canonical form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_REF = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*|\.\d+|\[\d+\]|\[\*\]|\.\*|\[count\.index\])*$")


class Ref(str):
    """A reference expression such as `aws_vpc.main.id` or `var.region` (validated, emitted bare)."""

    def __new__(cls, path: str) -> Ref:
        if not _REF.match(path):
            raise ValueError(f"not a reference expression: {path!r}")
        return super().__new__(cls, path)


@dataclass(frozen=True)
class Call:
    """A function call, e.g. Call("cidrsubnet", Ref("var.cidr"), 8, 1); arguments are data."""

    name: str
    args: tuple[Any, ...] = ()

    def __init__(self, name: str, *args: Any):
        if not re.match(r"^[a-z][a-z0-9_]*(::[a-z][a-z0-9_]*)*$", name):
            raise ValueError(f"not a function name: {name!r}")
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "args", args)


@dataclass(frozen=True)
class Op:
    """A binary expression of two values, e.g. Op(Ref("var.count"), ">", 0)."""

    left: Any
    op: str
    right: Any

    def __post_init__(self) -> None:
        if self.op not in {"+", "-", "*", "/", "%", "==", "!=", "<", ">", "<=", ">=", "&&", "||"}:
            raise ValueError(f"not an operator: {self.op!r}")


@dataclass(frozen=True)
class Cond:
    """A conditional expression `cond ? then : otherwise`."""

    cond: Any
    then: Any
    otherwise: Any


@dataclass
class Block:
    """A block: `type "label" ... { body }`. In a body, a Block (or list of Blocks) is a nested block."""

    type: str
    labels: list[str] = field(default_factory=list)
    body: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not _IDENT.match(self.type):
            raise ValueError(f"not a block type: {self.type!r}")


def block(type_: str, *labels: str, **body: Any) -> Block:
    """Shorthand: block("resource", "aws_vpc", "main", cidr_block="10.0.0.0/16")."""
    return Block(type_, list(labels), dict(body))


def quote(value: str) -> str:
    """A quoted HCL string literal; template sequences are escaped so they stay literal text."""
    out = []
    for ch in value:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    text = "".join(out)
    text = text.replace("${", "$${").replace("%{", "%%{")
    return f'"{text}"'


def _key(name: str) -> str:
    return name if _IDENT.match(name) else quote(name)


Scalar = str | int | float | bool | None


def expr(value: Any, indent: int = 0) -> str:
    """Render a value as an HCL expression; multi-line for non-empty maps and long lists."""
    pad = "  " * indent
    if isinstance(value, Ref):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value) if not value.is_integer() else str(int(value))
    if isinstance(value, str):
        return quote(value)
    if isinstance(value, Call):
        return f"{value.name}(" + ", ".join(expr(a, indent) for a in value.args) + ")"
    if isinstance(value, Op):
        return f"{expr(value.left, indent)} {value.op} {expr(value.right, indent)}"
    if isinstance(value, Cond):
        return f"{expr(value.cond, indent)} ? {expr(value.then, indent)} : {expr(value.otherwise, indent)}"
    if isinstance(value, (list, tuple)):
        items = [expr(v, indent + 1) for v in value]
        one_line = "[" + ", ".join(items) + "]"
        if "\n" not in one_line and len(one_line) + len(pad) < 100:
            return one_line
        inner = "  " * (indent + 1)
        return "[\n" + "".join(f"{inner}{item},\n" for item in items) + f"{pad}]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        return "{\n" + _attributes(value, indent + 1) + f"{pad}}}"
    raise TypeError(f"cannot emit {type(value).__name__} as HCL")


def _attributes(items: dict[str, Any], indent: int) -> str:
    """Attribute lines with `=` aligned across runs of single-line values, as terraform fmt does."""
    pad = "  " * indent
    rendered = [(_key(k), expr(v, indent)) for k, v in items.items()]
    out: list[str] = []
    run: list[tuple[str, str]] = []

    def flush() -> None:
        width = max((len(k) for k, _ in run), default=0)
        out.extend(f"{pad}{k.ljust(width)} = {v}\n" for k, v in run)
        run.clear()

    for key, value in rendered:
        if "\n" in value:
            flush()
            out.append(f"{pad}{key} = {value}\n")
        else:
            run.append((key, value))
    flush()
    return "".join(out)


def _body(body: dict[str, Any], indent: int) -> str:
    attrs = {k: v for k, v in body.items() if not _is_block(v)}
    blocks: list[Block] = []
    for v in body.values():
        if isinstance(v, Block):
            blocks.append(v)
        elif isinstance(v, list) and v and all(isinstance(b, Block) for b in v):
            blocks.extend(v)
    parts = []
    if attrs:
        parts.append(_attributes(attrs, indent))
    parts.extend(render_block(b, indent) for b in blocks)
    return "\n".join(parts)


def _is_block(value: Any) -> bool:
    return isinstance(value, Block) or (isinstance(value, list) and bool(value) and all(isinstance(b, Block) for b in value))


def render_block(b: Block, indent: int = 0) -> str:
    """One block with its nested blocks."""
    pad = "  " * indent
    head = " ".join([b.type, *(quote(label) for label in b.labels)])
    if not b.body:
        return f"{pad}{head} {{\n{pad}}}\n"
    return f"{pad}{head} {{\n{_body(b.body, indent + 1)}{pad}}}\n"


def render(blocks: list[Block]) -> str:
    """A whole .tf file: top-level blocks separated by one blank line."""
    return "\n".join(render_block(b) for b in blocks)
