"""The settings the workflow text depends on: the cloud identities the workflows log in as (OIDC) and the
state/ingress settings the plan job regenerates the environment with (so its `git diff` compares like with like).

Each cloud has two: a read-only plan identity for pull-request jobs and a deploy identity for jobs on the default
branch (apply, destroy, drift, expire), whose production jobs also wait for the `production` environment.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.settings import Settings

Role = Literal["plan", "deploy"]


@dataclass(frozen=True)
class CloudIdentities:
    """Role/provider/client ids per cloud; hashable, so rendered workflows can be cached per value."""

    aws_role_arn: str
    aws_plan_role_arn: str
    state_region: str
    gcp_workload_identity_provider: str
    gcp_service_account: str
    gcp_plan_service_account: str
    azure_client_id: str
    azure_plan_client_id: str
    azure_tenant_id: str
    azure_subscription_id: str
    state_bucket: str = ""
    state_kms_key_id: str = ""
    azure_state_resource_group: str = ""
    azure_state_storage_account: str = ""
    ingress_domain: str = ""
    sandbox: bool = False
    bot_login: str = "dev-agent[bot]"

    @classmethod
    def from_settings(cls, settings: Settings) -> CloudIdentities:
        return cls(
            aws_role_arn=settings.aws_role_arn,
            aws_plan_role_arn=settings.aws_plan_role_arn,
            state_region=settings.state_region,
            gcp_workload_identity_provider=settings.gcp_workload_identity_provider,
            gcp_service_account=settings.gcp_service_account,
            gcp_plan_service_account=settings.gcp_plan_service_account,
            azure_client_id=settings.azure_client_id,
            azure_plan_client_id=settings.azure_plan_client_id,
            azure_tenant_id=settings.azure_tenant_id,
            azure_subscription_id=settings.azure_subscription_id,
            state_bucket=settings.state_bucket,
            state_kms_key_id=settings.state_kms_key_id,
            azure_state_resource_group=settings.azure_state_resource_group,
            azure_state_storage_account=settings.azure_state_storage_account,
            ingress_domain=settings.ingress_domain,
            sandbox=settings.sandbox,
            bot_login=settings.bot_login,
        )

    def generation_env(self) -> dict[str, str]:
        """DEV_AGENT_* values `dev-agent plan` on the runner needs to regenerate exactly what the bot generated."""
        return {
            "DEV_AGENT_STATE_BUCKET": self.state_bucket,
            "DEV_AGENT_STATE_REGION": self.state_region,
            "DEV_AGENT_STATE_KMS_KEY_ID": self.state_kms_key_id,
            "DEV_AGENT_AZURE_STATE_RESOURCE_GROUP": self.azure_state_resource_group,
            "DEV_AGENT_AZURE_STATE_STORAGE_ACCOUNT": self.azure_state_storage_account,
            "DEV_AGENT_INGRESS_DOMAIN": self.ingress_domain,
            "DEV_AGENT_BOT_LOGIN": self.bot_login,
            **({"DEV_AGENT_SANDBOX": "true"} if self.sandbox else {}),
        }

    def aws_role(self, role: Role) -> str:
        return self.aws_plan_role_arn if role == "plan" else self.aws_role_arn

    def gcp_account(self, role: Role) -> str:
        return self.gcp_plan_service_account if role == "plan" else self.gcp_service_account

    def azure_client(self, role: Role) -> str:
        return self.azure_plan_client_id if role == "plan" else self.azure_client_id
