"""Steps and jobs shared by the workflows. Untrusted values reach scripts only through env vars."""

from __future__ import annotations

from typing import Any

from bot.inputs import INPUTS
from bot.install_source import InstallSource
from generators.workflows.actions import uses
from generators.workflows.identities import CloudIdentities, Role

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


# Requirements files generated next to the workflows (hash-pinned; see bot/install.py and locks/).
REQUIREMENTS_DIR = ".github/dev-agent"
RUNTIME_REQUIREMENTS = f"{REQUIREMENTS_DIR}/requirements.txt"
VALIDATOR_REQUIREMENTS = f"{REQUIREMENTS_DIR}/validators.txt"
CHECKOV_REQUIREMENTS = f"{REQUIREMENTS_DIR}/checkov.txt"
PIP_INSTALL = 'install --disable-pip-version-check --no-deps --require-hashes --index-url "$DEV_AGENT_INDEX_URL"'

# Validator versions `dev-agent plan --check` runs on the runner (checkov gets its own venv: its fork of
# python-hcl2 clashes with the one dev-agent uses). Their hashes: generators/workflows/locks/.
VALIDATORS = {"checkov": "3.3.30", "check-jsonschema": "0.39.0", "zizmor": "1.32.0"}
CHECKOV_VENV = "${{ runner.temp }}/checkov"

NOT_CONFIGURED_SCRIPT = """\
echo "::error title=dev-agent install source not configured::Set DEV_AGENT_INSTALL or \
install: in the org policy file to a pinned source (docs/install.md), then re-plan."
exit 1
"""


def install_cli(install: InstallSource | None) -> list[dict[str, Any]]:
    """Python, Terraform and the dev-agent CLI, from the pinned install source (nothing: the image has them)."""
    if install is not None and install.kind == "container":
        return []
    tools: list[dict[str, Any]] = [
        {"name": "Set up Python", "uses": uses("actions/setup-python"), "with": {"python-version": PYTHON_VERSION}},
        {"name": "Set up Terraform", "uses": uses("hashicorp/setup-terraform"),
         "with": {"terraform_version": TERRAFORM_VERSION, "terraform_wrapper": False}},
    ]
    if install is None:
        return [*tools, {"name": "Install dev-agent", "run": NOT_CONFIGURED_SCRIPT}]
    return [*tools, {"name": "Install dev-agent (hash-pinned)", "env": {"DEV_AGENT_INDEX_URL": install.index_url},
                     "run": f"python -m pip {PIP_INSTALL} -r {RUNTIME_REQUIREMENTS}\n"}]


def install_validators(install: InstallSource | None) -> list[dict[str, Any]]:
    """Steps installing the validators `dev-agent check` runs (hash-pinned; the container image has them)."""
    if install is None or install.kind == "container":
        return []
    return [{
        "name": "Install validators (hash-pinned)",
        "env": {"DEV_AGENT_INDEX_URL": install.index_url, "CHECKOV_VENV": CHECKOV_VENV},
        "run": f"python -m pip {PIP_INSTALL} -r {VALIDATOR_REQUIREMENTS}\n"
               'python -m venv "$CHECKOV_VENV"\n'
               f'"$CHECKOV_VENV/bin/python" -m pip {PIP_INSTALL} -r {CHECKOV_REQUIREMENTS}\n',
    }]


def checkov_env(install: InstallSource | None) -> dict[str, str]:
    """Where `dev-agent check` finds checkov on the runner."""
    if install is None or install.kind == "container":
        return {}
    return {"DEV_AGENT_CHECKOV_BIN": f"{CHECKOV_VENV}/bin/checkov"}


def tf_var_env(clouds: list[str]) -> dict[str, str]:
    """Org-wide Terraform inputs from repository variables (bot/inputs.py): `TF_VAR_<name>` per cloud used.
    A per-environment value in dev-agent.auto.tfvars.json takes precedence (Terraform's own order)."""
    return {f"TF_VAR_{name}": f"${{{{ vars.{info.repository_variable} }}}}" for name, info in INPUTS.items()
            if info.repository_variable and info.cloud in clouds}


def job_container(install: InstallSource | None) -> dict[str, Any]:
    """`container:` for the jobs when dev-agent comes as an image pinned by digest."""
    return {"container": {"image": install.image}} if install is not None and install.kind == "container" else {}


def cloud_login(cloud: str, ids: CloudIdentities, role: Role, condition: str | None = None) -> dict[str, Any]:
    """OIDC login to one cloud as its plan (read-only) or deploy identity (no stored credentials);
    `condition` limits it to matching matrix entries."""
    steps: dict[str, dict[str, Any]] = {
        "aws": {"name": "Log in to AWS (OIDC)", "uses": uses("aws-actions/configure-aws-credentials"),
                "with": {"role-to-assume": ids.aws_role(role), "aws-region": ids.state_region,
                         "role-session-name": f"dev-agent-{role}"}},
        "gcp": {"name": "Log in to Google Cloud (OIDC)", "uses": uses("google-github-actions/auth"),
                "with": {"workload_identity_provider": ids.gcp_workload_identity_provider,
                         "service_account": ids.gcp_account(role)}},
        "azure": {"name": "Log in to Azure (OIDC)", "uses": uses("azure/login"),
                  "with": {"client-id": ids.azure_client(role), "tenant-id": ids.azure_tenant_id,
                           "subscription-id": ids.azure_subscription_id}},
    }
    step = steps[cloud]
    if condition is not None:
        step = {"name": step["name"], "if": condition, **{k: v for k, v in step.items() if k != "name"}}
    return step


def matrix_logins(clouds: list[str], ids: CloudIdentities, role: Role) -> list[dict[str, Any]]:
    """One login step per cloud in the repository, each run only for environments on that cloud."""
    return [cloud_login(c, ids, role, f"matrix.cloud == '{c}'") for c in clouds]


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


def reporting_env(ids: CloudIdentities) -> dict[str, str]:
    """The workflow token, and the App's bot login: the CLI trusts markers only in what that user (or the token's
    own identity) wrote, e.g. the PR->request link of the bot's PR (bot/request/markers.py)."""
    return {"GITHUB_TOKEN": "${{ github.token }}", "DEV_AGENT_BOT_LOGIN": ids.bot_login}


def per_environment_job(
    name: str, output: str, steps: list[dict[str, Any]], *, production: bool, group_suffix: str = "",
    cancel: bool = False, permissions: dict[str, str] | None = None, install: InstallSource | None = None,
) -> dict[str, Any]:
    """A job run once per environment listed in `needs.changes.outputs.<output>`.

    Jobs that change infrastructure never cancel a running one: one runs per environment at a time. A newer
    pending job of the same environment replaces an older pending one (GitHub's default); it applies the
    environment at a later commit of the default branch, which holds the older change too. (`queue: max` would
    keep both, but act 0.2.89 cannot load a workflow using it: nektos/act#6095.)
    """
    job: dict[str, Any] = {
        "name": f"{name} ${{{{ matrix.environment }}}}",
        "needs": "changes",
        "if": f"needs.changes.outputs.{output} != '[]'",
        "runs-on": RUNNER,
        **job_container(install),
        "permissions": permissions or {"contents": "read", "id-token": "write"},
        "strategy": {"fail-fast": False, "matrix": {"include": f"${{{{ fromJSON(needs.changes.outputs.{output}) }}}}"}},
        "concurrency": {"group": f"dev-agent-${{{{ matrix.environment }}}}{group_suffix}", "cancel-in-progress": cancel},
    }
    if production:
        job["environment"] = "production"
    job["steps"] = steps
    return job
