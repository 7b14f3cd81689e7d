"""The PR plan as reviewers read it: counts, data-holding resources destroyed or replaced with the attribute
forcing it (or upgraded in place across a major version), the change's cost priced from the plan, the full plan
trimmed to GitHub's 65,536-character comment limit (the sandbox answers 422 beyond it), and the bot's gate trusting
only the workflows' own edit of its report."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from github import Auth, Github, GithubException

from bot.cost.diff import changes, diff_plan
from bot.github.writer import RepositoryWriter
from bot.lifecycle.github import GitHubTarget
from bot.pipeline.report import GITHUB_COMMENT_LIMIT
from bot.request import markers
from bot.review import section
from bot.review.gate import evaluate, posted_plans
from bot.review.preview import Preview, post
from bot.review.tfplan import summarise
from bot.settings import Settings
from policies.schema import Override
from sandbox import SandboxGitHub
from sandbox.actions import ActionsRunner

SHOW = {"format_version": "1.2", "resource_changes": [
    {"address": "aws_db_instance.main", "mode": "managed", "type": "aws_db_instance",
     "change": {"actions": ["delete", "create"], "replace_paths": [["engine_version"], ["identifier"]]},
     "action_reason": "replace_because_cannot_update"},
    {"address": "aws_s3_bucket.uploads", "mode": "managed", "type": "aws_s3_bucket",
     "change": {"actions": ["delete"]}, "action_reason": "delete_because_no_resource_config"},
    {"address": "aws_security_group.app", "mode": "managed", "type": "aws_security_group",
     "change": {"actions": ["create", "delete"], "replace_paths": [["name"]]}},
    {"address": "aws_lambda_function.app", "mode": "managed", "type": "aws_lambda_function",
     "change": {"actions": ["update"]}},
    {"address": "aws_sqs_queue.jobs", "mode": "managed", "type": "aws_sqs_queue", "change": {"actions": ["create"]}},
    {"address": "aws_vpc.main", "mode": "managed", "type": "aws_vpc", "change": {"actions": ["no-op"]}},
    {"address": "data.aws_partition.current", "mode": "data", "type": "aws_partition",
     "change": {"actions": ["read"]}},
]}
SHA = "a" * 40


def test_counts_and_every_data_holding_destroy_or_replace_with_what_forces_it() -> None:
    summary = summarise(SHOW)
    assert summary.counts == {"add": 1, "change": 1, "destroy": 1, "replace": 2}
    assert [(c.address, c.action, c.forced_by) for c in summary.stateful] == [
        ("aws_db_instance.main", "replace", ["engine_version", "identifier"]),
        ("aws_s3_bucket.uploads", "delete", [])]  # the security group is replaced too, but holds no data
    text = section.render("shop-dev", summary, "plan text", SHA)
    assert "**Plan of `aaaaaaaaaaaa`:** 1 to add, 1 to change, 1 to destroy, 2 to replace." in text
    assert ("- `aws_db_instance.main` (database) is **replaced**, forced by `engine_version`, `identifier` (an "
            "attribute that cannot be changed in place): needs `/dev-agent allow-replace aws_db_instance.main "
            "<reason>` by someone on the policy's apply list") in text
    assert "- `aws_s3_bucket.uploads` (bucket) is **destroyed** (it is no longer in the configuration)" in text
    assert section.decode_data(text, "shop-dev")["changes"][0]["address"] == "aws_db_instance.main"


def test_the_gate_fails_until_each_replacement_is_allowed_and_a_forbidding_policy_keeps_it_failed() -> None:
    data = section.decode_data(section.render("shop-dev", summarise(SHOW), "", SHA), "shop-dev")
    conclusion, title, _ = evaluate(data, {}, None)
    assert (conclusion, title) == ("failure", "2 data-holding resource(s) destroyed, replaced or upgraded without allow-replace")
    allowed = {a: Override(rule=f"allow-replace:{a}", by="alice", reason="upgrade", at="2026-12-06T10:00:00Z")
               for a in ("aws_db_instance.main", "aws_s3_bucket.uploads")}
    conclusion, _, summary = evaluate(data, allowed, None)
    assert conclusion == "success" and "allowed by @alice on 2026-12-06: upgrade" in summary
    conclusion, _, summary = evaluate(data, allowed, "the org policy forbids allow-replace for prod environments")
    assert conclusion == "failure" and "forbidden here" in summary


@pytest.fixture()
def sandbox_pull(tmp_path: Path):
    """A repository with the bot's report comment on an issue, and the workflows' token (github-actions)."""
    with SandboxGitHub() as gh:
        bot_app = gh.create_app("dev-agent")
        gh.create_user("alice")
        gh.create_org("acme")
        gh.create_repo("acme", "infra")
        gh.add_collaborator("acme", "infra", "alice", "admin")
        installation = gh.install(bot_app, "acme/infra")["id"]
        from bot.github.app import GitHubApp

        bot = GitHubApp(Settings(github_api_url=gh.url, github_app_id=bot_app["id"],
                                 github_private_key=bot_app["private_key_pem"])).client(installation)
        issue = gh.open_issue("acme", "infra", "a pull request stand-in", "body", user="alice")
        with ActionsRunner(gh, "acme/infra", tmp_path / "actions") as actions:
            workflow = Github(base_url=gh.url, auth=Auth.Token(actions.token()))
            yield gh, bot, workflow, issue["number"]


def test_a_plan_longer_than_a_comment_is_trimmed_with_the_counts_intact(sandbox_pull) -> None:
    _gh, bot, workflow, number = sandbox_pull
    report = f"{markers.REPORT}\n## dev-agent review\n\n" + "report line\n" * 4000  # a long report: 48 KB
    bot.get_repo("acme/infra").get_issue(number).create_comment(report)
    plan_text = "\n".join(f"  # aws_thing.r{i} will be created" for i in range(3000))  # ~100 KB
    target = GitHubTarget(RepositoryWriter(workflow, "acme/infra", authors={"dev-agent[bot]"}), "main")
    preview = Preview(name="shop-dev", summary=summarise(SHOW), text=plan_text, revision=SHA)
    post(target, number, preview, None)
    body = bot.get_repo("acme/infra").get_issue(number).get_comments()[0].body
    assert len(body) <= GITHUB_COMMENT_LIMIT and body.startswith(report.rstrip("\n"))
    assert "1 to add, 1 to change, 1 to destroy, 2 to replace" in body
    assert "`aws_db_instance.main` (database) is **replaced**" in body
    assert "… trimmed: " in body and "the whole plan is in the workflow run's job summary" in body
    assert section.decode_data(body, "shop-dev") is not None
    # the limit is real: one character more is refused, so a regression in the trimming fails this test
    with pytest.raises(GithubException) as refused:
        bot.get_repo("acme/infra").get_issue(number).get_comments()[0].edit("x" * (GITHUB_COMMENT_LIMIT + 1))
    assert refused.value.status == 422
    # a second plan replaces the section instead of adding another
    post(target, number, preview, None)
    again = bot.get_repo("acme/infra").get_issue(number).get_comments()[0].body
    assert again.count(markers.pr_plan("shop-dev")[0]) == 1 and len(again) <= GITHUB_COMMENT_LIMIT


def test_only_the_workflows_edit_of_the_bots_report_is_believed() -> None:
    body = f"{markers.REPORT}\nreport\n\n" + section.render("shop-dev", summarise(SHOW), "", SHA)
    bot_comment = {"body": body, "user": {"login": "dev-agent[bot]", "type": "Bot"}}
    workflow = {"login": "github-actions[bot]", "type": "Bot"}
    assert [d["environment"] for d in posted_plans({"sender": workflow, "comment": bot_comment},
                                                   {"dev-agent[bot]"})] == ["shop-dev"]
    forged_by = {"login": "mallory", "type": "User"}  # a person editing the bot's comment
    assert posted_plans({"sender": forged_by, "comment": bot_comment}, {"dev-agent[bot]"}) == []
    own_comment = {**bot_comment, "user": {"login": "mallory", "type": "User"}}  # the section pasted elsewhere
    assert posted_plans({"sender": workflow, "comment": own_comment}, {"dev-agent[bot]"}) == []


def test_apply_stops_when_the_change_set_differs_from_the_reviewed_one_and_says_what_changed() -> None:
    from bot.review.changeset import ChangedSinceReview, compare, stopped_comment

    reviewed = section.decode_data(section.render("shop-dev", summarise(SHOW), "", SHA), "shop-dev")
    compare(reviewed, summarise(SHOW))  # the same plan: nothing raised
    drifted = {**SHOW, "resource_changes": [*SHOW["resource_changes"], {
        "address": "aws_vpc.main", "mode": "managed", "type": "aws_vpc", "change": {"actions": ["update"]}}]}
    drifted["resource_changes"] = [c for c in drifted["resource_changes"] if c["address"] != "aws_vpc.main"
                                   or c["change"]["actions"] == ["update"]]
    with pytest.raises(ChangedSinceReview) as stopped:
        compare(reviewed, summarise(drifted))
    assert stopped.value.rows() == [("aws_vpc.main", "none", "update")]
    text = stopped_comment("shop-dev", stopped.value)
    assert "### ✋ `shop-dev` was not applied: the plan changed since review" in text
    assert "| `aws_vpc.main` | none | update |" in text and "**drift**" in text


UPGRADE = {"format_version": "1.2", "resource_changes": [
    {"address": "aws_db_instance.postgres", "mode": "managed", "type": "aws_db_instance",
     "change": {"actions": ["update"], "before": {"engine_version": "16"}, "after": {"engine_version": "17"}}},
    {"address": "aws_db_parameter_group.postgres", "mode": "managed", "type": "aws_db_parameter_group",
     "change": {"actions": ["create", "delete"], "replace_paths": [["family"]]},
     "action_reason": "replace_because_cannot_update"},
    {"address": "aws_elasticache_replication_group.cache", "mode": "managed",
     "type": "aws_elasticache_replication_group",  # a minor version: an ordinary update
     "change": {"actions": ["update"], "before": {"engine_version": "7.0"}, "after": {"engine_version": "7.1"}}},
]}


def test_a_major_engine_upgrade_in_place_needs_an_allowance_like_a_replacement() -> None:
    """RDS applies `engine_version` 16 -> 17 in place (AWS provider 5.x): not a replacement, but it cannot be
    undone, so the reviewer is told and the gate fails until someone allows it."""
    summary = summarise(UPGRADE)
    assert summary.counts == {"add": 0, "change": 2, "destroy": 0, "replace": 1}
    assert [(c.address, c.upgrade) for c in summary.stateful] == [("aws_db_instance.postgres", ["engine_version", "16", "17"])]
    text = section.render("shop-dev", summary, "", SHA)
    assert ("- `aws_db_instance.postgres` (database) is **upgraded in place to a new major version**, `engine_version` "
            "`16` → `17` (it cannot be downgraded afterwards, and the data is offline while it upgrades): needs "
            "`/dev-agent allow-replace aws_db_instance.postgres <reason>`") in text
    data = section.decode_data(text, "shop-dev")
    assert evaluate(data, {}, None)[:2] == (
        "failure", "1 data-holding resource(s) destroyed, replaced or upgraded without allow-replace")
    allowed = {"aws_db_instance.postgres": Override(rule="allow-replace:aws_db_instance.postgres", by="alice",
                                                    reason="Postgres 17", at="2026-12-06T10:00:00Z")}
    assert evaluate(data, allowed, None)[0] == "success"


def _db(instance_class: str) -> dict:
    return {"address": "aws_db_instance.main", "mode": "managed", "type": "aws_db_instance", "name": "main",
            "values": {"engine": "postgres", "engine_version": "16", "instance_class": instance_class,
                       "allocated_storage": 20, "storage_type": "gp3", "multi_az": False}}


PRICED = {
    "format_version": "1.2",
    "configuration": {"provider_config": {"aws": {"name": "aws",
                                                  "expressions": {"region": {"constant_value": "us-west-2"}}}}},
    "prior_state": {"values": {"root_module": {"resources": [
        _db("db.t4g.micro"),
        {"address": "aws_nat_gateway.old", "mode": "managed", "type": "aws_nat_gateway", "name": "old", "values": {}},
        {"address": "aws_kms_key.main", "mode": "managed", "type": "aws_kms_key", "name": "main", "values": {}}]}}},
    "planned_values": {"root_module": {"resources": [
        _db("db.t4g.small"),
        {"address": "aws_kms_key.main", "mode": "managed", "type": "aws_kms_key", "name": "main", "values": {}}]}},
}


def test_the_plan_section_shows_the_cost_of_the_change_priced_from_the_plan() -> None:
    """Before = the plan's prior state, after = its planned values (as `infracost diff --path plan.json`); the
    JSON is Infracost's diff format and the section shows it per resource with the monthly delta."""
    diff = diff_plan(PRICED)
    schema = Path(__file__).parent / "fixtures" / "infracost" / "infracost.schema.json"
    jsonschema.validate(diff, json.loads(schema.read_text()))
    assert diff["metadata"]["infracostCommand"] == "diff"
    assert {r["name"] for r in diff["projects"][0]["diff"]["resources"]} == {"aws_db_instance.main",
                                                                          "aws_nat_gateway.old"}  # the key is unchanged
    text = section.render("shop-dev", summarise(SHOW), "", SHA, cost=diff)
    assert "#### Cost of this change (priced from the plan)" in text
    assert "Monthly cost: $47.83 → $26.66 (-$21.17, -44%)." in text, text
    assert "| `aws_nat_gateway.old` | $32.85 | - | -$32.85 |" in text
    assert "| `aws_db_instance.main` | $13.98 | $25.66 | +$11.68 |" in text
    assert "| **Total** | **$47.83** | **$26.66** | **-$21.17** |" in text
    new_environment = diff_plan({**PRICED, "prior_state": None})  # nothing before: every resource is added
    assert "Monthly cost: $0.00 → $26.66 (+$26.66)" in section.render("shop-dev", summarise(SHOW), "", SHA,
                                                                      cost=new_environment)
    assert "The plan could not be priced" in section.render("shop-dev", summarise(SHOW), "", SHA, cost=None)


