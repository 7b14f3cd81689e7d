"""dev-agent-destroy.yml: after a merged destroy PR (label `dev-agent:destroy`), destroy what it removed."""

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

FILENAME = "dev-agent-destroy.yml"
DESTROY_LABEL = "dev-agent:destroy"

DESTROY_SCRIPT = 'dev-agent destroy "environments/${ENVIRONMENT}"\n'


def build(clouds: list[str], ids: CloudIdentities, install: InstallSource | None) -> dict[str, Any]:
    """The destroy workflow: runs on the base commit, where the removed environment's files still exist."""
    base = "${{ github.event.pull_request.base.sha }}"
    steps = [
        checkout(base),
        *install_cli(install),
        *matrix_logins(clouds, ids, "deploy"),
        {"name": "Destroy",
         "env": {"ENVIRONMENT": "${{ matrix.environment }}", **reporting_env(ids), **tf_var_env(clouds)},
         "run": DESTROY_SCRIPT},
    ]
    changes = changes_job(base, "${{ github.event.pull_request.merge_commit_sha }}", diff_filter="D",
                          group="dev-agent-destroy-changes-${{ github.sha }}", checkout_ref=base)
    changes["if"] = (
        f"github.event.pull_request.merged == true && "
        f"contains(github.event.pull_request.labels.*.name, '{DESTROY_LABEL}')"
    )
    return {
        "name": "dev-agent destroy",
        "on": {"pull_request": {"types": ["closed"], "branches": [DEFAULT_BRANCH], "paths": ["environments/**"]}},
        "permissions": {},
        "jobs": {
            "changes": changes,
            "destroy": per_environment_job("Destroy", "environments", steps, production=False,
                                 permissions=REPORTING_PERMISSIONS, install=install),
            "destroy-production": per_environment_job("Destroy", "production", steps, production=True,
                                 permissions=REPORTING_PERMISSIONS, install=install),
        },
    }
