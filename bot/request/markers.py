"""Every hidden marker dev-agent writes into GitHub: how it is written, how it is found, and when it is trusted.

Markers are HTML comments (`<!-- dev-agent:... -->`) the bot puts in its own comments, issues and pull requests so
a later job finds them again. Anyone can type the same text into their own comment, so a marker means something
only in an object the App itself authored (`authored_by`: its bot user, `<app slug>[bot]`, learnt from
`GET /app`); `bot.github.writer.RepositoryWriter` looks only there and writes only there.

Request state additionally carries an HMAC-SHA256 (`StateKeyring`, keys from `DEV_AGENT_STATE_KEYS`, separate from
the webhook secret), because people with maintain/admin access can edit the bot's comments: a state whose MAC is
wrong, or made with an unknown key, is refused with a logged warning.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal, cast

from bot.errors import InputError
from bot.github.app import private_key

log = logging.getLogger(__name__)

PREFIX = "<!-- dev-agent:"

# --- markers that name one comment or issue (found with `RepositoryWriter.find_comment` / `find_issue`) ---------
STATUS = "<!-- dev-agent:status -->"  # the status comment on a request issue (it also carries the state)
REPORT = "<!-- dev-agent:report -->"  # the review report on a request PR


def report_part(env: str, part: int = 1, parts: int = 1) -> str:
    """The first line of each report comment (`part=i/n` from the second part on)."""
    suffix = f" part={part}/{parts}" if part > 1 else ""
    return f"<!-- dev-agent:report env={env}{suffix} -->"


def report_continuation(index: int) -> str:
    """The key of the report's comment number `index` (2, 3, ...) when the report is split over comments."""
    return f"<!-- dev-agent:report-part:{int(index)} -->"


def reply(comment_id: int) -> str:
    """The bot's answer to one command comment (one reply per command, however often it is redelivered)."""
    return f"<!-- dev-agent:reply:{int(comment_id)} -->"


def closed(pull: int) -> str:
    """The note on a request issue that its PR was merged or closed."""
    return f"<!-- dev-agent:closed:{int(pull)} -->"


def superseded(pull: int) -> str:
    """The note on a destroy PR closed because its environment was extended."""
    return f"<!-- dev-agent:superseded:{int(pull)} -->"


def unlisted_merge(pull: int) -> str:
    """The flag on a PR merged by someone outside the policy's `apply` list."""
    return f"<!-- dev-agent:unlisted-merge:{int(pull)} -->"


def expiry(env: str, action: str) -> str:
    """An expiry warning or destroy notice on an environment's request issue."""
    return f"<!-- dev-agent:expiry env={env} {action} -->"


def applied(env: str) -> str:
    """The apply result on a merged PR."""
    return f"<!-- dev-agent:apply env={env} -->"


def pr_plan(env: str) -> tuple[str, str]:
    """The start and end of the terraform plan section dev-agent-plan.yml writes into the bot's report comment."""
    return f"<!-- dev-agent:pr-plan env={env} -->", f"<!-- dev-agent:pr-plan-end env={env} -->"


def plan_check(env: str) -> str:
    """The name of the bot's check run gating an environment's PR plan (bot/review/gate.py): only the App creates
    it, so apply trusts the change set recorded there, never a comment."""
    return f"dev-agent plan: {env}"


def drift(env: str) -> str:
    """The one open drift issue of an environment."""
    return f"<!-- dev-agent:drift env={env} -->"


def drift_clean(env: str) -> str:
    return f"<!-- dev-agent:drift-clean env={env} -->"


def destroyed(env: str) -> str:
    return f"<!-- dev-agent:destroyed env={env} -->"


def destroy_failed(env: str, at: int) -> str:
    return f"<!-- dev-agent:destroy-failed env={env} at={int(at)} -->"


# --- a workflow run's outcome, for the bot's registry (bot/handlers/outcome.py) ------------------------------------
_OUTCOME = re.compile(r"<!-- dev-agent:outcome env=([a-z][a-z0-9-]{1,39}) status=(applied|failed|destroyed) "
                      r"run=([0-9a-f]{16}) at=([0-9]{1,15}) by=([A-Za-z0-9][A-Za-z0-9-]{0,38}(?:\[bot\])?) pr=([0-9]{1,9}) -->")


OutcomeStatus = Literal["applied", "failed", "destroyed"]


@dataclass(frozen=True)
class Outcome:
    """What one `dev-agent apply`/`destroy` run did to one environment: `run` is random per run (both threads it
    reports to carry the same one), `at` when it finished (epoch milliseconds), `by` who ran it, `pr` the merged PR
    (0: none)."""

    env: str
    status: OutcomeStatus
    run: str
    at: int
    by: str
    pr: int

    @property
    def when(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.at / 1000, dt.UTC)

    def marker(self) -> str:
        return (f"<!-- dev-agent:outcome env={self.env} status={self.status} run={self.run} at={int(self.at)} "
                f"by={self.by} pr={int(self.pr)} -->")


