"""From a request's state to a pull request: derive the spec, take the lock, run the pipeline, write.

A request's state (its overrides, amendments, settings applied by commands, the PRs it opened) lives in the
bot's status comment on the request issue, behind a signed hidden marker, so any worker can pick it up and a
retried job starts from the same place. PRs point back to their request issue with another marker. Markers are
written, found and trusted by bot/request/markers.py only.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, Field

from bot.commands.parser import apply_assignments
from bot.errors import DevAgentError
from bot.github.branches import Kind, bot_branch
from bot.github.writer import RepositoryWriter
from bot.metrics import count_pull, timed
from bot.request import markers
from bot.request.echo import echo
from bot.request.issue_form import FormError, parse_issue_body
from bot.spec import EnvironmentSpec, SpecError, spec_from_data
from bot.store.locks import LockBusy, LockInfo
from bot.understanding.crosscheck import FLAG
from generators.workflows.destroy import DESTROY_LABEL
from policies.schema import Override, load_policy

STATUS_MARKER = markers.STATUS
REPORT_MARKER = markers.REPORT
CHECK_NAME = "dev-agent"
log = logging.getLogger(__name__)


class RequestState(BaseModel):
    """Everything that shapes one request besides the issue text."""

    issue: int
    environment: str | None = None
    assignments: dict[str, Any] = Field(default_factory=dict)
    amendments: list[str] = Field(default_factory=list)
    overrides: dict[str, Override] = Field(default_factory=dict)  # rule -> who granted it, when and why
    pull: int | None = None
    pulls: dict[str, int] = Field(default_factory=dict)  # branch -> the PR this request opened from it

    def encode(self, keys: markers.StateKeyring) -> str:
        """The signed state marker."""
        return keys.sign(self.model_dump_json().encode())

    @classmethod
    def decode(cls, text: str, keys: markers.StateKeyring, issue: int) -> RequestState | None:
        """The state in `text` when its signature is ours and it belongs to `issue`; None when there is none.
        Raises markers.StateRefused otherwise."""
        payload = keys.verify(text)
        if payload is None:
            return None
        try:
            state = cls.model_validate_json(payload)
        except ValueError:
            raise markers.StateRefused("the request state does not parse") from None
        if state.issue != issue:
            raise markers.StateRefused(f"the request state belongs to #{state.issue}, not #{issue}")
        return state


@dataclass
class Target:
    """Where a job acts: the repository, the request issue and who asked."""

    writer: RepositoryWriter
    repo: dict[str, Any]
    issue: dict[str, Any]
    actor: str
    when: dt.datetime
    keys: markers.StateKeyring | None = None  # signs and checks the request state (JobContext.keyring())

    @property
    def full_name(self) -> str:
        return self.repo["full_name"]

    def lock_key(self, environment: str) -> str:
        return f"{self.full_name}:{environment}"

    @property
    def owner(self) -> str:
        return f"{self.full_name}#{self.issue['number']}"


@dataclass
class Derived:
    """A spec, or the questions to ask instead; `refused` and `notes` (assumptions, defaults, flags) reach the
    reviewer in the PR report."""

    spec: EnvironmentSpec | None
    data: dict[str, Any]
    questions: list[str]
    notes: list[str]
    refused: list[str] = field(default_factory=list)
    requirements: list[Any] = field(default_factory=list)  # bot.understanding.ledger.Requirement


request_link = markers.request_link


def load_state(target: Target) -> RequestState:
    """The request's state from the bot's own status comment; a state that is not ours is refused (logged) and
    the request starts afresh from its issue."""
    number = target.issue["number"]
    comment = target.writer.find_comment(number, STATUS_MARKER)
    if comment is None:
        return RequestState(issue=number)
    try:
        state = RequestState.decode(comment.body, _keys(target), number)
    except markers.StateRefused as exc:
        log.warning("refusing the request state on %s#%s: %s", target.full_name, number, exc)
        return RequestState(issue=number)
    return state or RequestState(issue=number)


def _keys(target: Target) -> markers.StateKeyring:
    if target.keys is None:
        raise ValueError("Target.keys is not set: build targets with bot.handlers.target_for")
    return target.keys


def derive_spec(issue: dict[str, Any], state: RequestState, settings: Any,
                assignments: dict[str, Any] | None = None) -> Derived:
    """Issue text + form fields + amendments + `set` assignments -> a validated spec or questions."""
    questions: list[str] = []
    notes: list[str] = []
    refused: list[str] = []
    requirements: list[Any] = []
    try:
        request = parse_issue_body(issue.get("body") or "")
    except FormError as exc:
        return Derived(None, {}, [str(exc)], notes)
    text = " ".join([request.text, *state.amendments]).strip()
    if request.spec_data is not None:
        data = dict(request.spec_data)
        if state.amendments:
            notes.append("this request is a YAML spec: plain-language amendments are not applied; use /dev-agent set")
    else:
        data, questions, notes, refused, requirements = _understand(request.text.strip(), state.amendments, settings)
    data.update(request.fields)
    if state.environment:
        data["name"] = state.environment
    every = {**state.assignments, **(assignments or {})}
    data = apply_assignments(data, every)
    lookalike = _lookalike_questions(" ".join([issue.get("body") or "", *state.amendments]), every)
    if lookalike:  # never silently read a look-alike identifier as another one
        return Derived(None, data, lookalike + questions, notes, refused, requirements)
    if questions and not every:  # the questions `dev-agent parse` asks; defaults never answer them
        return Derived(None, data, questions, notes, refused, requirements)
    notes += [f"not asked, because `/dev-agent set` gave fields: {q}" for q in questions]
    try:
        spec = spec_from_data(data, "request")
    except SpecError as exc:
        return Derived(None, data, questions or exc.errors, notes, refused, requirements)
    from bot.cost.coverage import spec_refusal

    refusal = spec_refusal(spec)
    if refusal:
        return Derived(None, data, [refusal], notes, refused, requirements)
    if request.spec_data is None:
        notes += _unwritten(spec, text, {*request.fields, *every}, notes)
    return Derived(spec, data, [], notes, refused, requirements)


def _unwritten(spec: EnvironmentSpec, text: str, explicit: set[str], known: list[str]) -> list[str]:
    """Key values the request text does not spell out (defaults and derivations), for the reviewer to check;
    values an engine note already explains (`known`) are not repeated."""
    said = text.lower()
    values = {"name": spec.name, "cloud": spec.cloud.value, "region": spec.region, "tier": spec.tier.value}
    notes = [f"{key} is {value}: not written in the request (a default or derived value)"
             for key, value in values.items()
             if key not in explicit and value.lower() not in said and not any(value in note for note in known)]
    notes += [f"databases.{i}.version is {db.version}: no version in the request (the default)"
              for i, db in enumerate(spec.databases) if db.version and db.version not in said
              and f"databases.{i}.version" not in explicit]
    if spec.ttl_days is None and spec.expires_on is None and not explicit & {"ttl_days", "expires_on"}:
        notes.append("no lifetime in the request: the environment does not expire")
    return notes


def _lookalike_questions(body: str, assignments: dict[str, Any]) -> list[str]:
    """A question for every word written with look-alike letters: in the issue body as shown (its text, form
    fields and spec block) and in `set` values."""
    from bot.usertext import lookalikes, readable

    words = [readable(body), *(str(v) for v in assignments.values() if v is not None)]
    found = {x.written: x for chunk in words for x in lookalikes(chunk)}
    return [x.question() for x in found.values()]


def _understand(text: str, answers: list[str], settings: Any
                ) -> tuple[dict[str, Any], list[str], list[str], list[str], list[Any]]:
    """(spec data, questions, notes, refusals, requirements ledger) from the request text read with its later
    answers (the newest wins)."""
    if not text:
        text, answers = " ".join(answers).strip(), []
    if not text:
        return {}, [], [], [], []
    from bot.understanding import RequestError

    try:
        from bot.understanding import understand  # seam: provided by the understanding package
    except ImportError:
        return {}, [], ["no understanding engine is installed: fill in the issue form fields or a ```yaml spec"], [], []
    try:
        result = understand(text, settings, answers)
    except RequestError as exc:
        return {}, [f"the request text cannot be read: {exc}"], [], [], []
    data = result.spec.model_dump(mode="json", exclude_none=True) if result.spec else dict(result.partial)
    notes = list(result.notes)
    if result.fallback_reason:
        notes.append(f"the model was not used: {result.fallback_reason}")
    return data, list(result.questions), notes, list(result.refused), list(result.requirements)


def post_status(target: Target, state: RequestState, text: str) -> None:
    """The one status comment on the request issue (it also carries the state)."""
    target.writer.upsert_comment(target.issue["number"], STATUS_MARKER,
                                 f"{STATUS_MARKER}\n{text}\n\n{state.encode(_keys(target))}")


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


def propose(ctx: Any, target: Target, state: RequestState, derived: Derived, title: str | None = None,
            kind: Kind = "request") -> int | None:
    """Lock the environment, run the pipeline (plan, fit the budget, generate, check, cost, policy, report) and
    write branch, PR, report, check run and labels.

    `title` replaces the PR's default title; `kind` names the branch (bot/github/branches.py). Returns the PR number,
    or None when even the cheapest plan is over budget: the status comment then asks for a bigger budget or a
    smaller request, with the cheapest plan's cost. Raises BranchTaken when the branch's open PR belongs to another
    request, LockBusy when another request holds the environment's lock.
    """
    from bot.pipeline.budget import BudgetError

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
        from generators import environment_dir

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
                body=_pull_body(spec, state, result),
            )
            appliers = appliers_note(policy)
            post_report(target.writer, pull.number,
                        _report(result, lock, state, failures, ctx.settings, appliers, derived))
            pending = _pending(result)
            target.writer.upsert_check_run(
                head_sha=commit.sha, name=CHECK_NAME,
                conclusion="failure" if failures else "neutral" if pending else "success",
                title=f"{len(failures)} blocking finding(s)" if failures
                else f"{len(pending)} requirement(s) not supported and not accepted" if pending
                else "policy and checks passed",
                summary=_check_summary(result, failures, ctx.settings, appliers),
            )
            target.writer.set_labels(pull.number, ["dev-agent", f"cloud:{spec.cloud.value}"] + (["policy-failed"] if failures else []),
                                     [] if failures else ["policy-failed"], present=_label_names(pull.raw_data))
        record_proposal(ctx, target, spec, result, pull, created, failures, kind)
        state.environment, state.pull = spec.name, pull.number
        state.pulls[branch] = pull.number
        blocked = (f" It is **blocked**: {len(failures)} blocking finding(s) (policy or checks) must be fixed or "
                   "overridden before it can merge; the report on the pull request lists them.") if failures else ""
        post_status(target, state, f"Proposed **{echo(spec.name)}** in #{pull.number} "
                    f"({len(result.files)} files, commit `{commit.sha[:7]}`).{blocked}")
        target.writer.set_labels(state.issue, [], ["needs-info"], present=_label_names(target.issue))
        return pull.number


def _cost_inputs(target: Target, spec: EnvironmentSpec, branch: str) -> tuple[str | None, dict[str, str]]:
    """The environment's cost-usage.yml override and its Terraform as it stands (on the open PR's branch, else
    the default branch): the estimate's usage and the "before" of its change cost."""
    from bot.cost.defaults import OVERRIDE_NAME

    env_dir = f"environments/{spec.name}"  # generators.environment_dir
    base = target.repo.get("default_branch") or "main"
    sha = target.writer.ref_sha(f"heads/{branch}") or target.writer.ref_sha(f"heads/{base}")
    if sha is None:
        return None, {}
    return (target.writer.read_file(f"{env_dir}/{OVERRIDE_NAME}", sha),
            target.writer.tree_files(sha, f"{env_dir}/terraform"))


