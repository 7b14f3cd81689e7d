"""The text dev-agent writes on a request's pull request: its body, the report comments (with the lock, apply,
override and blocking notes, split at GitHub's comment limit) and the check run's summary."""

from __future__ import annotations

from typing import Any

from bot.github.authz import describe_people
from bot.github.protocols import GitHubWriter
from bot.pipeline.report import GITHUB_COMMENT_LIMIT, render_report
from bot.pipeline.requirements import open_items
from bot.request import markers
from bot.request.derive import Derived
from bot.request.echo import echo
from bot.request.state import RequestState
from bot.review.section import carry_over
from bot.spec import EnvironmentSpec
from bot.store.locks import LockInfo
from bot.understanding.crosscheck import FLAG

REPORT_MARKER = markers.REPORT

RENAME_HINT = ("To use another name for this request, comment `/dev-agent set name=<new-name>` "
               "(possible until its first merge).")

MAX_NOTES_CHARS = 16_000  # the lock/apply/blocking notes; the check run lists every blocking finding



def appliers_note(policy: Any, merging: str = "applies") -> str:
    """Tell reviewers who may merge: the org policy's `apply` list (GitHub enforces it only through branch
    protection or the production environment's reviewers; the bot flags other merges, docs/policies.md)."""
    return f"Merging {merging} this environment. Org policy `apply` list: {echo(describe_people(policy.apply), 300)}."



def pull_body(spec: EnvironmentSpec, state: RequestState, result: Any) -> str:
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



def report_comments(result: Any, lock: LockInfo, state: RequestState, failures: list[str], settings: Any, appliers: str,
            derived: Derived | None = None) -> list[str]:
    """The report comments: one when the report fits GitHub's 65,536-character comment limit, else the report's
    parts (bot.pipeline.report splits at section boundaries), the lock, apply and blocking notes on the last."""
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



def _report_notes(lock: LockInfo, state: RequestState, failures: list[str], settings: Any, appliers: str) -> list[str]:
    extra = ["", "---", f"**Lock:** `{echo(lock.environment)}` held by {echo(lock.describe())}.", f"**Apply:** {appliers}"]
    extra += [f"**Override:** {echo(rule)} by {echo('@' + o.by)} on {o.at:%Y-%m-%d} — {echo(o.reason, 300)}"
              for rule, o in sorted(state.overrides.items())]
    extra += [f"**Allowed replace:** `{echo(address)}` by {echo('@' + o.by)} on {o.at:%Y-%m-%d} — {echo(o.reason, 300)}"
              for env in sorted(state.allowances) for address, o in sorted(state.allowances[env].items())]
    if not settings.run_checks:
        extra.append("Validators (terraform, checkov, helm) run in the dev-agent-plan workflow on this PR.")
    if failures:
        extra += ["", "**Blocking:**", *(f"- {echo(f, 300)}" for f in failures)]
    return extra



def post_report(writer: GitHubWriter, pull: int, comments: list[str]) -> None:
    """Write the report comments in order; parts left over from a longer report say they are no longer used.
    The plan section dev-agent-plan.yml wrote into the first comment is kept (it names the commit it planned)."""
    existing = writer.find_comment(pull, REPORT_MARKER)
    writer.upsert_comment(pull, REPORT_MARKER, carry_over(existing.body if existing is not None else "", comments[0]))
    for index, text in enumerate(comments[1:], 2):
        writer.upsert_comment(pull, markers.report_continuation(index), text)
    index = len(comments) + 1
    while writer.find_comment(pull, markers.report_continuation(index)) is not None:
        writer.upsert_comment(pull, markers.report_continuation(index),
                              f"{markers.report_continuation(index)}\n_This part of an earlier, longer report is no "
                              f"longer used: the report now has {len(comments)} part(s)._")
        index += 1



def proposal_status(name: str, pull: int, result: Any, sha: str) -> str:
    """The status comment's line for a proposed environment, leading with what stops the merge: the failed policy
    rules (each with its fix), else the failed checks, else the requirements nobody accepted, else "Proposed"."""
    made = f"({len(result.files)} files, commit `{sha[:7]}`)"
    rules = [v for v in result.verdicts if v.outcome == "fail"]
    checks = [c.name for c in result.checks if not c.passed and not c.skipped_reason]
    if rules:
        lines = [f"**Blocked by policy** in #{pull}: " + ", ".join(f"`{echo(v.rule, 80)}`" for v in rules)
                 + f". **{echo(name)}** is proposed {made} but cannot merge until each rule passes or is overridden:"]
        lines += [f"- `{echo(v.rule, 80)}`: {echo((v.message or v.value).rstrip('.'), 300)}."
                  + (f" Fix: {echo(v.fix, 200)}." if v.fix else "") for v in rules]
        if checks:
            lines.append("\nFailing checks too: " + ", ".join(f"`{echo(c, 80)}`" for c in checks) + ".")
        lines.append(f"\nChange the request with `/dev-agent set key=value` on #{pull}, or someone on the org policy "
                     "`override` list comments `/dev-agent override <rule> <reason>`.")
        return "\n".join(lines)
    if checks:
        return (f"**Blocked by failing checks** in #{pull}: " + ", ".join(f"`{echo(c, 80)}`" for c in checks)
                + f". **{echo(name)}** is proposed {made}; the report on the pull request shows each finding.")
    pending = pending_items(result)
    if pending:
        return (f"**Needs attention** in #{pull}: {len(pending)} requirement(s) not supported and not accepted "
                f"(the report lists them). **{echo(name)}** is proposed {made}.")
    return f"Proposed **{echo(name)}** in #{pull} {made}."



def check_summary(result: Any, failures: list[str], settings: Any, appliers: str) -> str:
    lines = [f"{len(result.files)} files generated.", appliers]
    lines.append("Checks ran in the bot." if settings.run_checks else "Checks run in the dev-agent-plan workflow.")
    lines += [f"- {f}" for f in failures]
    lines += [f"- not supported: {echo(item, 300)} (accept: `/dev-agent override {key} <reason>`)"
              for item, key in pending_items(result)]
    return "\n".join(lines)



def pending_items(result: Any) -> list[tuple[str, str]]:
    """Unsupported asks and compliance gaps nobody accepted (the report is not ready while there are any)."""
    return open_items(getattr(result, "requirements", []), getattr(result, "controls", []),
                      getattr(result, "accepted", {}))
