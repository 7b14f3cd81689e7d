"""`dev-agent expire`: destroy PRs for environments past `expires_on`, warnings two days and one day before.

`expires_on` is written into `environment.yaml` when the environment is planned (plan date + `ttl_days`),
so the expiry is part of the reviewed, merged spec; `/dev-agent extend` moves it through a PR. While such an
extend PR is open, an expired environment gets a note on its request issue instead of a destroy PR.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from bot.github.branches import bot_branch
from bot.lifecycle.expiry import expiry_action
from bot.lifecycle.github import GitHubTarget
from bot.metrics import count_pull
from bot.request import markers
from bot.request.markers import request_link
from bot.spec import SpecError, load_spec
from generators.workflows.destroy import DESTROY_LABEL


@dataclass
class ExpireResult:
    """What expire decided (and did) for one environment."""

    name: str
    expires_on: dt.date | None
    action: str | None  # destroy | extend-pending | warn-2 | warn-1 | None
    pull_url: str | None = None
    error: str = ""


def open_destroy_pull(github: GitHubTarget, name: str, reason: str, request_issue: int | None) -> str:
    """A PR removing `environments/<name>/`, labelled so the destroy workflow tears it down once merged."""
    prefix = f"environments/{name}"
    branch = bot_branch("destroy", name)
    github.writer.commit_files(base_branch=github.default_branch, branch=branch, files={}, replace_prefix=prefix,
                               message=f"dev-agent: destroy {name}\n\n{reason}", when=dt.datetime.now(dt.UTC))
    request = f"\n\n{request_link(request_issue)}" if request_issue else ""
    pull, created = github.writer.upsert_pull(branch=branch, base=github.default_branch, title=f"dev-agent: destroy {name}",
                                              body=f"Removes `{prefix}/`; merging it runs `dev-agent destroy`. {reason}{request}")
    github.writer.set_labels(pull.number, ["dev-agent", DESTROY_LABEL])
    count_pull("destroy", created)
    return pull.html_url


def expire_environment(env_dir: Path, today: dt.date, github: GitHubTarget | None) -> ExpireResult:
    """Decide, and with `github` act: destroy PR when expired, a warning comment on the warning days."""
    name = env_dir.name
    try:
        spec = load_spec(env_dir / "environment.yaml")
    except (SpecError, OSError) as exc:
        return ExpireResult(name=name, expires_on=None, action=None, error=f"{env_dir / 'environment.yaml'}: {exc}")
    action = expiry_action(spec.expires_on, today)
    result = ExpireResult(name=name, expires_on=spec.expires_on, action=action)
    if github is None or action is None:
        return result
    _, issue = github.environment_threads(name)
    extension = github.writer.find_pull(bot_branch("extend", name)) if action == "destroy" else None
    if extension is not None:
        result.action, result.pull_url = "extend-pending", extension.html_url
        if issue:
            github.writer.comment(
                issue, f"`{name}` expired on {spec.expires_on}, but #{extension.number} would extend it: no destroy PR "
                       f"while it is open. Merge it to keep `{name}`, or close it and the next run opens the destroy PR.",
                markers.expiry(name, f"extend-pending #{extension.number}"))
    elif action == "destroy":
        result.pull_url = open_destroy_pull(github, name, f"It expired on {spec.expires_on}.", issue)
        if issue:
            github.writer.comment(issue, f"`{name}` expired on {spec.expires_on}; the destroy PR is {result.pull_url}.",
                                  markers.expiry(name, action))
    elif issue:
        days = action.removeprefix("warn-")
        github.writer.comment(
            issue, f"`{name}` expires on {spec.expires_on} (in {days} day{'s' if days != '1' else ''}) and will then be "
                   "destroyed. Comment `/dev-agent extend 7d` to keep it longer.",
            markers.expiry(name, action))
    return result
