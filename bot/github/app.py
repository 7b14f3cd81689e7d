"""GitHub App authentication with PyGithub: App JWT -> installation token (cached) -> API client."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from typing import Any

from github import Auth, Github, GithubIntegration

from bot.errors import ToolError
from bot.github.retry import GitHubRetry, call_with_backoff
from bot.settings import Settings

TOKEN_REFRESH_MARGIN_SECONDS = 300  # renew tokens this long before GitHub expires them


class GitHubAppError(ToolError):
    """The App is not configured (id or private key missing)."""


def private_key(settings: Settings) -> str:
    """The App's PEM key from settings (inline or a file)."""
    if settings.github_private_key is not None:
        return settings.github_private_key.get_secret_value()
    if settings.github_private_key_path is not None:
        try:
            return settings.github_private_key_path.read_text(encoding="utf-8")
        except OSError as exc:
            raise GitHubAppError(f"cannot read DEV_AGENT_GITHUB_PRIVATE_KEY_PATH: {exc.strerror}") from None
    raise GitHubAppError("set DEV_AGENT_GITHUB_PRIVATE_KEY or DEV_AGENT_GITHUB_PRIVATE_KEY_PATH")


class MemoryTokens:
    """Token cache of one process."""

    def __init__(self) -> None:
        self._tokens: dict[int, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def get(self, installation_id: int) -> str | None:
        with self._lock:
            cached = self._tokens.get(installation_id)
        return cached[0] if cached and cached[1] > time.time() else None

    def put(self, installation_id: int, token: str, valid_until: float) -> None:
        with self._lock:
            self._tokens[installation_id] = (token, valid_until)


class RedisTokens:
    """Token cache shared by every worker process (forked rq work horses do not keep memory)."""

    def __init__(self, redis: Any, prefix: str = "dev-agent:token:"):
        self.redis, self.prefix = redis, prefix

    def get(self, installation_id: int) -> str | None:
        raw = self.redis.get(f"{self.prefix}{installation_id}")
        return raw.decode() if raw else None

    def put(self, installation_id: int, token: str, valid_until: float) -> None:
        ttl = int(valid_until - time.time())
        if ttl > 0:
            self.redis.set(f"{self.prefix}{installation_id}", token, ex=ttl)


class GitHubApp:
    """Installation clients for one App; tokens are cached per installation until shortly before expiry."""

    def __init__(self, settings: Settings, retry: GitHubRetry | None = None, tokens: Any = None):
        if settings.github_app_id is None:
            raise GitHubAppError("set DEV_AGENT_GITHUB_APP_ID")
        self.base_url = settings.github_api_url.rstrip("/")
        self.retry = retry or GitHubRetry()
        self.integration = GithubIntegration(
            auth=Auth.AppAuth(settings.github_app_id, private_key(settings)), base_url=self.base_url, retry=self.retry
        )
        self.tokens = tokens or MemoryTokens()
        self.write_interval = settings.github_write_interval_seconds
        self._bot_login: str | None = None

    def bot_login(self) -> str:
        """The App's bot user, `<slug>[bot]`, from `GET /app` (asked once per process): the only author whose
        markers the bot trusts (bot/request/markers.py)."""
        if self._bot_login is None:
            app = call_with_backoff(self.integration.get_app)
            self._bot_login = f"{app.slug}[bot]"
        return self._bot_login

    def installation_token(self, installation_id: int) -> str:
        """A valid installation token, minted only when the cached one is about to expire."""
        cached = self.tokens.get(installation_id)
        if cached:
            return cached
        grant = call_with_backoff(lambda: self.integration.get_access_token(installation_id))
        expires = grant.expires_at or datetime.now(UTC)
        self.tokens.put(installation_id, grant.token, expires.timestamp() - TOKEN_REFRESH_MARGIN_SECONDS)
        return grant.token

    def client(self, installation_id: int) -> Github:
        """A PyGithub client acting as the installation."""
        return Github(auth=Auth.Token(self.installation_token(installation_id)), base_url=self.base_url,
                      retry=self.retry, per_page=100, lazy=True,
                      seconds_between_requests=0, seconds_between_writes=self.write_interval)
