"""GCP naming rules: resource names, bucket names and label values, sanitised to what the APIs accept."""

from __future__ import annotations

import hashlib
import re

from generators.terraform.context import Context


def stable_suffix(text: str, length: int = 6) -> str:
    """A short hex digest of `text`: the same environment always gets the same suffix."""
    return hashlib.sha256(text.encode()).hexdigest()[:length]


def resource_name(*parts: str, max_length: int = 63) -> str:
    """`[a-z]([-a-z0-9]*[a-z0-9])?` (RFC 1035) of at most `max_length`; long names keep a hash suffix."""
    raw = "-".join(p for p in parts if p)
    name = re.sub(r"[^a-z0-9-]+", "-", raw.lower())
    name = re.sub(r"-{2,}", "-", name).strip("-")
    name = re.sub(r"^[^a-z]+", "", name) or "env"
    if len(name) > max_length:
        digest = stable_suffix(raw)
        name = name[: max_length - len(digest) - 1].rstrip("-") + "-" + digest
    return name


def bucket_name(ctx: Context, purpose: str) -> str:
    """A GCS bucket name (3-63 chars, globally unique): environment, purpose and a stable hash."""
    digest = stable_suffix(f"{ctx.name}/{purpose}")
    base = resource_name(ctx.name, purpose, max_length=63 - len(digest) - 1)
    name = f"{base}-{digest}"
    return name if not name.startswith("goog") else f"x{name[:62]}"


def label_value(value: str) -> str:
    """GCP label values: lowercase letters, digits, `_` and `-`, at most 63 characters."""
    return re.sub(r"[^a-z0-9_-]+", "_", value.lower())[:63]


def label_key(key: str) -> str:
    """GCP label keys: like values, but starting with a letter."""
    key = label_value(key)
    return key if key[:1].isalpha() else f"k{key}"[:63]


def labels(ctx: Context, **extra: str) -> dict[str, str]:
    """The standard labels (environment, owner, tier, managed-by, expires-at) as valid GCP labels."""
    merged = {**ctx.tags, **extra}
    return {label_key(k): label_value(v) for k, v in merged.items()}
