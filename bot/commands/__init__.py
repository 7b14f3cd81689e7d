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


# The org policy list each verb needs (help needs none). `destroy` needs `apply`: its PR is the environment's
# teardown. `extend` stays on `request`: the tier's max_ttl_days bounds it and its PR is reviewed like a request.
# `unlock` stays on `request`: the lock only keeps a second request from proposing the same environment
# (bot/request/proposal.py); applies are serialised by the workflows' concurrency group and Terraform's state lock.
ACTIONS = {"plan": "request", "set": "request", "amend": "request", "destroy": "apply",
           "extend": "request", "unlock": "request", "override": "override"}
