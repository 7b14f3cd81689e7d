"""The pipeline every entry point shares: spec -> plan -> generate -> check -> cost -> policy -> report."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from bot.planning import Plan
from bot.settings import Settings


class CheckResult(BaseModel):
    """One validator run (terraform fmt, checkov, helm lint, ...)."""

    name: str
    passed: bool
    details: str = ""
    findings: list[dict[str, Any]] = Field(default_factory=list)
    skipped_reason: str | None = None


class Verdict(BaseModel):
    """One policy rule's outcome."""

    rule: str
    outcome: str  # pass | warn | fail
    value: str = ""
    message: str = ""
    fix: str = ""


class PipelineResult(BaseModel):
    """Everything a reviewer sees for one environment."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    plan: Plan
    files: dict[str, str]
    checks: list[CheckResult] = Field(default_factory=list)
    cost: dict[str, Any] | None = None  # Infracost JSON (version 0.2)
    verdicts: list[Verdict] = Field(default_factory=list)
    report: str = ""

    @property
    def monthly_cost(self) -> float | None:
        if not self.cost:
            return None
        return float(self.cost.get("totalMonthlyCost") or 0)


def run_pipeline(plan: Plan, settings: Settings, *, run_checks: bool = False) -> PipelineResult:
    """Generate an environment from its plan and evaluate it (checks only when asked: they are slow)."""
    from generators import environment_dir, generate_all

    files = generate_all(plan, settings)
    result = PipelineResult(plan=plan, files=files)
    if run_checks:
        from bot.checks import check_files

        result.checks = check_files(files, environment_dir(plan), settings)
    return result
