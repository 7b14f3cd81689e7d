"""Every third-party action the generated workflows use, pinned to a full commit SHA (version noted here)."""

from __future__ import annotations

# action -> (commit SHA, the release it is)
PINNED: dict[str, tuple[str, str]] = {
    "actions/checkout": ("11bd71901bbe5b1630ceea73d27597364c9af683", "v4.2.2"),
    "actions/setup-python": ("0b93645e9fea7318ecaed2b359559ac225c90a2b", "v5.3.0"),
    "hashicorp/setup-terraform": ("b9cd54a3c349d3f38e8881555d616ced269862dd", "v3.1.2"),
    "aws-actions/configure-aws-credentials": ("e3dd6a429d7300a6a4c196c26e071d42e0343502", "v4.0.2"),
    "google-github-actions/auth": ("6fc4af4b145ae7821d527454aa9bd537d1f2dc5f", "v2.1.7"),
    "azure/login": ("a65d910e8af852a8061c627c456678983e180302", "v2.2.0"),
}


def uses(action: str) -> str:
    """`owner/name@<sha>` for a pinned action (KeyError for an action nobody reviewed)."""
    sha, _version = PINNED[action]
    return f"{action}@{sha}"
