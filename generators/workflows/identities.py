"""The cloud identities the workflows log in as (OIDC): the only settings the workflow text depends on."""

from __future__ import annotations

from dataclasses import dataclass

from bot.settings import Settings


@dataclass(frozen=True)
class CloudIdentities:
    """Role/provider/client ids per cloud; hashable, so rendered workflows can be cached per value."""

    aws_role_arn: str
    state_region: str
    gcp_workload_identity_provider: str
    gcp_service_account: str
    azure_client_id: str
    azure_tenant_id: str
    azure_subscription_id: str

    @classmethod
    def from_settings(cls, settings: Settings) -> CloudIdentities:
        return cls(
            aws_role_arn=settings.aws_role_arn,
            state_region=settings.state_region,
            gcp_workload_identity_provider=settings.gcp_workload_identity_provider,
            gcp_service_account=settings.gcp_service_account,
            azure_client_id=settings.azure_client_id,
            azure_tenant_id=settings.azure_tenant_id,
            azure_subscription_id=settings.azure_subscription_id,
        )