def over_budget(target: Target, state: RequestState, derived: Derived, exc: Any) -> None:
    """Ask instead of proposing: no plan fits the budget; say what the cheapest one costs and how to go on."""
    name = derived.spec.name if derived.spec else "this environment"
    lines = [f"**{echo(name)} does not fit its budget.**", "", f"- {echo(str(exc), 600)}", "",
             f"Raise the budget (`/dev-agent set budget_monthly_usd={math.ceil(exc.cheapest_estimate)}`) or ask for a "
             "smaller environment (answer here in plain words, or edit the issue)."]
    post_status(target, state, "\n".join(lines))
    target.writer.set_labels(target.issue["number"], ["needs-info"])


def appliers_note(policy: Any, merging: str = "applies") -> str:
    """Tell reviewers who may merge: the org policy's `apply` list (GitHub enforces it only through branch
    protection or the production environment's reviewers; the bot flags other merges, docs/policies.md)."""
    from bot.github.authz import describe_people

    return f"Merging {merging} this environment. Org policy `apply` list: {echo(describe_people(policy.apply), 300)}."


def requester(policy: Any, target: Target, state: RequestState) -> Any:
    """Who the policy sees asking: the job's actor (teams looked up only when no user entry admits them) and
    the recorded overrides, which the policy applies when their grantor may override."""
    from bot.github.authz import member_teams, membership
    from bot.pipeline.results import Requester

    teams = [] if policy.request.admits(target.actor) else member_teams(
        policy.request.teams, membership(target.writer, target.actor))
    return Requester(login=target.actor, teams=teams, overrides=list(state.overrides.values()))


