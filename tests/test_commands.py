"""Comment commands: parsing, quotes/code ignored, allow-listed `set`, hostile input handled and escaped."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from bot.commands.arguments import ALIASES, apply_assignments, parse_assignments, parse_duration_days
from bot.commands.cheaper import cheaper_plan
from bot.commands.command import Command, CommandError
from bot.commands.parser import MAX_COMMENT_CHARS, extract_command
from bot.commands.table import COMMANDS, help_text
from bot.request.echo import echo
from bot.request.issue_form import FormError, is_environment_request, parse_issue_body
from bot.spec import SpecError, spec_from_data
from policies.schema import load_policy

BASE = {"name": "payments-staging", "cloud": "aws", "region": "us-west-2"}


@pytest.mark.parametrize("body,verb,args", [
    ("/dev-agent plan", "plan", ""),
    ("Thanks!\n\n/dev-agent set compute.max_replicas=3\n", "set", "compute.max_replicas=3"),
    ("  /dev-agent   extend 7d", "extend", "7d"),
    ("/dev-agent DESTROY", "destroy", ""),
    ("/dev-agent override cost-limit approved by finance", "override", "cost-limit approved by finance"),
    ("/dev-agent also add an S3 bucket for uploads", "amend", "also add an S3 bucket for uploads"),
    ("/dev-agent", "help", ""),
])
def test_commands_are_read_from_prose(body, verb, args):
    command = extract_command(body)
    assert command is not None and (command.verb, command.args) == (verb, args)


@pytest.mark.parametrize("body", [
    "```\n/dev-agent destroy\n```",
    "~~~~\n/dev-agent destroy\n~~~~",
    "```text\nsome\n/dev-agent destroy\n```\n",
    "    /dev-agent destroy",
    "\t/dev-agent destroy",
    "> /dev-agent destroy",
    "  > > /dev-agent destroy",
    "Run `/dev-agent destroy` when done",
    "<!-- /dev-agent destroy -->",
    "please don't /dev-agent destroy",
    "/dev-agentdestroy",
    "no command here",
])
def test_commands_in_code_quotes_or_mid_sentence_are_ignored(body):
    assert extract_command(body) is None


def test_a_command_after_a_closed_code_block_counts():
    body = "```\n/dev-agent destroy\n```\n/dev-agent plan"
    assert extract_command(body).verb == "plan"


def test_unknown_single_word_command_gets_help_naming_it():
    command = extract_command("/dev-agent frobnicate")
    assert command.verb == "help" and "frobnicate" in command.problem


def test_one_megabyte_comment_is_answered_quickly_without_reading_commands():
    body = ("a" * 1023 + "\n") * 1024 + "/dev-agent destroy"
    started = time.perf_counter()
    command = extract_command(body)
    assert time.perf_counter() - started < 0.5
    assert command.verb == "help" and f"{MAX_COMMENT_CHARS:,}" in command.problem
    assert extract_command("x" * 1_048_576) is None


def test_pathological_markup_parses_in_linear_time():
    body = "`" * 60_000 + "\n" + "<!--" * 1000 + "\n/dev-agent plan"
    started = time.perf_counter()
    extract_command(body)
    assert time.perf_counter() - started < 0.5


def test_set_assignments_become_a_valid_spec():
    data = apply_assignments(BASE, parse_assignments("compute.max_replicas=3 compute.min_replicas=2 "
                                                     "databases.0.engine=postgres monitoring=prometheus,grafana"))
    spec = spec_from_data(data)
    assert spec.compute.max_replicas == 3 and spec.compute.min_replicas == 2
    assert spec.databases[0].engine.value == "postgres"
    assert [m.value for m in spec.monitoring] == ["prometheus", "grafana"]


def test_switching_the_database_engine_takes_the_new_engines_default_version():
    postgres = {**BASE, "databases": [{"engine": "postgres", "version": "16"}]}
    spec = spec_from_data(apply_assignments(postgres, parse_assignments("db=mysql")))
    assert (spec.databases[0].engine.value, spec.databases[0].version) == ("mysql", "8.0")
    spec = spec_from_data(apply_assignments(postgres, parse_assignments("db=mysql db_version=8.4")))
    assert spec.databases[0].version == "8.4"
    spec = spec_from_data(apply_assignments(postgres, parse_assignments("db=postgres")))
    assert spec.databases[0].version == "16"  # same engine: the version stays


def test_set_aliases_name_the_fields_people_mean():
    data = apply_assignments({**BASE, "cache": {"engine": "redis", "high_availability": True}},
                             parse_assignments("replicas=3 region=eu-west-1 db=postgres cache=memcached queue=sqs"))
    spec = spec_from_data(data)
    assert (spec.compute.min_replicas, spec.compute.max_replicas, spec.region) == (3, 3, "eu-west-1")
    assert spec.databases[0].engine.value == "postgres"
    assert spec.cache is not None and (spec.cache.engine.value, spec.cache.high_availability) == ("memcached", True)
    assert spec.queue is not None and spec.queue.engine.value == "sqs"


def test_every_set_alias_is_documented():
    docs = (Path(__file__).parents[1] / "docs" / "commands.md").read_text()
    section = docs.split("### `set` keys and aliases")[1].split("### ")[0]
    assert [alias for alias in [*ALIASES, "region", "cache"] if f"`{alias}`" not in section] == []


def test_set_none_removes_an_optional_part():
    data = apply_assignments({**BASE, "cache": {"engine": "redis"}}, parse_assignments("cache=none"))
    assert "cache" not in data


@pytest.mark.parametrize("args,fragment", [
    ("owner.name=evil", "cannot be set"),
    ("__class__=x", "cannot be set"),
    ("compute.max_replicas", "is not key=value"),
    ("region='us-west-2", "cannot read"),
    ("", "usage"),
    ("region=" + "x" * 300, "longer than"),
    ("cloud=none", "cannot be removed"),
])
def test_bad_set_arguments_are_refused_with_a_reason(args, fragment):
    with pytest.raises(CommandError, match=fragment):
        parse_assignments(args)


def test_shell_metacharacters_are_plain_values_rejected_by_validation():
    assignments = parse_assignments('region="$(rm -rf /); `id` | cat > /etc/passwd"')
    assert assignments["region"] == "$(rm -rf /); `id` | cat > /etc/passwd"
    with pytest.raises(SpecError) as error:
        spec_from_data(apply_assignments(BASE, assignments))
    assert any(line.startswith("region") for line in error.value.errors)
    echoed = echo(assignments["region"])
    assert "`" not in echoed.replace("\\`", "") and "&gt;" in echoed


def test_echo_defuses_html_markdown_and_mentions():
    text = "<img src=x onerror=alert(1)> @org/admins **bold** [x](http://evil) ![i](http://t)\n# heading"
    out = echo(text)
    assert "<img" not in out and "@org" not in out and "**" not in out and "](" not in out
    assert "\n" not in out
    assert len(echo("y" * 5000, limit=100)) < 120


@pytest.mark.parametrize("args,days", [("7d", 7), ("7", 7), ("2w", 14), (" 30d ", 30)])
def test_extend_durations(args, days):
    assert parse_duration_days(args) == days


@pytest.mark.parametrize("args", ["", "0d", "7 days; rm -rf", "400d", "-3d"])
def test_bad_extend_durations(args):
    with pytest.raises(CommandError):
        parse_duration_days(args)


def test_every_verb_has_a_runner_and_every_mutating_verb_needs_authorisation():
    assert set(COMMANDS) == {"plan", "set", "amend", "destroy", "extend", "unlock", "override", "allow-replace", "help"}
    assert all(callable(c.runner) for c in COMMANDS.values())
    assert {verb for verb, c in COMMANDS.items() if c.policy is None} == {"help"}
    assert COMMANDS["override"].policy == "override"
    assert COMMANDS["allow-replace"].policy == "apply"  # accepting data loss is the appliers' call


def test_help_lists_every_verb_with_the_org_policy_list_it_needs():
    text = help_text()
    assert all(f"| {c.usage} | {c.summary} |" in text for c in COMMANDS.values())
    assert "| `/dev-agent destroy` | Open a pull request that removes the environment | `apply` |" in text
    assert "| `/dev-agent unlock` | Release the environment's lock | `request` |" in text
    assert "| `/dev-agent help` | This help | — |" in text


FORM_BODY = """### Description

