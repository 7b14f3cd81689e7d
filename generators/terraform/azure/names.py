"""Azure naming rules: per-resource limits, and globally unique names (a stable hash of the environment
name, so the same environment always gets the same name)."""

from __future__ import annotations

import hashlib
import re

from generators.terraform.context import Context


def stable_suffix(text: str, length: int = 6) -> str:
    """A short hex digest of `text`."""
    return hashlib.sha256(text.encode()).hexdigest()[:length]


def dashed(*parts: str, max_length: int = 63) -> str:
    """Lowercase letters, digits and single hyphens, starting with a letter, ending with a letter or digit."""
    raw = "-".join(p for p in parts if p)
    name = re.sub(r"[^a-z0-9]+", "-", raw.lower()).strip("-")
    name = re.sub(r"^[^a-z]+", "", name) or "env"
    if len(name) > max_length:
        digest = stable_suffix(raw)
        name = name[: max_length - len(digest) - 1].rstrip("-") + "-" + digest
    return name


def unique(ctx: Context, purpose: str, max_length: int = 50) -> str:
    """A globally unique DNS-style name (servers, caches, namespaces): `<env>-<purpose>-<hash>`."""
    digest = stable_suffix(f"{ctx.name}/{purpose}")
    return dashed(ctx.name, purpose, max_length=max_length - len(digest) - 1) + "-" + digest


def storage_account_name(ctx: Context, purpose: str) -> str:
    """3-24 lowercase letters and digits, globally unique: a prefix of the environment plus a hash."""
    digest = stable_suffix(f"{ctx.name}/{purpose}", 8)
    prefix = re.sub(r"[^a-z0-9]", "", ctx.name.lower())
    prefix = re.sub(r"^[0-9]+", "", prefix) or "env"
    return (prefix[: 24 - len(digest)] + digest)[:24]


def key_vault_name(ctx: Context) -> str:
    """3-24 letters, digits and single hyphens, starting with a letter, globally unique."""
    return unique(ctx, "kv", max_length=24)


def tags(ctx: Context) -> dict[str, str]:
    """The standard tags; Azure tag values are at most 256 characters."""
    return {key: value[:256] for key, value in ctx.tags.items()}
