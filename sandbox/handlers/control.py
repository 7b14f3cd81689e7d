"""Sandbox control endpoints under /sandbox/: fixtures (users, apps, repos, installations), webhooks,
faults, call statistics and reset. They need no credentials and are not counted as API calls."""

from __future__ import annotations

import re
import secrets
import shutil

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from ..context import Ctx
from ..errors import invalid, not_found
from ..gitstore import GitRepo, Person
from ..model import App, Installation, Repository, Team, User, iso, now
from ..routing import route

LOGIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?$")
REPO_NAME = re.compile(r"^[A-Za-z0-9._-]{1,100}$")
TEAM_SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")


def _new_user(ctx: Ctx, login: str, kind: str, name: str | None = None, email: str | None = None) -> User:
    if not isinstance(login, str) or not LOGIN.match(login):
        raise invalid("User", "login", "invalid", "login must be 1-39 letters, digits or hyphens")
    if ctx.state.user(login):
        raise invalid("User", "login", "already_exists")
    user = User(ctx.state.new_id(), login, kind, name, email or f"{login}@users.sandbox.test")
    user.token = ctx.state.new_token("ghp_")
    ctx.state.users[login.lower()] = user
    return user


def _user_out(ctx: Ctx, user: User) -> dict:
    return {**ctx.shapes.user(user), "token": user.token}


@route("POST", "/sandbox/users")
def create_user(ctx: Ctx):
    body = ctx.json()
    kind = body.get("type", "User")
    if kind not in ("User", "Organization", "Bot"):
        raise invalid("User", "type", "invalid")
    user = _new_user(ctx, body.get("login"), kind, body.get("name"), body.get("email"))
    return 201, _user_out(ctx, user)


@route("POST", "/sandbox/orgs")
def create_org(ctx: Ctx):
    return 201, _user_out(ctx, _new_user(ctx, ctx.json().get("login"), "Organization"))


@route("POST", "/sandbox/bots")
def create_bot(ctx: Ctx):
    slug = ctx.json().get("slug")
    if not isinstance(slug, str) or not slug:
        raise invalid("User", "slug", "missing_field")
    return 201, _user_out(ctx, _new_user(ctx, f"{slug}[bot]", "Bot"))


@route("POST", "/sandbox/apps")
def create_app(ctx: Ctx):
    body = ctx.json()
    name = body.get("name") or "dev-agent"
    slug = body.get("slug") or re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-")
    owner_login = body.get("owner")
    owner = ctx.state.user(owner_login) if owner_login else None
    if owner_login and owner is None:
        raise invalid("App", "owner", "invalid", f"unknown owner {owner_login}")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
    ).decode()
    public_pem = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    bot = _new_user(ctx, f"{slug}[bot]", "Bot", email=None)
    owner = owner or _new_user(ctx, f"{slug}-owner", "User")
    app = App(ctx.state.new_id(), slug, name, owner, bot, "Iv1." + secrets.token_hex(8), private_pem, public_pem)
    bot.email = f"{bot.id}+{bot.login}@users.noreply.github.com"
    if body.get("permissions"):
        app.permissions = dict(body["permissions"])
    if body.get("events"):
        app.events = list(body["events"])
    ctx.state.apps[app.id] = app
    return 201, {
        "id": app.id,
        "slug": app.slug,
        "client_id": app.client_id,
        "client_secret": app.client_secret,
        "name": app.name,
        "private_key_pem": private_pem,
        "bot_login": bot.login,
        "bot_id": bot.id,
        "permissions": app.permissions,
        "events": app.events,
    }


@route("POST", "/sandbox/repos")
def create_repo(ctx: Ctx):
    body = ctx.json()
    owner = ctx.state.user(str(body.get("owner", "")))
    name = body.get("name")
    if owner is None:
        raise invalid("Repository", "owner", "invalid")
    if not isinstance(name, str) or not REPO_NAME.match(name) or name.endswith(".git"):
        raise invalid("Repository", "name", "invalid")
    branch = body.get("default_branch", "main")
    files = body.get("files") or {"README.md": f"# {name}\n"}
    if ctx.state.repo(owner.login, name):
        raise invalid("Repository", "name", "already_exists", "name already exists on this account")
    path = ctx.state.root / "repos" / owner.login / f"{name}.git"
    git = GitRepo.init(path, branch)
    entries = [
        {"path": p, "mode": "100644", "type": "blob", "sha": git.hash_blob(str(c).encode())} for p, c in files.items()
    ]
    tree = git.build_tree(None, entries)
    person = Person(owner.name or owner.login, owner.email or f"{owner.login}@users.sandbox.test", iso(now()))
    commit = git.commit_tree(tree, [], "Initial commit\n", person, person)
    git.update_ref(f"refs/heads/{branch}", commit)
    repo = Repository(
        ctx.state.new_id(),
        owner,
        name,
        git,
        private=bool(body.get("private")),
        description=body.get("description"),
        default_branch=branch,
    )
    ctx.state.repos[repo.full_name.lower()] = repo
    return 201, ctx.shapes.repo(repo, full=True)


def _repo(ctx: Ctx) -> Repository:
    repo = ctx.state.repo(ctx.params["owner"], ctx.params["repo"])
    if repo is None:
        raise not_found()
    return repo


@route("POST", "/sandbox/repos/{owner}/{repo}/collaborators")
def add_collaborator(ctx: Ctx):
    repo = _repo(ctx)
    body = ctx.json()
    user = ctx.state.user(str(body.get("login", "")))
    permission = body.get("permission", "write")
    if user is None:
        raise invalid("Collaborator", "login", "invalid")
    if permission not in ("read", "triage", "write", "maintain", "admin"):
        raise invalid("Collaborator", "permission", "invalid")
    repo.collaborators[user.login.lower()] = permission
    return 201, {"login": user.login, "permission": permission}


