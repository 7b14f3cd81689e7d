"""Helm renders every chart; each rendered document is a Kubernetes object (apiVersion, kind, metadata.name)."""

from __future__ import annotations

import yaml

from bot.checks.cache import Input
from bot.checks.context import CheckContext
from bot.checks.helm_tool import documents, helm_identity
from bot.pipeline.results import CheckResult

NAME = "helm render"


def reads(ctx: CheckContext) -> list[Input]:
    """The charts, and the namespace they are rendered into (the environment's name)."""
    return [helm_identity(), ctx.environment_name, *ctx.chart_inputs()]


def check(ctx: CheckContext) -> list[CheckResult]:
    if not ctx.charts() and not ctx.runs_kubernetes():
        return [CheckResult(name=NAME, passed=True, details="no chart: nothing runs Kubernetes",
                            skipped_reason="the environment does not run Kubernetes")]
    rendered = ctx.rendered()
    if rendered.errors:
        return [CheckResult(name=NAME, passed=False, details="\n".join(rendered.errors))]
    try:
        docs = documents(rendered.manifests)
    except yaml.YAMLError as exc:
        return [CheckResult(name=NAME, passed=False, details=f"rendered YAML does not parse: {exc}")]
    bad = [source for source, doc in docs
           if not (isinstance(doc, dict) and doc.get("apiVersion") and doc.get("kind")
                   and (doc.get("metadata") or {}).get("name"))]
    if bad or not docs:
        return [CheckResult(name=NAME, passed=False,
                            details=("not Kubernetes objects: " + ", ".join(bad)) if bad
                            else "the charts rendered nothing")]
    kinds = ", ".join(sorted({doc["kind"] for _, doc in docs}))
    return [CheckResult(name=NAME, passed=True, details=f"{len(docs)} objects rendered: {kinds}")]
