"""Sign in with GitHub: the GitHub App's user authorisation (OAuth web flow). The user authorises the App on
GitHub, GitHub redirects back with a one-time code, the bot exchanges it (with the App's client secret) for a
user-to-server token and asks GitHub who the user is (`GET /user`). The token is not kept: what the user may see
is asked of GitHub, as the App, on each request (bot/api/access.py)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

import httpx

from bot.errors import DevAgentError
from bot.settings import Settings


class SignInFailed(DevAgentError):
    """GitHub refused the code or the token, or could not be reached."""


@dataclass(frozen=True)
class GitHubUser:
    """Who signed in."""

    login: str


@dataclass(frozen=True)
class GitHubSignIn:
    """The App's OAuth client: GitHub's web URL (authorize, access_token) and API URL (user, installations)."""

    client_id: str
    client_secret: str
    web_url: str
    api_url: str
    timeout: float = 15.0

    @classmethod
    def from_settings(cls, settings: Settings) -> GitHubSignIn | None:
        """The client when the App's client id and secret are configured, else None (keys only)."""
        if not settings.github_client_id or settings.github_client_secret is None:
            return None
        api = settings.github_api_url.rstrip("/")
        web = settings.github_web_url or ("https://github.com" if api == "https://api.github.com"
                                          else api.removesuffix("/api/v3"))
        return cls(settings.github_client_id, settings.github_client_secret.get_secret_value(), web.rstrip("/"), api)

    def authorize_url(self, redirect_uri: str, state: str) -> str:
        query = urlencode({"client_id": self.client_id, "redirect_uri": redirect_uri, "state": state})
        return f"{self.web_url}/login/oauth/authorize?{query}"

    def user(self, code: str, redirect_uri: str) -> GitHubUser:
        """Exchange the code and read who the user is; SignInFailed otherwise."""
        try:
            with httpx.Client(timeout=self.timeout) as client:
                answer = client.post(f"{self.web_url}/login/oauth/access_token", headers={"Accept": "application/json"},
                                     data={"client_id": self.client_id, "client_secret": self.client_secret,
                                           "code": code, "redirect_uri": redirect_uri})
                answer.raise_for_status()
                body = answer.json()
                if "access_token" not in body:
                    raise SignInFailed(f"GitHub refused the sign-in: {body.get('error_description') or body.get('error')}")
                answer = client.get(f"{self.api_url}/user", headers={
                    "Authorization": f"Bearer {body['access_token']}", "Accept": "application/vnd.github+json"})
                answer.raise_for_status()
                login = answer.json()["login"]
        except (httpx.HTTPError, ValueError, KeyError) as exc:
            raise SignInFailed(f"could not sign in with GitHub: {type(exc).__name__}") from None
        return GitHubUser(login=str(login))
