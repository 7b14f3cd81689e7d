"""Common components a request names (Aurora with readers, Redis cluster mode, ...): read from the words, validated
in the spec, generated, priced, and flagged with a reason where the cloud has no such offer."""

from __future__ import annotations

import pytest

from bot.cost import estimate_files
from bot.pipeline.planning import plan_environment
from bot.settings import Settings
from bot.spec import SpecError, spec_from_data
from bot.understanding.deterministic import parse
from generators.build import generate_all


def _rows(text: str) -> dict[str, tuple[str, str]]:
    return {r.key: (r.status.value, r.reason) for r in parse(text).requirements}


def _priced(data: dict) -> dict[str, dict]:
    spec = spec_from_data({"name": "ledger-dev", "cloud": "aws", "region": "us-east-1", **data})
    files = generate_all(plan_environment(spec), Settings())
    report = estimate_files({p: t for p, t in files.items() if p.endswith(".tf")})
    return {r["name"]: r for p in report["projects"] for r in p["breakdown"]["resources"]}


@pytest.mark.parametrize(("text", "engine", "readers"), [
    ("Python api on AWS with Aurora Postgres and two readers", "postgres", 2),
    ("Postgres on Aurora for the billing service on AWS", "postgres", 0),
    ("orders service on ECS, aurora mysql with a reader instance", "mysql", 1),
])
def test_aurora_words_become_an_aurora_database_with_readers(text: str, engine: str, readers: int) -> None:
    result = parse(text)
    assert result.spec is not None, result.questions
    db = result.spec.databases[0]
    assert (db.engine.value, db.aurora, db.read_replicas) == (engine, True, readers)
    assert _rows(text)["component:aurora"][0] == "honoured"


def test_aurora_off_aws_is_the_clouds_database_with_the_reason_in_the_ledger() -> None:
    result = parse("python app on gcp with aurora postgres")
    assert result.spec is not None and not result.spec.databases[0].aurora
    status, reason = _rows("python app on gcp with aurora postgres")["component:aurora"]
    assert status == "adjusted" and "AWS offer" in reason


@pytest.mark.parametrize(("patch", "message"), [
    ({"cloud": "gcp", "region": "us-central1", "databases": [{"engine": "postgres", "aurora": True}]}, "AWS offer"),
    ({"databases": [{"engine": "mysql", "version": "5.7", "aurora": True}]}, "MySQL 8.0"),
    ({"cache": {"engine": "memcached", "shards": 2}}, "Redis only"),
    ({"cache": {"engine": "redis", "replicas_per_shard": 1}}, "set cache.shards"),
    ({"cloud": "azure", "region": "eastus", "cache": {"engine": "redis", "shards": 2}}, "generated on AWS"),
])
def test_components_the_cloud_cannot_build_are_refused_by_name(patch: dict, message: str) -> None:
    with pytest.raises(SpecError, match=message):
        spec_from_data({"name": "x-dev", "cloud": "aws", "region": "us-east-1", **patch})


def test_redis_cluster_mode_words_and_limits() -> None:
    spec = parse("rails app on ECS with redis cluster mode, 3 shards with 2 replicas each").spec
    assert spec is not None and spec.cache is not None
    assert (spec.cache.shards, spec.cache.replicas_per_shard) == (3, 2)
    sharded = parse("node api on aws with a sharded redis")
    assert sharded.spec is not None and sharded.spec.cache.shards == 2
    assert any("2 shards" in note for note in sharded.notes)
    too_many = parse("ruby app on aws, redis cluster with 50 shards")
    assert too_many.spec is None and any("limit of 20" in q for q in too_many.questions)
    assert _rows("python service on gcp with redis cluster mode")["component:redis-cluster"][0] == "unsupported"


def test_aurora_and_cluster_mode_are_priced_per_instance_and_node() -> None:
    priced = _priced({"compute": {"kind": "containers"},
                      "databases": [{"engine": "postgres", "aurora": True, "read_replicas": 1}],
                      "cache": {"engine": "redis", "shards": 3, "replicas_per_shard": 1}})
    instances = [r for name, r in priced.items() if name.startswith("aws_rds_cluster_instance.postgres")]
    assert len(instances) == 2 and all(float(r["monthlyCost"]) > 40 for r in instances)  # writer + reader
    assert [c["name"] for c in priced["aws_rds_cluster.postgres"]["costComponents"]] == [
        "Storage", "I/O requests", "Backup storage"]
    node = priced["aws_elasticache_replication_group.main"]["costComponents"][0]
    assert float(node["monthlyQuantity"]) == 6 * 730  # 3 shards x (primary + replica)


@pytest.mark.parametrize(("text", "name"), [
    ("FastAPI with DynamoDB on AWS us-east-1", "items"),
    ("node api on aws with a dynamodb table called sessions", "sessions"),
    ("go service on aws; carts table in DynamoDB and postgres", "carts"),
])
def test_dynamodb_words_become_a_named_table_on_aws(text: str, name: str) -> None:
    result = parse(text)
    assert result.spec is not None, result.questions
    assert [t.name for t in result.spec.tables] == [name]
    assert _rows(text)["component:dynamodb"][0] == "honoured"


def test_dynamodb_elsewhere_is_asked_about_and_refused_in_the_spec() -> None:
    result = parse("python app on gcp with dynamodb")
    assert result.spec is None and any("DynamoDB" in q for q in result.questions)
    with pytest.raises(SpecError, match="AWS offer"):
        spec_from_data({"name": "x-dev", "cloud": "gcp", "region": "us-central1", "tables": [{"name": "sessions"}]})


def test_a_dynamodb_table_is_priced_on_demand_with_pitr() -> None:
    priced = _priced({"tables": [{"name": "sessions"}]})
    names = [c["name"] for c in priced["aws_dynamodb_table.sessions"]["costComponents"]]
    assert names == ["Write request units", "Read request units", "Data storage", "Point-in-time recovery backups"]


def test_sns_notifications_become_the_apps_topic_on_aws_and_a_flag_elsewhere() -> None:
    text = "Django on AWS us-west-2 with SNS notifications to the on-call"
    result = parse(text)
    assert result.spec is not None and result.spec.notifications
    assert next(row for row in result.requirements if row.key == "component:notifications").words == "SNS notifications"
    assert _rows(text)["component:notifications"][0] == "honoured"
    assert _rows("python app on gcp with sns")["component:notifications"][0] == "unsupported"
    with pytest.raises(SpecError, match="AWS"):
        spec_from_data({"name": "x-dev", "cloud": "gcp", "region": "us-central1", "notifications": True})
