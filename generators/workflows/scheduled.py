"""Scheduled whole-repository jobs (drift, expire): one job logged in to every cloud the repository uses."""

from __future__ import annotations

from typing import Any

from generators.workflows.identities import CloudIdentities
from generators.workflows.steps import (
    REPORTING_PERMISSIONS,
    RUNNER,
    WORKFLOW_TOKEN_ENV,
    checkout,
    cloud_login,
    install_cli,
)


def scheduled_workflow(
    title: str, cron: str, command: str, clouds: list[str], ids: CloudIdentities
) -> dict[str, Any]:
    """A workflow running `command` on `cron` (and by hand), one run at a time."""
    return {
        "name": title,
        "on": {"schedule": [{"cron": cron}], "workflow_dispatch": {}},
        "permissions": {},
        "concurrency": {"group": title.replace(" ", "-"), "cancel-in-progress": False},
        "jobs": {
            "run": {
                "name": title,
                "runs-on": RUNNER,
                "permissions": REPORTING_PERMISSIONS,
                "steps": [
                    checkout(),
                    *install_cli(),
                    *(cloud_login(c, ids) for c in clouds),
                    {"name": title, "env": WORKFLOW_TOKEN_ENV, "run": command},
                ],
            }
        },
    }
