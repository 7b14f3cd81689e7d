"""CKV_DEVAGENT_4: an Azure Front Door (Standard/Premium) WAF policy blocks: enabled, Prevention mode, and a managed
rule set whose action is Block (checkov's own CKV_AZURE_123 / CKV_AZURE_133 cover classic Front Door only)."""

from __future__ import annotations

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
from devagent_common import attribute, is_true, unwrap


class FrontDoorWafBlocks(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure the Azure Front Door WAF policy is enabled in Prevention mode with a blocking managed rule set",
            id="CKV_DEVAGENT_4",
            categories=[CheckCategories.APPLICATION_SECURITY],
            supported_resources=["azurerm_cdn_frontdoor_firewall_policy"],
        )

    def scan_resource_conf(self, conf):
        if not is_true(conf.get("enabled", [True])) or unwrap(conf.get("mode")) != "Prevention":
            return CheckResult.FAILED
        rules = conf.get("managed_rule") or []
        blocking = [r for r in rules if isinstance(r, dict) and attribute(r, "action") == "Block"]
        return CheckResult.PASSED if blocking else CheckResult.FAILED


check = FrontDoorWafBlocks()
