"""Steps and jobs shared by the workflows. Untrusted values reach scripts only through env vars."""

from __future__ import annotations

from typing import Any

import bot
from generators.workflows.actions import uses
from generators.workflows.identities import CloudIdentities

PYTHON_VERSION = "3.11"
TERRAFORM_VERSION = "1.11.4"
RUNNER = "ubuntu-24.04"
DEFAULT_BRANCH = "main"

# Bash run by the `changes` job: which environments a push or PR touched, split into prod and the rest,
# each with its cloud (read from environment.yaml, whose top-level keys are plain `key: value` lines).
# Fixed text: no expression is interpolated; names and values are checked before they reach the matrix.
CHANGED_ENVIRONMENTS_SCRIPT = """\
set -euo pipefail
if [ "$BASE_SHA" = "0000000000000000000000000000000000000000" ]; then BASE_SHA="$(git rev-parse HEAD~1)"; fi
others='[]'
production='[]'
while IFS= read -r name; do
  [[ "$name" =~ ^[a-z][a-z0-9-]{1,39}$ ]] || { echo "::warning::skipping environments/${name}: not an environment name"; continue; }
  spec="environments/${name}/environment.yaml"
  if [ "$DIFF_FILTER" = "D" ]; then
    git show "${BASE_SHA}:${spec}" > "${RUNNER_TEMP}/spec.yaml" 2>/dev/null || continue
    spec="${RUNNER_TEMP}/spec.yaml"
  fi
  [ -f "$spec" ] || continue
  cloud="$(sed -n 's/^cloud: *//p' "$spec")"
  tier="$(sed -n 's/^tier: *//p' "$spec")"
  case "$cloud" in aws|gcp|azure) ;; *) echo "::error::${spec}: unknown cloud"; exit 1 ;; esac
  case "${tier:-dev}" in dev|staging|prod) ;; *) echo "::error::${spec}: unknown tier"; exit 1 ;; esac
  entry="$(jq -cn --arg e "$name" --arg c "$cloud" --arg t "${tier:-dev}" '{environment: $e, cloud: $c, tier: $t}')"
  if [ "${tier:-dev}" = "prod" ]; then
    production="$(jq -c --argjson e "$entry" '. + [$e]' <<< "$production")"
  else
    others="$(jq -c --argjson e "$entry" '. + [$e]' <<< "$others")"
  fi
done < <(git diff --name-only --diff-filter="$DIFF_FILTER" "$BASE_SHA" "$HEAD_SHA" -- environments/ | cut -d/ -f2 | sort -u)
echo "environments=${others}" >> "$GITHUB_OUTPUT"
echo "production=${production}" >> "$GITHUB_OUTPUT"
"""

def checkout(ref: str | None = None) -> dict[str, Any]:
    """Full-history checkout without leaving the token in .git/config."""
    step: dict[str, Any] = {"name": "Check out", "uses": uses("actions/checkout"),
                            "with": {"fetch-depth": 0, "persist-credentials": False}}
    if ref is not None:
        step["with"]["ref"] = ref
    return step


def install_cli() -> list[dict[str, Any]]:
    """Python, Terraform and the dev-agent CLI."""
    return [
        {"name": "Set up Python", "uses": uses("actions/setup-python"), "with": {"python-version": PYTHON_VERSION}},
        {"name": "Set up Terraform", "uses": uses("hashicorp/setup-terraform"),
         "with": {"terraform_version": TERRAFORM_VERSION, "terraform_wrapper": False}},
        {"name": "Install dev-agent", "env": {"DEV_AGENT_VERSION": bot.__version__},
         "run": 'python -m pip install --disable-pip-version-check "dev-agent==${DEV_AGENT_VERSION}"'},
    ]


# Validator versions `dev-agent plan --check` runs on the runner (checkov gets its own venv through pipx:
# its fork of python-hcl2 clashes with the one dev-agent uses).
VALIDATORS = {"checkov": "3.3.30", "check-jsonschema": "0.39.0", "zizmor": "1.32.0"}


