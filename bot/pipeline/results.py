"""The pipeline's result types: one validator run, one policy verdict, who asked, and everything a reviewer sees.

Checks, the report and the policy engine import these; nothing here imports the stages (no cycles)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from bot.pipeline.planning import Plan


class CheckResult(BaseModel):
    """One validator run (terraform fmt, checkov, helm lint, ...)."""

    name: str
    passed: bool
    details: str = ""
    findings: list[dict[str, Any]] = Field(default_factory=list)
    counts: dict[str, int] = Field(default_factory=dict)  # e.g. checkov's passed/failed/skipped totals
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
    cost: dict[str, Any] | None = None  # Infracost JSON (version 0.2), minimum counts, tier default usage
    cost_max: float | None = None  # the top of the monthly range: autoscaled resources at their maximum
    previous_cost: dict[str, Any] | None = None  # the estimate before this change (amendments), if known
    verdicts: list[Verdict] = Field(default_factory=list)
    requirements: list[Any] = Field(default_factory=list)  # bot.understanding.ledger.Requirement, located in `files`
    controls: list[Any] = Field(default_factory=list)  # policies.profiles.ControlResult per compliance control
    accepted: dict[str, Any] = Field(default_factory=dict)  # override rule -> Override (accepted requirements)
    report: str = ""

    @property
    def monthly_cost(self) -> float | None:
        if not self.cost:
            return None
        return float(self.cost.get("totalMonthlyCost") or 0)


class Requester(BaseModel):
    """Who asked, for the policy's requester rule and overrides."""

    login: str | None = None
    teams: list[str] = Field(default_factory=list)
    overrides: list[Any] = Field(default_factory=list)  # policies.schema.Override
