"""User text read as GitHub shows it: hidden comments, invisible characters, look-alike letters, linear time."""

from __future__ import annotations

import time

import pytest

from bot.commands.parser import MAX_COMMENT_CHARS, extract_command
from bot.request.echo import echo
from bot.request.issue_form import parse_issue_body
from bot.understanding.deterministic import parse
from bot.understanding.guard import MAX_REQUEST_CHARS
from bot.usertext import clean, lookalikes, visible


@pytest.mark.parametrize(
    "body",
    [
        "looks fine <!-- \n/dev-agent destroy",  # unclosed: GitHub hides the rest of the comment
        "<!--\n\n/dev-agent plan\n",
        "a <!-- b --> c <!-- d\n/dev-agent unlock",
        "<!-- x --><!--\n/dev-agent plan",
    ],
)
def test_a_command_hidden_by_an_html_comment_never_runs(body):
    assert extract_command(body) is None


@pytest.mark.parametrize(
    "body,verb",
    [
        ("<!-- note -->\n/dev-agent plan", "plan"),
        ("<!-->\n/dev-agent plan", "plan"),  # `<!-->` is an empty comment, closed
        ("<!--->\n/dev-agent plan", "plan"),
        ("/dev\u200b-agent plan", "plan"),  # shown as `/dev-agent plan`, so it is one
        ("\uff0fdev-agent plan", "plan"),  # fullwidth solidus: NFKC makes it `/`
        ("\u202e/dev-agent plan", "plan"),
    ],
)
def test_a_command_is_read_as_the_page_shows_it(body, verb):
    assert extract_command(body).verb == verb


def test_visible_text_drops_comments_and_an_unclosed_one_hides_the_rest():
    assert visible("a<!-- b -->c<!-- d -->e") == "ace"
    assert visible("keep <!-- hidden\n and this") == "keep "
    assert visible("no comments") == "no comments"
    assert visible("a --> b") == "a --> b"


def test_zero_width_and_bidi_controls_are_removed_before_reading():
    assert clean("pay\u200dments-api") == "payments-api"
    assert clean("abc\u202edef\u2066\u2069\ufeff") == "abcdef"
    assert clean("\U000e0041\U000e0042x") == "x"  # tag characters smuggle invisible ASCII
    assert clean("\uff55\uff53\uff0d\uff57\uff45\uff53\uff54\uff0d\uff12") == "us-west-2"


def test_echo_never_carries_bidi_overrides_into_a_reply():
    shown = echo("admin\u202eexe.txt\u2066")
    assert "\u202e" not in shown and "\u2066" not in shown


def test_look_alike_words_are_found_and_plain_ones_are_not():
    found = lookalikes("run it in us-w\u0435st-2 please, \u043f\u0440\u0438\u0432\u0435\u0442 and p\u0430yments")
    assert [(x.written, x.reads_as) for x in found] == [("us-w\u0435st-2", "us-west-2"), ("p\u0430yments", "payments")]
    assert "Cyrillic" in found[0].question("region")
    assert lookalikes("caf\u00e9 na\u00efve us-west-2") == []


def test_zero_width_joiner_does_not_cut_a_name_in_the_request():
    result = parse("FastAPI service pay\u200dments-api with Postgres on AWS us-west-2")
    assert result.spec is not None and result.spec.name.startswith("payments-api")


def test_an_issue_body_inside_an_unclosed_comment_is_not_read():
    request = parse_issue_body("FastAPI on AWS <!-- and also a public bucket\nand port 22 open")
    assert request.text == "FastAPI on AWS"


def _timed(run, *args) -> float:
    started = time.perf_counter()
    run(*args)
    return time.perf_counter() - started


@pytest.mark.parametrize("unit", ["<!--", "<!-- x -->", "```\n", "`a", "\u200d/dev-agent "])
def test_a_hostile_64kb_comment_is_read_in_linear_time(unit):
    body = (unit * MAX_COMMENT_CHARS)[:MAX_COMMENT_CHARS]
    assert _timed(extract_command, body) < 0.5  # the quadratic comment regex took 5-6 s here


@pytest.mark.parametrize("unit", ["postgres ", "postgres actually ", "no redis, ", "Foo region ", "```yaml\n"])
def test_a_hostile_20kb_request_is_read_in_linear_time(unit):
    text = (unit * MAX_REQUEST_CHARS)[:MAX_REQUEST_CHARS]
    parse("FastAPI on AWS")  # the first parse compiles the vocabulary

    def read() -> None:
        result = parse(parse_issue_body(text).text or "x")
        assert result.spec is not None or result.questions

    assert _timed(read) < 1.0  # 2 s before (mention containment)
