"""A request's state and where a job acts.

The state (its overrides, amendments, settings applied by commands, the PRs it opened) lives in the bot's status
comment on the request issue, behind a signed hidden marker, so any worker can pick it up and a retried job starts
from the same place. Markers are written, found and trusted by bot/request/markers.py only.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field

from bot.github.protocols import GitHubWriter
from bot.request import markers
from policies.schema import Override

STATUS_MARKER = markers.STATUS

log = logging.getLogger(__name__)



class RequestState(BaseModel):
    """Everything that shapes one request besides the issue text."""

    issue: int
    environment: str | None = None
    assignments: dict[str, Any] = Field(default_factory=dict)
    amendments: list[str] = Field(default_factory=list)
    overrides: dict[str, Override] = Field(default_factory=dict)  # rule -> who granted it, when and why
    pull: int | None = None
    pulls: dict[str, int] = Field(default_factory=dict)  # branch -> the PR this request opened from it
    # environment -> resource address -> who allowed destroying/replacing it, when and why (/dev-agent allow-replace)
    allowances: dict[str, dict[str, Override]] = Field(default_factory=dict)

    def encode(self, keys: markers.StateKeyring) -> str:
        """The signed state marker."""
        return keys.sign(self.model_dump_json().encode())

    @classmethod
    def decode(cls, text: str, keys: markers.StateKeyring, issue: int) -> RequestState | None:
        """The state in `text` when its signature is ours and it belongs to `issue`; None when there is none.
        Raises markers.StateRefused otherwise."""
        payload = keys.verify(text)
        if payload is None:
            return None
        try:
            state = cls.model_validate_json(payload)
        except ValueError:
            raise markers.StateRefused("the request state does not parse") from None
        if state.issue != issue:
            raise markers.StateRefused(f"the request state belongs to #{state.issue}, not #{issue}")
        return state



@dataclass
class Target:
    """Where a job acts: the repository, the request issue and who asked."""

    writer: GitHubWriter
    repo: dict[str, Any]
    issue: dict[str, Any]
    actor: str
    when: dt.datetime
    keys: markers.StateKeyring | None = None  # signs and checks the request state (JobContext.keyring())

    @property
    def full_name(self) -> str:
        return str(self.repo["full_name"])

    def lock_key(self, environment: str) -> str:
        return f"{self.full_name}:{environment}"

    @property
    def owner(self) -> str:
        return f"{self.full_name}#{self.issue['number']}"



def load_state(target: Target) -> RequestState:
    """The request's state from the bot's own status comment; a state that is not ours is refused (logged) and
    the request starts afresh from its issue."""
    number = target.issue["number"]
    comment = target.writer.find_comment(number, STATUS_MARKER)
    if comment is None:
        return RequestState(issue=number)
    try:
        state = RequestState.decode(comment.body, _keys(target), number)
    except markers.StateRefused as exc:
        log.warning("refusing the request state on %s#%s: %s", target.full_name, number, exc)
        return RequestState(issue=number)
    return state or RequestState(issue=number)



def _keys(target: Target) -> markers.StateKeyring:
    if target.keys is None:
        raise ValueError("Target.keys is not set: build targets with bot.handlers.target_for")
    return target.keys



def save_state(target: Target, state: RequestState) -> None:
    """Re-sign the state into the status comment, keeping the comment's text."""
    comment = target.writer.find_comment(target.issue["number"], STATUS_MARKER)
    text = (comment.body if comment is not None else "").removeprefix(STATUS_MARKER).strip()
    post_status(target, state, text.split("\n\n" + markers.PREFIX + "state ", 1)[0].strip() or "Recorded.")


def post_status(target: Target, state: RequestState, text: str) -> None:
    """The one status comment on the request issue (it also carries the state)."""
    target.writer.upsert_comment(target.issue["number"], STATUS_MARKER,
                                 f"{STATUS_MARKER}\n{text}\n\n{state.encode(_keys(target))}")
