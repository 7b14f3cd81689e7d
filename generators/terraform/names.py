"""Cloud resource names from request text, sanitised to provider rules (cloud-neutral helpers).

Every function returns a name that satisfies its rule for any input: disallowed characters are
replaced, runs of separators collapse, the first character is a letter, and names that must be
shortened keep a short hash of the full text so two long names stay distinct.
"""

from __future__ import annotations

import hashlib
import re


def _digest(text: str, length: int = 6) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]


def _fit(name: str, text: str, max_length: int, separator: str) -> str:
    """`name` cut to `max_length`, ending in a hash of the original `text` when it had to be cut."""
    if len(name) <= max_length:
        return name
    suffix = separator + _digest(text)
    return name[: max_length - len(suffix)].rstrip(separator) + suffix


def _clean(text: str, allowed: str, separator: str, lower: bool = True) -> str:
    value = text.lower() if lower else text
    value = re.sub(f"[^{allowed}]+", separator, value)
    if separator:
        value = re.sub(f"{re.escape(separator)}+", separator, value).strip(separator)
    return value


def dns_label(*parts: str, max_length: int = 63, prefix: str = "x") -> str:
    """Lowercase letters, digits, single hyphens; starts with a letter, ends alphanumeric.

    Fits RDS/DocumentDB/ElastiCache/OpenSearch identifiers, Kubernetes names, GCP resource names.
    """
    text = "-".join(parts)
    name = _clean(text, "a-z0-9", "-") or prefix
    if not name[0].isalpha():
        name = f"{prefix}-{name}"
    return _fit(name, text, max_length, "-")


def bucket_name(*parts: str, max_length: int = 63) -> str:
    """An S3/GCS bucket name: 3-63 lowercase letters, digits, hyphens; not an IP, no reserved affixes."""
    name = dns_label(*parts, max_length=max_length, prefix="b")
    if name.startswith(("xn--", "sthree-", "amzn-s3-demo-")):
        name = dns_label("b", name, max_length=max_length)
    if name.endswith(("-s3alias", "--ol-s3", "--x-s3")):
        name = dns_label(name, "b", max_length=max_length)
    return name if len(name) >= 3 else dns_label(name, "bkt", max_length=max_length)


def identifier(*parts: str, max_length: int = 63, prefix: str = "x") -> str:
    """Letters, digits and underscores, starting with a letter (database names, Terraform labels)."""
    text = "_".join(parts)
    name = _clean(text, "a-z0-9", "_") or prefix
    if not name[0].isalpha():
        name = f"{prefix}_{name}"
    return _fit(name, text, max_length, "_")


def alphanumeric(*parts: str, max_length: int = 24, prefix: str = "x") -> str:
    """Lowercase letters and digits only, starting with a letter (e.g. Azure storage accounts)."""
    text = "".join(parts)
    name = _clean(text, "a-z0-9", "") or prefix
    if not name[0].isalpha():
        name = prefix + name
    if len(name) <= max_length:
        return name
    return name[: max_length - 6] + _digest(text)


def mixed_name(*parts: str, max_length: int = 64) -> str:
    """Letters (any case), digits, hyphens, underscores: IAM roles, SQS queues, log-group leaves."""
    text = "-".join(parts)
    name = re.sub(r"[^A-Za-z0-9_-]+", "-", text)
    name = re.sub(r"-+", "-", name).strip("-") or "x"
    return _fit(name, text, max_length, "-")
