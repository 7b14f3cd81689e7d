"""A command's arguments: `set`'s `key=value` grammar (allow-listed spec paths, aliases, `none`) and `extend`'s
duration."""

from __future__ import annotations

import copy
import itertools
import re
import shlex
from typing import Any

from bot.commands.command import CommandError
from bot.markdown import code_span

MAX_VALUE_CHARS = 200
SETTABLE = frozenset({
    "name", "cloud", "region", "tier", "owner", "service",
    "app.language", "app.framework", "app.runtime_version", "app.port", "app.health_path", "app.image", "app.cdn",
    "compute.kind", "compute.min_replicas", "compute.max_replicas", "compute.cpu", "compute.memory_gb",
    "cache", "cache.engine", "cache.high_availability", "queue", "queue.engine", "search", "search.engine",
    "monitoring", "compliance", "budget_monthly_usd", "ttl_days",
    "inputs.certificate_arn", "inputs.project_id", "inputs.subscription_id", "inputs.alert_email",
    "inputs.datadog_secret_arn", "inputs.newrelic_secret_arn", "inputs.newrelic_account_id",
    "inputs.datadog_secret_id", "inputs.newrelic_secret_id", "inputs.cdn_domain", "inputs.cdn_certificate_arn",
    "inputs.datadog_key_vault_secret_id", "inputs.newrelic_key_vault_secret_id",
})
# Short names people use, and the spec paths they set (`replicas=2-6` sets both bounds).
ALIASES: dict[str, tuple[str, ...]] = {
    "replicas": ("compute.min_replicas", "compute.max_replicas"),
    "min_replicas": ("compute.min_replicas",), "max_replicas": ("compute.max_replicas",),
    "cpu": ("compute.cpu",), "memory": ("compute.memory_gb",), "memory_gb": ("compute.memory_gb",),
    "db": ("databases.0.engine",), "database": ("databases.0.engine",), "db_version": ("databases.0.version",),
    "db_edition": ("databases.0.edition",), "edition": ("databases.0.edition",),
    "image": ("app.image",), "language": ("app.language",), "framework": ("app.framework",), "port": ("app.port",),
    "budget": ("budget_monthly_usd",), "ttl": ("ttl_days",),
    # the deployment inputs the report's "Before you merge" list asks for
    "certificate_arn": ("inputs.certificate_arn",), "certificate": ("inputs.certificate_arn",),
    "project_id": ("inputs.project_id",), "subscription_id": ("inputs.subscription_id",),
    "alert_email": ("inputs.alert_email",), "cdn": ("app.cdn",),
    "cdn_domain": ("inputs.cdn_domain",), "cdn_certificate_arn": ("inputs.cdn_certificate_arn",),
    "datadog_secret_arn": ("inputs.datadog_secret_arn",), "newrelic_secret_arn": ("inputs.newrelic_secret_arn",),
    "newrelic_account_id": ("inputs.newrelic_account_id",),
    "datadog_secret_id": ("inputs.datadog_secret_id",), "newrelic_secret_id": ("inputs.newrelic_secret_id",),
    "datadog_key_vault_secret_id": ("inputs.datadog_key_vault_secret_id",),
    "newrelic_key_vault_secret_id": ("inputs.newrelic_key_vault_secret_id",),
}
# What `/dev-agent help` shows for `set` (key, example value).
SET_EXAMPLES = (("replicas", "2-6"), ("region", "eu-west-1"), ("tier", "staging"), ("db", "postgres"),
                ("databases.0.version", "16"), ("cache", "redis"), ("cpu", "1"), ("memory", "2"),
                ("budget", "300"), ("ttl", "14"), ("image", "ghcr.io/acme/api@sha256:…"), ("owner", "alice"),
                ("monitoring", "prometheus,grafana"), ("compliance", "soc2"), ("queue", "none"))
_PARTS = ("cache", "queue", "search")  # optional parts: `key=<engine>` sets key.engine, `key=none` removes it
_INDEXED = re.compile(r"^(databases\.[0-3]\.(engine|version|edition|high_availability|storage_gb)|"
                      r"buckets\.[0-9]\.(name|versioning))$")
