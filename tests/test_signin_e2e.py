"""The path an operator and a user take, against real `dev-agent serve` processes on SQLite (the default) and on
a real PostgreSQL: `dev-agent keys create` makes a key that works before and after `serve` restarts and lives in
the database's tables; users sign in with GitHub (the sandbox's OAuth web flow) or an OIDC provider (a local one)
and see only the environments of repositories they are collaborators of (on the dashboard and the read API),
asked of GitHub on each request: access taken away on GitHub disappears without signing out; sessions survive the
restart too; without a session the dashboard sends them to sign in."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest
from sqlalchemy import create_engine, text

from bot.store.registry import EnvironmentRecord, Registry
from tests.support.bot_stack import BotStack, wait_for
from tests.support.oidc_provider import OidcProvider
from tests.support.postgres_server import postgres_server  # noqa: F401  (fixture)
from tests.support.redis_server import redis_server  # noqa: F401  (fixture)


@pytest.fixture(scope="module")
def sandbox():
    from sandbox import SandboxGitHub

    with SandboxGitHub() as github:
        yield github


def _sign_in(stack: BotStack, login: str) -> httpx.Client:
    """A browser signing in with GitHub as `login`: dashboard -> GitHub authorize -> callback -> dashboard."""
    browser = httpx.Client(base_url=stack.url, timeout=30)
    to_github = browser.get("/dashboard/oauth/start")
    assert to_github.status_code == 303
    authorize = httpx.URL(to_github.headers["location"])
    assert authorize.path == "/login/oauth/authorize" and authorize.params["client_id"] == stack.app["client_id"]
    # On GitHub: the user authorises the App, GitHub sends the browser back with a one-time code.
    back = httpx.post(f"{stack.sandbox.url}/login/oauth/authorize", data={**authorize.params, "login": login})
    assert back.status_code == 302 and back.headers["location"].startswith(f"{stack.url}/dashboard/oauth/callback?")
    landed = browser.get(back.headers["location"])
    assert landed.status_code == 200 and f"Signed in as {login}" in landed.text, landed.text
    return browser


def _names(page: str) -> set[str]:
    return set(re.findall(r'<a href="/environments/[^/"]+/[^/"]+/([^"]+)">', page))


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_keys_and_github_sessions_survive_a_restart_and_users_see_only_their_repositories(
        backend: str, sandbox, redis_server, request: pytest.FixtureRequest) -> None:  # noqa: F811
    url = request.getfixturevalue("postgres_server").create_database() if backend == "postgresql" else None
    stack = BotStack(sandbox, redis_server.url, workers=0, extra_env={"DEV_AGENT_DATABASE_URL": url} if url else None)
    stack.env.update({"DEV_AGENT_GITHUB_CLIENT_ID": stack.app["client_id"],  # the App's OAuth client
                      "DEV_AGENT_GITHUB_CLIENT_SECRET": stack.app["client_secret"],
                      "DEV_AGENT_ACCESS_CACHE_SECONDS": "1"})  # GitHub's answers are trusted 1 s (default 60)
    hidden = f"{stack.owner}/hidden-{uuid.uuid4().hex[:6]}"  # installed too, but alice is no collaborator
    sandbox.create_repo(*hidden.split("/"))
    sandbox.add_collaborator(*hidden.split("/"), "bob", "write")
    sandbox.install(stack.app, hidden)
    with stack:
        created = stack.dev_agent("keys", "create", "ops", "--scope", "read",
                                  "--installation", str(stack.installation["id"]))
        assert created.returncode == 0, created.stderr
        token = created.stdout.strip()
        auth = {"Authorization": f"Bearer {token}"}
        assert httpx.get(f"{stack.url}/api/environments", headers=auth, timeout=30).status_code == 200

        registry = Registry(stack.settings())
        registry.upsert(EnvironmentRecord(name="web-dev", repository=stack.full_name, status="applied"))
        registry.upsert(EnvironmentRecord(name="hidden-dev", repository=hidden, status="applied"))

        anonymous = httpx.get(f"{stack.url}/", timeout=30)
        assert anonymous.status_code == 303 and anonymous.headers["location"] == "/dashboard/login"
        assert 'href="/dashboard/oauth/start"' in httpx.get(f"{stack.url}/dashboard/login", timeout=30).text
        alice, bob = _sign_in(stack, "alice"), _sign_in(stack, "bob")
        assert _names(alice.get("/").text) == {"web-dev"}  # not the repository she cannot access
        assert alice.get(f"/environments/{hidden}/hidden-dev").status_code == 404
        assert _names(bob.get("/").text) == {"web-dev", "hidden-dev"}
        assert "as alice (GitHub)" in alice.get("/").text
        # The API's read routes take the same session (a browser, no key); requesting still needs a key.
        assert {e["name"] for e in alice.get("/api/environments").json()} == {"web-dev"}
        refused = alice.get(f"/api/environments/hidden-dev?repository={hidden}")
        assert refused.status_code == 403 and "alice's session is limited" in refused.json()["detail"]
        assert alice.post("/api/environments", json={"repository": stack.full_name, "text": "a dev env"}
                          ).status_code == 401

        # An admin removes bob from the hidden repository on GitHub: its environment disappears from his
        # dashboard and his API reads while he stays signed in.
        sandbox.remove_collaborator(*hidden.split("/"), "bob")
        wait_for(lambda: _names(bob.get("/").text) == {"web-dev"}, what="bob's access to end")
        assert bob.get(f"/environments/{hidden}/hidden-dev").status_code == 404
        assert {e["name"] for e in bob.get("/api/environments").json()} == {"web-dev"}
        assert "as bob (GitHub)" in bob.get("/").text  # still signed in

        stack.restart_web()
        assert httpx.get(f"{stack.url}/api/environments", headers=auth, timeout=30).status_code == 200
        assert _names(alice.get("/").text) == {"web-dev"}  # the signed session survived the restart
        alice.post("/dashboard/logout")
        assert alice.get("/").status_code == 303  # signing out ends the session in the database
        forged = httpx.get(f"{stack.url}/", cookies={"dev_agent_session": "u-abc.9999999999.00"}, timeout=30)
        assert forged.status_code == 303

        database = url or f"sqlite:///{stack.state_dir}/dev-agent.db"
        engine = create_engine(database)
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT id, sha256 FROM api_keys")).all()
            logins = {r.login for r in conn.execute(text("SELECT login FROM user_sessions"))}
        engine.dispose()
        assert [r.id for r in rows] == [token.split("_")[1]] and token not in str(rows)
        assert logins == {"bob"}


def test_people_sign_in_with_an_oidc_provider_and_see_what_their_github_login_may(sandbox, redis_server) -> None:  # noqa: F811
    with OidcProvider() as idp:
        idp.add_person("alice", email="alice@example.com", github_login="alice")
        idp.add_person("carol", email="carol@example.com")  # her account names no GitHub login
        stack = BotStack(sandbox, redis_server.url, workers=0, extra_env={
            "DEV_AGENT_OIDC_ISSUER": idp.issuer, "DEV_AGENT_OIDC_CLIENT_ID": idp.client_id,
            "DEV_AGENT_OIDC_CLIENT_SECRET": idp.client_secret, "DEV_AGENT_OIDC_NAME": "Example SSO"})
        hidden = f"{stack.owner}/hidden-{uuid.uuid4().hex[:6]}"
        sandbox.create_repo(*hidden.split("/"))
        sandbox.install(stack.app, hidden)
        with stack:
            registry = Registry(stack.settings())
            registry.upsert(EnvironmentRecord(name="web-dev", repository=stack.full_name, status="applied"))
            registry.upsert(EnvironmentRecord(name="hidden-dev", repository=hidden, status="applied"))
            assert 'href="/dashboard/oidc/start"' in httpx.get(f"{stack.url}/dashboard/login", timeout=30).text

            def sign_in(person: str) -> tuple[httpx.Client, httpx.Response]:
                browser = httpx.Client(base_url=stack.url, timeout=30)
                to_idp = browser.get("/dashboard/oidc/start")
                assert to_idp.status_code == 303 and to_idp.headers["location"].startswith(f"{idp.issuer}/authorize?")
                back = httpx.get(f"{to_idp.headers['location']}&login_as={person}")  # signs in at the provider
                assert back.headers["location"].startswith(f"{stack.url}/dashboard/oidc/callback?")
                return browser, browser.get(back.headers["location"])

            alice, landed = sign_in("alice")
            assert landed.status_code == 200 and "Signed in as alice@example.com" in landed.text
            page = alice.get("/").text
            assert _names(page) == {"web-dev"} and "as alice@example.com (Example SSO, GitHub login alice)" in page
            assert {e["name"] for e in alice.get("/api/environments").json()} == {"web-dev"}

            carol, landed = sign_in("carol")
            assert landed.status_code == 200 and 'id="no-login"' in landed.text
            assert _names(carol.get("/").text) == set() and carol.get("/api/environments").json() == []

            # The provider's answer replayed in another browser (no flow cookie): refused, no session.
            _, replay = sign_in("alice")
            stranger = httpx.Client(base_url=stack.url, timeout=30)
            refused = stranger.get(str(replay.request.url))
            assert refused.status_code == 400 and "state mismatch" in refused.text
            assert stranger.get("/").status_code == 303
