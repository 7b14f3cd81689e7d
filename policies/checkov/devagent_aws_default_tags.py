"""CKV_DEVAGENT_1: the AWS provider tags every resource with the org's required tags (default_tags)."""

from __future__ import annotations

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.provider.base_check import BaseProviderCheck
from devagent_common import attribute, required_tags


class AwsDefaultTags(BaseProviderCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure the AWS provider sets the org's required tags in default_tags",
            id="CKV_DEVAGENT_1",
            categories=[CheckCategories.CONVENTION],
            supported_provider=["aws"],
        )

    def scan_provider_conf(self, conf):
        tags = attribute(conf, "default_tags", "tags")
        if not isinstance(tags, dict):
            return CheckResult.FAILED
        return CheckResult.PASSED if set(required_tags()) <= set(tags) else CheckResult.FAILED


check = AwsDefaultTags()
