"""Shared by the dev-agent checkov checks: the required tags (from the org policy file) and value helpers.

Runs inside checkov's own virtualenv, so it reads the policy with plain PyYAML, not policies.schema.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

BUNDLED_POLICY = Path(__file__).resolve().parent.parent / "org-policy.yaml"


@lru_cache(maxsize=1)
def required_tags() -> tuple[str, ...]:
    """`required_tags` of DEV_AGENT_POLICY_FILE (default: the bundled policies/org-policy.yaml)."""
    path = Path(os.environ.get("DEV_AGENT_POLICY_FILE") or BUNDLED_POLICY)
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return tuple(str(t) for t in data.get("required_tags") or ())


def unwrap(value: Any) -> Any:
    """checkov wraps every attribute value in a one-item list."""
    while isinstance(value, list) and len(value) == 1:
        value = value[0]
    return value


def attribute(conf: dict[str, Any], *path: str) -> Any:
    """A nested attribute (`settings`, `user_labels`) or None."""
    value: Any = conf
    for key in path:
        value = unwrap(value)
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return unwrap(value)


def is_true(value: Any) -> bool:
    return unwrap(value) in (True, "true")
