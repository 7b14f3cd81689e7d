"""CKV_DEVAGENT_2: Azure resources carry the org's required tags, Google resources the required labels."""

from __future__ import annotations

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
from devagent_common import attribute, required_tags
from devagent_tables import TAG_PATHS

# AWS resources get their tags from the provider's default_tags, which CKV_DEVAGENT_1 checks.
CHECKED = [t for t in TAG_PATHS if not t.startswith("aws_")]


class RequiredTags(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure the resource carries the org's required tags/labels",
            id="CKV_DEVAGENT_2",
            categories=[CheckCategories.CONVENTION],
            supported_resources=CHECKED,
        )

    def scan_resource_conf(self, conf):
        tags = attribute(conf, *TAG_PATHS[self.entity_type])
        if not isinstance(tags, dict):
            return CheckResult.FAILED
        return CheckResult.PASSED if set(required_tags()) <= set(tags) else CheckResult.FAILED


check = RequiredTags()
