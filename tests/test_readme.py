"""The environment README and the markdown escaping it (and the report writer) rely on."""

from __future__ import annotations

from bot.markdown import code_span, escape_text
from bot.pipeline.planning import plan_environment
from bot.spec import load_spec
from generators import readme
from tests.conftest import FIXTURES


def test_md_escape_neutralises_markup() -> None:
    assert escape_text("<script>alert(1)</script>") == "&lt;script&gt;alert\\(1\\)&lt;/script&gt;"
    assert escape_text("[click](http://evil)") == "\\[click\\]\\(http://evil\\)"
    assert escape_text("# title\n- item") == "\\# title - item"
    assert escape_text("a | b") == "a \\| b"
    assert escape_text("payments-api 2.0") == "payments-api 2.0"
    assert code_span("a`b") == "``a`b``"


def test_readme_explains_the_environment_and_escapes_user_text() -> None:
    plan = plan_environment(load_spec(FIXTURES / "specs" / "aws-staging.yaml"))
    plan.choose("note", "<img src=x onerror=alert(1)>", "**because** [link](x)")
    text = readme.render(plan)
    assert text.startswith("# Environment payments-api-staging\n")
    assert "| Cloud / region | aws / us-west-2 |" in text
    assert "`DATABASE_URL`" in text and "`REDIS_URL`" in text
    assert "docker compose up -d" in text
    assert "<img" not in text and "&lt;img src=x onerror=alert\\(1\\)&gt;" in text
    assert "\\*\\*because\\*\\* \\[link\\]\\(x\\)" in text