_REMOVABLE = frozenset({"cache", "queue", "search", "owner", "service", "budget_monthly_usd", "ttl_days", "app.image",
                        "inputs.certificate_arn", "inputs.project_id", "inputs.subscription_id",
                        "inputs.alert_email", "inputs.datadog_secret_arn", "inputs.newrelic_secret_arn",
                        "inputs.newrelic_account_id", "inputs.datadog_secret_id", "inputs.newrelic_secret_id",
                        "inputs.cdn_domain", "inputs.cdn_certificate_arn",
                        "inputs.datadog_key_vault_secret_id", "inputs.newrelic_key_vault_secret_id"})




def parse_assignments(args: str) -> dict[str, Any]:
    """`key=value ...` -> {spec path: value}; keys from the allow-list or ALIASES, `none` removes optional
    parts. Every bad token is reported at once (CommandError, markdown)."""
    try:
        tokens = shlex.split(args)
    except ValueError as exc:
        raise CommandError(f"cannot read the arguments: {code_span(str(exc)[:100])}") from None
    if not tokens:
        raise CommandError("usage: `/dev-agent set key=value [key=value ...]`; `/dev-agent help` lists the keys")
    assignments: dict[str, Any] = {}
    problems: list[str] = []
    for token in tokens:
        key, sep, value = token.partition("=")
        key = key.strip().lower()
        if not sep or not key:
            problems.append(f"{code_span(token[:60])} is not key=value")
            continue
        paths = ALIASES.get(key, (key,))
        if not all(path in SETTABLE or _INDEXED.match(path) for path in paths):
            problems.append(f"{code_span(key[:60])} cannot be set")
        elif len(value) > MAX_VALUE_CHARS:
            problems.append(f"{code_span(key)}: value longer than {MAX_VALUE_CHARS} characters")
        elif value.lower() in ("none", "null"):
            if all(path in _REMOVABLE for path in paths):
                assignments.update(dict.fromkeys(paths))
            else:
                problems.append(f"{code_span(key)} cannot be removed")
        elif key in _PARTS:  # `cache=redis` adds the part, or switches the engine of the one there
            assignments[f"{key}.engine"] = value
        elif key in ("monitoring", "compliance"):
            assignments[key] = [item.strip() for item in value.split(",") if item.strip()]
        elif key == "replicas":
            low, _, high = value.partition("-")
            assignments.update({paths[0]: low.strip(), paths[1]: (high or low).strip()})
        else:
            assignments.update(dict.fromkeys(paths, value))
    if problems:
        unknown = any("cannot be set" in p for p in problems)
        raise CommandError("; ".join(problems) + (f". Settable keys: {settable_keys()}" if unknown else ""))
    return assignments


def settable_keys() -> str:
    """The keys `set` accepts, as markdown."""
    keys = sorted({*SETTABLE, *ALIASES})
    return (", ".join(f"`{k}`" for k in keys)
            + ", `databases.N.(engine|version|edition|high_availability|storage_gb)`, `buckets.N.(name|versioning)`")


def apply_assignments(data: dict[str, Any], assignments: dict[str, Any]) -> dict[str, Any]:
    """A copy of spec data with dotted paths set (validation is left to spec_from_data)."""
    result = copy.deepcopy(data)
    for path, value in assignments.items():
        parts = path.split(".")
        node: Any = result
        for part, next_part in itertools.pairwise(parts):
            if isinstance(node, list):
                index = int(part)
                while len(node) <= index:
                    node.append({})
                node = node[index]
                continue
            if not isinstance(node.get(part), (dict, list)):
                node[part] = [] if next_part.isdigit() else {}
            node = node[part]
        last = parts[-1]
        before = node.get(last) if isinstance(node, dict) else None
        if value is None:
            node.pop(last, None)
        else:
            node[last] = value
        if parts[0] == "databases" and last == "engine":
            if value != "sqlserver":
                node.pop("edition", None)  # only SQL Server has editions: switching engine drops it
            if before is not None and before != value and f"{'.'.join(parts[:-1])}.version" not in assignments:
                node.pop("version", None)  # Postgres 16 is no MySQL version: the new engine's default applies
    return result


def parse_duration_days(args: str) -> int:
    """`7d`, `7`, `2w` -> days (1..365)."""
    match = re.fullmatch(r"\s*([0-9]{1,3})\s*([dw]?)\s*", args or "")
    if not match:
        raise CommandError("usage: `/dev-agent extend 7d` (days, or weeks as 2w)")
    days = int(match.group(1)) * (7 if match.group(2) == "w" else 1)
    if not 1 <= days <= 365:
        raise CommandError("extend by 1 to 365 days")
    return days
