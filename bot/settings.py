"""Settings: every knob of the bot, read from `DEV_AGENT_*` environment variables (and a few standard ones)."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.install_source import InstallSource


class Settings(BaseSettings):
    """Configuration of the bot, the CLI and the generated workflows."""

    model_config = SettingsConfigDict(env_prefix="DEV_AGENT_", extra="ignore")

    # Understanding
    anthropic_api_key: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("ANTHROPIC_API_KEY", "DEV_AGENT_ANTHROPIC_API_KEY"),
        description="Enables the Claude engine; without it the deterministic parser is used.",
    )
    anthropic_base_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("ANTHROPIC_BASE_URL", "DEV_AGENT_ANTHROPIC_BASE_URL"),
        description="Messages API base URL (tests point it at a local server).",
    )
    model: str = Field(default="claude-sonnet-4-6", description="Claude model used for understanding.")
    model_timeout_seconds: float = Field(default=20.0, gt=0, description="Timeout of one model call.")

    # GitHub App
    github_api_url: str = Field(default="https://api.github.com", description="REST API base (GitHub Enterprise or the sandbox).")
    github_app_id: int | None = Field(default=None, description="The App's id.")
    github_private_key: SecretStr | None = Field(default=None, description="The App's private key (PEM).")
    github_private_key_path: Path | None = Field(default=None, description="File holding the App's private key.")
    webhook_secret: SecretStr | None = Field(default=None, description="Secret that signs webhook deliveries.")
    github_write_interval_seconds: float = Field(
        default=0.05, ge=0, le=5,
        description="Pause between write calls of one client (PyGithub throttle); secondary limits are also backed off.")
    github_client_id: str | None = Field(
        default=None, description="The App's client id: enables 'Sign in with GitHub' on the dashboard (the App's "
                                  "user authorisation; its callback URL is <dashboard>/dashboard/oauth/callback).")
    github_client_secret: SecretStr | None = Field(default=None, description="The App's client secret (sign-in).")
    github_web_url: str | None = Field(
        default=None, description="GitHub's web URL for sign-in (/login/oauth/...); unset = https://github.com for "
                                  "api.github.com, else the API URL without /api/v3 (GitHub Enterprise, the sandbox).")
    bot_login: str = Field(default="dev-agent[bot]", description="The App's bot login (its own events are ignored).")
    oidc_issuer: str | None = Field(
        default=None, description="An OpenID Connect provider's issuer URL: enables 'Sign in with <DEV_AGENT_OIDC_NAME>' "
                                  "on the dashboard (discovery at <issuer>/.well-known/openid-configuration; register "
                                  "<dashboard>/dashboard/oidc/callback as the client's redirect URI).")
    oidc_client_id: str | None = Field(default=None, description="The OIDC client id (the ID token's audience).")
    oidc_client_secret: SecretStr | None = Field(default=None, description="The OIDC client secret.")
    oidc_name: str = Field(default="SSO", max_length=40, description="The OIDC provider's name on the sign-in button.")
    oidc_login_claim: str = Field(
        default="github_login", pattern=r"^[A-Za-z0-9_.:/-]{1,100}$",
        description="The ID token claim naming the user's GitHub login, whose repository access applies; a user "
                    "without it signs in but sees nothing. Use a claim only the provider's admins can set.")
    access_cache_seconds: float = Field(
        default=60.0, ge=0, le=3600, description="How long the dashboard and API trust GitHub's answer to 'is this "
                                                 "user a collaborator of this repository' (access taken away on "
                                                 "GitHub disappears within this).")
    state_keys: SecretStr | None = Field(
        default=None, description="HMAC keys signing request state in the bot's comments: id:secret[,id:secret...], "
                                  "newest first (rotation); unset = one key derived from the App's private key. "
                                  "Never the webhook secret.")
    http_header_timeout_seconds: float = Field(
        default=10.0, gt=0, le=300, description="A request's line and headers must arrive within this (else 408).")
    http_body_timeout_seconds: float = Field(
        default=30.0, gt=0, le=3600, description="A request's body must arrive within this after its headers (else 408).")

    # Queue
    redis_url: str | None = Field(default=None, validation_alias=AliasChoices("REDIS_URL", "DEV_AGENT_REDIS_URL"),
                                  description="Redis for the rq queue, dedupe and locks; unset = in-process worker.")
    queue_name: str = Field(default="dev-agent", description="rq queue name.")
    job_heartbeat_seconds: int = Field(default=10, ge=1, le=300,
                                       description="How often a worker confirms it is still running a job.")
    job_abandon_grace_seconds: int = Field(
        default=20, ge=1, le=3600,
        description="A job whose worker missed its heartbeat by this long is treated as abandoned (the worker "
                    "was killed) and run again at once by the next worker maintenance.")
    worker_maintenance_seconds: int = Field(default=30, ge=1, le=3600,
                                            description="Seconds between a worker's maintenance passes "
                                                        "(recovering abandoned jobs, cleaning registries).")
    lock_ttl_seconds: int = Field(default=7 * 24 * 3600, gt=0,
                                  description="Expiry of a per-environment lock (held until the PR closes).")
    job_retention_seconds: int = Field(default=7 * 24 * 3600, gt=0,
                                       description="How long a job record (GET /api/jobs/{id}, the dashboard's "
                                                   "recent jobs) is kept after its last update.")
    run_checks: bool = Field(default=True, description="Run the validators (terraform, checkov, helm) in the bot's jobs; "
                             "when false the PR check run defers to the dev-agent-plan workflow.")

    # Terraform state backend written into generated backend.tf (`dev-agent bootstrap` creates it)
    state_bucket: str = Field(default="dev-agent-tfstate", description="S3/GCS bucket or Azure container for state.")
    state_region: str = Field(default="us-east-1", description="Region of the AWS state bucket.")
    state_kms_key_id: str = Field(default="", description="ARN of the KMS key that encrypts AWS state objects "
                                  "(printed by `dev-agent bootstrap --cloud aws`); required outside sandbox mode.")
    azure_state_resource_group: str = Field(default="dev-agent-state", description="Resource group of the Azure state account.")
    azure_state_storage_account: str = Field(default="devagentstate", description="Azure storage account for state.")

    # How the generated workflows install dev-agent and the validators (bot/install.py, docs/install.md)
    install: InstallSource | None = Field(
        default=None, description="JSON: {\"kind\": \"index\", \"version\", \"sha256\", \"index_url\"} | "
        "{\"kind\": \"wheel\", \"url\", \"sha256\"} | {\"kind\": \"container\", \"image\": \"...@sha256:...\"}; "
        "unset = the org policy's `install`, else (sandbox mode) a hash-pinned wheel of this source.")

    # Cloud identities used by the generated workflows (OIDC). Two per cloud: a read-only one for the pull-request
    # plan jobs and a deploy one for the default branch / `production` environment. The defaults are placeholders
    # (`dev-agent check` refuses them outside sandbox mode); `dev-agent bootstrap` prints the real values.
    sandbox: bool = Field(default=False, description="Sandbox/demo mode: placeholder cloud ids are accepted and the "
                          "workflows install a locally built, hash-pinned wheel of dev-agent.")
    aws_role_arn: str = Field(default="arn:aws:iam::123456789012:role/dev-agent-deployer",
                              description="Deploy role the apply/destroy/drift/expire workflows assume through GitHub OIDC.")
    aws_plan_role_arn: str = Field(default="arn:aws:iam::123456789012:role/dev-agent-plan",
                                   description="Read-only role the pull-request plan jobs assume through GitHub OIDC.")
    gcp_workload_identity_provider: str = Field(
        default="projects/123456789012/locations/global/workloadIdentityPools/github/providers/github",
        description="GCP workload identity provider the workflows authenticate through (OIDC).")
    gcp_service_account: str = Field(default="dev-agent-deployer@example-project.iam.gserviceaccount.com",
                                     description="GCP service account the deploy jobs impersonate.")
    gcp_plan_service_account: str = Field(default="dev-agent-plan@example-project.iam.gserviceaccount.com",
                                          description="Read-only GCP service account the plan jobs impersonate.")
    gcp_project_id: str = Field(default="", description="GCP project of the state bucket and, unless an environment "
                                "sets its own, of the environments (the workflows get it from the repository "
                                "variable DEV_AGENT_GCP_PROJECT_ID as TF_VAR_project_id; set both).")
    azure_client_id: str = Field(default="00000000-0000-0000-0000-000000000000",
                                 description="Client id of the Azure deploy identity (GitHub federated credential).")
    azure_plan_client_id: str = Field(default="00000000-0000-0000-0000-000000000000",
                                      description="Client id of the read-only Azure identity the plan jobs use.")
    azure_tenant_id: str = Field(default="00000000-0000-0000-0000-000000000000", description="Azure tenant id.")
    azure_subscription_id: str = Field(default="00000000-0000-0000-0000-000000000000", description="Azure subscription id.")

    # Generated Kubernetes manifests
    ingress_domain: str = Field(default="dev.example.com", pattern=r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$",
                                description="DNS zone of generated Ingress hosts (<environment>.<domain>).")

    state_dir: Path = Field(default=Path(".dev-agent"),
                            description="Local state: the embedded SQLite database (unless DEV_AGENT_DATABASE_URL "
                                        "is set) and the deploy workspaces.")
    database_url: SecretStr | None = Field(
        default=None, description="SQLAlchemy URL of the durable store (environments and their history, audit "
                                  "trail, API keys, installations, jobs), e.g. postgresql://user:pw@host/dev_agent; "
                                  "unset = SQLite at <state_dir>/dev-agent.db.")

    # Behaviour
    policy_file: Path | None = Field(default=None, description="Org policy YAML; default is the bundled policies/org-policy.yaml.")
    revert_on_failure: bool = Field(default=True, description="Open a revert PR when an apply fails.")
    kube_context: str | None = Field(default=None, description="kube context `dev-agent apply` deploys the Helm chart to; "
                                     "unset = render only, deploy skipped.")
    tool_timeout_seconds: int = Field(default=600, gt=0, description="Limit for one external tool run.")
    terraform_plugin_mirror: Path | None = Field(
        default=None,
        description="Provider filesystem mirror `terraform init` installs from (offline); unset = look in "
                    "/opt/tf-plugins and the usual plugin dirs, else use the registry.")
    checkov_bin: str = Field(default="checkov", description="checkov executable (it lives in its own virtualenv).")
    warm_checks: bool = Field(default=True, description="Keep the checkers warm: checkov scans in a long-lived process "
                              "per worker (imported once, a fork per scan) and `terraform validate` uses a directory "
                              "initialised once per provider set; false = a fresh CLI and `terraform init` per check.")
    checkov_max_rss_mb: float = Field(default=1024.0, gt=0, description="Memory ceiling of the warm checkov process; "
                                      "past it, the process exits after its scan and the next scan starts a fresh one.")
    check_cache: bool = Field(default=True, description="Remember check results by the content hash of what each check "
                              "reads: unchanged inputs are not checked again.")
    check_cache_dir: Path = Field(default=Path("~/.cache/dev-agent/checks"),
                                  description="Where remembered check results are kept (bounded, shared by a "
                                              "machine's workers).")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (read once). `DEV_AGENT_SECRETS_DIR` adds files as a source (one per setting)."""
    # _secrets_dir is pydantic-settings' init keyword, which mypy only knows through pydantic's plugin
    return Settings(_secrets_dir=os.environ.get("DEV_AGENT_SECRETS_DIR") or None)  # type: ignore[call-arg]