def outcomes(body: str) -> list[Outcome]:
    """The outcome markers in a comment (only well-formed ones: every field is checked by the pattern)."""
    return [Outcome(env, cast(OutcomeStatus, status), run, int(at), by, int(pr))
            for env, status, run, at, by, pr in _OUTCOME.findall(body or "")]


# --- the link from a PR to its request issue ---------------------------------------------------------------------
_REQUEST = re.compile(r"<!-- dev-agent:request #([0-9]{1,9}) -->")


def request_link(issue: int) -> str:
    """The end of a PR body naming its request issue, for people and (hidden marker) for `request_of`."""
    return f"Requested in #{int(issue)}.\n<!-- dev-agent:request #{int(issue)} -->"


def request_of(pull: dict[str, Any] | Any, authors: Iterable[str]) -> int | None:
    """The request issue a PR names, only when the App authored the PR (anyone can paste the marker)."""
    if not authored_by(pull, authors):
        return None
    body = pull.get("body") if isinstance(pull, dict) else getattr(pull, "body", None)
    match = _REQUEST.search(body or "")
    return int(match.group(1)) if match else None


# --- authorship --------------------------------------------------------------------------------------------------
def login_of(obj: dict[str, Any] | Any) -> tuple[str, str]:
    """(login, account type) of whoever created a REST object (dict or PyGithub object)."""
    user = obj.get("user") if isinstance(obj, dict) else getattr(obj, "user", None)
    if isinstance(user, dict):
        return str(user.get("login") or ""), str(user.get("type") or "")
    if user is None:
        return "", ""
    return str(getattr(user, "login", "") or ""), str(getattr(user, "type", "") or "")


def authored_by(obj: dict[str, Any] | Any, authors: Iterable[str]) -> bool:
    """Whether one of `authors` created `obj`. The bot's authors are its App's bot user (`<slug>[bot]`, a login no
    person can register, and only with account type Bot); the CLI adds whoever its token is."""
    login, kind = login_of(obj)
    if not login or login not in set(authors):
        return False
    return kind in ("Bot", "") if login.endswith("[bot]") else kind != "Bot"


def state_keyring(settings: Any) -> StateKeyring:
    """The keyring from `DEV_AGENT_STATE_KEYS`, else one key derived from the App's private key."""
    if settings.state_keys is not None:
        return StateKeyring.parse(settings.state_keys.get_secret_value())

    return StateKeyring.derived(private_key(settings).encode())


# --- signed request state ----------------------------------------------------------------------------------------
_STATE = re.compile(
    r"<!-- dev-agent:state ([A-Za-z0-9_-]{1,32})\.([A-Za-z0-9_=-]{1,200000})\.([A-Za-z0-9_=-]{43,44}) -->"
)
_UNSIGNED_STATE = re.compile(r"<!-- dev-agent:state [A-Za-z0-9_=-]+ -->")


class StateRefused(InputError):
    """A state marker that is present but cannot be trusted (wrong MAC, unknown key, unsigned)."""


@dataclass(frozen=True)
class StateKeyring:
    """HMAC keys for request state: the first signs, every one verifies (so keys can be rotated)."""

    keys: tuple[tuple[str, bytes], ...]  # (key id, secret), newest first

    @classmethod
    def parse(cls, spec: str) -> StateKeyring:
        """`id:secret[,id:secret...]`, newest first; each secret at least 16 characters."""
        keys = []
        for item in (part.strip() for part in spec.split(",")):
            key_id, sep, secret = item.partition(":")
            if not sep or not re.fullmatch(r"[A-Za-z0-9_-]{1,32}", key_id) or len(secret) < 16:
                raise ValueError("DEV_AGENT_STATE_KEYS must be id:secret[,id:secret...] with secrets of 16+ characters")
            keys.append((key_id, secret.encode()))
        return cls(tuple(keys))

    @classmethod
    def derived(cls, secret: bytes, key_id: str = "k0") -> StateKeyring:
        """A keyring whose one key is derived from another secret the bot holds (the App's private key)."""
        return cls(((key_id, hashlib.sha256(b"dev-agent request state v1\0" + secret).digest()),))

    def sign(self, payload: bytes) -> str:
        key_id, secret = self.keys[0]
        body = base64.urlsafe_b64encode(payload).decode()
        return f"<!-- dev-agent:state {key_id}.{body}.{self._mac(secret, key_id, body)} -->"

    def verify(self, text: str) -> bytes | None:
        """The payload of the state marker in `text`; None when there is none; StateRefused when it is not ours."""
        match = _STATE.search(text or "")
        if match is None:
            if _UNSIGNED_STATE.search(text or ""):
                raise StateRefused("the request state carries no signature")
            return None
        key_id, body, mac = match.groups()
        secret = dict(self.keys).get(key_id)
        if secret is None:
            raise StateRefused(f"the request state is signed with an unknown key {key_id!r}")
        if not hmac.compare_digest(mac, self._mac(secret, key_id, body)):
            raise StateRefused("the request state's signature does not match")
        return base64.urlsafe_b64decode(body)

    @staticmethod
    def _mac(secret: bytes, key_id: str, body: str) -> str:
        digest = hmac.new(secret, f"{key_id}.{body}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode()
