"""IAM policy lint (parliament) of every policy an applied environment holds, resolved from Terraform's state."""

from __future__ import annotations

import json
from pathlib import Path

from parliament import analyze_policy_string

from bot.pipeline import terraform

# Identity policies only: parliament reads trust policies (no Resource) as malformed identity policies.
POLICY_ATTRIBUTES = {"aws_iam_policy_document": "json", "aws_iam_role_policy": "policy", "aws_iam_policy": "policy"}


def policies(directory: Path) -> dict[str, str]:
    """address -> policy JSON of every IAM policy in the state of `directory`."""
    result = terraform.run(directory, ["show", "-json", "-no-color"], 600)
    if not result.ok:
        raise RuntimeError(result.summary())
    state = json.loads(result.stdout)
    found = {}
    for resource in state.get("values", {}).get("root_module", {}).get("resources", []):
        attribute = POLICY_ATTRIBUTES.get(resource["type"])
        if attribute and resource["values"].get(attribute):
            found[resource["address"]] = resource["values"][attribute]
    return found


def findings(directory: Path) -> list[str]:
    """`address: ISSUE detail` for everything parliament finds in the environment's identity policies."""
    out = []
    for address, text in policies(directory).items():
        for finding in analyze_policy_string(text, ignore_private_auditors=True).findings:
            out.append(f"{address}: {finding.issue} {finding.detail}")
    return out
