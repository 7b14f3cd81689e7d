"""Sign-in with an OpenID Connect provider: the bot's client (bot/api/oidc.py) against a small local provider
(tests/support/oidc_provider.py). The code flow uses PKCE, state and nonce; an ID token is believed only when the
provider's key signed it for this client, this sign-in (nonce) and now; the GitHub login comes from one claim."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from joserfc.jwk import OctKey, RSAKey

from bot.api.oidc import Flow, OidcSignIn
from bot.api.signin import SignInFailed
from tests.support.oidc_provider import OidcProvider

REDIRECT = "http://127.0.0.1:9/dashboard/oidc/callback"


@pytest.fixture
def idp():
    with OidcProvider() as provider:
        provider.add_person("alice", email="alice@example.com", github_login="alice")
        provider.add_person("carol", email="carol@example.com")  # no GitHub login on her account
        provider.add_person("mallory", email="m@example.com", github_login="alice bob")  # not a GitHub login
        yield provider


def _client(idp: OidcProvider) -> OidcSignIn:
    return OidcSignIn(idp.issuer, idp.client_id, idp.client_secret, name="Example SSO")


def _sign_in(idp: OidcProvider, person: str, flow: Flow | None = None) -> tuple[OidcSignIn, str, Flow]:
    """The browser's trip: the bot's authorize URL, the person signs in at the provider, the code comes back."""
    client, flow = _client(idp), flow or Flow.new()
    url = client.authorize_url(REDIRECT, flow)
    back = httpx.get(f"{url}&login_as={person}")
    assert back.status_code == 302, back.text
    query = parse_qs(urlsplit(back.headers["location"]).query)
    assert query["state"] == [flow.state]
    return client, query["code"][0], flow


def test_the_code_flow_uses_pkce_state_and_nonce_and_reads_the_github_login(idp: OidcProvider) -> None:
    client, code, flow = _sign_in(idp, "alice")
    asked = parse_qs(urlsplit(client.authorize_url(REDIRECT, flow)).query)
    assert asked["code_challenge_method"] == ["S256"] and asked["nonce"] == [flow.nonce]
    assert asked["code_challenge"] != [flow.verifier] and asked["redirect_uri"] == [REDIRECT]
    person = client.identity(code, REDIRECT, flow)
    assert (person.login, person.name, person.subject) == ("alice", "alice@example.com", "sub-alice")
    assert idp.token_requests[-1]["code_verifier"] == flow.verifier
    with pytest.raises(SignInFailed, match="refused"):  # a code works once
        client.identity(code, REDIRECT, flow)


def test_without_a_github_login_claim_the_person_is_nobody_on_github(idp: OidcProvider) -> None:
    for person in ("carol", "mallory"):
        client, code, flow = _sign_in(idp, person)
        assert client.identity(code, REDIRECT, flow).login == ""


def test_a_code_without_its_pkce_verifier_is_refused(idp: OidcProvider) -> None:
    client, code, flow = _sign_in(idp, "alice")
    stolen = Flow(flow.state, flow.nonce, Flow.new().verifier)  # the code alone, intercepted
    with pytest.raises(SignInFailed, match="refused the sign-in: invalid_grant"):
        client.identity(code, REDIRECT, stolen)


def test_an_id_token_from_another_sign_in_is_refused(idp: OidcProvider) -> None:
    client, code, flow = _sign_in(idp, "alice")
    with pytest.raises(SignInFailed, match="nonce"):
        client.identity(code, REDIRECT, Flow(flow.state, "another-sign-in", flow.verifier))


@pytest.mark.parametrize(("override", "reason"), [
    ({"aud": "some-other-client"}, "aud"),
    ({"aud": ["some-other-client", "dev-agent-dashboard"]}, "azp"),
    ({"iss": "http://evil.example"}, "iss"),
    ({"exp": 1_000_000_000}, "expired"),
    ({"sub": None}, "sub"),
])
def test_id_tokens_not_meant_for_this_client_now_are_refused(idp: OidcProvider, override: dict, reason: str) -> None:
    idp.claims_override = {k: v for k, v in override.items() if v is not None}
    if override.get("sub", "") is None:
        idp.claims_override["sub"] = 42  # not a string
    client, code, flow = _sign_in(idp, "alice")
    with pytest.raises(SignInFailed, match=reason):
        client.identity(code, REDIRECT, flow)


@pytest.mark.parametrize("key", ["another RSA key", "the client secret (HS256)"])
def test_an_id_token_signed_with_a_key_the_provider_does_not_publish_is_refused(idp: OidcProvider, key: str) -> None:
    idp.sign_with = RSAKey.generate_key(2048, parameters={"kid": "test-1"}) if key == "another RSA key" \
        else OctKey.import_key(idp.client_secret, parameters={"kid": "test-1"})  # same key id, not the published key
    client, code, flow = _sign_in(idp, "alice")
    with pytest.raises(SignInFailed, match="not accepted"):
        client.identity(code, REDIRECT, flow)


def test_a_provider_that_names_another_issuer_is_refused(idp: OidcProvider) -> None:
    client = OidcSignIn(idp.issuer + "/", idp.client_id, idp.client_secret)
    client.issuer = idp.issuer + "/tenant"  # discovery answers with issuer != the configured one
    with pytest.raises(SignInFailed, match=r"discovery failed|calls itself"):
        client.authorize_url(REDIRECT, Flow.new())
