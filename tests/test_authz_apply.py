"""The org policy's `apply` list: `/dev-agent destroy` needs it, reviewers are told who is on it, and a merge by
someone else is flagged on the PR and audited (unit level: a recording writer, the real policy code)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest

from bot.commands.table import COMMANDS
from bot.github import authz
from bot.github.installations import MemoryInstallations
from bot.handlers.pull_request import flag_unlisted_merge
from bot.jobs.delivery import JobContext
from bot.request.comments import appliers_note
from bot.request.markers import unlisted_merge
from bot.settings import Settings
from bot.store.audit import AuditLog
from bot.store.locks import MemoryLocks
from policies.schema import People, parse_policy

POLICY = """version: 1
apply:
  users: [carol]
  teams: [platform, other-org/sre]
"""


@dataclass
class RecordingWriter:
    """The parts of RepositoryWriter authz and the merge check use, answering from memory."""

    teams: dict[tuple[str, str], set[str]]  # (org, slug) -> active members
    permissions: dict[str, str] = field(default_factory=dict)
    full_name: str = "octo/infra"
    comments: dict[int, list[str]] = field(default_factory=dict)
    team_lookups: list[tuple[str, str, str]] = field(default_factory=list)

    def permission(self, login: str) -> str:
        return self.permissions.get(login, "none")

    def team_role(self, org: str, slug: str, login: str) -> str | None:
        self.team_lookups.append((org, slug, login))
        return "member" if login in self.teams.get((org, slug), set()) else None

    def find_comment(self, number: int, marker: str) -> str | None:
        return next((c for c in self.comments.get(number, []) if marker in c), None)

    def comment(self, number: int, body: str, marker: str) -> None:
        assert marker in body
        self.comments.setdefault(number, []).append(body)


@pytest.fixture
def ctx(tmp_path) -> JobContext:
    policy = tmp_path / "org-policy.yaml"
    policy.write_text(POLICY)
    settings = Settings(policy_file=policy, state_dir=tmp_path / "state", redis_url=None)
    return JobContext(settings=settings, locks=MemoryLocks(60), installations=MemoryInstallations(),
                      github=lambda installation: None)


@pytest.fixture
def writer() -> RecordingWriter:
    return RecordingWriter(teams={("octo", "platform"): {"alice"}, ("other-org", "sre"): {"sam"}},
                           permissions={"alice": "write", "bob": "write", "carol": "maintain", "sam": "admin"})


def test_destroy_needs_the_apply_list_while_unlock_and_extend_stay_on_request():
    assert COMMANDS["destroy"].policy == "apply"
    assert COMMANDS["unlock"].policy == COMMANDS["extend"].policy == COMMANDS["plan"].policy == "request"


@pytest.mark.parametrize("login", ["alice", "carol", "sam"])  # bare team (owner's org), user entry, org/slug team
def test_people_on_the_apply_list_may_destroy(ctx, writer, login):
    assert authz.refusal(ctx, writer, login, COMMANDS["destroy"].policy) is None


def test_a_writer_off_the_apply_list_is_refused_naming_the_list_and_its_teams(ctx, writer):
    refused = authz.refusal(ctx, writer, "bob", COMMANDS["destroy"].policy)
    assert refused == "@bob is not on the org policy's `apply` list nor a member of its teams (platform, other-org/sre)"
    assert ("octo", "platform", "bob") in writer.team_lookups and ("other-org", "sre", "bob") in writer.team_lookups
    assert authz.refusal(ctx, writer, "bob", "request") is None  # the bundled default: anyone may request


def test_a_user_entry_admits_without_asking_github_about_teams(ctx, writer):
    assert authz.list_refusal(ctx, writer, "carol", "apply") is None and writer.team_lookups == []


def test_reviewers_are_told_who_may_apply_escaped():
    assert authz.describe_people(People(users=[], teams=["platform"])) == "teams platform"
    assert authz.describe_people(People(users=["*"], teams=["platform"])) == "anyone"
    assert authz.describe_people(People()) == "nobody"
    note = appliers_note(parse_policy(POLICY, "test"))
    assert note == "Merging applies this environment. Org policy `apply` list: users carol; teams platform, other-org/sre."
    underscored = parse_policy("version: 1\napply:\n  teams: [octo/ops_team]\n", "test")
    assert appliers_note(underscored, "destroys").endswith("list: teams octo/ops\\_team.")  # markdown-escaped


def merged_pull(number: int, by: str) -> dict:
    return {"number": number, "merged": True, "merged_by": {"login": by}, "head": {"ref": "dev-agent/pay"}}


def test_a_merge_by_someone_off_the_apply_list_is_flagged_once_and_audited(ctx, writer):
    flag_unlisted_merge(ctx, writer, merged_pull(12, "bob"), "pay", sender="bob")
    flag_unlisted_merge(ctx, writer, merged_pull(12, "bob"), "pay", sender="bob")  # a redelivered webhook
    [comment] = writer.comments[12]
    assert unlisted_merge(12) in comment
    assert "`apply` list nor a member of its teams (platform, other-org/sre)" in comment  # our markdown, shown as code
    assert "@\u200bbob" in comment and "@bob" not in comment  # named, not pinged
    [event] = AuditLog(ctx.settings).since(dt.datetime.min.replace(tzinfo=dt.UTC))
    assert (event.action, event.actor, event.environment, event.pull_request) == ("merge", "bob", "pay", 12)
    assert "`apply` list" in event.detail


@pytest.mark.parametrize("login", ["alice", "carol"])
def test_a_merge_by_someone_on_the_apply_list_is_not_flagged(ctx, writer, login):
    flag_unlisted_merge(ctx, writer, merged_pull(13, login), "pay", sender="someone-else")
    assert writer.comments == {} and AuditLog(ctx.settings).since(dt.datetime.min.replace(tzinfo=dt.UTC)) == []


def test_the_merger_not_the_sender_is_checked(ctx, writer):
    pull = merged_pull(14, "alice")
    flag_unlisted_merge(ctx, writer, pull, "pay", sender="bob")
    assert writer.comments == {}
    flag_unlisted_merge(ctx, writer, {**pull, "merged_by": None}, "pay", sender="bob")  # no merged_by: the sender
    assert "bob" in writer.comments[14][0]
