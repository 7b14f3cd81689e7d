"""`environments/<name>/compose.yaml` (+ `.env.example`): a local twin of the environment's data services.

Passwords are never written: compose reads them from the developer's `.env` and refuses to start without them.
"""

from __future__ import annotations

from typing import Any

from bot.pipeline.planning import Plan
from bot.settings import Settings
from generators.compose.services import local_services
from generators.paths import environment_dir
from generators.yamlemit import dump_yaml

HEADER = "# Local twin of the data services of this environment. Copy .env.example to .env and set passwords.\n"


def generate(plan: Plan, settings: Settings) -> dict[str, str]:
    """compose.yaml and .env.example, or nothing when the environment has no data service with a local image."""
    services, _ = local_services(plan.spec)
    if not services:
        return {}
    volumes = sorted({v.split(":", 1)[0] for s in services for v in s.definition.get("volumes", [])})
    compose: dict[str, Any] = {"name": plan.spec.name, "services": {s.name: {**s.definition, "restart": "unless-stopped"} for s in services}}
    if volumes:
        compose["volumes"] = {v: {} for v in volumes}
    env_lines = ["# Local-only passwords for compose.yaml. Fill in; never commit .env."]
    env_lines += [f"{var}=" for s in services for var in s.env_vars]
    env_lines += ["", "# Connection settings for running the app against the local twin:"]
    env_lines += [f"# {k}={v}" for s in services for k, v in s.app_env.items()]
    base = environment_dir(plan)
    return {f"{base}/compose.yaml": HEADER + dump_yaml(compose), f"{base}/.env.example": "\n".join(env_lines) + "\n"}
