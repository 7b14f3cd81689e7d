"""The write sequence, from a derived spec to a pull request: take the lock, claim the branch, run the pipeline
(plan, fit the budget, generate, check, cost, policy, report) and write branch, PR, report, check run, labels,
registry record and audit event; or ask in the status comment instead (clarify, over budget)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from bot.cost.defaults import OVERRIDE_NAME
from bot.errors import DevAgentError
from bot.github.authz import member_teams, membership
from bot.github.branches import Kind, bot_branch
from bot.jobs.context import HandlerContext
from bot.metrics import GITHUB_RATE_LIMIT_REMAINING, MONTHLY_COST, count_pull, timed
from bot.pipeline.budget import BudgetError
from bot.pipeline.planning import effective_expiry
from bot.pipeline.results import PipelineResult, Requester
from bot.request import markers
from bot.request.comments import (
    RENAME_HINT,
    appliers_note,
    check_summary,
    pending_items,
    post_report,
    proposal_status,
    pull_body,
    report_comments,
)
from bot.request.derive import Derived, derive_spec
from bot.request.echo import echo
from bot.request.state import RequestState, Target, post_status
from bot.spec import EnvironmentSpec
from bot.store.audit import AuditEvent
from bot.store.locks import LockBusy
from bot.store.registry import EnvironmentRecord
from generators.paths import environment_dir
from generators.workflows.destroy import DESTROY_LABEL
from policies.schema import load_policy

CHECK_NAME = "dev-agent"



def clarify(target: Target, state: RequestState, derived: Derived) -> None:
    lines = ["**dev-agent needs a few answers before it can propose this environment.**", ""]
    lines += [f"- {echo(q, 300)}" for q in derived.questions]
    lines += [f"- refused: {echo(r, 300)}" for r in derived.refused]
    lines += [f"- note: {echo(n, 300)}" for n in derived.notes]
    lines += ["", "Answer in a comment here in plain words (the requester needs no prefix; "
              "others use `/dev-agent amend ...`), "
              "edit the issue, or set fields with `/dev-agent set key=value` (see `/dev-agent help`)."]
    post_status(target, state, "\n".join(lines))
    target.writer.set_labels(target.issue["number"], ["needs-info"])



@dataclass(frozen=True)
class Proposed:
    """A pull request written by `propose_change`, and the pipeline result behind it (its cost before and after)."""

    number: int
    result: PipelineResult


def propose(ctx: HandlerContext, target: Target, state: RequestState, derived: Derived, title: str | None = None,
            kind: Kind = "request") -> int | None:
    """`propose_change`'s pull request number (None when no plan fits the budget)."""
    proposed = propose_change(ctx, target, state, derived, title, kind)
    return proposed.number if proposed is not None else None


def propose_change(ctx: HandlerContext, target: Target, state: RequestState, derived: Derived,
                   title: str | None = None, kind: Kind = "request") -> Proposed | None:
    """Lock the environment, run the pipeline (plan, fit the budget, generate, check, cost, policy, report) and
    write branch, PR, report, check run and labels.

    `title` replaces the PR's default title; `kind` names the branch (bot/github/branches.py). Returns the PR number
    and the pipeline's result, or None when even the cheapest plan is over budget: the status comment then asks for a bigger budget or a
    smaller request, with the cheapest plan's cost. Raises BranchTaken when the branch's open PR belongs to another
    request, LockBusy when another request holds the environment's lock.
    """
    spec = derived.spec
    assert spec is not None
    key = target.lock_key(spec.name)
    branch = bot_branch(kind, spec.name)
    with ctx.locks.mutex(key, ctx.job_id):
        try:
            lock = ctx.locks.acquire(key, spec.name, target.owner, target.actor)
        except LockBusy as busy:
            held = target.writer.find_pull(branch)
            post_status(target, state, f"**{echo(spec.name)} is locked** by {echo(busy.holder.describe())}"
                        + (f", whose pull request is #{held.number}" if held is not None else "")
                        + ". It is released when that pull request closes, or with `/dev-agent unlock`. "
                        f"{RENAME_HINT}")
            raise
        with timed("reads"):
            claim_branch(ctx, target, state, spec.name, branch)
            policy = load_policy(ctx.settings.policy_file)
            override, previous = _cost_inputs(target, spec, branch)
        try:
            result = ctx.pipeline(spec, ctx.settings, run_checks=ctx.settings.run_checks, policy=policy,
                                  requester=requester(policy, target, state), usage_override=override,
                                  previous_files=previous, requirements=derived.requirements)
        except BudgetError as exc:
            if state.pull is None:  # nothing proposed yet: the name stays free for another request
                ctx.locks.release(key, target.owner)
            over_budget(target, state, derived, exc)
            return None
        plan = result.plan

        with timed("github"):
            commit = target.writer.commit_files(
                base_branch=target.repo.get("default_branch") or "main", branch=branch, files=result.files,
                replace_prefix=environment_dir(plan), when=target.when,
                message=f"dev-agent: {spec.name} ({spec.cloud.value} {spec.region}, {spec.tier.value})\n\n"
                        f"Requested in #{state.issue} by @{target.actor}.",
            )
            failures = _failures(result)
            pull, created = target.writer.upsert_pull(
                branch=branch, base=target.repo.get("default_branch") or "main",
                title=title or f"dev-agent: {spec.name} ({spec.cloud.value} {spec.region}, {spec.tier.value})",
                body=pull_body(spec, state, result),
            )
            appliers = appliers_note(policy)
            post_report(target.writer, pull.number,
                        report_comments(result, lock, state, failures, ctx.settings, appliers, derived))
            pending = pending_items(result)
            target.writer.upsert_check_run(
                head_sha=commit.sha, name=CHECK_NAME,
                conclusion="failure" if failures else "neutral" if pending else "success",
                title=f"{len(failures)} blocking finding(s)" if failures
                else f"{len(pending)} requirement(s) not supported and not accepted" if pending
                else "policy and checks passed",
                summary=check_summary(result, failures, ctx.settings, appliers),
            )
            target.writer.set_labels(pull.number, ["dev-agent", f"cloud:{spec.cloud.value}"] + (["policy-failed"] if failures else []),
                                     [] if failures else ["policy-failed"], present=_label_names(pull.raw_data))
        record_proposal(ctx, target, spec, result, pull, created, failures, kind)
        state.environment, state.pull = spec.name, pull.number
        state.pulls[branch] = pull.number
        post_status(target, state, proposal_status(spec.name, pull.number, result, commit.sha))
        target.writer.set_labels(state.issue, [], ["needs-info"], present=_label_names(target.issue))
        return Proposed(pull.number, result)



