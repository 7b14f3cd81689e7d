"""Sign in with any OpenID Connect provider (authlib's OAuth 2 client, joserfc for the ID token).

Configured by the issuer URL and a client id/secret (`DEV_AGENT_OIDC_*`). The provider's endpoints come from its
discovery document (`<issuer>/.well-known/openid-configuration`, whose `issuer` must be the configured one). The
flow is the authorization code flow with PKCE (S256), a random `state` (checked against the browser's signed
cookie) and a random `nonce`. The ID token from the token endpoint is verified before anything in it is believed:
signature with the provider's keys (JWKS, asymmetric algorithms only), `iss`, `aud` (this client; `azp` too when
there are several audiences), `exp`, `iat`, `sub` and the `nonce`.

Who the person is on GitHub: the claim named by `DEV_AGENT_OIDC_LOGIN_CLAIM` (default `github_login`) gives the
GitHub login whose repository access they get (checked on each request, bot/api/access.py). Without that claim, or
with a value that is not a GitHub login, they are signed in but see no environments.
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
import httpx2  # authlib's HTTP client
from authlib.integrations.httpx_client import OAuth2Client, OAuthError
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, KeySetSerialization

from bot.api.signin import SignInFailed
from bot.settings import Settings

GITHUB_LOGIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})")
ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA")
SCOPE = "openid email profile"
ENDPOINTS = ("authorization_endpoint", "token_endpoint", "jwks_uri")
LEEWAY = 60  # seconds of clock difference tolerated on exp/iat
METADATA_SECONDS = 3600  # discovery and keys are read again after this (or when a token names an unknown key)


@dataclass(frozen=True)
class Flow:
    """What the browser keeps (in a signed cookie) between leaving for the provider and coming back."""

    state: str
    nonce: str
    verifier: str

    @classmethod
    def new(cls) -> Flow:
        return cls(secrets.token_urlsafe(24), secrets.token_urlsafe(24), secrets.token_urlsafe(48))


@dataclass(frozen=True)
class OidcIdentity:
    """A verified ID token: the provider's subject, a name to show, and the GitHub login ("" when none)."""

    subject: str
    name: str
    login: str


@dataclass
class OidcSignIn:
    """The OIDC client of the dashboard."""

    issuer: str
    client_id: str
    client_secret: str
    name: str = "SSO"
    login_claim: str = "github_login"
    timeout: float = 15.0
    _metadata: dict[str, Any] = field(default_factory=dict, repr=False)
    _keys: KeySetSerialization = field(default_factory=lambda: KeySetSerialization(keys=[]), repr=False)
    _read_at: float = field(default=0.0, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def from_settings(cls, settings: Settings) -> OidcSignIn | None:
        """The client when the issuer, client id and secret are configured, else None."""
        if not settings.oidc_issuer or not settings.oidc_client_id or settings.oidc_client_secret is None:
            return None
        return cls(settings.oidc_issuer.rstrip("/"), settings.oidc_client_id,
                   settings.oidc_client_secret.get_secret_value(), settings.oidc_name, settings.oidc_login_claim)

    def _client(self, redirect_uri: str) -> OAuth2Client:
        return OAuth2Client(self.client_id, self.client_secret, scope=SCOPE, redirect_uri=redirect_uri,
                            code_challenge_method="S256", timeout=self.timeout)

    def metadata(self, refresh: bool = False) -> dict[str, Any]:
        """The discovery document (and the provider's keys), read once an hour; SignInFailed when unusable."""
        with self._lock:
            if refresh or not self._metadata or time.monotonic() - self._read_at > METADATA_SECONDS:
                try:
                    with httpx.Client(timeout=self.timeout) as client:
                        found = client.get(f"{self.issuer}/.well-known/openid-configuration")
                        found.raise_for_status()
                        metadata = found.json()
                        if metadata.get("issuer") != self.issuer:
                            raise SignInFailed(f"the OIDC provider calls itself {str(metadata.get('issuer'))[:200]!r},"
                                               f" not the configured issuer {self.issuer!r}")
                        if not all(isinstance(metadata.get(e), str) for e in ENDPOINTS):
                            raise KeyError(ENDPOINTS)
                        keys = client.get(metadata["jwks_uri"])
                        keys.raise_for_status()
                        self._keys = keys.json()
                except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
                    raise SignInFailed(f"the OIDC provider's discovery failed: {type(exc).__name__}") from None
                self._metadata, self._read_at = metadata, time.monotonic()
            return self._metadata

    def authorize_url(self, redirect_uri: str, flow: Flow) -> str:
        """Where to send the browser: the provider's authorization endpoint with PKCE, state and nonce."""
        url, _state = self._client(redirect_uri).create_authorization_url(
            self.metadata()["authorization_endpoint"], state=flow.state, code_verifier=flow.verifier,
            nonce=flow.nonce)
        return str(url)

    def identity(self, code: str, redirect_uri: str, flow: Flow) -> OidcIdentity:
        """Exchange the code (with the PKCE verifier) and verify the ID token; SignInFailed otherwise."""
        metadata = self.metadata()
        try:
            with self._client(redirect_uri) as client:
                token = client.fetch_token(metadata["token_endpoint"], code=code, code_verifier=flow.verifier)
        except (OAuthError, httpx2.HTTPError, ValueError) as exc:
            raise SignInFailed(f"the OIDC provider refused the sign-in: {getattr(exc, 'error', None) or type(exc).__name__}"
                               ) from None
        id_token = token.get("id_token")
        if not isinstance(id_token, str):
            raise SignInFailed("the OIDC provider sent no ID token")
        claims = self.verify(id_token, flow.nonce)
        login = claims.get(self.login_claim)
        login = login if isinstance(login, str) and GITHUB_LOGIN.fullmatch(login) else ""
        shown = next((str(claims[c]) for c in ("email", "preferred_username", "name") if isinstance(claims.get(c), str)),
                     str(claims["sub"]))
        return OidcIdentity(subject=str(claims["sub"]), name=shown[:200], login=login)

    def verify(self, id_token: str, nonce: str) -> dict[str, Any]:
        """The claims of an ID token this provider signed for this client and this sign-in; SignInFailed otherwise."""
        try:
            try:
                decoded = jwt.decode(id_token, KeySet.import_key_set(self._keys), algorithms=ALGORITHMS)
            except (JoseError, ValueError):  # maybe the provider rotated its keys: read them again, once
                self.metadata(refresh=True)
                decoded = jwt.decode(id_token, KeySet.import_key_set(self._keys), algorithms=ALGORITHMS)
            claims = decoded.claims
            jwt.JWTClaimsRegistry(
                leeway=LEEWAY, iss={"essential": True, "value": self.issuer}, sub={"essential": True},
                aud={"essential": True, "value": self.client_id}, exp={"essential": True}, iat={"essential": True},
                nonce={"essential": True, "value": nonce},
            ).validate(claims)
        except (JoseError, ValueError, TypeError) as exc:
            raise SignInFailed(f"the ID token was not accepted: {_reason(exc)}") from None
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if len(audiences) > 1 and claims.get("azp") != self.client_id:
            raise SignInFailed("the ID token was not accepted: it names other audiences and azp is not this client")
        return claims


def _reason(exc: Exception) -> str:
    """A short, safe reason (joserfc's error names and claim names, never the token)."""
    return (getattr(exc, "description", None) or getattr(exc, "error", None) or type(exc).__name__)[:200]
