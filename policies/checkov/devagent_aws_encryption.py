"""CKV_DEVAGENT_3: AWS storage is encrypted at rest (the built-in guard, as a checkov check)."""

from __future__ import annotations

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
from devagent_common import attribute, is_true
from devagent_tables import ENCRYPTION_FLAGS


class AwsEncryptedStorage(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure AWS storage is encrypted at rest",
            id="CKV_DEVAGENT_3",
            categories=[CheckCategories.ENCRYPTION],
            supported_resources=list(ENCRYPTION_FLAGS),
        )

    def scan_resource_conf(self, conf):
        flag = attribute(conf, *ENCRYPTION_FLAGS[self.entity_type])
        return CheckResult.PASSED if is_true(flag) else CheckResult.FAILED


check = AwsEncryptedStorage()
