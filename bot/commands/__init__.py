"""Comment commands, Atlantis style: a table of small runners keyed by verb."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Runner = Callable[[Any, Any], None]  # (CommandContext, Command) -> None


def runners() -> dict[str, Runner]:
    """verb -> runner."""
    from bot.commands import amend, destroy, extend, help, override, plan, set, unlock

    return {
        "plan": plan.run, "set": set.run, "amend": amend.run, "destroy": destroy.run,
        "extend": extend.run, "unlock": unlock.run, "override": override.run, "help": help.run,
    }


# action each verb needs from the org policy (help needs none)
ACTIONS = {"plan": "request", "set": "request", "amend": "request", "destroy": "request",
           "extend": "request", "unlock": "request", "override": "override"}
