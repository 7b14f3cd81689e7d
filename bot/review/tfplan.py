"""A Terraform plan as the reviewer reads it: counts, stateful resources destroyed or replaced (with the attribute
forcing it) or upgraded in place across a major engine version, and the normalised change set apply compares with
what was reviewed.

Input is `terraform show -json <planfile>` (format 1.x): `resource_changes[].change.actions`, `.replace_paths`,
`.before`/`.after` and `.action_reason`.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, Field

# Resource types that hold data (or keys to it): destroying or replacing one loses what is in it.
STATEFUL_TYPES: dict[str, str] = {
    **dict.fromkeys(["aws_db_instance", "aws_rds_cluster", "aws_rds_cluster_instance", "aws_docdb_cluster",
                     "aws_docdb_cluster_instance", "aws_dynamodb_table", "google_sql_database_instance",
                     "google_sql_database", "azurerm_postgresql_flexible_server", "azurerm_mysql_flexible_server",
                     "azurerm_postgresql_flexible_server_database", "azurerm_mysql_flexible_database",
                     "azurerm_cosmosdb_account", "azurerm_cosmosdb_mongo_database"], "database"),
    **dict.fromkeys(["aws_elasticache_cluster", "aws_elasticache_replication_group", "google_redis_instance",
                     "google_memcache_instance", "azurerm_redis_cache"], "cache"),
    **dict.fromkeys(["aws_s3_bucket", "google_storage_bucket", "azurerm_storage_account",
                     "azurerm_storage_container"], "bucket"),
    **dict.fromkeys(["aws_sqs_queue", "aws_mq_broker", "aws_msk_cluster", "google_pubsub_topic",
                     "google_pubsub_subscription", "azurerm_servicebus_queue", "azurerm_servicebus_namespace",
                     "azurerm_eventhub", "azurerm_eventhub_namespace"], "queue"),
    **dict.fromkeys(["aws_efs_file_system", "google_filestore_instance", "azurerm_storage_share"], "file system"),
    **dict.fromkeys(["aws_kms_key", "google_kms_crypto_key", "google_kms_key_ring", "azurerm_key_vault",
                     "azurerm_key_vault_key", "aws_secretsmanager_secret"], "key"),
    **dict.fromkeys(["aws_eks_cluster", "aws_ecs_cluster", "aws_opensearch_domain", "google_container_cluster",
                     "azurerm_kubernetes_cluster"], "cluster"),
    **dict.fromkeys(["aws_ebs_volume", "google_compute_disk", "azurerm_managed_disk"], "volume"),
}
ACTIONS = ("create", "update", "delete", "replace")
# Engine versions of data-holding resources: a new major version is applied in place by the providers (RDS
# `engine_version` 16 -> 17 is an update, not a replacement), but it cannot be undone and takes the data offline
# while it runs, so it needs the same named approval as a replacement.
VERSION_ATTRIBUTES = ("engine_version", "database_version", "version", "kafka_version")
UPGRADABLE_KINDS = ("database", "cache", "queue", "cluster")
REASONS = {
    "replace_because_cannot_update": "an attribute that cannot be changed in place",
    "replace_because_tainted": "the resource is tainted",
    "replace_by_request": "-replace was requested",
    "replace_by_triggers": "replace_triggered_by",
    "delete_because_no_resource_config": "it is no longer in the configuration",
    "delete_because_wrong_repetition": "its count/for_each changed",
    "delete_because_count_index": "its count index is gone",
    "delete_because_each_key": "its for_each key is gone",
    "delete_because_no_module": "its module is gone",
    "delete_because_no_move_target": "its moved target is gone",
}


class ResourceChange(BaseModel):
    """One resource's planned action."""

    address: str
    type: str
    action: str  # create | update | delete | replace
    forced_by: list[str] = Field(default_factory=list)  # attribute paths forcing a replacement (replace_paths)
    reason: str = ""  # action_reason, in words
    upgrade: list[str] = Field(default_factory=list)  # [attribute, from, to] of a major-version upgrade in place

    @property
    def kind(self) -> str | None:
        """What data the resource holds ("database", "bucket"...), None when it holds none."""
        return STATEFUL_TYPES.get(self.type)

    @property
    def loses_data(self) -> bool:
        return self.kind is not None and self.action in ("delete", "replace")

    @property
    def needs_allowance(self) -> bool:
        """Destroyed, replaced, or upgraded in place across a major version: data at risk, needs allow-replace."""
        return self.loses_data or (self.kind is not None and self.action == "update" and bool(self.upgrade))


class PlanSummary(BaseModel):
    """What a plan does, counted and listed (no-op and read-only data sources left out)."""

    changes: list[ResourceChange] = Field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(c.action == action for c in self.changes)

    @property
    def counts(self) -> dict[str, int]:
        """add / change / destroy / replace (a replacement is counted once, as a replace)."""
        return {"add": self.count("create"), "change": self.count("update"), "destroy": self.count("delete"),
                "replace": self.count("replace")}

    @property
    def stateful(self) -> list[ResourceChange]:
        """Every destroy, replace or major-version upgrade of a resource holding data."""
        return [c for c in self.changes if c.needs_allowance]

    def change_set(self) -> list[tuple[str, str]]:
        """(address, action) pairs, sorted: what apply compares with the plan the reviewers saw."""
        return sorted((c.address, c.action) for c in self.changes)

    def counts_line(self) -> str:
        counts = self.counts
        return ", ".join(f"{counts[k]} to {k}" for k in ("add", "change", "destroy", "replace"))


def _action(actions: list[str]) -> str | None:
    if sorted(actions) == ["create", "delete"]:
        return "replace"
    if len(actions) == 1 and actions[0] in ("create", "update", "delete"):
        return actions[0]
    return None  # no-op, read, forget


def _path(path: Any) -> str:
    """A replace path (a list of attribute names and indexes) as `a.b[0].c`."""
    if not isinstance(path, list):
        return str(path)
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _major(value: Any) -> str | None:
    found = re.search(r"\d+", str(value)) if value not in (None, "") else None
    return found.group(0) if found else None


def _upgrade(rtype: str, change: dict[str, Any]) -> list[str]:
    """[attribute, from, to] when a data-holding resource's engine moves to another major version."""
    if STATEFUL_TYPES.get(rtype) not in UPGRADABLE_KINDS:
        return []
    before, after = change.get("before") or {}, change.get("after") or {}
    for attribute in VERSION_ATTRIBUTES:
        old, new = _major(before.get(attribute)), _major(after.get(attribute))
        if old and new and old != new:
            return [attribute, str(before[attribute]), str(after[attribute])]
    return []


def summarise(show_json: dict[str, Any]) -> PlanSummary:
    """The summary of `terraform show -json` output."""
    changes = []
    for item in show_json.get("resource_changes") or []:
        if item.get("mode", "managed") != "managed":
            continue
        change = item.get("change") or {}
        action = _action(list(change.get("actions") or []))
        if action is None:
            continue
        reason = str(item.get("action_reason") or "")
        changes.append(ResourceChange(
            address=str(item.get("address")), type=str(item.get("type")), action=action,
            forced_by=sorted({_path(p) for p in change.get("replace_paths") or []}),
            reason=REASONS.get(reason, reason.replace("_", " ")),
            upgrade=_upgrade(str(item.get("type")), change) if action == "update" else []))
    return PlanSummary(changes=sorted(changes, key=lambda c: c.address))
