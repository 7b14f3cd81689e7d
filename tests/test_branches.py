"""Bot branch names: every kind reads back to its own environment, including names that look like another kind."""

from __future__ import annotations

import pytest

from bot.github.branches import KINDS, BotBranch, bot_branch, parse_branch


@pytest.mark.parametrize("environment", ["payments", "destroy-payments", "extend", "revert-x9", "a1"])
@pytest.mark.parametrize("kind", KINDS)
def test_every_branch_reads_back_to_its_kind_and_environment(kind, environment):
    assert parse_branch(bot_branch(kind, environment)) == BotBranch(kind, environment)


def test_request_branches_keep_their_names_and_other_kinds_cannot_be_mistaken_for_an_environment():
    assert bot_branch("request", "payments") == "dev-agent/payments"
    assert parse_branch("dev-agent/destroy-payments") == BotBranch("request", "destroy-payments")
    assert parse_branch(bot_branch("destroy", "payments")) == BotBranch("destroy", "payments")
    assert len({bot_branch(kind, "payments") for kind in KINDS}) == len(KINDS)


@pytest.mark.parametrize("ref", ["main", "feature/x", "dev-agent/", "dev-agent/Payments", "dev-agent/a--b",
                                 "dev-agent/request--payments", "dev-agent/apply--payments", "dev-agent/destroy--",
                                 "dev-agent/x/y", "dev-agent-payments"])
def test_other_branches_are_not_bot_branches(ref):
    assert parse_branch(ref) is None


def test_a_branch_is_made_only_for_a_known_kind_and_an_environment_name():
    with pytest.raises(ValueError):
        bot_branch("rename", "payments")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        bot_branch("destroy", "../main")
