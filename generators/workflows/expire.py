"""dev-agent-expire.yml: daily clean-up of environments past their expiry date."""

from __future__ import annotations

from typing import Any

from bot.install_source import InstallSource
from generators.workflows.identities import CloudIdentities
from generators.workflows.scheduled import scheduled_workflow

FILENAME = "dev-agent-expire.yml"
EXPIRE_SCRIPT = """\
# exit 2 = destroy pull request(s) opened for expired environments; only an error fails the run
dev-agent expire --json || [ "$?" -eq 2 ]
"""


def build(clouds: list[str], ids: CloudIdentities, install: InstallSource | None) -> dict[str, Any]:
    """The expire workflow."""
    return scheduled_workflow("dev-agent expire", "41 5 * * *", EXPIRE_SCRIPT, clouds, ids, install)