def record_proposal(ctx: Any, target: Target, spec: EnvironmentSpec, result: Any, pull: Any, created: bool,
                    failures: list[str], kind: Kind = "request") -> None:
    """Registry record, audit event and metrics for a PR just opened or updated."""
    from bot.metrics import GITHUB_RATE_LIMIT_REMAINING, MONTHLY_COST
    from bot.pipeline.planning import effective_expiry
    from bot.store.audit import AuditEvent
    from bot.store.registry import EnvironmentRecord

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


def propose_destroy(ctx: Any, target: Target, state: RequestState, environment: str) -> int:
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
                 f"{appliers_note(load_policy(ctx.settings.policy_file), 'destroys')}\n\n" + request_link(state.issue),
        )
        target.writer.set_labels(pull.number, ["dev-agent", DESTROY_LABEL])  # the destroy workflow runs on it
        count_pull("destroy", created)
        state.pulls[branch] = pull.number
        post_status(target, state, f"Opened #{pull.number} to destroy **{echo(environment)}**.")
        return pull.number


RENAME_HINT = ("To use another name for this request, comment `/dev-agent set name=<new-name>` "
               "(possible until its first merge).")


class BranchTaken(DevAgentError):
    """The branch a request would write belongs to another request's open PR, or to a PR someone else opened."""


