"""`helm lint --strict` on every chart of the environment."""

from __future__ import annotations

from bot.checks.cache import Input
from bot.checks.context import CheckContext
from bot.checks.helm_tool import HelmUnavailable, helm_identity, lint_chart
from bot.checks.tools import CheckIncomplete
from bot.pipeline.results import CheckResult

NAME = "helm lint"


def reads(ctx: CheckContext) -> list[Input]:
    return [helm_identity(), *ctx.chart_inputs()]


def check(ctx: CheckContext) -> list[CheckResult]:
    charts = ctx.charts()
    if not charts and not ctx.runs_kubernetes():
        return [CheckResult(name=NAME, passed=True, details="no chart: nothing runs Kubernetes",
                            skipped_reason="the environment does not run Kubernetes")]
    if not charts:
        return [CheckResult(name=NAME, passed=False, details=f"no Helm chart under {ctx.env_dir / 'helm'}")]
    problems: list[str] = []
    try:
        for chart in charts:
            problems += [f"{chart.name}: {p}" for p in lint_chart(chart)]
    except HelmUnavailable as exc:
        raise CheckIncomplete(str(exc)) from None
    if problems:
        return [CheckResult(name=NAME, passed=False, details="\n".join(problems),
                            findings=[{"error": p} for p in problems])]
    return [CheckResult(name=NAME, passed=True, details=f"{len(charts)} chart(s) lint clean")]
