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


def test_readme_speaks_of_the_runtime_the_environment_has() -> None:
    """ECS, Lambda, Container Apps and Cloud Run have no Kubernetes: their README names the cloud secret the runtime
    reads, never a Kubernetes Secret, external-secrets or a chart; only a Kubernetes environment lists its chart."""
    from bot.spec import spec_from_data

    base = {"region": "us-west-2", "databases": [{"engine": "postgres"}]}
    for cloud, region, kind in (("aws", "us-west-2", "containers"), ("aws", "us-west-2", "functions"),
                                ("azure", "westeurope", "containers"), ("gcp", "europe-west1", "containers"),
                                ("aws", "us-west-2", "vm"), ("aws", "us-west-2", "kubernetes")):
        spec = spec_from_data({**base, "name": f"{kind}-{cloud}", "cloud": cloud, "region": region,
                               "compute": {"kind": kind}})
        text = readme.render(plan_environment(spec))
        assert "## Connection settings" in text and "`DATABASE_URL`" in text, (cloud, kind)
        kubernetes = kind == "kubernetes"
        assert ("SecretStore + ExternalSecret" in text) is kubernetes, (cloud, kind)
        assert ("Kubernetes" in text or "external-secrets" in text or "helm/" in text) is kubernetes, (cloud, kind)
