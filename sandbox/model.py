"""In-memory sandbox state: users, apps, installations, repositories, issues, pulls, check runs."""

from __future__ import annotations

import itertools
import secrets
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from .gitstore import GitRepo

DEFAULT_APP_PERMISSIONS = {
    "checks": "write",
    "contents": "write",
    "issues": "write",
    "metadata": "read",
    "pull_requests": "write",
}
DEFAULT_APP_EVENTS = ["issues", "issue_comment", "pull_request", "check_run"]
PERMISSION_RANK = {"none": 0, "read": 1, "triage": 2, "write": 3, "maintain": 4, "admin": 5}
REACTIONS = ("+1", "-1", "laugh", "confused", "heart", "hooray", "rocket", "eyes")


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def iso(moment: datetime | None) -> str | None:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


@dataclass
class User:
    id: int
    login: str
    type: str = "User"  # User | Organization | Bot
    name: str | None = None
    email: str | None = None
    token: str | None = None  # personal access token for REST and git as this user
    created_at: datetime = field(default_factory=now)


@dataclass
class App:
    id: int
    slug: str
    name: str
    owner: User
    bot: User
    client_id: str
    private_key_pem: str
    public_key_pem: str
    client_secret: str = field(default_factory=lambda: secrets.token_hex(20))  # OAuth (user sign-in)
    permissions: dict = field(default_factory=lambda: dict(DEFAULT_APP_PERMISSIONS))
    events: list = field(default_factory=lambda: list(DEFAULT_APP_EVENTS))
    created_at: datetime = field(default_factory=now)


@dataclass
class Installation:
    id: int
    app: App
    account: User
    repository_ids: set[int]
    created_at: datetime = field(default_factory=now)


@dataclass
class Token:
    value: str
    installation: Installation
    expires_at: datetime
    repository_ids: set[int]


@dataclass
class UserToken:
    """A user-to-server token from the OAuth web flow: acts as `user`, limited to what `app` may see."""

    value: str
    user: User
    app: App
    expires_at: datetime


@dataclass
class OAuthCode:
    """A one-time code handed to the App's redirect URI, exchanged for a UserToken."""

    user: User
    app: App
    redirect_uri: str
    expires_at: datetime


@dataclass
class Label:
    id: int
    name: str
    color: str
    description: str | None
    default: bool = False


@dataclass
class Reaction:
    id: int
    user: User
    content: str
    created_at: datetime = field(default_factory=now)


@dataclass
class Comment:
    id: int
    issue_number: int
    user: User
    body: str
    app: App | None = None
    created_at: datetime = field(default_factory=now)
    updated_at: datetime = field(default_factory=now)
    reactions: list[Reaction] = field(default_factory=list)


@dataclass
class PullData:
    head_ref: str
    head_sha: str
    base_ref: str
    base_sha: str
    draft: bool = False
    merged: bool = False
    merged_at: datetime | None = None
    merged_by: User | None = None
    merge_commit_sha: str | None = None
    maintainer_can_modify: bool = False


@dataclass
class Issue:
    id: int
    pull_id: int | None
    number: int
    title: str
    body: str | None
    user: User
    app: App | None = None
    state: str = "open"
    state_reason: str | None = None
    labels: list[str] = field(default_factory=list)
    assignees: list[User] = field(default_factory=list)
    comments: list[int] = field(default_factory=list)
    created_at: datetime = field(default_factory=now)
    updated_at: datetime = field(default_factory=now)
    closed_at: datetime | None = None
    closed_by: User | None = None
    reactions: list[Reaction] = field(default_factory=list)
    pull: PullData | None = None


@dataclass
class CheckRun:
    id: int
    suite_id: int
    app: App
    head_sha: str
    name: str
    status: str = "queued"
    conclusion: str | None = None
    started_at: datetime = field(default_factory=now)
    completed_at: datetime | None = None
    details_url: str | None = None
    external_id: str | None = None
    output: dict = field(default_factory=dict)


@dataclass
class Repository:
    id: int
    owner: User
    name: str
    git: GitRepo
    private: bool = False
    description: str | None = None
    default_branch: str = "main"
    collaborators: dict[str, str] = field(default_factory=dict)  # login -> permission
    labels: dict[str, Label] = field(default_factory=dict)  # lower-case name -> label
    issues: dict[int, Issue] = field(default_factory=dict)
    check_runs: dict[int, CheckRun] = field(default_factory=dict)
    created_at: datetime = field(default_factory=now)
    updated_at: datetime = field(default_factory=now)
    pushed_at: datetime = field(default_factory=now)

    @property
    def full_name(self) -> str:
        return f"{self.owner.login}/{self.name}"

    def next_number(self) -> int:
        return max(self.issues, default=0) + 1


@dataclass
class Team:
    id: int
    org: User
    slug: str
    members: dict[str, str] = field(default_factory=dict)  # lower-case login -> role (member | maintainer)


class State:
    """All sandbox objects, guarded by one re-entrant lock (handlers hold it while they run)."""

    def __init__(self, root: Path):
        self.root = root
        self.lock = threading.RLock()
        self._ids = itertools.count(1000)
        self.users: dict[str, User] = {}  # lower-case login -> user
        self.apps: dict[int, App] = {}
        self.installations: dict[int, Installation] = {}
        self.tokens: dict[str, Token] = {}
        self.user_tokens: dict[str, UserToken] = {}  # OAuth user-to-server tokens (ghu_)
        self.oauth_codes: dict[str, OAuthCode] = {}
        self.repos: dict[str, Repository] = {}  # lower-case full name -> repo
        self.comments: dict[int, tuple[Repository, Comment]] = {}
        self.teams: dict[str, Team] = {}  # lower-case "org/slug" -> team

    def new_id(self) -> int:
        return next(self._ids)

    @staticmethod
    def new_token(prefix: str) -> str:
        return prefix + secrets.token_urlsafe(27).replace("-", "A").replace("_", "b")[:36]

    def user(self, login: str) -> User | None:
        return self.users.get(login.lower())

    def team(self, org: str, slug: str) -> Team | None:
        return self.teams.get(f"{org}/{slug}".lower())

    def repo(self, owner: str, name: str) -> Repository | None:
        return self.repos.get(f"{owner}/{name}".lower())

    def user_by_token(self, token: str) -> User | None:
        return next((u for u in self.users.values() if u.token and secrets.compare_digest(u.token, token)), None)

    def installations_for(self, repo: Repository) -> list[Installation]:
        return [i for i in self.installations.values() if repo.id in i.repository_ids]

    def explicit_permission(self, user: User, repo: Repository) -> str | None:
        """The role a user was given on a repository (owner or collaborator), None without one (public read
        access is not explicit: GitHub's /user/installations lists only repositories with an explicit role)."""
        if user.id == repo.owner.id:
            return "admin"
        return repo.collaborators.get(user.login.lower())

    def permission(self, user: User, repo: Repository) -> str:
        """A user's role on a repository: admin for the owner, the collaborator role, else read/none."""
        if user.id == repo.owner.id:
            return "admin"
        if user.login.lower() in repo.collaborators:
            return repo.collaborators[user.login.lower()]
        return "none" if repo.private else "read"
