"""Scheduled whole-repository jobs (drift, expire): one job logged in to every cloud the repository uses."""

from __future__ import annotations

from typing import Any

from bot.install_source import InstallSource
from generators.workflows.identities import CloudIdentities
from generators.workflows.steps import (
    REPORTING_PERMISSIONS,
    RUNNER,
    checkout,
    cloud_login,
    install_cli,
    job_container,
    reporting_env,
    tf_var_env,
)


def scheduled_workflow(
    title: str, cron: str, command: str, clouds: list[str], ids: CloudIdentities, install: InstallSource | None
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
                **job_container(install),
                "permissions": REPORTING_PERMISSIONS,
                "steps": [
                    checkout(),
                    *install_cli(install),
                    *(cloud_login(c, ids, "deploy") for c in clouds),
                    {"name": title, "env": {**reporting_env(ids), **tf_var_env(clouds)}, "run": command},
                ],
            }
        },
    }
