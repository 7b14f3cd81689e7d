"""dev-agent-apply.yml: on push to the default branch, apply each changed environment (prod behind approval)."""

from __future__ import annotations

from typing import Any

from bot.install_source import InstallSource
from generators.workflows.identities import CloudIdentities
from generators.workflows.steps import (
    DEFAULT_BRANCH,
    REPORTING_PERMISSIONS,
    changes_job,
    checkout,
    install_cli,
    matrix_logins,
    per_environment_job,
    reporting_env,
    tf_var_env,
)

FILENAME = "dev-agent-apply.yml"

# checks: read — the bot's `dev-agent plan: <env>` check run on the merged PR holds the reviewed change set
# apply compares its own plan with (bot/review/changeset.py).
APPLY_PERMISSIONS = {**REPORTING_PERMISSIONS, "checks": "read"}
APPLY_SCRIPT = 'dev-agent apply "environments/${ENVIRONMENT}"\n'


def build(clouds: list[str], ids: CloudIdentities, install: InstallSource | None) -> dict[str, Any]:
    """The apply workflow; queued applies of one environment run one after another, never cancelled."""
    steps = [
        checkout(),
        *install_cli(install),
        *matrix_logins(clouds, ids, "deploy"),
        {"name": "Apply",
         "env": {"ENVIRONMENT": "${{ matrix.environment }}", **reporting_env(ids), **tf_var_env(clouds)},
         "run": APPLY_SCRIPT},
    ]
    return {
        "name": "dev-agent apply",
        "on": {"push": {"branches": [DEFAULT_BRANCH], "paths": ["environments/**"]}},
        "permissions": {},
        "jobs": {
            "changes": changes_job("${{ github.event.before }}", "${{ github.sha }}",
                                   group="dev-agent-apply-changes-${{ github.sha }}"),
            "apply": per_environment_job("Apply", "environments", steps, production=False,
                                 permissions=APPLY_PERMISSIONS, install=install),
            "apply-production": per_environment_job("Apply", "production", steps, production=True,
                                 permissions=APPLY_PERMISSIONS, install=install),
        },
    }