staging for payments-api: FastAPI, Postgres 16 <script>alert(1)</script>

### Environment name

payments-staging

### Cloud

aws

### Region

us-west-2

### Tier

staging

### Monthly budget (USD)

$1,200

### Time to live (days)

_No response_
"""


def test_issue_form_body_becomes_spec_fields():
    request = parse_issue_body(FORM_BODY)
    assert request.fields == {"name": "payments-staging", "cloud": "aws", "region": "us-west-2", "tier": "staging",
                              "budget_monthly_usd": 1200}
    assert request.text.startswith("staging for payments-api")
    assert spec_from_data(request.fields).budget_monthly_usd == 1200


def test_fenced_yaml_spec_in_an_issue_is_read():
    body = "Please create this:\n\n```yaml\nname: api-dev\ncloud: gcp\nregion: us-central1\n```\n/dev-agent"
    request = parse_issue_body(body)
    assert spec_from_data(request.spec_data).cloud.value == "gcp"


@pytest.mark.parametrize("block", ["```yaml\nname: [unclosed\n```", "```yaml\n- a list\n```", "```json\n{bad\n```"])
def test_unreadable_fenced_spec_is_a_form_error(block):
    with pytest.raises(FormError):
        parse_issue_body(block)


def test_environment_requests_are_labelled_or_mention_the_bot():
    assert is_environment_request({"labels": [{"name": "environment-request"}], "body": ""})
    assert is_environment_request({"labels": [], "body": "hi /dev-agent please"})
    assert not is_environment_request({"labels": [{"name": "bug"}], "body": "crash"})
    assert not is_environment_request({"labels": None, "body": None})


def test_request_spec_comes_from_form_fields_state_and_assignments():
    from bot.request.derive import derive_spec
    from bot.request.state import RequestState
    from bot.settings import Settings

    state = RequestState(issue=1, assignments={"compute.max_replicas": "4"})
    derived = derive_spec({"body": FORM_BODY}, state, Settings(), {"tier": "dev"})
    assert derived.spec is not None
    assert (derived.spec.name, derived.spec.tier.value, derived.spec.compute.max_replicas) == ("payments-staging", "dev", 4)

    renamed = RequestState(issue=1, environment="payments-staging")
    edited = FORM_BODY.replace("\npayments-staging\n", "\nsomething-else\n")
    assert derive_spec({"body": edited}, renamed, Settings()).spec.name == "payments-staging"  # names stay stable


def test_an_empty_request_gets_questions_not_a_pr():
    from bot.request.derive import derive_spec
    from bot.request.state import RequestState
    from bot.settings import Settings

    derived = derive_spec({"body": "/dev-agent"}, RequestState(issue=1), Settings())
    assert derived.spec is None and any(q.startswith("name") for q in derived.questions)
    broken = derive_spec({"body": "```yaml\nname: [x\n```"}, RequestState(issue=1), Settings())
    assert broken.spec is None and "not valid" in broken.questions[0]


def test_an_override_reply_says_what_it_did() -> None:
    """The rule became a warning, still fails (a guard, or a grantor off the list), or no rule has that name."""
    from types import SimpleNamespace

    from bot.commands.override import outcome
    from bot.pipeline.results import Verdict

    def result(*verdicts: Verdict) -> Any:
        return SimpleNamespace(verdicts=list(verdicts), requirements=[], controls=[], accepted={})

    ttl_warn = Verdict(rule="ttl-within-tier", outcome="warn", message="overridden by @alice")
    ttl_fail = Verdict(rule="ttl-within-tier", outcome="fail", message="staging environments live at most 90 days")
    cost = Verdict(rule="cost-within-tier", outcome="fail", message="above the cap")
    assert outcome("ttl-within-tier", 7, result(ttl_warn)) == (
        "Override of `ttl-within-tier` recorded; updated #7: `ttl-within-tier` is now a warning naming you and the "
        "reason. #7 is not blocked by policy.")
    assert outcome("ttl-within-tier", 7, result(ttl_warn, cost)).endswith(
        " #7 is still blocked by policy: `cost-within-tier`.")
    assert outcome("ttl-within-tier", 7, result(ttl_fail)) == (
        "Override of `ttl-within-tier` recorded, but `ttl-within-tier` still fails on #7: staging environments live "
        "at most 90 days. Built-in guards cannot be overridden, and the override counts only from someone on the org "
        "policy `override` list.")
    assert outcome("ttl-within-teir", 7, result(ttl_fail)) == (
        "Override of `ttl-within-teir` recorded, but no org policy rule of that name is checked on #7, so it changes "
        "nothing. Rules checked: `ttl-within-tier`. #7 is still blocked by policy: `ttl-within-tier`.")


@pytest.mark.parametrize("line", ["/dev-agent cheaper", "/dev-agent make it cheaper please", "/dev-agent reduce cost"])
def test_asking_for_a_cheaper_plan_is_an_amendment(line: str) -> None:
    command = extract_command(line)
    assert command is not None and command.verb == "amend" and command.args == line.removeprefix("/dev-agent ")


@pytest.mark.parametrize(("cloud", "region"), [("gcp", "us-central1"), ("aws", "us-east-1")])
def test_make_it_cheaper_names_a_vms_machine_type_as_a_vm_type(cloud: str, region: str) -> None:
    """The reply's "what the plan gives up" list names decisions as the report does: a VM has no nodes."""
    spec = spec_from_data({"name": "vm-staging", "cloud": cloud, "region": region, "tier": "staging",
                           "compute": {"kind": "vm"}})
    found = cheaper_plan(spec, load_policy())
    keys = [key for key, _old, _new, _why in found.steps]
    assert "vm_instance_type" in keys and "node_instance_type" not in keys, found.steps


def test_an_unknown_one_word_command_is_still_answered_with_help() -> None:
    assert extract_command("/dev-agent cheapest-ever") == Command("help", problem="unknown command 'cheapest-ever'")
