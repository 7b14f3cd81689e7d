"""Offline, Infracost-compatible cost estimates for Terraform (HCL directories, in-memory files, plan JSON).

Public API: :func:`estimate_directory`, :func:`estimate_files`, :func:`estimate_parsed`,
:func:`estimate_plan_json` (:func:`estimate_plan_document` for one already read); each returns Infracost's JSON report (version "0.2").
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from lark.exceptions import LarkError

from bot import hclread
from bot.cost.catalog import load_catalog
from bot.cost.expr import Unknown
from bot.cost.hcl_eval import DEFAULT_REGIONS, Module, ModuleLoader, ResourceInstance
from bot.cost.model import Ctx, Priced, Unsupported
from bot.cost.output import report
from bot.cost.resources import is_free, pricer
from bot.cost.table import render_markdown, render_table
from bot.cost.usage import CostInputError, UsageFile, load_usage_file

__all__ = [
    "CostInputError",
    "estimate_directory",
    "estimate_files",
    "estimate_parsed",
    "estimate_plan_document",
    "estimate_plan_json",
    "parse_hcl_files",
    "parsed_modules",
    "render_markdown",
    "render_table",
]

_CLOUDS = {"aws": "aws", "google": "google", "azurerm": "azurerm"}


def _usage(usage: UsageFile | str | Path | None) -> UsageFile:
    if usage is None:
        return UsageFile()
    if isinstance(usage, UsageFile):
        return usage
    return load_usage_file(usage)


def parse_hcl_files(files: dict[str, str]) -> dict[str, dict[str, Any]]:
    """python-hcl2 parse of ``{name: text}``; syntax errors raise CostInputError naming file:line."""
    return parsed_modules(hclread.parse_files(files))


def parsed_modules(parsed: hclread.ParsedFiles) -> dict[str, dict[str, Any]]:
    """The modules of a shared parse (for :func:`estimate_parsed`); the first file that did not parse raises
    CostInputError naming file:line."""
    for name, exc in parsed.errors.items():
        if isinstance(exc, LarkError):
            line = getattr(exc, "line", 0) or 0
            col = getattr(exc, "column", 0) or 0
            raise CostInputError(f"{name}:{line}:{col}: HCL does not parse")
        raise CostInputError(f"{name}: HCL does not parse: {exc}")
    return parsed.modules


def estimate_directory(path: str | Path, usage: UsageFile | str | Path | None = None) -> dict[str, Any]:
    """Estimate a Terraform directory (``*.tf`` + tfvars, local modules below it) or a plan JSON file."""
    p = Path(path)
    if p.is_file() and p.suffix == ".tf":
        raise CostInputError(f"{path}: give the directory that holds the .tf files, not one file")
    if p.is_file():
        return estimate_plan_json(p, usage)
    if not p.is_dir():
        raise CostInputError(f"{path}: no such directory or plan file")
    files = {}
    for f in sorted(p.rglob("*")):
        rel = f.relative_to(p)
        if (
            f.is_file()
            and (f.suffix == ".tf" or f.name.endswith(".tfvars"))
            and not any(part.startswith(".") for part in rel.parts)
        ):
            try:
                files[rel.as_posix()] = f.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise CostInputError(f"{f}: cannot read: {exc}") from None
    if not any("/" not in name and name.endswith(".tf") for name in files):
        raise CostInputError(f"{path}: no .tf files")
    try:
        parsed = parse_hcl_files(files)
    except CostInputError as exc:
        raise CostInputError(f"{Path(path) / str(exc)}") from None
    return estimate_parsed(parsed, usage, project=str(path))


def estimate_files(files: dict[str, str], usage: UsageFile | str | Path | None = None, project: str = "main") -> dict[str, Any]:
    """Estimate generated files held in memory (``{relative path: text}``); non-Terraform files are ignored.

    The root module is the shallowest directory holding ``.tf`` files; local module sources resolve
    relative to it."""
    return estimate_parsed(parse_hcl_files(files), usage, project=project)


def estimate_parsed(
    parsed_hcl_modules: dict[str, dict[str, Any]],
    usage: UsageFile | str | Path | None = None,
    project: str = "main",
    variables: dict[str, Any] | None = None,
    scenario: str = "min",
) -> dict[str, Any]:
    """Estimate already-parsed HCL (``{path: python-hcl2 dict}``); the fast path for planners.

    ``scenario="max"`` prices autoscaled resources (node groups and pools, ECS services, Cloud Run, Container
    Apps, ElastiCache replication groups) at their maximum count: the top of the monthly range."""
    dirs = {posixpath.dirname(name) for name in parsed_hcl_modules if name.endswith(".tf")}
    if not dirs:
        raise CostInputError(f"{project}: no .tf files")
    root = min(dirs, key=lambda d: (d.count("/") + bool(d), d))
    module = Module(_files_in(parsed_hcl_modules, root), variables, _loader(parsed_hcl_modules, root))
    return _estimate(module.evaluate(), _usage(usage), project, "terraform_dir", scenario)


def _files_in(parsed: dict[str, dict[str, Any]], directory: str) -> dict[str, dict[str, Any]]:
    return {name: doc for name, doc in parsed.items() if posixpath.dirname(name) == directory}


def _loader(parsed: dict[str, dict[str, Any]], base: str) -> ModuleLoader:
    """Resolve local module sources (``./x``, ``../x``) against the parsed files; others are not loaded."""

    def load(source: str) -> tuple[dict[str, dict[str, Any]], ModuleLoader] | None:
        if not source.startswith(("./", "../")):
            return None
        target = posixpath.normpath(posixpath.join(base, source))
        target = "" if target == "." else target
        files = _files_in(parsed, target)
        return (files, _loader(parsed, target)) if files else None

    return load


def estimate_plan_json(path: str | Path, usage: UsageFile | str | Path | None = None) -> dict[str, Any]:
    """Estimate a ``terraform show -json`` plan (or state) file."""
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise CostInputError(f"{path}: cannot read: {exc}") from None
    except json.JSONDecodeError as exc:
        raise CostInputError(f"{path}:{exc.lineno}: not valid JSON: {exc.msg}") from None
    if not isinstance(doc, dict) or not ("planned_values" in doc or "values" in doc):
        raise CostInputError(f"{path}:1: not a `terraform show -json` document (no planned_values)")
    return estimate_plan_document(doc, usage, str(path))


def estimate_plan_document(doc: dict[str, Any], usage: UsageFile | str | Path | None = None, project: str = "main") -> dict[str, Any]:
    """Estimate a parsed ``terraform show -json`` document: its ``planned_values`` (a plan) or ``values`` (state)."""
    regions = _plan_regions(doc)
    references = _plan_references((doc.get("configuration") or {}).get("root_module") or {})
    root = (doc.get("planned_values") or doc.get("values") or {}).get("root_module") or {}
    out: list[ResourceInstance] = []
    for res in _plan_resources(root):
        if res.get("mode", "managed") != "managed":
            continue
        attrs = dict(res.get("values") or {})
        # known after apply (absent from planned values): the resource it refers to, as the HCL evaluator gives it
        # (an ECS service's `task_definition` is how its Fargate tasks are priced)
        for key, target in references.get(re.sub(r"\[[^\]]*\]", "", res["address"]), {}).items():
            if attrs.get(key) is None:
                attrs[key] = Unknown(target)
        attrs["__address__"] = res["address"]
        cloud = res["type"].split("_", 1)[0]
        inst = ResourceInstance(res["address"], res["type"], res.get("name", ""), attrs, cloud)
        region = attrs.get("region") if cloud == "aws" else None
        if cloud == "azurerm" and isinstance(attrs.get("location"), str):
            region = attrs["location"].replace(" ", "").lower()
        if cloud == "google":
            region = attrs.get("region") or attrs.get("location")
        inst.region = region or regions.get(cloud) or DEFAULT_REGIONS.get(cloud)
        out.append(inst)
    return _estimate(out, _usage(usage), project, "terraform_plan_json")


def _plan_references(module: dict[str, Any], prefix: str = "") -> dict[str, dict[str, str]]:
    """{resource address: {attribute: the managed resource its configured expression refers to}}, from the plan's
    `configuration` (references such as ``["aws_ecs_task_definition.app.arn", "aws_ecs_task_definition.app"]``)."""
    out: dict[str, dict[str, str]] = {}
    for res in module.get("resources") or []:
        found: dict[str, str] = {}
        for key, expression in (res.get("expressions") or {}).items():
            refs = expression.get("references") if isinstance(expression, dict) else None
            target = next((r for r in refs or [] if re.fullmatch(r"[a-z][a-z0-9_]*\.[A-Za-z_][\w-]*", r)
                           and r.split(".", 1)[0] not in ("var", "local", "data", "module", "each", "count", "path")),
                          None)
            if target:
                found[key] = prefix + target
        if found:
            out[prefix + res["address"]] = found
    for name, call in (module.get("module_calls") or {}).items():
        out.update(_plan_references(call.get("module") or {}, f"{prefix}module.{name}."))
    return out


def _plan_resources(module: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield from module.get("resources", []) or []
    for child in module.get("child_modules", []) or []:
        yield from _plan_resources(child)


def _plan_regions(doc: dict[str, Any]) -> dict[str, str]:
    out = {}
    for name, cfg in ((doc.get("configuration") or {}).get("provider_config") or {}).items():
        region = ((cfg.get("expressions") or {}).get("region") or {}).get("constant_value")
        if isinstance(region, str) and "." not in name:
            out[cfg.get("name", name)] = region
    return out


def _estimate(
    instances: list[ResourceInstance], usage: UsageFile, project: str, kind: str, scenario: str = "min"
) -> dict[str, Any]:
    catalog = load_catalog()
    by_type: dict[str, list[dict[str, Any]]] = {}
    for inst in instances:
        by_type.setdefault(inst.type, []).append(inst.attrs)

    def lookup(rtype: str, pred: Callable[[dict[str, Any]], bool]) -> dict[str, Any] | None:
        return next((a for a in by_type.get(rtype, []) if pred(a)), None)

    priced: list[Priced] = []
    free: dict[str, int] = {}
    unsupported: dict[str, int] = {}
    notes: list[str] = []
    for inst in instances:
        fn = pricer(inst.type)
        if fn is None:
            if is_free(inst.type):
                free[inst.type] = free.get(inst.type, 0) + 1
            elif inst.type.split("_", 1)[0] in _CLOUDS:
                unsupported[inst.type] = unsupported.get(inst.type, 0) + 1
            continue
        cloud = inst.type.split("_", 1)[0]
        region = inst.region or DEFAULT_REGIONS.get(cloud, "")
        if not catalog.has_region(cloud, region):
            unsupported[inst.type] = unsupported.get(inst.type, 0) + 1
            notes.append(f"{inst.address}: region {region!r} is not in the price catalog; not estimated")
            continue
        ctx = Ctx(
            inst.address,
            inst.type,
            inst.attrs,
            region,
            catalog,
            usage.for_resource(inst.address, inst.type),
            lookup,
            scenario=scenario,
            usage_for=usage.for_resource,
        )
        try:
            result = fn(ctx)
        except Unsupported as exc:
            unsupported[inst.type] = unsupported.get(inst.type, 0) + 1
            notes.append(f"{inst.address}: {exc}")
            continue
        except (TypeError, ValueError, AttributeError, KeyError, IndexError) as exc:
            if isinstance(exc, CostInputError):
                raise
            unsupported[inst.type] = unsupported.get(inst.type, 0) + 1
            notes.append(f"{inst.address} ({inst.file}): attributes could not be priced ({exc})")
            continue
        if ctx.missing:
            notes.append(f"{inst.address}: no catalog price in {region} for {', '.join(sorted(set(ctx.missing)))}")
        if result is None:
            free[inst.type] = free.get(inst.type, 0) + 1
            continue
        result.resource_type = inst.type
        priced.append(result)
    return report(priced, free, unsupported, notes, project, kind)
