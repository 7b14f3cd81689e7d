"""dev-agent-expire.yml: daily clean-up of environments past their expiry date."""

from __future__ import annotations

from typing import Any

from bot.install import InstallSource
from generators.workflows.identities import CloudIdentities
from generators.workflows.scheduled import scheduled_workflow

FILENAME = "dev-agent-expire.yml"


def build(clouds: list[str], ids: CloudIdentities, install: InstallSource | None) -> dict[str, Any]:
    """The expire workflow."""
    return scheduled_workflow("dev-agent expire", "41 5 * * *", "dev-agent expire --json\n", clouds, ids, install)
