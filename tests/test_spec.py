"""EnvironmentSpec: the contract rejects what a reviewer should never see encoded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.spec import EnvironmentSpec, SpecError, json_schema, load_spec, spec_from_data

BASE = {"name": "payments-api-staging", "cloud": "aws", "region": "us-west-2", "tier": "staging"}


def test_framework_implies_language_and_defaults_fill_in() -> None:
    spec = spec_from_data({**BASE, "app": {"framework": "fastapi"}, "databases": [{"engine": "postgres"}]})
    assert spec.app.language.value == "python"
    assert spec.databases[0].version == "16"
    assert spec.compute.kind.value == "containers"


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"firewall": {"port": 22, "cidr": "0.0.0.0/0"}}, "firewall"),
        ({"region": "mars-north-1"}, "region"),
        ({"cloud": "gcp", "region": "us-central1", "databases": [{"engine": "mongodb"}]}, "mongodb"),
        ({"compute": {"kind": "functions", "min_replicas": 1, "max_replicas": 10}}, "compute.max_replicas"),
        ({"compute": {"kind": "vm", "min_replicas": 10, "max_replicas": 10}}, "compute.max_replicas"),
        ({"compute": {"min_replicas": 6, "max_replicas": 2}}, "min_replicas"),
        ({"app": {"framework": "rails", "language": "python"}}, "ruby"),
        ({"databases": [{"engine": "postgres", "version": "9"}]}, "version"),
        ({"budget_monthly_usd": -5}, "budget_monthly_usd"),
        ({"name": "Payments API"}, "name"),
        ({"app": {"image": "ghcr.io/acme/api:latest"}}, "latest"),
    ],
)
def test_invalid_specs_name_the_field(patch: dict, field: str) -> None:
    with pytest.raises(SpecError) as info:
        spec_from_data({**BASE, **patch})
    assert field in str(info.value)


def test_yaml_round_trip(tmp_path: Path) -> None:
    spec = spec_from_data({**BASE, "buckets": [{"name": "uploads"}], "ttl_days": 14, "monitoring": ["datadog"]})
    path = tmp_path / "environment.yaml"
    path.write_text(spec.to_yaml())
    assert load_spec(path) == spec


def test_tampered_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "environment.yaml"
    path.write_text("name: [unclosed\n")
    with pytest.raises(SpecError, match="not valid YAML"):
        load_spec(path)


def test_published_schema_matches_the_model() -> None:
    published = json.loads((Path(__file__).parents[1] / "docs" / "environment.schema.json").read_text())
    assert published == json_schema()
    assert published["additionalProperties"] is False
    assert "public_ssh" not in json.dumps(published)
    assert set(EnvironmentSpec.model_fields) >= {"name", "cloud", "region", "tier", "owner", "budget_monthly_usd", "ttl_days"}


@pytest.mark.parametrize(
    ("patch", "path"),
    [
        ({"region": "westeurope"}, "region"),
        ({"cloud": "gcp", "region": "us-central1", "databases": [{"engine": "postgres"}, {"engine": "mongodb"}]},
         "databases.1.engine"),
        ({"cloud": "azure", "region": "westeurope", "cache": {"engine": "memcached"}}, "cache.engine"),
        ({"compute": {"kind": "functions", "min_replicas": 1, "max_replicas": 10}}, "compute.max_replicas"),
        ({"compute": {"min_replicas": 6, "max_replicas": 2}}, "compute.min_replicas"),
        ({"app": {"framework": "rails", "language": "python"}}, "app.language"),
        ({"app": {"framework": "fastapi", "colour": "blue"}}, "app.colour"),
    ],
)
def test_each_error_line_starts_with_the_field_path(patch: dict, path: str) -> None:
    with pytest.raises(SpecError) as info:
        spec_from_data({**BASE, **patch})
    assert [line.split(": ", 1)[0] for line in info.value.errors] == [path]
