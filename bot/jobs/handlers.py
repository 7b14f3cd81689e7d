"""The bot's router: every handler module's own router, combined at startup (bedevere's `__main__`)."""

from __future__ import annotations

from functools import cache

from bot.handlers import installation, issue_comment, issues, outcome, plan_posted, pull_request
from bot.jobs.routing import Router


@cache
def load_handlers() -> Router:
    """One router holding every handler (built once per process)."""
    return Router(installation.router, issue_comment.router, issues.router, outcome.router, plan_posted.router,
                  pull_request.router)
