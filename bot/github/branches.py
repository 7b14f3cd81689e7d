"""The branches dev-agent pushes: named by `bot_branch` and read back by `parse_branch`, nowhere else.

- `dev-agent/<env>`: the request PR (and later re-plans of the environment);
- `dev-agent/<kind>--<env>` for the other kinds: `extend` (moving a merged environment's expiry),
  `destroy` (removing it) and `revert` (back to the last applied revision after a failed apply).

Environment names are slugs (`a-z0-9`, single dashes, no slash), so `--` cannot occur inside one and every
branch reads back to exactly one (kind, environment): `dev-agent/destroy--payments` is a destroy PR for
`payments`, `dev-agent/destroy-payments` the request PR of an environment called `destroy-payments`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from bot.spec import SLUG

Kind = Literal["request", "extend", "destroy", "revert"]
KINDS: tuple[Kind, ...] = ("request", "extend", "destroy", "revert")
PREFIX = "dev-agent/"
_SEPARATOR = "--"
_SLUG = re.compile(SLUG)


@dataclass(frozen=True)
class BotBranch:
    """What a dev-agent branch is for: the kind of PR and the environment it changes."""

    kind: Kind
    environment: str


def bot_branch(kind: Kind, environment: str) -> str:
    """The branch dev-agent pushes for a `kind` PR on `environment`."""
    if kind not in KINDS:
        raise ValueError(f"unknown branch kind {kind!r}")
    if not _SLUG.match(environment):
        raise ValueError(f"{environment!r} is not an environment name")
    return PREFIX + (environment if kind == "request" else f"{kind}{_SEPARATOR}{environment}")


def parse_branch(ref: str) -> BotBranch | None:
    """The kind and environment of a dev-agent branch; None for any other branch."""
    if not ref.startswith(PREFIX):
        return None
    rest = ref[len(PREFIX):]
    kind, separator, environment = rest.partition(_SEPARATOR)
    if not separator:
        kind, environment = "request", rest
    if (kind == "request" and separator) or kind not in KINDS or not _SLUG.match(environment):
        return None
    return BotBranch(kind=kind, environment=environment)
