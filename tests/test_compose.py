"""The local twin: the spec's data services with pinned images, localhost-only ports and no stored passwords."""

from __future__ import annotations

import re

import yaml

from bot.pipeline.planning import plan_environment
from bot.settings import Settings
from bot.spec import load_spec, spec_from_data
from generators import compose
from tests.conftest import FIXTURES


def _generate(spec) -> dict[str, str]:
    return compose.generate(plan_environment(spec), Settings())


def _compose(files: dict[str, str]) -> dict:
    (text,) = [t for p, t in files.items() if p.endswith("compose.yaml")]
    return yaml.safe_load(text)


def test_services_match_the_spec_with_versions_pinned() -> None:
    doc = _compose(_generate(load_spec(FIXTURES / "specs" / "azure-dev.yaml")))
    images = {name: svc["image"] for name, svc in doc["services"].items()}
    assert images == {"mysql": "mysql:8.0.39", "mongodb": "mongo:5.0.28", "redis": "redis:7.2.5-alpine",
                      "kafka": "apache/kafka:3.7.1"}
    doc = _compose(_generate(load_spec(FIXTURES / "specs" / "gcp-prod.yaml")))
    assert doc["services"]["postgres"]["image"] == "postgres:15.8-alpine"
    assert "pubsub" not in doc["services"]


def test_ports_are_localhost_only_and_images_never_latest() -> None:
    for spec_file in (FIXTURES / "specs").glob("*.yaml"):
        for name, svc in _compose(_generate(load_spec(spec_file)))["services"].items():
            assert all(p.startswith("127.0.0.1:") for p in svc.get("ports", [])), name
            assert re.search(r":[0-9][A-Za-z0-9.-]*$", svc["image"]) and "latest" not in svc["image"], name


def test_passwords_are_required_env_references_never_values() -> None:
    files = _generate(load_spec(FIXTURES / "specs" / "aws-staging.yaml"))
    doc = _compose(files)
    assert doc["services"]["postgres"]["environment"]["POSTGRES_PASSWORD"] == "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD in .env}"
    assert "${REDIS_PASSWORD:?set REDIS_PASSWORD in .env}" in doc["services"]["redis"]["command"]
    (example,) = [t for p, t in files.items() if p.endswith(".env.example")]
    assert "POSTGRES_PASSWORD=\n" in example and "REDIS_PASSWORD=\n" in example


def test_no_twin_without_local_data_services() -> None:
    spec = spec_from_data({"name": "queue-only", "cloud": "aws", "region": "us-east-1", "queue": {"engine": "sqs"}})
    assert _generate(spec) == {}
