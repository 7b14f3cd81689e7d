"""Evaluate a Terraform module the way Infracost's HCL mode does, without running Terraform.

Input is python-hcl2 output per file. Variables (defaults, tfvars, overrides), locals, references
between resources (attributes not in the configuration are unknown), count, for_each and dynamic
blocks are evaluated; the result is one :class:`ResourceInstance` per resource instance.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from bot.cost.expr import UNKNOWN, Env, ExprError, Unknown, compile_template, needs_eval

META_KEYS = {"count", "for_each", "lifecycle", "depends_on", "provisioner", "connection", "provider", "dynamic"}
# resolves a module ``source`` to (parsed files of that directory, loader for its own children), or None
ModuleLoader = Callable[[str], "tuple[dict[str, dict[str, Any]], ModuleLoader] | None"]
DEFAULT_REGIONS = {"aws": "us-east-1", "google": "us-central1", "azurerm": "eastus"}


@dataclass
class ResourceInstance:
    """One resource instance after evaluation."""

    address: str
    type: str
    name: str
    attrs: dict[str, Any]
    provider: str = ""
    file: str = ""
    region: str | None = None


class _LazyMap(dict[str, Any]):
    """A dict whose values are computed on first access (locals, resources of one type). It stays a dict (the
    evaluator tests `isinstance(v, dict)`), so keys/values/items override dict's views with lists computed on demand
    (mypy's `override` check is silenced on those three for that reason)."""

    def __init__(self, keys: list[str], compute: Callable[[str], Any]) -> None:
        super().__init__()
        self._keys = set(keys)
        self._compute = compute

    def __contains__(self, key: object) -> bool:
        return key in self._keys

    def __getitem__(self, key: str) -> Any:
        if not dict.__contains__(self, key):
            if key not in self._keys:
                raise KeyError(key)
            dict.__setitem__(self, key, self._compute(key))
        return dict.__getitem__(self, key)

    def keys(self) -> list[str]:  # type: ignore[override]
        return list(self._keys)

    def values(self) -> list[Any]:  # type: ignore[override]
        return [self[k] for k in self._keys]

    def items(self) -> list[tuple[str, Any]]:  # type: ignore[override]
        return [(k, self[k]) for k in self._keys]


class Module:
    """A Terraform root module given as ``{filename: python-hcl2 dict}``."""

    def __init__(
        self,
        parsed: dict[str, dict[str, Any]],
        variables: dict[str, Any] | None = None,
        loader: ModuleLoader | None = None,
        prefix: str = "",
        inherited_regions: dict[str, str | None] | None = None,
    ) -> None:
        self.loader = loader
        self.prefix = prefix
        self.inherited_regions = inherited_regions or {}
        self.module_blocks: dict[str, dict[str, Any]] = {}
        self.outputs: dict[str, Any] = {}
        self.variables: dict[str, Any] = {}
        self.local_exprs: dict[str, Any] = {}
        self.resources: dict[tuple[str, str], tuple[dict[str, Any], str]] = {}
        self.providers: list[dict[str, Any]] = []
        for fname, doc in parsed.items():
            if fname.endswith((".tfvars", ".tfvars.json")):
                continue
            for blk in doc.get("variable", []):
                for vname, body in blk.items():
                    self.variables[vname] = body.get("default") if isinstance(body, dict) else None
            for blk in doc.get("locals", []):
                self.local_exprs.update(blk)
            for blk in doc.get("resource", []):
                for rtype, named in blk.items():
                    for rname, body in named.items():
                        self.resources[(rtype, rname)] = (body, fname)
            for blk in doc.get("module", []):
                self.module_blocks.update(blk)
            for blk in doc.get("output", []):
                for oname, body in blk.items():
                    self.outputs[oname] = body.get("value") if isinstance(body, dict) else None
            for blk in doc.get("provider", []):
                for pname, body in blk.items():
                    self.providers.append({"name": pname, **(body if isinstance(body, dict) else {})})
        tfvars = [f for f in parsed if f == "terraform.tfvars" or f.endswith(".auto.tfvars")]
        for fname in sorted(tfvars, key=lambda f: (f != "terraform.tfvars", f)):
            self.variables.update(parsed[fname])
        if variables:
            self.variables.update(variables)
        self._by_type: dict[str, list[str]] = {}
        for rtype, rname in self.resources:
            self._by_type.setdefault(rtype, []).append(rname)
        self._locals = _LazyMap(list(self.local_exprs), self._eval_local)
        self._type_maps = {
            t: _LazyMap(names, partial(self._resource_value, t)) for t, names in self._by_type.items()
        }
        self._evaluating: set[tuple[str, str]] = set()
        self._instances: dict[tuple[str, str], list[ResourceInstance]] = {}
        self._children: dict[str, list[tuple[str, Module]]] = {}
        self._module_outputs = _LazyMap(list(self.module_blocks), self._child_outputs)

    # -- environment ----------------------------------------------------------------------------
    def _root_env(self, name: str) -> Any:
        if name == "var":
            return self.variables
        if name == "local":
            return self._locals
        if name in self._type_maps:
            return self._type_maps[name]
        if name == "path":
            return {"module": ".", "root": ".", "cwd": "."}
        if name == "terraform":
            return {"workspace": "default"}
        if name == "module":
            return self._module_outputs
        return UNKNOWN  # data sources, modules, unknown resource types without configuration

    def _eval_local(self, name: str) -> Any:
        key = ("local", name)
        if key in self._evaluating:
            return UNKNOWN
        self._evaluating.add(key)
        try:
            return self.eval_value(self.local_exprs[name], self._root_env)
        finally:
            self._evaluating.discard(key)

    def eval_value(self, value: Any, env: Env) -> Any:
        """Evaluate a python-hcl2 value (nested dicts/lists/strings) in ``env``."""
        if isinstance(value, str):
            if not needs_eval(value):
                return value
            try:
                return compile_template(value)(env)
            except ExprError:
                return UNKNOWN
            except RecursionError:
                return UNKNOWN
        if isinstance(value, dict):
            return {k: self.eval_value(v, env) for k, v in value.items()}
        if isinstance(value, list):
            return [self.eval_value(v, env) for v in value]
        return value

    def _eval_body(self, body: dict[str, Any], env: Env) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in body.items():
            if key in META_KEYS:
                continue
            if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
                out[key] = [self._eval_body(v, env) for v in value]  # nested blocks
            else:
                out[key] = self.eval_value(value, env)
        for dyn in body.get("dynamic", []) or []:
            for label, spec in dyn.items():
                out.setdefault(label, [])
                if not isinstance(out[label], list):
                    out[label] = []
                out[label].extend(self._expand_dynamic(label, spec, env))
        return out

    def _expand_dynamic(self, label: str, spec: dict[str, Any], env: Env) -> list[dict[str, Any]]:
        coll = self.eval_value(spec.get("for_each"), env)
        iterator = spec.get("iterator") or label
        if isinstance(iterator, str) and iterator.startswith("${"):
            iterator = iterator[2:-1].strip()
        contents = spec.get("content") or [{}]
        content = contents[0] if isinstance(contents, list) else contents
        if isinstance(coll, Unknown) or coll is None:
            return []
        items = coll.items() if isinstance(coll, dict) else enumerate(coll)
        out = []
        for k, v in items:
            bound = {"key": k, "value": v}

            def inner(n: str, bound: dict[str, Any] = bound) -> Any:
                return bound if n == iterator else env(n)

            out.append(self._eval_body(content, inner))
        return out

    # -- resources ------------------------------------------------------------------------------
    def _repetition(self, body: dict[str, Any]) -> tuple[str, Any]:
        if "count" in body:
            n = self.eval_value(body["count"], self._root_env)
            if isinstance(n, Unknown) or n is None:
                return "count", 1
            try:
                return "count", int(float(n))
            except (TypeError, ValueError):
                return "count", 1
        if "for_each" in body:
            coll = self.eval_value(body["for_each"], self._root_env)
            if isinstance(coll, Unknown) or coll is None:
                return "single", None
            if isinstance(coll, list):
                coll = {str(x): x for x in coll if not isinstance(x, (dict, list))}
            if not isinstance(coll, dict):
                return "single", None
            return "for_each", coll
        return "single", None

    def instances(self, rtype: str, rname: str) -> list[ResourceInstance]:
        """All instances of one resource block (evaluated once)."""
        key = (rtype, rname)
        if key in self._instances:
            return self._instances[key]
        if key in self._evaluating:
            return []
        self._evaluating.add(key)
        try:
            body, fname = self.resources[key]
            provider = _provider_name(body.get("provider"), rtype)
            kind, rep = self._repetition(body)
            out: list[ResourceInstance] = []
            base = f"{rtype}.{rname}"
            if kind == "count":
                for i in range(rep):
                    addr = f"{base}[{i}]"
                    env = _bind(self._root_env, {"count": {"index": i}})
                    out.append(self._instance(addr, rtype, rname, body, env, provider, fname))
            elif kind == "for_each":
                for k, v in rep.items():
                    addr = f'{base}["{k}"]'
                    env = _bind(self._root_env, {"each": {"key": k, "value": v}})
                    out.append(self._instance(addr, rtype, rname, body, env, provider, fname))
            else:
                unknown_each = {"each": {"key": UNKNOWN, "value": UNKNOWN}}
                env = _bind(self._root_env, unknown_each) if "for_each" in body else self._root_env
                out.append(self._instance(base, rtype, rname, body, env, provider, fname))
            self._instances[key] = out
            return out
        finally:
            self._evaluating.discard(key)

    def _instance(self, addr: str, rtype: str, rname: str, body: dict[str, Any], env: Env, provider: str,
                  fname: str) -> ResourceInstance:
        attrs = self._eval_body(body, env)
        attrs["__address__"] = self.prefix + addr
        return ResourceInstance(self.prefix + addr, rtype, rname, attrs, provider, fname)

    def _resource_value(self, rtype: str, rname: str) -> Any:
        body, _ = self.resources[(rtype, rname)]
        insts = self.instances(rtype, rname)
        if not insts and (rtype, rname) in self._evaluating:
            return Unknown(f"{rtype}.{rname}")
        if "count" in body:
            return [i.attrs for i in insts]
        if "for_each" in body and insts and insts[0].address.endswith('"]'):
            return {i.address.split('["', 1)[1][:-2]: i.attrs for i in insts}
        return insts[0].attrs if insts else Unknown(f"{rtype}.{rname}")

    def provider_regions(self) -> dict[str, str | None]:
        """``{"aws": "us-east-1", "aws.west": ...}`` from provider blocks (over inherited ones)."""
        out: dict[str, Any] = dict(self.inherited_regions)
        for p in self.providers:
            name = p["name"]
            alias = self.eval_value(p.get("alias"), self._root_env) if "alias" in p else None
            key = f"{name}.{alias}" if isinstance(alias, str) else name
            region = self.eval_value(p.get("region"), self._root_env) if "region" in p else None
            out[key] = region if isinstance(region, str) else out.get(key)
        return out

    # -- child modules --------------------------------------------------------------------------
    def children(self, name: str) -> list[tuple[str, Module]]:
        """(address prefix, evaluated child) per instance of a local ``module`` block."""
        if name in self._children:
            return self._children[name]
        body = self.module_blocks[name]
        source = body.get("source") if isinstance(body, dict) else None
        loaded = self.loader(source) if self.loader and isinstance(source, str) else None
        out: list[tuple[str, Module]] = []
        if loaded is not None:
            files, child_loader = loaded
            regions = self.provider_regions()
            providers = body.get("providers")
            passed = providers if isinstance(providers, dict) else {}
            for key, target in passed.items():
                regions[key] = regions.get(_provider_name(target, key))
            kind, rep = self._repetition(body)
            if kind == "count":
                keys = [(f"[{i}]", {"count": {"index": i}}) for i in range(rep)]
            elif kind == "for_each":
                keys = [(f'["{k}"]', {"each": {"key": k, "value": v}}) for k, v in rep.items()]
            else:
                keys = [("", {})]
            skip = META_KEYS | {"source", "version", "providers"}
            for suffix, bound in keys:
                env = _bind(self._root_env, bound)
                inputs = {k: self.eval_value(v, env) for k, v in body.items() if k not in skip}
                prefix = f"{self.prefix}module.{name}{suffix}."
                out.append((prefix, Module(files, inputs, child_loader, prefix, regions)))
        self._children[name] = out
        return out

    def _child_outputs(self, name: str) -> Any:
        kids = self.children(name)
        if len(kids) != 1:
            return UNKNOWN
        child = kids[0][1]
        return {k: child.eval_value(v, child._root_env) for k, v in child.outputs.items()}

    def evaluate(self) -> list[ResourceInstance]:
        """Every resource instance (child modules included), in configuration order, with its region."""
        regions = self.provider_regions()
        out: list[ResourceInstance] = []
        for rtype, rname in self.resources:
            for inst in self.instances(rtype, rname):
                inst.region = _region_for(inst, regions)
                out.append(inst)
        for name in self.module_blocks:
            for _, child in self.children(name):
                out.extend(child.evaluate())
        by_address = {inst.address: inst.attrs for inst in out}
        for inst in out:
            if inst.type.startswith("azurerm_") and not isinstance(inst.attrs.get("location"), str):
                inst.region = _referenced_location(inst.attrs, by_address) or inst.region
        return out


def _bind(env: Env, names: dict[str, Any]) -> Env:
    def inner(n: str) -> Any:
        return names[n] if n in names else env(n)

    return inner


def _provider_name(raw: Any, rtype: str) -> str:
    if isinstance(raw, str):
        name = raw.strip()
        if name.startswith("${") and name.endswith("}"):
            name = name[2:-1].strip()
        return name
    return rtype.split("_", 1)[0]


def _region_for(inst: ResourceInstance, regions: dict[str, str | None]) -> str | None:
    cloud = inst.type.split("_", 1)[0]
    attrs = inst.attrs
    if cloud == "azurerm":
        loc = attrs.get("location")
        return _azure_region(loc) if isinstance(loc, str) else DEFAULT_REGIONS["azurerm"]
    if cloud == "google":
        for key in ("region", "location", "zone"):
            val = attrs.get(key)
            if isinstance(val, str) and val and not val.isupper():  # "US"/"EU" are multi-regions
                parts = val.split("-")
                if len(parts) == 3 and parts[2].isalpha():  # a zone such as us-central1-a
                    return "-".join(parts[:2])
                return val
    region = regions.get(inst.provider) or regions.get(cloud)
    return region or DEFAULT_REGIONS.get(cloud)


def _referenced_location(attrs: dict[str, Any], by_address: dict[str, dict[str, Any]]) -> str | None:
    """An Azure child resource (node pool, database) lives where the resource it references lives."""
    for value in attrs.values():
        if isinstance(value, Unknown) and value.ref:
            loc = by_address.get(value.ref, {}).get("location")
            if isinstance(loc, str):
                return _azure_region(loc)
    return None


def _azure_region(loc: str) -> str:
    return loc.replace(" ", "").lower()
