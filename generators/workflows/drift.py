"""dev-agent-drift.yml: daily drift detection over every environment."""

from __future__ import annotations

from typing import Any

from bot.install_source import InstallSource
from generators.workflows.identities import CloudIdentities
from generators.workflows.scheduled import scheduled_workflow

FILENAME = "dev-agent-drift.yml"
DRIFT_SCRIPT = """\
# exit 2 = drift found, reported in a "Drift in <environment>" issue; only an error fails the run
dev-agent drift --json || [ "$?" -eq 2 ]
"""


def build(clouds: list[str], ids: CloudIdentities, install: InstallSource | None) -> dict[str, Any]:
    """The drift workflow."""
    return scheduled_workflow("dev-agent drift", "17 6 * * *", DRIFT_SCRIPT, clouds, ids, install)
