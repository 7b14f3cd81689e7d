"""The request issue's status line, as the requester reads it: what stops the merge comes first."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from bot.pipeline.results import CheckResult, Verdict
from bot.request.comments import proposal_status
from tests.support.reading import as_read

SHA = "0123456789abcdef"


def result(verdicts: list[Verdict] = [], checks: list[CheckResult] = [], requirements: list[Any] = []) -> Any:  # noqa: B006
    return SimpleNamespace(files={"a": "", "b": ""}, verdicts=verdicts, checks=checks, requirements=requirements,
                           controls=[], accepted={})


def test_a_clean_pr_is_proposed() -> None:
    assert as_read(proposal_status("pay-dev", 14, result(), SHA)) == "Proposed pay-dev in #14 (2 files, commit 0123456)."


def test_a_pr_blocked_by_policy_names_each_rule_and_its_fix() -> None:
    verdicts = [Verdict(rule="cost-within-tier", outcome="fail", message="above the dev cap of $500/month",
                        fix="lower budget_monthly_usd to 500 or less"),
                Verdict(rule="allowed-regions", outcome="pass")]
    checks = [CheckResult(name="checkov", passed=False), CheckResult(name="zizmor", passed=True)]
    assert as_read(proposal_status("pay-dev", 14, result(verdicts, checks), SHA)).splitlines() == [
        "Blocked by policy in #14: cost-within-tier. pay-dev is proposed (2 files, commit 0123456) but cannot merge "
        "until each rule passes or is overridden:",
        "cost-within-tier: above the dev cap of $500/month. Fix: lower budget_monthly_usd to 500 or less.",
        "Failing checks too: checkov.",
        "Change the request with /dev-agent set key=value on #14, or someone on the org policy override list comments "
        "/dev-agent override <rule> <reason>."]


def test_failing_checks_block_without_a_policy_failure() -> None:
    checks = [CheckResult(name="terraform validate", passed=False),
              CheckResult(name="helm lint", passed=False, skipped_reason="no chart")]
    assert as_read(proposal_status("pay-dev", 14, result(checks=checks), SHA)) == (
        "Blocked by failing checks in #14: terraform validate. pay-dev is proposed (2 files, commit 0123456); the "
        "report on the pull request shows each finding.")
