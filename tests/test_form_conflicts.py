"""The issue form and the request text disagree: the report's Requirements table says which value was used and why,
instead of "honoured" over files built from the other value."""

from __future__ import annotations

from bot.pipeline.requirements import requirements_section
from bot.request.derive import derive_spec
from bot.request.state import RequestState
from bot.settings import Settings

BODY = """### Description

staging for payments-api: FastAPI, Postgres 16 on GCP us-central1, $400/month

### Environment name

payments-staging

### Cloud

aws

### Region

us-east-1
"""


def _rows(state: RequestState) -> dict[str, str]:
    derived = derive_spec({"body": BODY}, state, Settings())
    assert derived.spec is not None
    section = requirements_section(derived.requirements)
    rendered = section.replace("\\", "")  # as GitHub shows the escaped markdown
    return {line.split("|")[2].strip(): line for line in rendered.splitlines() if line.startswith("| ")}


def test_form_fields_that_replace_the_texts_values_read_adjusted_with_the_reason() -> None:
    rows = _rows(RequestState(issue=1))
    assert "adjusted" in rows["Cloud: GCP"] and "the issue form's cloud field (aws) is used instead" in rows["Cloud: GCP"]
    assert "adjusted" in rows["Region: us-central1"] and "(us-east-1) is used instead" in rows["Region: us-central1"]
    assert "honoured" in rows["Budget: $400/month"]  # the form left it to the text


def test_a_set_that_replaces_the_texts_value_reads_adjusted() -> None:
    rows = _rows(RequestState(issue=1, assignments={"budget_monthly_usd": "250"}))
    assert "adjusted" in rows["Budget: $400/month"] and "/dev-agent set budget_monthly_usd=250 is used instead" in rows["Budget: $400/month"]
