"""HCL expression and template evaluation (the subset Infracost's HCL mode needs).

python-hcl2 leaves every expression as a string ``"${...}"``; this module parses such strings once
(cached) into closures and evaluates them against an environment. Values that Terraform only knows
after apply (resource ids, data sources) evaluate to :class:`Unknown`, which propagates through
operators and functions like Terraform's unknown values.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from bot.errors import InputError


class Unknown:
    """A value only known after apply; ``ref`` names the resource it came from, if any."""

    __slots__ = ("ref",)

    def __init__(self, ref: str | None = None) -> None:
        self.ref = ref

    def __repr__(self) -> str:
        return f"Unknown({self.ref!r})"


UNKNOWN = Unknown()


class ExprError(InputError):
    """An expression that cannot be parsed or evaluated."""


Env = Callable[[str], Any]  # resolves a root name (var, local, each, aws_instance, ...) to a value
Expr = Callable[[Env], Any]  # a compiled expression: evaluated against an Env, it gives an HCL value (any type)
Step = Callable[[Any], Any]  # one operation applied to a value (an attribute access after a splat, a negation)


class _Parser:
    def __init__(self, text: str) -> None:
        self.s = text
        self.i = 0

    # -- scanning -------------------------------------------------------------------------------
    def ws(self) -> None:
        s, n = self.s, len(self.s)
        while self.i < n:
            c = s[self.i]
            if c in " \t\r\n":
                self.i += 1
            elif s.startswith("#", self.i) or s.startswith("//", self.i):
                while self.i < n and s[self.i] != "\n":
                    self.i += 1
            elif s.startswith("/*", self.i):
                end = s.find("*/", self.i + 2)
                self.i = n if end < 0 else end + 2
            else:
                break

    def peek(self, tok: str) -> bool:
        self.ws()
        return self.s.startswith(tok, self.i)

    def eat(self, tok: str) -> bool:
        if self.peek(tok):
            self.i += len(tok)
            return True
        return False

    def expect(self, tok: str) -> None:
        if not self.eat(tok):
            raise ExprError(f"expected {tok!r} at {self.s[self.i : self.i + 30]!r} in {self.s!r}")

    def ident(self) -> str | None:
        self.ws()
        j = self.i
        s = self.s
        if j < len(s) and (s[j].isalpha() or s[j] == "_"):
            j += 1
            while j < len(s) and (s[j].isalnum() or s[j] in "_-"):
                j += 1
            name = s[self.i : j]
            self.i = j
            return name
        return None

    def keyword(self, word: str) -> bool:
        self.ws()
        end = self.i + len(word)
        if self.s.startswith(word, self.i) and (
            end >= len(self.s) or not (self.s[end].isalnum() or self.s[end] == "_")
        ):
            self.i = end
            return True
        return False

    # -- templates ------------------------------------------------------------------------------
    def template(self, terminator: str | None) -> Expr:
        """Parse template text up to ``terminator`` (a quote) or the end; returns an evaluator."""
        parts: list[str | Expr] = []
        buf: list[str] = []
        s, n = self.s, len(self.s)
        while self.i < n:
            c = s[self.i]
            if terminator and c == terminator:
                self.i += 1
                break
            if c == "\\" and terminator:
                nxt = s[self.i + 1 : self.i + 2]
                buf.append({"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}.get(nxt, "\\" + nxt))
                self.i += 2
                continue
            if s.startswith("$${", self.i) or s.startswith("%%{", self.i):
                buf.append(s[self.i + 1 : self.i + 3])
                self.i += 3
                continue
            if s.startswith("${", self.i):
                if buf:
                    parts.append("".join(buf))
                    buf = []
                self.i += 2
                self.eat("~")
                inner = self.expr()
                self.eat("~")
                self.expect("}")
                parts.append(inner)
                continue
            buf.append(c)
            self.i += 1
        else:
            if terminator:
                raise ExprError(f"unterminated string in {self.s!r}")
        if buf:
            parts.append("".join(buf))
        if not parts:
            return lambda env: ""
        if len(parts) == 1:
            only = parts[0]
            if isinstance(only, str):
                return lambda env: only
            return only  # a lone interpolation keeps its type, as in Terraform

        def run(env: Env) -> Any:
            out = []
            for p in parts:
                if isinstance(p, str):
                    out.append(p)
                    continue
                v = p(env)
                if isinstance(v, Unknown):
                    return v
                out.append(_tostring(v))
            return "".join(out)

        return run

    # -- expressions ----------------------------------------------------------------------------
    def expr(self) -> Expr:
        cond = self.binary(0)
        if self.peek("?"):
            self.i += 1
            a = self.expr()
            self.expect(":")
            b = self.expr()

            def run(env: Env) -> Any:
                c = cond(env)
                if isinstance(c, Unknown):
                    return c
                return a(env) if c else b(env)

            return run
        return cond

    _LEVELS: tuple[list[str], ...] = (["||"], ["&&"], ["==", "!="], ["<=", ">=", "<", ">"], ["+", "-"], ["*", "/", "%"])

    def binary(self, level: int) -> Expr:
        if level == len(self._LEVELS):
            return self.unary()
        left = self.binary(level + 1)
        while True:
            self.ws()
            op = next((o for o in self._LEVELS[level] if self.s.startswith(o, self.i)), None)
            if op is None:
                return left
            self.i += len(op)
            right = self.binary(level + 1)
            left = _binop(op, left, right)

    def unary(self) -> Expr:
        if self.eat("!"):
            return _negate(self.unary(), lambda v: not v)
        if self.peek("-") and not self.peek("->"):
            self.i += 1
            return _negate(self.unary(), lambda v: -_num(v))
        return self.postfix(self.primary())

    def postfix(self, base: Expr) -> Expr:
        while True:
            if self.peek("[*]") or self.peek(".*"):
                self.i += 3 if self.peek("[*]") else 2
                rest = self._splat_rest()
                base = _splat(base, rest)
            elif self.peek("["):
                self.i += 1
                key = self.expr()
                self.expect("]")
                base = _index(base, key)
            elif self.peek(".") and not self.peek("..."):
                self.i += 1
                self.ws()
                j = self.i
                while j < len(self.s) and self.s[j].isdigit():
                    j += 1
                if j > self.i:
                    idx = int(self.s[self.i : j])
                    self.i = j
                    base = _index(base, _const(idx))
                else:
                    name = self.ident()
                    if name is None:
                        raise ExprError(f"expected attribute name in {self.s!r}")
                    base = _index(base, _const(name))
            else:
                return base

    def _splat_rest(self) -> list[Step]:
        """Attribute accesses after a splat: applied to each element."""
        ops: list[Step] = []
        while self.peek(".") and not self.peek("..."):
            self.i += 1
            name = self.ident()
            if name is None:
                raise ExprError(f"expected attribute after splat in {self.s!r}")
            ops.append(_attribute(name))
        return ops

    def primary(self) -> Expr:
        self.ws()
        s = self.s
        if self.i >= len(s):
            raise ExprError(f"unexpected end of expression in {s!r}")
        c = s[self.i]
        if c.isdigit():
            j = self.i
            while j < len(s) and (
                s[j].isdigit()
                or (s[j] == "." and j + 1 < len(s) and s[j + 1].isdigit())
                or (s[j] in "eE" and j + 1 < len(s) and (s[j + 1].isdigit() or s[j + 1] in "+-"))
                or (s[j] in "+-" and s[j - 1] in "eE")
            ):
                j += 1
            text = s[self.i : j]
            self.i = j
            val = float(text) if any(ch in text for ch in ".eE") else int(text)
            return lambda env: val
        if c == '"':
            self.i += 1
            return self.template('"')
        if s.startswith("<<", self.i):
            return self.heredoc()
        if c == "(":
            self.i += 1
            inner = self.expr()
            self.expect(")")
            return inner
        if c == "[":
            self.i += 1
            if self.keyword("for"):
                return self.for_expr("]")
            items = []
            while not self.eat("]"):
                items.append(self.expr())
                self.eat(",")
            return lambda env: [f(env) for f in items]
        if c == "{":
            self.i += 1
            if self.keyword("for"):
                return self.for_expr("}")
            pairs = []
            while not self.eat("}"):
                self.ws()
                save = self.i
                name = self.ident()
                key: Expr
                if name is not None and ((self.peek("=") and not self.peek("==")) or self.peek(":")):
                    key = _const(name)
                else:
                    self.i = save
                    key = self.expr()
                if not (self.eat("=") or self.eat(":")):
                    raise ExprError(f"expected '=' in object in {s!r}")
                pairs.append((key, self.expr()))
                self.eat(",")
            return lambda env: {_tostring(k(env)): v(env) for k, v in pairs}
        name = self.ident()
        if name is None:
            raise ExprError(f"unexpected {s[self.i : self.i + 20]!r} in {s!r}")
        if name == "true":
            return lambda env: True
        if name == "false":
            return lambda env: False
        if name == "null":
            return lambda env: None
        if self.peek("("):
            self.i += 1
            args = []
            expand = False
            while not self.eat(")"):
                args.append(self.expr())
                if self.eat("..."):
                    expand = True
                self.eat(",")
            return _call(name, args, expand)
        return lambda env: env(name)

    def heredoc(self) -> Expr:
        s = self.s
        self.i += 2
        strip = self.eat("-")
        marker = self.ident() or ""
        nl = s.find("\n", self.i)
        end = s.find("\n", nl + 1)
        lines = []
        pos = nl + 1
        while True:
            end = s.find("\n", pos)
            line = s[pos:] if end < 0 else s[pos:end]
            if line.strip() == marker:
                self.i = len(s) if end < 0 else end
                break
            lines.append(line)
            if end < 0:
                raise ExprError(f"unterminated heredoc {marker}")
            pos = end + 1
        if strip:
            indent = min((len(x) - len(x.lstrip()) for x in lines if x.strip()), default=0)
            lines = [x[indent:] for x in lines]
        body = "\n".join(lines) + "\n"
        sub = _Parser(body)
        return sub.template(None)

    def for_expr(self, close: str) -> Expr:
        first = self.ident()
        second = self.ident() if self.eat(",") else None
        if not self.keyword("in"):
            raise ExprError(f"expected 'in' in for expression {self.s!r}")
        coll = self.expr()
        self.expect(":")
        key_fn = self.expr()
        val_fn: Expr = _const(None)  # set for objects ({for ...: k => v}) only
        group = False
        if close == "}":
            self.expect("=>")
            val_fn = self.expr()
            group = self.eat("...")
        cond = self.expr() if self.keyword("if") else None
        self.expect(close)
        kname, vname = (first, second) if second else (None, first)

        def run(env: Env) -> Any:
            c = coll(env)
            if isinstance(c, Unknown) or c is None:
                return UNKNOWN if c is not None else ([] if close == "]" else {})
            items = c.items() if isinstance(c, dict) else enumerate(c)
            out_list: list[Any] = []
            out_map: dict[str, Any] = {}
            for k, v in items:
                local: dict[str | None, Any] = {vname: v}
                if kname:
                    local[kname] = k

                def inner(n: str, local: dict[str | None, Any] = local) -> Any:
                    return local[n] if n in local else env(n)

                if cond is not None:
                    ok = cond(inner)
                    if isinstance(ok, Unknown) or not ok:
                        continue
                if close == "]":
                    out_list.append(key_fn(inner))
                else:
                    key = _tostring(key_fn(inner))
                    val = val_fn(inner)
                    if group:
                        out_map.setdefault(key, []).append(val)
                    else:
                        out_map[key] = val
            return out_list if close == "]" else out_map

        return run


def _const(value: Any) -> Expr:
    """An expression that is always `value` (a literal, an object key, an index)."""
    return lambda env: value


def _attribute(name: str) -> Step:
    """The step that reads attribute `name` of a value."""
    return lambda v: _get(v, name)


def _negate(inner: Expr, op: Step) -> Expr:
    """A unary operator that passes unknown values through."""

    def run(env: Env) -> Any:
        v = inner(env)
        return v if isinstance(v, Unknown) else op(v)

    return run


def _num(v: Any) -> float:
    if isinstance(v, bool):
        raise ExprError(f"expected a number, got {v!r}")
    if isinstance(v, (int, float)):
        return v
    try:
        return int(v) if str(v).lstrip("-").isdigit() else float(v)
    except (TypeError, ValueError):
        raise ExprError(f"expected a number, got {v!r}") from None


def _tostring(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if v is None:
        return ""
    if isinstance(v, (dict, list)):
        raise ExprError(f"cannot convert {type(v).__name__} to string")
    return str(v)


def _binop(op: str, left: Expr, right: Expr) -> Expr:
    def run(env: Env) -> Any:
        a = left(env)
        if op == "&&" and a is False:
            return False
        if op == "||" and a is True:
            return True
        b = right(env)
        if isinstance(a, Unknown) or isinstance(b, Unknown):
            return a if isinstance(a, Unknown) else b
        if op == "==":
            return _eq(a, b)
        if op == "!=":
            return not _eq(a, b)
        if op == "&&":
            return bool(a) and bool(b)
        if op == "||":
            return bool(a) or bool(b)
        x, y = _num(a), _num(b)
        if op == "+":
            return x + y
        if op == "-":
            return x - y
        if op == "*":
            return x * y
        if op == "/":
            r = x / y
            return int(r) if r.is_integer() else r
        if op == "%":
            return x % y
        return {"<": x < y, ">": x > y, "<=": x <= y, ">=": x >= y}[op]

    return run


def _eq(a: Any, b: Any) -> bool:
    if (isinstance(a, (int, float)) and isinstance(b, str)) or (isinstance(b, (int, float)) and isinstance(a, str)):
        return False
    return bool(a == b)


def _get(v: Any, key: Any) -> Any:
    if isinstance(v, Unknown):
        return v
    if v is None:
        return UNKNOWN
    if isinstance(v, dict):
        if key in v:
            return v[key]
        if isinstance(key, (int, float)) and str(int(key)) in v:
            return v[str(int(key))]
        return _missing(v, key)
    if isinstance(v, (list, tuple)):
        try:
            return v[int(_num(key))]
        except (IndexError, ExprError):
            raise ExprError(f"index {key!r} out of range") from None
    raise ExprError(f"cannot index {type(v).__name__} with {key!r}")


def _missing(v: dict[str, Any], key: Any) -> Any:
    ref = v.get("__address__")
    if ref:
        return Unknown(ref)
    raise ExprError(f"no attribute or key {key!r}")


def _index(base: Expr, key: Expr) -> Expr:
    return lambda env: _get(base(env), key(env))


def _splat(base: Expr, ops: list[Step]) -> Expr:
    def run(env: Env) -> Any:
        v = base(env)
        if isinstance(v, Unknown):
            return v
        if v is None:
            return []
        seq = (
            list(v.values()) if isinstance(v, dict) and "__address__" not in v else (v if isinstance(v, list) else [v])
        )
        out = []
        for item in seq:
            for op in ops:
                item = op(item)
            out.append(item)
        return out

    return run


def _flatten(v: Any) -> list[Any]:
    out: list[Any] = []
    for x in v:
        if isinstance(x, list):
            out.extend(_flatten(x))
        else:
            out.append(x)
    return out


def _lookup(m: Any, k: Any, *default: Any) -> Any:
    if isinstance(m, dict) and k in m:
        return m[k]
    if default:
        return default[0]
    raise ExprError(f"lookup: key {k!r} not found")


def _coalesce(*args: Any) -> Any:
    for a in args:
        if a is not None and a != "":
            return a
    raise ExprError("coalesce: no non-null argument")


def _merge(*ms: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for m in ms:
        if m:
            out.update(m)
    return out


def _tonumber(v: Any) -> Any:
    return None if v is None else _num(v)


def _range(*a: Any) -> list[Any]:
    nums = [_num(x) for x in a]
    if len(nums) == 1:
        return list(range(int(nums[0])))
    start, stop = nums[0], nums[1]
    step = nums[2] if len(nums) > 2 else 1
    out = []
    x = start
    while (x < stop) if step > 0 else (x > stop):
        out.append(x)
        x += step
    return out


_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "length": lambda v: len(v),
    "lookup": _lookup,
    "max": lambda *a: max(_num(x) for x in _flatten(list(a))),
    "min": lambda *a: min(_num(x) for x in _flatten(list(a))),
    "concat": lambda *a: [x for seq in a for x in seq],
    "merge": _merge,
    "tomap": lambda v: dict(v),
    "tolist": lambda v: list(v),
    "toset": lambda v: list(dict.fromkeys(v)),
    "tostring": lambda v: None if v is None else _tostring(v),
    "tonumber": _tonumber,
    "tobool": lambda v: v if isinstance(v, bool) or v is None else str(v) == "true",
    "coalesce": _coalesce,
    "coalescelist": lambda *a: next((x for x in a if x), []),
    "jsonencode": lambda v: json.dumps(v, separators=(",", ":")),
    "jsondecode": lambda v: json.loads(v),
    "flatten": _flatten,
    "keys": lambda m: sorted(m.keys()),
    "values": lambda m: [m[k] for k in sorted(m.keys())],
    "contains": lambda seq, v: v in seq,
    "element": lambda seq, i: seq[int(_num(i)) % len(seq)],
    "format": lambda f, *a: _format(f, *a),
    "join": lambda sep, seq: sep.join(_tostring(x) for x in seq),
    "split": lambda sep, s: s.split(sep),
    "lower": lambda s: s.lower(),
    "upper": lambda s: s.upper(),
    "title": lambda s: s.title(),
    "replace": lambda s, a, b: s.replace(a, b),
    "substr": lambda s, o, n: s[int(o) :] if int(n) < 0 else s[int(o) : int(o) + int(n)],
    "trimspace": lambda s: s.strip(),
    "trimprefix": lambda s, p: s.removeprefix(p),
    "trimsuffix": lambda s, p: s[: -len(p)] if p and s.endswith(p) else s,
    "startswith": lambda s, p: s.startswith(p),
    "endswith": lambda s, p: s.endswith(p),
    "ceil": lambda x: math.ceil(_num(x)),
    "floor": lambda x: math.floor(_num(x)),
    "abs": lambda x: abs(_num(x)),
    "pow": lambda x, y: _num(x) ** _num(y),
    "sum": lambda seq: sum(_num(x) for x in seq),
    "distinct": lambda seq: list(dict.fromkeys(seq)) if all(not isinstance(x, (dict, list)) for x in seq) else seq,
    "compact": lambda seq: [x for x in seq if x not in (None, "")],
    "range": _range,
    "zipmap": lambda ks, vs: dict(zip(ks, vs, strict=False)),
    "one": lambda seq: (seq[0] if seq else None) if isinstance(seq, list) else seq,
    "reverse": lambda seq: list(reversed(seq)),
    "sort": lambda seq: sorted(seq),
    "slice": lambda seq, a, b: seq[int(a) : int(b)],
    "index": lambda seq, v: seq.index(v),
    "setunion": lambda *a: list(dict.fromkeys(x for s in a for x in s)),
    "regex": lambda p, s: UNKNOWN,
}


def _format(fmt: str, *args: Any) -> str:
    out, i, k = [], 0, 0
    while i < len(fmt):
        if fmt[i] == "%" and i + 1 < len(fmt):
            j = i + 1
            while j < len(fmt) and fmt[j] in "0123456789.-+#":
                j += 1
            verb = fmt[j]
            if verb == "%":
                out.append("%")
            else:
                spec = fmt[i:j] + {"v": "s", "q": "s", "t": "s"}.get(verb, verb)
                val = args[k]
                k += 1
                out.append(spec % (_tostring(val) if spec[-1] == "s" else val))
            i = j + 1
        else:
            out.append(fmt[i])
            i += 1
    return "".join(out)


def _call(name: str, args: list[Expr], expand: bool) -> Expr:
    if name in ("try", "can"):

        def attempt(env: Env) -> Any:
            for a in args:
                try:
                    v = a(env)
                except (ExprError, KeyError, IndexError, TypeError, ValueError, ZeroDivisionError):
                    continue
                return True if name == "can" else v
            if name == "can":
                return False
            raise ExprError("try: no argument could be evaluated")

        return attempt
    fn = _FUNCTIONS.get(name)

    def run(env: Env) -> Any:
        vals = [a(env) for a in args]
        if expand and vals:
            vals = vals[:-1] + list(vals[-1])
        if fn is None or any(isinstance(v, Unknown) for v in vals):
            return UNKNOWN
        try:
            return fn(*vals)
        except ExprError:
            raise
        except (KeyError, IndexError, TypeError, ValueError, AttributeError, ZeroDivisionError) as exc:
            raise ExprError(f"{name}(): {exc}") from None

    return run


@lru_cache(maxsize=65536)
def compile_template(text: str) -> Expr:
    """Compile a python-hcl2 string value (a template, possibly a heredoc) into an evaluator."""
    if text.startswith("<<") and "\n" in text:
        p = _Parser(text)
        return p.heredoc()
    p = _Parser(text)
    fn = p.template(None)
    return fn


def needs_eval(value: Any) -> bool:
    """True when a python-hcl2 string carries an interpolation or heredoc."""
    return isinstance(value, str) and ("${" in value or value.startswith("<<"))