@route("DELETE", "/sandbox/repos/{owner}/{repo}/collaborators/{login}")
def remove_collaborator(ctx: Ctx):
    """Take a collaborator's role away (as an admin removing them in the repository's settings)."""
    if _repo(ctx).collaborators.pop(ctx.params["login"].lower(), None) is None:
        raise not_found()
    return 204, None


@route("POST", "/sandbox/orgs/{org}/teams/{team_slug}/members")
def add_team_member(ctx: Ctx):
    """Add a user to an organisation's team (created on first use) as `member` or `maintainer`."""
    org = ctx.state.user(ctx.params["org"])
    if org is None or org.type != "Organization":
        raise not_found()
    slug = ctx.params["team_slug"]
    if not TEAM_SLUG.match(slug):
        raise invalid("Team", "slug", "invalid")
    body = ctx.json()
    user = ctx.state.user(str(body.get("login", "")))
    role = body.get("role", "member")
    if user is None:
        raise invalid("TeamMembership", "login", "invalid")
    if role not in ("member", "maintainer"):
        raise invalid("TeamMembership", "role", "invalid")
    team = ctx.state.team(org.login, slug)
    if team is None:
        team = ctx.state.teams[f"{org.login}/{slug}".lower()] = Team(ctx.state.new_id(), org, slug.lower())
    team.members[user.login.lower()] = role
    return 201, {"org": org.login, "team": team.slug, "login": user.login, "role": role}


@route("POST", "/sandbox/installations")
def create_installation(ctx: Ctx):
    body = ctx.json()
    app = ctx.state.apps.get(body.get("app_id"))
    if app is None:
        raise invalid("Installation", "app_id", "invalid")
    account = ctx.state.user(str(body.get("account", "")))
    if account is None:
        raise invalid("Installation", "account", "invalid")
    repos = []
    for name in body.get("repositories") or []:
        repo = ctx.state.repo(account.login, name)
        if repo is None:
            raise invalid("Installation", "repositories", "invalid", f"unknown repository {account.login}/{name}")
        repos.append(repo)
    existing = next(
        (i for i in ctx.state.installations.values() if i.app.id == app.id and i.account.id == account.id), None
    )
    if existing:
        existing.repository_ids |= {r.id for r in repos}
        return 200, ctx.shapes.installation(existing)
    inst = Installation(ctx.state.new_id(), app, account, {r.id for r in repos})
    ctx.state.installations[inst.id] = inst

    def build(shapes):
        return {
            "action": "created",
            "installation": shapes.installation(inst, epoch_dates=True),
            "repositories": [shapes.repo_lite(r) for r in repos],
        }

    sender = account if account.type != "Organization" else app.owner
    ctx.core.emit("installation", None, sender, build, installation=inst)
    return 201, ctx.shapes.installation(inst)


@route("POST", "/sandbox/webhook")
def set_webhook(ctx: Ctx):
    body = ctx.json()
    url, secret = body.get("url"), body.get("secret")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise invalid("Hook", "url", "invalid")
    if not isinstance(secret, str) or not secret:
        raise invalid("Hook", "secret", "missing_field")
    app_id = body.get("app_id")
    if app_id is not None and app_id not in ctx.state.apps:
        raise invalid("Hook", "app_id", "invalid")
    hook = ctx.core.set_hook(url, secret, app_id)
    return 201, {"id": hook.id, "url": hook.url, "app_id": hook.app_id}


@route("GET", "/sandbox/deliveries")
def list_deliveries(ctx: Ctx):
    if ctx.query.get("wait"):
        ctx.core.deliverer.wait_idle(float(ctx.query["wait"]))
    return 200, [d.summary() for d in ctx.core.deliverer.log]


@route("POST", "/sandbox/deliveries/{delivery_id}/redeliver")
def redeliver(ctx: Ctx):
    delivery = ctx.core.deliverer.redeliver(ctx.int_param("delivery_id"))
    if delivery is None:
        raise not_found()
    return 202, {"id": delivery.id, "guid": delivery.guid}


@route("POST", "/sandbox/faults")
def add_fault(ctx: Ctx):
    return 201, ctx.core.faults.add(ctx.json()).describe()


@route("GET", "/sandbox/faults")
def list_faults(ctx: Ctx):
    return 200, ctx.core.faults.list()


@route("DELETE", "/sandbox/faults")
def clear_faults(ctx: Ctx):
    ctx.core.faults.clear()
    return 204, None


@route("GET", "/sandbox/stats")
def stats(ctx: Ctx):
    calls = dict(ctx.core.stats)
    return 200, {"total": sum(calls.values()), "calls": calls}


@route("DELETE", "/sandbox/stats")
def reset_stats(ctx: Ctx):
    ctx.core.reset_counters()
    return 204, None


@route("POST", "/sandbox/reset")
def reset(ctx: Ctx):
    """Forget every object, hook, fault, delivery and counter; delete the repositories on disk."""
    state = ctx.state
    ctx.core.close_repos()
    for collection in (state.users, state.apps, state.installations, state.tokens, state.repos, state.comments):
        collection.clear()
    shutil.rmtree(state.root / "repos", ignore_errors=True)
    ctx.core.hooks.clear()
    ctx.core.faults.clear()
    ctx.core.deliverer.clear()
    ctx.core.reset_counters()
    return 204, None
