"""`issue_comment.created`/`edited` by the workflows' token: `dev-agent apply`/`destroy`, run by the generated
workflows in GitHub Actions, reported an outcome in its comment on the merged PR or the request issue; the bot
sets the environment's status in its own registry and records the audit event.

Those runs write to the runner's database, which is gone when the job ends; this is how their outcome reaches the
database the dashboard and the API read. Trusted as far as the plan gate trusts the workflows' edits
(bot/review/gate.py): GitHub signs the delivery and names the sender; only `github-actions[bot]` comments, with a
well-formed outcome marker, about an environment the bot proposed in that repository, count; each run counts once,
and a report older than one already recorded never sets the status.
"""

from __future__ import annotations

import logging
from typing import Any

from bot.jobs.context import HandlerContext
from bot.jobs.routing import WORKFLOW_LOGIN, Router, sent_by_workflow
from bot.request import markers
from bot.store.audit import Action, AuditEvent

log = logging.getLogger(__name__)
router = Router()  # this module's handlers; bot.jobs.handlers combines the routers
ACTIONS: dict[str, Action] = {"applied": "apply", "failed": "apply", "destroyed": "destroy"}


@router.register("issue_comment", "created", workflows=True)
@router.register("issue_comment", "edited", workflows=True)
def on_outcome(ctx: HandlerContext, payload: dict[str, Any]) -> None:
    comment = payload.get("comment") or {}
    if not sent_by_workflow(payload) or markers.login_of(comment) != (WORKFLOW_LOGIN, "Bot"):
        return
    repository = str((payload.get("repository") or {}).get("full_name") or "")
    for outcome in markers.outcomes(str(comment.get("body") or "")):
        if not ctx.registry.record_outcome(outcome.env, repository, outcome.status, outcome.run, outcome.when):
            log.info("outcome %s of %s in %s: repeated, or not an environment dev-agent proposed", outcome.status,
                     outcome.env, repository)
            continue
        ctx.audit.record(AuditEvent(at=outcome.when, action=ACTIONS[outcome.status], actor=outcome.by, environment=outcome.env,
                                    repository=repository, pull_request=outcome.pr or None,
                                    detail=f"{outcome.status} (reported by the workflow run)"))
        log.info("%s is %s (workflow run %s)", outcome.env, outcome.status, outcome.run)
