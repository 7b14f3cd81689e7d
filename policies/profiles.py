"""Compliance profiles: `policies/compliance/<framework>.yaml`, what each forces and how it is evidenced.

A profile lists controls: the requirement in plain words, the framework reference, the generator settings
it forces, evidence (regexes over the generated files, per cloud, optionally only when the spec has a part)
and the checkov checks that verify it. `apply` forces the retention lengths into the plan; `evaluate` turns
the generated files and checkov's findings into one row per control: met (with file:line) or a gap.
dev-agent helps meet a framework; it never calls an environment compliant.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from bot.spec import Compliance, EnvironmentSpec

PROFILE_DIR = Path(__file__).parent / "compliance"
Condition = Literal["database", "cache", "bucket", "queue", "public"]
# Retention values each cloud accepts (CloudWatch takes fixed steps; Azure Log Analytics stops at 730 days).
CLOUDWATCH_STEPS = (
    1,
    3,
    5,
    7,
    14,
    30,
    60,
    90,
    120,
    150,
    180,
    365,
    400,
    545,
    731,
    1096,
    1827,
    2192,
    2557,
    2922,
    3288,
    3653,
)
MAX_LOG_DAYS = {"aws": 3653, "gcp": 3650, "azure": 730}
MAX_BACKUP_DAYS = {"aws": 35, "gcp": 365, "azure": 35}


class Evidence(BaseModel):
    model_config = ConfigDict(extra="forbid")

    what: str
    pattern: str
    when: Condition | None = None


class Control(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    requirement: str
    reference: str
    forces: list[str] = Field(default_factory=list)
    evidence: dict[Literal["aws", "gcp", "azure"], list[Evidence]] = Field(default_factory=dict)
    checkov: list[str] = Field(default_factory=list)


class Retention(BaseModel):
    model_config = ConfigDict(extra="forbid")

    log_days: int = Field(ge=1, le=3653)
    backup_days: int = Field(ge=1, le=365)


class Profile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    framework: Compliance
    name: str
    retention: Retention
    regions: dict[Literal["aws", "gcp", "azure"], list[str]] | None = None
    controls: list[Control]


class ControlResult(BaseModel):
    """One control of one framework for this environment."""

    framework: str
    control: str
    requirement: str
    reference: str
    met: bool
    evidence: list[str] = Field(default_factory=list, description="what: file:line")
    checks: list[str] = Field(default_factory=list, description="checkov ids that verify it")
    failed_checks: list[str] = Field(default_factory=list)
    gap: str = ""

    @property
    def key(self) -> str:
        return f"{self.framework}:{self.control}"


@functools.cache
def load(framework: str) -> Profile:
    """The profile of one framework (ValueError when its file is missing or malformed)."""
    path = PROFILE_DIR / f"{framework}.yaml"
    return Profile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


def allowed_regions(spec: EnvironmentSpec) -> list[str] | None:
    """Regions every framework of the spec allows on its cloud (None when none restricts regions)."""
    allowed: set[str] | None = None
    for framework in spec.compliance:
        regions = load(framework.value).regions
        if regions is not None:
            here = set(regions.get(spec.cloud.value, []))
            allowed = here if allowed is None else allowed & here
    return sorted(allowed) if allowed is not None else None


def region_allowed(framework: str, cloud: str, region: str) -> bool:
    regions = load(framework).regions
    return regions is None or region in regions.get(cloud, [])  # type: ignore[call-overload]


def forced_retention(spec: EnvironmentSpec) -> tuple[int, int] | None:
    """(log days, backup days) the spec's frameworks need on its cloud, or None without a framework."""
    if not spec.compliance:
        return None
    profiles = [load(f.value) for f in spec.compliance]
    cloud = spec.cloud.value
    logs = min(max(p.retention.log_days for p in profiles), MAX_LOG_DAYS[cloud])
    if cloud == "aws":
        logs = next(step for step in CLOUDWATCH_STEPS if step >= logs)
    backups = min(max(p.retention.backup_days for p in profiles), MAX_BACKUP_DAYS[cloud])
    return logs, backups