def _cost_inputs(target: Target, spec: EnvironmentSpec, branch: str) -> tuple[str | None, dict[str, str]]:
    """The environment's cost-usage.yml override and its Terraform as it stands (on the open PR's branch, else
    the default branch): the estimate's usage and the "before" of its change cost."""
    env_dir = f"environments/{spec.name}"  # generators.environment_dir
    base = target.repo.get("default_branch") or "main"
    sha = target.writer.ref_sha(f"heads/{branch}") or target.writer.ref_sha(f"heads/{base}")
    if sha is None:
        return None, {}
    previous = target.writer.tree_files(sha, f"{env_dir}/terraform")  # lists the commit: the read below may need no call
    return target.writer.read_file(f"{env_dir}/{OVERRIDE_NAME}", sha), previous



def over_budget(target: Target, state: RequestState, derived: Derived, exc: Any) -> None:
    """Ask instead of proposing: no plan fits the budget; say what the cheapest one costs and how to go on."""
    name = derived.spec.name if derived.spec else "this environment"
    lines = [f"**{echo(name)} does not fit its budget.**", "", f"- {echo(str(exc), 600)}", "",
             f"Raise the budget (`/dev-agent set budget_monthly_usd={math.ceil(exc.cheapest_estimate)}`) or ask for a "
             "smaller environment (answer here in plain words, or edit the issue)."]
    post_status(target, state, "\n".join(lines))
    target.writer.set_labels(target.issue["number"], ["needs-info"])



def requester(policy: Any, target: Target, state: RequestState) -> Any:
    """Who the policy sees asking: the job's actor (teams looked up only when no user entry admits them) and
    the recorded overrides, which the policy applies when their grantor may override."""
    teams = [] if policy.request.admits(target.actor) else member_teams(
        policy.request.teams, membership(target.writer, target.actor))
    return Requester(login=target.actor, teams=teams, overrides=list(state.overrides.values()))



def record_proposal(ctx: HandlerContext, target: Target, spec: EnvironmentSpec, result: Any, pull: Any, created: bool,
                    failures: list[str], kind: Kind = "request") -> None:
    """Registry record, audit event and metrics for a PR just opened or updated."""
    expires = effective_expiry(spec, target.when.date())
    if kind == "extend":  # the environment exists already: only its expiry moves (status, owner and PR stay)
        ctx.registry.upsert(EnvironmentRecord(name=spec.name, repository=target.full_name, expires_on=expires))
    else:
        ctx.registry.upsert(EnvironmentRecord(
            name=spec.name, repository=target.full_name, tier=spec.tier.value, owner=spec.owner or target.actor,
            requested_by=target.actor,
            cloud=spec.cloud.value, region=spec.region, status="refused" if _policy_failed(result) else "planned",
            monthly_cost_usd=result.monthly_cost, expires_on=expires, pr_url=pull.html_url,
            issue_url=target.issue.get("html_url") or None, report=result.report,
        ))
    if ctx.job_id:
        ctx.registry.link_job(ctx.job_id, spec.name, {"pull_request": pull.html_url})
    if kind != "extend":  # `/dev-agent extend` records its own `extend` event: nothing was re-planned
        ctx.audit.record(AuditEvent(action="plan", actor=target.actor, environment=spec.name,
                                    repository=target.full_name, pull_request=pull.number,
                                    detail=f"{len(failures)} blocking finding(s)"))
    count_pull(kind, created)
    remaining, _limit = target.writer.requester.rate_limiting  # from the last response's headers
    if remaining >= 0:
        GITHUB_RATE_LIMIT_REMAINING.set(remaining)
    if result.monthly_cost is not None:
        MONTHLY_COST.labels(environment=f"{target.full_name}/{spec.name}").set(result.monthly_cost)



