"""After a failed apply: a PR that puts `environments/<name>/` back to the last applied revision.

The last applied revision is the commit `refs/dev-agent/applied/<name>` points at; apply moves that
ref after every success, so it survives runners and needs no other storage.
"""

from __future__ import annotations

import datetime as dt

from bot.github.branches import bot_branch
from bot.lifecycle.github import APPLIED_REF, GitHubTarget
from bot.metrics import count_pull
from bot.request.markers import request_link


def open_revert_pull(target: GitHubTarget, name: str, failed_revision: str, error_step: str,
                     request_issue: int | None = None) -> str | None:
    """The revert PR's URL, or None when the environment was never applied. The PR names `request_issue`."""
    applied = target.writer.ref_sha(APPLIED_REF.format(name=name))
    if applied is None:
        return None
    prefix = f"environments/{name}"
    files = target.writer.tree_files(applied, prefix)
    if not files:
        return None
    branch = bot_branch("revert", name)
    target.writer.commit_files(
        base_branch=target.default_branch, branch=branch, files=files, replace_prefix=prefix,
        message=f"dev-agent: revert {name} to {applied[:7]}\n\nApplying {failed_revision[:7]} failed at {error_step}.",
        when=dt.datetime.now(dt.UTC),
    )
    pull, created = target.writer.upsert_pull(
        branch=branch, base=target.default_branch, title=f"dev-agent: revert {name} to the last applied revision",
        body=(f"Applying `{failed_revision[:7]}` failed at {error_step}. This restores `{prefix}/` as last applied "
              f"(`{applied[:7]}`); merging it re-applies that revision."
              + (f"\n\n{request_link(request_issue)}" if request_issue else "")),
    )
    target.writer.set_labels(pull.number, ["dev-agent", "revert"])
    count_pull("revert", created)
    return pull.html_url