def apply(plan: Any) -> None:
    """Force the frameworks' retention lengths into the plan (never shortening the tier's defaults)."""
    forced = forced_retention(plan.spec)
    if forced is None:
        return
    logs, backups = forced
    names = ", ".join(load(f.value).name for f in plan.spec.compliance)
    if logs > plan.sizing.log_retention_days:
        plan.sizing.log_retention_days = logs
        plan.choose("log_retention_days", logs, f"{names} profile")
    if backups > plan.sizing.db_backup_retention_days:
        plan.sizing.db_backup_retention_days = backups
        plan.choose("db_backup_retention_days", backups, f"{names} profile")


LACKING: dict[str, str] = {"database": "no database", "cache": "no cache", "bucket": "no bucket",
                           "queue": "no queue", "public": "no public endpoint"}
# A public entry point in the generated Terraform (an Azure function app is always private: its private endpoint).
PUBLIC = re.compile(
    r'^resource "(aws_lb|google_cloud_run_v2_service|google_compute_global_forwarding_rule|azurerm_container_app|'
    r'azurerm_application_gateway|aws_apigatewayv2_api)"',
    re.MULTILINE,
)


def _public(spec: EnvironmentSpec, files: dict[str, str]) -> bool:
    """The app answers the internet: a public, serving app (not a scheduled job) whose entry point is a public
    load balancer or endpoint in the Terraform, or the Helm chart's Ingress on Kubernetes."""
    if spec.app.exposure.value != "public" or spec.compute.schedule is not None:
        return False
    if spec.compute.kind.value == "kubernetes":
        return True
    return any(PUBLIC.search(text) for path, text in files.items() if path.endswith(".tf"))


def _conditions(spec: EnvironmentSpec, files: dict[str, str]) -> set[str]:
    found = set()
    if spec.databases:
        found.add("database")
    if spec.cache:
        found.add("cache")
    if spec.buckets:
        found.add("bucket")
    if spec.queue:
        found.add("queue")
    if _public(spec, files):
        found.add("public")
    return found


def _locate(files: dict[str, str], pattern: str) -> str | None:
    compiled = re.compile(pattern, re.MULTILINE)
    for path in sorted(files, key=lambda p: (not p.endswith(".tf"), p)):
        if path.endswith("REPORT.md"):
            continue
        match = compiled.search(files[path])
        if match:
            return f"{path}:{files[path].count(chr(10), 0, match.start()) + 1}"
    return None


def evaluate(
    spec: EnvironmentSpec, files: dict[str, str], failed_checks: set[str] | None = None
) -> list[ControlResult]:
    """Each control of each framework of the spec: met with its evidence, or a gap saying what is missing."""
    conditions = _conditions(spec, files)
    failed_checks = failed_checks or set()
    results = []
    for framework in spec.compliance:
        profile = load(framework.value)
        for control in profile.controls:
            result = ControlResult(
                framework=framework.value,
                control=control.id,
                requirement=control.requirement,
                reference=control.reference,
                met=True,
                checks=list(control.checkov),
            )
            if profile.regions is not None and control.id == "data-residency":
                if region_allowed(framework.value, spec.cloud.value, spec.region):
                    result.evidence.append(f"region {spec.region} is in the EU/EEA: spec `region`")
                else:
                    result.met, result.gap = False, f"region {spec.region} is outside the EU/EEA"
                results.append(result)
                continue
            items = [e for e in control.evidence.get(spec.cloud.value, []) if e.when is None or e.when in conditions]
            if control.evidence.get(spec.cloud.value) and not items:  # every item is about a part the app lacks
                lacking = sorted({e.when for e in control.evidence[spec.cloud.value] if e.when})
                result.evidence.append("not applicable: " + ", ".join(LACKING[w] for w in lacking))
            if spec.cloud.value not in control.evidence:
                result.met, result.gap = False, f"not generated on {spec.cloud.value}"
            missing = []
            for item in items:
                where = _locate(files, item.pattern)
                if where:
                    result.evidence.append(f"{item.what}: {where}")
                else:
                    missing.append(item.what)
            if missing:
                result.met, result.gap = False, "missing: " + ", ".join(missing)
            result.failed_checks = sorted(set(control.checkov) & failed_checks)
            if result.failed_checks:
                result.met = False
                result.gap = "; ".join(
                    x for x in (result.gap, "failed checks: " + ", ".join(result.failed_checks)) if x
                )
            results.append(result)
    return results
