"""Drift: what `terraform plan` found changed outside Terraform, per resource and attribute.

The drift issue leads with what matters: security-relevant changes (ingress, IAM, encryption, public access)
first, each with what it now allows; other changes in a table; tag-only drift collapsed into one line.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from bot.markdown import code_span, escape_cell, escape_text
from bot.request import markers

WORLD = {"0.0.0.0/0", "::/0", "*", "Internet", "any"}
# Resource types whose every change is security-relevant (prefix match).
SECURITY_TYPES = (
    "aws_security_group", "aws_vpc_security_group_", "aws_network_acl", "aws_iam_", "aws_kms_",
    "aws_s3_bucket_public_access_block", "aws_s3_bucket_policy", "aws_s3_bucket_acl",
    "aws_s3_bucket_server_side_encryption", "aws_wafv2_", "aws_lb_listener", "aws_secretsmanager_secret_policy",
    "google_compute_firewall", "google_project_iam", "google_service_account", "google_kms_",
    "google_storage_bucket_iam", "google_secret_manager_secret_iam", "azurerm_network_security_",
    "azurerm_role_assignment", "azurerm_key_vault_access_policy", "azurerm_storage_account_network_rules",
    "google_compute_security_policy", "google_compute_ssl_policy", "azurerm_cdn_frontdoor_firewall_policy",
    "azurerm_cdn_frontdoor_security_policy", "aws_cloudfront_distribution",
)
# Attribute names that are security-relevant on any resource (substring match on the dotted path).
SECURITY_ATTRIBUTES = (
    "ingress", "egress", "cidr", "source_ranges", "policy", "encrypt", "kms", "public", "acl", "iam_", "role",
    "ssl", "tls", "https", "security_group", "authorized", "deletion_protection", "password", "auth",
    "network_rules", "firewall", "allowed_ip",
)
TAG_ATTRIBUTES = ("tags", "tags_all", "labels", "effective_labels", "terraform_labels")


class DriftedResource(BaseModel):
    """One resource whose real state differs from the last applied state."""

    address: str
    actions: list[str]
    attributes: list[str]
    security: bool = False
    findings: list[str] = []  # what a security-relevant change now allows, in words

    @property
    def tags_only(self) -> bool:
        return bool(self.attributes) and all(a.split(".")[0] in TAG_ATTRIBUTES for a in self.attributes)


def _changed_paths(before: Any, after: Any, prefix: str = "") -> list[str]:
    """Dotted paths where two JSON values differ (maps compared key by key, lists as a whole). Null and an empty
    map/list/string are the same value: the AWS provider's refresh turns an unset `tags` into `{}` on every
    resource tagged only through default_tags, which is no change anyone made."""
    if isinstance(before, dict) and isinstance(after, dict):
        paths: list[str] = []
        for key in sorted(set(before) | set(after)):
            paths += _changed_paths(before.get(key), after.get(key), f"{prefix}{key}.")
        return paths
    if before in EMPTY and after in EMPTY:
        return []
    return [prefix.rstrip(".")] if before != after else []


EMPTY: tuple[Any, ...] = (None, {}, [], "")


def _rules(value: Any) -> list[dict[str, Any]]:
    """Every map inside `value` (rules of an inline ingress list, or the resource itself)."""
    if isinstance(value, dict):
        return [value, *(r for v in value.values() for r in _rules(v))]
    if isinstance(value, list):
        return [r for v in value for r in _rules(v)]
    return []


def _sources(rule: dict[str, Any]) -> set[str]:
    found: set[str] = set()
    for key in ("cidr_blocks", "ipv6_cidr_blocks", "cidr_ipv4", "cidr_ipv6", "source_ranges",
                "source_address_prefix", "source_address_prefixes"):
        value = rule.get(key)
        found |= {str(v) for v in value} if isinstance(value, list) else ({str(value)} if value else set())
    return found


def _ports(rule: dict[str, Any]) -> str:
    low = rule.get("from_port", rule.get("destination_port_range"))
    high = rule.get("to_port", low)
    protocol = str(rule.get("protocol") or rule.get("ip_protocol") or "").replace("-1", "all")
    ports = "all ports" if low in (None, 0, "*") and high in (None, 0, 65535, "*") else (
        f"port {low}" if low == high else f"ports {low}-{high}")
    return f"{protocol} {ports}".strip()


def _is_ingress(address: str, path: str, rule: dict[str, Any]) -> bool:
    return ("egress" not in address and "egress" not in path and rule.get("type") != "egress"
            and str(rule.get("direction", "Inbound")).lower() in {"inbound", "ingress"})


def _findings(address: str, before: Any, after: Any, attributes: list[str], hidden: tuple[Any, Any] = ({}, {})
              ) -> list[str]:
    """Security-relevant changes in words: new ingress from the internet first, then changed settings. A value
    Terraform marks sensitive (`hidden`: the plan's before_sensitive / after_sensitive), or whose name says it is a
    secret, is never written out: the issue says that it changed, not to what."""
    findings = []
    old_rules = [_canonical(r) for r in _rules(before)]
    for rule in _rules(after):
        world = _sources(rule) & WORLD
        if world and _canonical(rule) not in old_rules and _is_ingress(address, "", rule):
            findings.append(f"now allows {_ports(rule)} from {', '.join(sorted(world))}")
    for path in attributes:
        if (any(word in path for word in SECURITY_ATTRIBUTES) or _secret(path, hidden)) and not path.startswith(
                ("ingress", "egress")):
            old, new = _lookup(before, path), _lookup(after, path)
            if _secret(path, hidden):
                findings.append(f"{path} changed (sensitive value not shown)")
            elif isinstance(new, (str, int, float, bool)) or new is None:
                findings.append(f"{path}: {_short(old)} → {_short(new)}")
            else:
                findings.append(f"{path} changed")
    return findings


SECRET_WORDS = ("password", "secret", "token", "private_key", "auth_string")


def _secret(path: str, hidden: tuple[Any, Any]) -> bool:
    """Whether the value at `path` is sensitive: marked so in the plan (a `true` on the path or above it), or
    named like a secret."""
    if any(word in path.lower() for word in SECRET_WORDS):
        return True
    for marks in hidden:
        for key in path.split("."):
            if marks is True:
                return True
            marks = marks.get(key) if isinstance(marks, dict) else None
        if marks is True:
            return True
    return False


def _canonical(rule: dict[str, Any]) -> str:
    return repr(sorted((k, repr(v)) for k, v in rule.items()))


def _lookup(value: Any, path: str) -> Any:
    for key in path.split("."):
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _short(value: Any) -> str:
    text = "(none)" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _security_relevant(address: str, attributes: list[str]) -> bool:
    resource_type = address.split(".")[-2] if "." in address else address
    if resource_type.startswith(SECURITY_TYPES):
        return not all(a.split(".")[0] in TAG_ATTRIBUTES for a in attributes)
    return any(word in a for a in attributes for word in SECURITY_ATTRIBUTES)


def drift_from_plan(plan_json: dict[str, Any]) -> list[DriftedResource]:
    """Resources in `resource_drift` of a `terraform show -json` plan, with the attributes that moved;
    security-relevant ones first."""
    drifted = []
    for change in plan_json.get("resource_drift", []):
        detail = change.get("change", {})
        before, after = detail.get("before") or {}, detail.get("after") or {}
        deleted = detail.get("actions") == ["delete"]
        attributes = ["(deleted outside Terraform)"] if deleted else _changed_paths(before, after)
        if not attributes:  # only null <-> empty noise from the refresh
            continue
        hidden = (detail.get("before_sensitive") or {}, detail.get("after_sensitive") or {})
        security = _security_relevant(change["address"], [] if deleted else attributes) or (
            deleted and change["address"].split(".")[-2].startswith(SECURITY_TYPES)) or (
            not deleted and any(_secret(a, hidden) for a in attributes))  # a secret changed by hand
        findings = _findings(change["address"], before, after, attributes, hidden) if security and not deleted else []
        drifted.append(DriftedResource(address=change["address"], actions=detail.get("actions", []),
                                       attributes=attributes, security=security, findings=findings))
    return sorted(drifted, key=lambda d: (not d.security, d.tags_only))


def drift_issue_title(name: str) -> str:
    return f"Drift in {name}"


def _row(d: DriftedResource) -> str:
    return (f"| {code_span(d.address, in_table=True)} | {escape_cell(', '.join(d.actions))} | "
            f"{escape_cell(', '.join(d.attributes) or '-')} |")


def drift_issue_body(name: str, drifted: list[DriftedResource]) -> str:
    """The drift issue: security-relevant changes first, then a table of the rest, tag-only drift in one line."""
    security = [d for d in drifted if d.security]
    tags = [d for d in drifted if not d.security and d.tags_only]
    other = [d for d in drifted if not d.security and not d.tags_only]
    parts = [f"{markers.drift(name)}\n`dev-agent drift` found {len(drifted)} resource(s) of "
             f"**{escape_cell(name)}** changed outside Terraform"
             + (f", **{len(security)} of them security-relevant**." if security else ".")]
    if security:
        lines = []
        for d in security:
            said = "; ".join(escape_text(f) for f in d.findings) or escape_text(", ".join(d.attributes))
            lines.append(f"- :warning: {code_span(d.address)} ({escape_text(', '.join(d.actions))}): {said}")
        parts.append("### Security-relevant changes\n" + "\n".join(lines))
    if other:
        parts.append("### Other changes\n| resource | change | attributes |\n|---|---|---|\n"
                     + "\n".join(_row(d) for d in other))
    if tags:
        more = f" and {len(tags) - 5} more" if len(tags) > 5 else ""
        shown = ", ".join(code_span(d.address) for d in tags[:5]) + more
        parts.append(f"Tags only: {len(tags)} resource(s) had their tags or labels changed ({shown}).")
    parts.append("Re-apply the environment to restore the reviewed configuration, or change `environment.yaml` "
                 "through a PR if the change should stay. This issue closes itself when a later drift check is clean.")
    return "\n\n".join(parts) + "\n"
