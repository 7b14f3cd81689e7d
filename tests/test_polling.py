"""`wait_until`: the one polling loop behind the demo, the locks, the sandbox moto server and the tests."""

from __future__ import annotations

import pytest

from bot.polling import wait_until


def test_returns_the_first_truthy_value():
    answers = iter([None, [], {"number": 7}])
    assert wait_until(lambda: next(answers), 5, interval=0) == {"number": 7}


def test_raises_the_chosen_error_naming_what_it_waited_for():
    with pytest.raises(AssertionError, match=r"timed out after 0.05s waiting for the bot's pull request"):
        wait_until(lambda: None, 0.05, interval=0.01, what="the bot's pull request", error=AssertionError)
    with pytest.raises(TimeoutError, match="waiting for condition"):
        wait_until(lambda: 0, 0.01, interval=0.01)