def claim_branch(ctx: Any, target: Target, state: RequestState, environment: str, branch: str) -> None:
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
    return {label.get("name") for label in issue.get("labels") or [] if isinstance(label, dict)}


def _policy_failed(result: Any) -> bool:
    """Org policy refuses the plan (a missing input or a failed check blocks the merge but refuses nothing)."""
    return any(v.outcome == "fail" for v in result.verdicts)


def _failures(result: Any) -> list[str]:
    """Failed policies (an authorised override turns a verdict into a warning) and failed checks."""
    failures = [f"policy {v.rule}: {v.message or v.value}" for v in result.verdicts if v.outcome == "fail"]
    failures += [f"check {c.name}: {c.details[:200]}" for c in result.checks if not c.passed and not c.skipped_reason]
    return failures


def _pull_body(spec: EnvironmentSpec, state: RequestState, result: Any) -> str:
    cost = f"${result.monthly_cost:,.2f}/month" if result.monthly_cost is not None else "see the report"
    return (f"Environment **{spec.name}** on {spec.cloud.value} `{spec.region}` ({spec.tier.value}), estimated {cost}.\n\n"
            f"Requested in #{state.issue}. The review report is the dev-agent comment below; "
            "comment `/dev-agent help` for commands.\n\n"
            f"{markers.request_link(state.issue).splitlines()[-1]}")


def understanding_section(derived: Derived) -> str:
    """The report section naming every refusal, assumption and default made while reading the request."""
    lines = [f"- **Refused:** {echo(r, 400)}" for r in derived.refused]
    lines += [f"- **Flagged:** {echo(n.removeprefix(FLAG), 400)}" for n in derived.notes if n.startswith(FLAG)]
    lines += [f"- **Assumed:** {echo(n, 400)}" for n in derived.notes if not n.startswith(FLAG)]
    return "### Refused, assumed and defaulted\n\n" + ("\n".join(lines) if lines else
                                                        "None.")


