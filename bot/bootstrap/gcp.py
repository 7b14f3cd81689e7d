"""GCP bootstrap (gcloud): a CMEK-encrypted, versioned, never-public GCS state bucket, a workload identity pool
for GitHub, and read-only plan / deploy service accounts impersonable only by this repository's jobs."""

from __future__ import annotations

import datetime as dt
import re

from bot.bootstrap import BootstrapInputError, BootstrapResult, Target
from bot.bootstrap.commands import Cli, Runner, Step
from bot.settings import Settings

PROJECT = re.compile(r"^[a-z][a-z0-9-]{4,28}[a-z0-9]$")
LOCATION = re.compile(r"^[a-z0-9-]{2,30}$")
POOL = PROVIDER = "github"
KEYRING, KEY = "dev-agent", "tfstate"
PLAN_ACCOUNT, DEPLOY_ACCOUNT = "dev-agent-plan", "dev-agent-deploy"
PLAN_ROLES = ["roles/viewer"]
DEPLOY_ROLES = ["roles/editor", "roles/iam.securityAdmin", "roles/iam.serviceAccountAdmin"]


def bootstrap(target: Target, *, bucket: str | None, region: str | None, project: str | None,
              subscription: str | None, settings: Settings, dry_run: bool = False,
              runner: Runner | None = None) -> BootstrapResult:
    """Create or repair the GCP side; `dry_run` lists the gcloud commands instead."""
    project = project or settings.gcp_project_id
    if not project or not PROJECT.match(project):
        raise BootstrapInputError(f"--project {project!r}: a GCP project id is required")
    location = region or "us-central1"
    if not LOCATION.match(location):
        raise BootstrapInputError(f"--region {location!r}: not a GCP location")
    bucket = bucket or settings.state_bucket
    result = BootstrapResult(cloud="gcp", dry_run=dry_run)
    cli = Cli("gcloud", result, dry_run, runner)
    p = ["--project", project]
    number = cli.value(["gcloud", "projects", "describe", project, "--format=value(projectNumber)"], "PROJECT_NUMBER")
    key = f"projects/{project}/locations/{location}/keyRings/{KEYRING}/cryptoKeys/{KEY}"
    rotation = (dt.datetime.now(dt.UTC) + dt.timedelta(days=90)).strftime("%Y-%m-%dT%H:%M:%SZ")
    sa = {name: f"{name}@{project}.iam.gserviceaccount.com" for name in (PLAN_ACCOUNT, DEPLOY_ACCOUNT)}
    pool = f"projects/{number}/locations/global/workloadIdentityPools/{POOL}"
    steps = [
        Step(f"KMS key ring {KEYRING}", ["gcloud", "kms", "keyrings", "create", KEYRING, "--location", location, *p],
             ["gcloud", "kms", "keyrings", "describe", KEYRING, "--location", location, *p]),
        Step(f"KMS key {KEY} (rotated every 90 days)",
             ["gcloud", "kms", "keys", "create", KEY, "--keyring", KEYRING, "--location", location, "--purpose",
              "encryption", "--rotation-period", "90d", "--next-rotation-time", rotation, *p],
             ["gcloud", "kms", "keys", "describe", KEY, "--keyring", KEYRING, "--location", location, *p]),
        Step("Cloud Storage service agent may use the key",
             ["gcloud", "storage", "service-agent", "--authorize-cmek", key, *p]),
        Step(f"GCS bucket gs://{bucket}",
             ["gcloud", "storage", "buckets", "create", f"gs://{bucket}", "--location", location,
              "--uniform-bucket-level-access", "--public-access-prevention", "--default-encryption-key", key, *p],
             ["gcloud", "storage", "buckets", "describe", f"gs://{bucket}", *p]),
        Step(f"gs://{bucket}: versioning on, CMEK, public access prevented, uniform access",
             ["gcloud", "storage", "buckets", "update", f"gs://{bucket}", "--versioning", "--public-access-prevention",
              "--uniform-bucket-level-access", "--default-encryption-key", key, *p]),
        Step(f"workload identity pool {POOL}",
             ["gcloud", "iam", "workload-identity-pools", "create", POOL, "--location", "global",
              "--display-name", "GitHub Actions", *p],
             ["gcloud", "iam", "workload-identity-pools", "describe", POOL, "--location", "global", *p]),
        Step(f"OIDC provider {PROVIDER} (only {target.repository})",
             ["gcloud", "iam", "workload-identity-pools", "providers", "create-oidc", PROVIDER,
              "--workload-identity-pool", POOL, "--location", "global", "--issuer-uri", target.issuer,
              "--attribute-mapping", "google.subject=assertion.sub,attribute.repository=assertion.repository",
              "--attribute-condition", f"assertion.repository == '{target.repository}'", *p],
             ["gcloud", "iam", "workload-identity-pools", "providers", "describe", PROVIDER,
              "--workload-identity-pool", POOL, "--location", "global", *p]),
    ]
    for name, roles, subjects, bucket_role in ((PLAN_ACCOUNT, PLAN_ROLES, target.plan_subjects,
                                                "roles/storage.objectUser"),
                                               (DEPLOY_ACCOUNT, DEPLOY_ROLES, target.deploy_subjects,
                                                "roles/storage.objectAdmin")):
        member = f"serviceAccount:{sa[name]}"
        steps.append(Step(f"service account {sa[name]}",
                          ["gcloud", "iam", "service-accounts", "create", name, "--display-name", name, *p],
                          ["gcloud", "iam", "service-accounts", "describe", sa[name], *p]))
        steps += [Step(f"{name}: {role} on {project}", ["gcloud", "projects", "add-iam-policy-binding", project,
                                                         "--member", member, "--role", role, "--condition=None"])
                  for role in roles]
        steps.append(Step(f"{name}: {bucket_role} on gs://{bucket} (state and lock file)",
                          ["gcloud", "storage", "buckets", "add-iam-policy-binding", f"gs://{bucket}",
                           "--member", member, "--role", bucket_role]))
        steps.append(Step(f"{name}: may use the state key",
                          ["gcloud", "kms", "keys", "add-iam-policy-binding", KEY, "--keyring", KEYRING,
                           "--location", location, "--member", member,
                           "--role", "roles/cloudkms.cryptoKeyEncrypterDecrypter", *p]))
        steps += [Step(f"{name}: impersonable by {subject} only",
                       ["gcloud", "iam", "service-accounts", "add-iam-policy-binding", sa[name],
                        "--role", "roles/iam.workloadIdentityUser",
                        "--member", f"principal://iam.googleapis.com/{pool}/subject/{subject}", *p])
                  for subject in subjects]
    for step in steps:
        cli.ensure(step)
    result.settings = {"DEV_AGENT_STATE_BUCKET": bucket, "DEV_AGENT_GCP_PROJECT_ID": project,
                       "DEV_AGENT_GCP_WORKLOAD_IDENTITY_PROVIDER": f"{pool}/providers/{PROVIDER}",
                       "DEV_AGENT_GCP_PLAN_SERVICE_ACCOUNT": sa[PLAN_ACCOUNT],
                       "DEV_AGENT_GCP_SERVICE_ACCOUNT": sa[DEPLOY_ACCOUNT]}
    result.variables = {"DEV_AGENT_GCP_PROJECT_ID": project}
    return result
