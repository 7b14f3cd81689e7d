"""Shape words of a request reach the spec (internal, SSH from a named network, a schedule, workers), and a shape the
compute kind cannot honour is said in a note instead of disappearing."""

from __future__ import annotations

from bot.understanding.deterministic import parse
from bot.understanding.shape import read_shape


def test_internal_admin_tool_on_a_vm_with_ssh_from_a_named_network() -> None:
    understood = parse("Internal admin tool on a VM in us-east-1, SSH from 10.0.0.0/8, with postgres")
    spec = understood.spec
    assert spec.app.exposure.value == "internal"
    assert spec.compute.kind.value == "vm" and spec.compute.ssh_from == ["10.0.0.0/8"]
    assert any("internal load balancer" in note for note in understood.notes)


def test_a_framework_or_language_between_internal_and_the_noun_still_means_internal() -> None:
    for text in ("staging for tools-api: an internal flask app with postgres on aws",
                 "internal go service on gcp us-central1", "an internal node.js api on azure"):
        assert parse(text).spec.app.exposure.value == "internal", text
    # "internal" about something else is not the app's exposure
    assert parse("a fastapi app on aws with internal dns for service discovery").spec.app.exposure.value == "public"


def test_nightly_lambda_is_a_scheduled_job() -> None:
    understood = parse("A nightly batch job on AWS Lambda that writes reports to an S3 bucket")
    assert understood.spec.compute.kind.value == "functions"
    assert understood.spec.compute.schedule == "0 2 * * *"
    assert any("no public endpoint" in note for note in understood.notes)


def test_an_explicit_hour_sets_the_cron() -> None:
    assert read_shape("a nightly export job at 3:30 am utc").schedule == "30 3 * * *"
    assert read_shape("run it hourly").schedule == "0 * * * *"


def test_sidekiq_becomes_a_worker_with_its_command() -> None:
    spec = parse("Rails app on ECS with Sidekiq, postgres and redis, staging").spec
    assert [(w.name, w.command) for w in spec.workers] == [("sidekiq", ["bundle", "exec", "sidekiq"])]


def test_ssh_on_containers_is_a_note_not_a_silent_drop() -> None:
    understood = parse("Node API on ECS in us-east-1, SSH from 10.1.0.0/16")
    assert understood.spec.compute.ssh_from == []
    assert any("SSH from 10.1.0.0/16 not applied" in note for note in understood.notes)