def _report(result: Any, lock: LockInfo, state: RequestState, failures: list[str], settings: Any, appliers: str,
            derived: Derived | None = None) -> list[str]:
    """The report comments: one when the report fits GitHub's 65,536-character comment limit, else the report's
    parts (bot.pipeline.report splits at section boundaries), the lock, apply and blocking notes on the last."""
    from bot.pipeline.report import GITHUB_COMMENT_LIMIT, render_report

    tail = "\n" + "\n".join(_report_notes(lock, state, failures, settings, appliers))
    if derived is not None:
        tail = "\n\n" + understanding_section(derived) + "\n" + tail
    tail = tail[:MAX_NOTES_CHARS]
    body = result.report or "\n".join(["## dev-agent plan", "", "Files:", *(f"- `{p}`" for p in sorted(result.files))])
    head = f"{REPORT_MARKER}\n"
    if len(head) + len(body) + len(tail) <= GITHUB_COMMENT_LIMIT:
        return [f"{head}{body}{tail}"]
    room = GITHUB_COMMENT_LIMIT - len(head) - len(markers.report_continuation(99))
    parts = render_report(result, result.verdicts, limit=room - len(tail) - 1)
    parts[-1] = parts[-1].rstrip("\n") + tail
    return [f"{head}{parts[0]}", *(f"{markers.report_continuation(i)}\n{part}" for i, part in enumerate(parts[1:], 2))]


MAX_NOTES_CHARS = 16_000  # the lock/apply/blocking notes; the check run lists every blocking finding


def _report_notes(lock: LockInfo, state: RequestState, failures: list[str], settings: Any, appliers: str) -> list[str]:
    extra = ["", "---", f"**Lock:** `{echo(lock.environment)}` held by {echo(lock.describe())}.", f"**Apply:** {appliers}"]
    extra += [f"**Override:** {echo(rule)} by {echo('@' + o.by)} on {o.at:%Y-%m-%d} — {echo(o.reason, 300)}"
              for rule, o in sorted(state.overrides.items())]
    if not settings.run_checks:
        extra.append("Validators (terraform, checkov, helm) run in the dev-agent-plan workflow on this PR.")
    if failures:
        extra += ["", "**Blocking:**", *(f"- {echo(f, 300)}" for f in failures)]
    return extra


def post_report(writer: Any, pull: int, comments: list[str]) -> None:
    """Write the report comments in order; parts left over from a longer report say they are no longer used."""
    writer.upsert_comment(pull, REPORT_MARKER, comments[0])
    for index, text in enumerate(comments[1:], 2):
        writer.upsert_comment(pull, markers.report_continuation(index), text)
    index = len(comments) + 1
    while writer.find_comment(pull, markers.report_continuation(index)) is not None:
        writer.upsert_comment(pull, markers.report_continuation(index),
                              f"{markers.report_continuation(index)}\n_This part of an earlier, longer report is no "
                              f"longer used: the report now has {len(comments)} part(s)._")
        index += 1


def _check_summary(result: Any, failures: list[str], settings: Any, appliers: str) -> str:
    lines = [f"{len(result.files)} files generated.", appliers]
    lines.append("Checks ran in the bot." if settings.run_checks else "Checks run in the dev-agent-plan workflow.")
    lines += [f"- {f}" for f in failures]
    lines += [f"- not supported: {echo(item, 300)} (accept: `/dev-agent override {key} <reason>`)"
              for item, key in _pending(result)]
    return "\n".join(lines)


def _pending(result: Any) -> list[tuple[str, str]]:
    """Unsupported asks and compliance gaps nobody accepted (the report is not ready while there are any)."""
    from bot.pipeline.requirements import open_items

    return open_items(getattr(result, "requirements", []), getattr(result, "controls", []),
                      getattr(result, "accepted", {}))


def plan_request(ctx: Any, target: Target, state: RequestState, assignments: dict[str, Any] | None = None) -> str:
    """Derive the spec and either ask (returns "clarify") or propose (returns "proposed")."""
    with timed("parse"):
        derived = derive_spec(target.issue, state, ctx.settings, assignments)
    if derived.spec is None:
        clarify(target, state, derived)
        return "clarify"
    if state.pull is None:
        from bot.store.audit import AuditEvent

        ctx.audit.record(AuditEvent(action="request", actor=target.actor, environment=derived.spec.name,
                                    repository=target.full_name, detail=f"issue #{state.issue}"))
    state.assignments.update(assignments or {})
    return "clarify" if propose(ctx, target, state, derived) is None else "proposed"