def _ecs(task_definition: str | None) -> list[dict]:
    service = {"launch_type": "FARGATE", "desired_count": 2}
    if task_definition is not None:
        service["task_definition"] = task_definition
    return [{"address": "aws_ecs_task_definition.app", "mode": "managed", "type": "aws_ecs_task_definition",
             "name": "app", "values": {"family": "shop-dev", "cpu": "1024", "memory": "2048"}},
            {"address": "aws_ecs_service.app", "mode": "managed", "type": "aws_ecs_service", "name": "app",
             "values": service}]


def test_a_plan_prices_what_is_known_only_after_apply_through_its_configuration() -> None:
    """A new ECS service's `task_definition` is unknown in the plan: the configuration's reference says which task
    definition sizes its Fargate tasks (as the estimate of the files does), and the state's ARN of it after apply
    is the same one, so a re-plan shows no change."""
    config = {"provider_config": PRICED["configuration"]["provider_config"], "root_module": {"resources": [
        {"address": "aws_ecs_service.app", "mode": "managed", "type": "aws_ecs_service", "name": "app",
         "expressions": {"task_definition": {"references": ["aws_ecs_task_definition.app.arn",
                                                            "aws_ecs_task_definition.app"]}}}]}}
    new = diff_plan({"configuration": config, "planned_values": {"root_module": {"resources": _ecs(None)}}})
    service = next(c for c in changes(new) if c.name == "aws_ecs_service.app")
    assert round(service.after, 2) == round(2 * 730 * (1 * 0.04048 + 2 * 0.004445), 2)  # 2 tasks of 1 vCPU / 2 GB
    arn = "arn:aws:ecs:us-west-2:123456789012:task-definition/shop-dev:3"
    again = diff_plan({"configuration": config, "planned_values": {"root_module": {"resources": _ecs(None)}},
                       "prior_state": {"values": {"root_module": {"resources": _ecs(arn)}}}})
    assert changes(again) == [] and "Monthly cost: unchanged at $" in section.cost_lines(again)[3]