def propose_destroy(ctx: HandlerContext, target: Target, state: RequestState, environment: str) -> int:
    """A PR that removes the environment's directory (merging it tears the environment down)."""
    key = target.lock_key(environment)
    branch = bot_branch("destroy", environment)
    with ctx.locks.mutex(key, ctx.job_id):
        ctx.locks.acquire(key, environment, target.owner, target.actor)
        claim_branch(ctx, target, state, environment, branch)
        base = target.repo.get("default_branch") or "main"
        target.writer.commit_files(base_branch=base, branch=branch, files={}, replace_prefix=f"environments/{environment}",
                                   when=target.when, message=f"dev-agent: destroy {environment}\n\nRequested by @{target.actor}.")
        pull, created = target.writer.upsert_pull(
            branch=branch, base=base, title=f"dev-agent: destroy {environment}",
            body=f"Removes `environments/{environment}`; merging tears the environment down.\n\n"
                 f"{appliers_note(load_policy(ctx.settings.policy_file), 'destroys')}\n\n" + markers.request_link(state.issue),
        )
        target.writer.set_labels(pull.number, ["dev-agent", DESTROY_LABEL])  # the destroy workflow runs on it
        count_pull("destroy", created)
        state.pulls[branch] = pull.number
        post_status(target, state, f"Opened #{pull.number} to destroy **{echo(environment)}**.")
        return pull.number



class BranchTaken(DevAgentError):
    """The branch a request would write belongs to another request's open PR, or to a PR someone else opened."""



def claim_branch(ctx: HandlerContext, target: Target, state: RequestState, environment: str, branch: str) -> None:
    """Refuse (BranchTaken, after saying so in the status comment and dropping the lock just taken) to write a
    branch whose open PR is not this request's: a PR someone other than the bot opened from it, or the bot's PR for
    another request. The check holds however the lock went (unlock, expiry, a restart), so a lock effectively
    lasts as long as its PR is open."""
    foreign = target.writer.foreign_pull(branch)
    ours = target.writer.find_pull(branch)
    owner = markers.request_of(ours, target.writer.authors) if ours is not None else None
    if foreign is not None:
        why = f"#{foreign.number}, a pull request dev-agent did not open, comes from its branch `{branch}`"
    elif ours is not None and owner != state.issue:
        why = f"it belongs to request #{owner}: its pull request #{ours.number} is open"
    else:
        return
    ctx.locks.release(target.lock_key(environment), owner=target.owner)
    post_status(target, state, f"**{echo(environment)} is taken**: {why}. dev-agent never rewrites another "
                               f"request's branch or pull request. {RENAME_HINT}")
    raise BranchTaken(why)



def _label_names(issue: dict[str, Any]) -> set[str]:
    return {label["name"] for label in issue.get("labels") or []
            if isinstance(label, dict) and isinstance(label.get("name"), str)}



def _policy_failed(result: Any) -> bool:
    """Org policy refuses the plan (a missing input or a failed check blocks the merge but refuses nothing)."""
    return any(v.outcome == "fail" for v in result.verdicts)



def _failures(result: Any) -> list[str]:
    """Failed policies (an authorised override turns a verdict into a warning) and failed checks."""
    failures = [f"policy {v.rule}: {v.message or v.value}" for v in result.verdicts if v.outcome == "fail"]
    failures += [f"check {c.name}: {c.details[:200]}" for c in result.checks if not c.passed and not c.skipped_reason]
    return failures



def plan_request(ctx: HandlerContext, target: Target, state: RequestState, assignments: dict[str, Any] | None = None) -> str:
    """Derive the spec and either ask (returns "clarify") or propose (returns "proposed")."""
    with timed("parse"):
        derived = derive_spec(target.issue, state, ctx.settings, assignments)
    if derived.spec is None:
        clarify(target, state, derived)
        return "clarify"
    if state.pull is None:
        ctx.audit.record(AuditEvent(action="request", actor=target.actor, environment=derived.spec.name,
                                    repository=target.full_name, detail=f"issue #{state.issue}"))
    state.assignments.update(assignments or {})
    return "clarify" if propose(ctx, target, state, derived) is None else "proposed"
