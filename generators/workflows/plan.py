"""dev-agent-plan.yml: on pull requests touching environments/**, re-plan and check each changed environment."""

from __future__ import annotations

from typing import Any

from bot.install_source import InstallSource
from generators.workflows.identities import CloudIdentities
from generators.workflows.steps import (
    changes_job,
    checkout,
    checkov_env,
    install_cli,
    install_validators,
    matrix_logins,
    per_environment_job,
    reporting_env,
    tf_var_env,
)

FILENAME = "dev-agent-plan.yml"
PR_GROUP = "pr-${{ github.event.pull_request.number }}"

# The files must be what dev-agent generates from environment.yaml (compared with a regeneration and the lock
# file, not the bot's REPORT.md: bot/review/verify.py), and pass every validator.
PLAN_SCRIPT = 'dev-agent verify "environments/${ENVIRONMENT}" --check\n'


PREVIEW_SCRIPT = 'dev-agent preview "environments/${ENVIRONMENT}"\n'
PLAN_PERMISSIONS = {"contents": "read", "id-token": "write", "pull-requests": "write"}


def install_env(install: InstallSource | None) -> dict[str, str]:
    """The install source the bot generated with, so the runner's regeneration writes the same workflows."""
    return {"DEV_AGENT_INSTALL": install.model_dump_json(exclude_none=True)} if install is not None else {}


def build(clouds: list[str], ids: CloudIdentities, install: InstallSource | None) -> dict[str, Any]:
    """The plan workflow."""
    steps = [
        checkout(),
        *install_cli(install),
        *install_validators(install),
        *matrix_logins(clouds, ids, "plan"),
        {"name": "Verify and check",
         "env": {"ENVIRONMENT": "${{ matrix.environment }}", **ids.generation_env(), **install_env(install),
                 **checkov_env(install),
                 **tf_var_env(clouds)},
         "run": PLAN_SCRIPT},
        # The real plan with the read-only identity, written into the bot's report comment and the job summary;
        # the bot gates the merge on it (bot/review/gate.py).
        {"name": "Terraform plan",
         "env": {"ENVIRONMENT": "${{ matrix.environment }}", **reporting_env(ids), **tf_var_env(clouds)},
         "run": PREVIEW_SCRIPT},
    ]
    return {
        "name": "dev-agent plan",
        "on": {"pull_request": {"paths": ["environments/**"]}},
        "permissions": {},
        "jobs": {
            "changes": changes_job("${{ github.event.pull_request.base.sha }}", "${{ github.sha }}",
                                   group=f"dev-agent-{PR_GROUP}-changes", cancel=True),
            "plan": per_environment_job("Plan", "environments", steps, production=False, permissions=PLAN_PERMISSIONS,
                                        group_suffix=f"-{PR_GROUP}", cancel=True, install=install),
            # The production environment's rules (required reviewers, branch limits) gate its plans too.
            "plan-production": per_environment_job("Plan", "production", steps, production=True,
                                                   permissions=PLAN_PERMISSIONS, group_suffix=f"-{PR_GROUP}",
                                                   cancel=True, install=install),
        },
    }
