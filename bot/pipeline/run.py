"""The pipeline every entry point shares: plan -> fit budget -> generate -> check -> cost -> policy -> report.

`build_environment` is the one entry: `dev-agent plan` and the bot's job path (and through it the REST API and
the demo, which file request issues) call it with a spec understood from the request (bot.understanding).
The checks run in a thread while the estimate and the policy engine work on the same files (they need no check
result); the requirements ledger and the report wait for both."""

from __future__ import annotations

import contextvars
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from bot.checks import check_files
from bot.checks.inputs import check_generated
from bot.cost import estimate_files, parsed_modules
from bot.cost.defaults import OVERRIDE_NAME, estimate_environment
from bot.cost.usage import CostInputError
from bot.hclread import ParsedFiles, parse_files
from bot.metrics import timed
from bot.pipeline.budget import fit_budget
from bot.pipeline.planning import Plan, plan_environment
from bot.pipeline.report import render_report
from bot.pipeline.results import CheckResult, PipelineResult, Requester
from bot.settings import Settings
from bot.spec import EnvironmentSpec
from bot.understanding.ledger import accept, locate
from generators.build import generate_all
from generators.lockfile import generate_lock
from generators.paths import environment_dir
from policies.engine import evaluate
from policies.profiles import evaluate as evaluate_controls
from policies.schema import load_policy


def prepare_plan(spec: EnvironmentSpec, policy: Any) -> Plan:
    """Default sizes for the tier, then shrunk to fit the budget and the tier's cap (BudgetError if impossible)."""
    return fit_budget(plan_environment(spec), policy=policy)


def build_environment(
    spec: EnvironmentSpec,
    settings: Settings,
    *,
    policy: Any = None,
    run_checks: bool = False,
    requester: Requester | None = None,
    usage_override: str | None = None,
    previous_files: dict[str, str] | None = None,
    requirements: list[Any] | None = None,
) -> PipelineResult:
    """Plan the spec, shrink the plan to fit its budget and the tier's cap, then generate, check, cost, judge and
    report (`run_pipeline` says what the keywords do). Raises BudgetError (pipeline.budget) when even the cheapest
    plan is over budget."""
    policy = policy or load_policy(settings.policy_file)
    return run_pipeline(prepare_plan(spec, policy), settings, run_checks=run_checks, policy=policy,
                        requester=requester, usage_override=usage_override, previous_files=previous_files,
                        requirements=requirements)


def _requirements(result: PipelineResult, requirements: list[Any], requester: Requester) -> None:
    """The request's ledger pointed at the generated files, and the compliance controls judged on them."""
    result.accepted = {o.rule: o for o in requester.overrides if str(o.rule).startswith("requirement:")}
    result.requirements = accept(locate(requirements, result.files), result.accepted)
    failed = {str(f.get("check_id")) for c in result.checks if c.name.startswith("checkov") for f in c.findings}
    result.controls = evaluate_controls(result.plan.spec, result.files, failed)


def run_pipeline(
    plan: Plan,
    settings: Settings,
    *,
    run_checks: bool = False,
    policy: Any = None,
    requester: Requester | None = None,
    usage_override: str | None = None,
    previous_files: dict[str, str] | None = None,
    requirements: list[Any] | None = None,
) -> PipelineResult:
    """Generate, check (when asked: it is slow), cost, evaluate policy, and write the review report.

    The generated Terraform is parsed once; the estimate and the policy engine share that parse. The estimate
    prices usage from the tier's default usage file, overridden by `usage_override` (the environment's
    cost-usage.yml, kept in the output); `previous_files` (the environment as it was) adds the change cost."""
    policy = policy or load_policy(settings.policy_file)
    requester = requester or Requester()
    with timed("generate"):
        files = generate_all(plan, settings)
    result = PipelineResult(plan=plan, files=files)
    env_dir = environment_dir(plan)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="checks") as pool:
        checking = None
        if run_checks:  # the thread logs under the job's correlation id
            checking = pool.submit(contextvars.copy_context().run, _checked, files, env_dir, settings)
        with timed("cost"):
            parsed = parse_files(files)  # once, for the estimate, the inputs check and the policy engine
            extra = [] if run_checks else [check_generated(files, env_dir, settings, parsed.modules)]
            failed_estimate = _estimate(result, parsed, plan.spec.tier.value, usage_override, previous_files)
            if usage_override is not None and not failed_estimate:  # kept in the output (not in what is checked)
                result.files[f"{env_dir}/{OVERRIDE_NAME}"] = usage_override
                result.files.update(generate_lock(plan, result.files))  # and in the lock apply verifies
        with timed("policy"):
            result.verdicts = evaluate(policy, plan, files, result.cost, requester=requester.login,
                                       requester_teams=requester.teams, overrides=requester.overrides,
                                       parsed=parsed)
        # the checks first (the inputs check only without them: cheap, and the PR's check run must fail while an
        # input is missing), then a failed estimate
        result.checks = (checking.result() if checking is not None else []) + extra + failed_estimate
    with timed("report"):
        _requirements(result, requirements or [], requester)
        result.report = render_report(result, result.verdicts, limit=None)[0]
    result.files[f"{env_dir}/REPORT.md"] = result.report
    return result


def _checked(files: dict[str, str], env_dir: str, settings: Settings) -> list[CheckResult]:
    with timed("check"):
        return check_files(files, env_dir, settings)


def _estimate(result: PipelineResult, parsed: ParsedFiles, tier: str, usage_override: str | None,
              previous_files: dict[str, str] | None) -> list[CheckResult]:
    """The estimate (and the change cost against `previous_files`) into `result`; a failed `cost estimate`
    check when the usage file is wrong."""
    try:
        estimate = estimate_environment(parsed_modules(parsed.subset([p for p in result.files if "/terraform/" in p])),
                                        tier, usage_override)
    except CostInputError as exc:
        result.cost = None
        return [CheckResult(name="cost estimate", passed=False, details=str(exc))]
    result.cost, result.cost_max = estimate.report, estimate.max_monthly
    old_tf = {p: t for p, t in (previous_files or {}).items() if "/terraform/" in p and p.endswith(".tf")}
    if old_tf:
        try:
            result.previous_cost = estimate_files(old_tf, estimate.usage)
        except CostInputError:
            result.previous_cost = None  # the old files no longer parse: no change cost, never a wrong one
    return []