def install_validators() -> dict[str, Any]:
    """Step installing the validators that `dev-agent check` runs."""
    return {
        "name": "Install validators",
        "env": {f"{name.upper().replace('-', '_')}_VERSION": version for name, version in VALIDATORS.items()},
        "run": 'pipx install "checkov==${CHECKOV_VERSION}"\n'
        'python -m pip install --disable-pip-version-check "check-jsonschema==${CHECK_JSONSCHEMA_VERSION}" '
        '"zizmor==${ZIZMOR_VERSION}"\n',
    }


def cloud_login(cloud: str, ids: CloudIdentities, condition: str | None = None) -> dict[str, Any]:
    """OIDC login to one cloud (no stored credentials); `condition` limits it to matching matrix entries."""
    steps: dict[str, dict[str, Any]] = {
        "aws": {"name": "Log in to AWS (OIDC)", "uses": uses("aws-actions/configure-aws-credentials"),
                "with": {"role-to-assume": ids.aws_role_arn, "aws-region": ids.state_region,
                         "role-session-name": "dev-agent"}},
        "gcp": {"name": "Log in to Google Cloud (OIDC)", "uses": uses("google-github-actions/auth"),
                "with": {"workload_identity_provider": ids.gcp_workload_identity_provider,
                         "service_account": ids.gcp_service_account}},
        "azure": {"name": "Log in to Azure (OIDC)", "uses": uses("azure/login"),
                  "with": {"client-id": ids.azure_client_id, "tenant-id": ids.azure_tenant_id,
                           "subscription-id": ids.azure_subscription_id}},
    }
    step = steps[cloud]
    if condition is not None:
        step = {"name": step["name"], "if": condition, **{k: v for k, v in step.items() if k != "name"}}
    return step


def matrix_logins(clouds: list[str], ids: CloudIdentities) -> list[dict[str, Any]]:
    """One login step per cloud in the repository, each run only for environments on that cloud."""
    return [cloud_login(c, ids, f"matrix.cloud == '{c}'") for c in clouds]


def changes_job(
    base: str, head: str, *, group: str, cancel: bool = False, diff_filter: str = "d", checkout_ref: str | None = None
) -> dict[str, Any]:
    """Job listing the environments a change touched (`diff_filter` D: those it deleted)."""
    return {
        "name": "Find changed environments",
        "runs-on": RUNNER,
        "permissions": {"contents": "read"},
        "concurrency": {"group": group, "cancel-in-progress": cancel},
        "outputs": {
            "environments": "${{ steps.changes.outputs.environments }}",
            "production": "${{ steps.changes.outputs.production }}",
        },
        "steps": [
            checkout(checkout_ref),
            {"name": "List changed environments", "id": "changes",
             "env": {"BASE_SHA": base, "HEAD_SHA": head, "DIFF_FILTER": diff_filter},
             "run": CHANGED_ENVIRONMENTS_SCRIPT},
        ],
    }


# Jobs running `dev-agent apply/destroy/drift/expire` report back with the workflow token: comments,
# revert/destroy PRs, the applied-revision ref and drift issues.
REPORTING_PERMISSIONS = {"contents": "write", "issues": "write", "pull-requests": "write", "id-token": "write"}
WORKFLOW_TOKEN_ENV = {"GITHUB_TOKEN": "${{ github.token }}"}


def per_environment_job(
    name: str, output: str, steps: list[dict[str, Any]], *, production: bool, group_suffix: str = "",
    cancel: bool = False, permissions: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A job run once per environment listed in `needs.changes.outputs.<output>`.

    Jobs that change infrastructure never cancel each other: they queue (FIFO) per environment.
    """
    job: dict[str, Any] = {
        "name": f"{name} ${{{{ matrix.environment }}}}",
        "needs": "changes",
        "if": f"needs.changes.outputs.{output} != '[]'",
        "runs-on": RUNNER,
        "permissions": permissions or {"contents": "read", "id-token": "write"},
        "strategy": {"fail-fast": False, "matrix": {"include": f"${{{{ fromJSON(needs.changes.outputs.{output}) }}}}"}},
        "concurrency": {"group": f"dev-agent-${{{{ matrix.environment }}}}{group_suffix}", "cancel-in-progress": cancel},
    }
    if not cancel:
        job["concurrency"]["queue"] = "max"  # pending runs wait in order instead of replacing each other
    if production:
        job["environment"] = "production"
    job["steps"] = steps
    return job
