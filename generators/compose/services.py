"""One local service definition per data-service engine: image pinned to the spec's version, localhost-only ports."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.spec import EnvironmentSpec

# Local image tag for each managed version the spec accepts.
POSTGRES_TAGS = {"13": "13.16-alpine", "14": "14.13-alpine", "15": "15.8-alpine", "16": "16.4-alpine", "17": "17.0-alpine"}
MYSQL_TAGS = {"5.7": "5.7.44", "8": "8.0.39", "8.0": "8.0.39", "8.4": "8.4.2"}
SQLSERVER_TAGS = {"2019": "2019-CU27-ubuntu-20.04", "2022": "2022-CU14-ubuntu-22.04"}
MONGO_TAGS = {"4": "4.4.29", "4.0": "4.4.29", "5": "5.0.28", "5.0": "5.0.28", "6": "6.0.16", "6.0": "6.0.16",
              "7": "7.0.12", "7.0": "7.0.12"}


def secret(var: str) -> str:
    """A required value read from the developer's environment or `.env` (compose refuses to start without it)."""
    return f"${{{var}:?set {var} in .env}}"


@dataclass(frozen=True)
class LocalService:
    """A compose service, the env vars it needs, and the connection URL the app uses locally."""

    name: str
    definition: dict[str, Any]
    env_vars: tuple[str, ...]
    app_env: dict[str, str]


def _healthcheck(*command: str) -> dict[str, Any]:
    return {"test": ["CMD", *command], "interval": "10s", "timeout": "5s", "retries": 5}


def postgres(version: str) -> LocalService:
    return LocalService(
        "postgres",
        {"image": f"postgres:{POSTGRES_TAGS[version]}",
         "environment": {"POSTGRES_USER": "app", "POSTGRES_DB": "app", "POSTGRES_PASSWORD": secret("POSTGRES_PASSWORD")},
         "ports": ["127.0.0.1:5432:5432"], "volumes": ["postgres-data:/var/lib/postgresql/data"],
         "healthcheck": _healthcheck("pg_isready", "-U", "app")},
        ("POSTGRES_PASSWORD",),
        {"DATABASE_URL": "postgresql://app:${POSTGRES_PASSWORD}@localhost:5432/app"},
    )


def mysql(version: str) -> LocalService:
    return LocalService(
        "mysql",
        {"image": f"mysql:{MYSQL_TAGS[version]}",
         "environment": {"MYSQL_USER": "app", "MYSQL_DATABASE": "app", "MYSQL_PASSWORD": secret("MYSQL_PASSWORD"),
                         "MYSQL_ROOT_PASSWORD": secret("MYSQL_ROOT_PASSWORD")},
         "ports": ["127.0.0.1:3306:3306"], "volumes": ["mysql-data:/var/lib/mysql"],
         "healthcheck": _healthcheck("mysqladmin", "ping", "-h", "localhost")},
        ("MYSQL_PASSWORD", "MYSQL_ROOT_PASSWORD"),
        {"DATABASE_URL": "mysql://app:${MYSQL_PASSWORD}@localhost:3306/app"},
    )


def mongodb(version: str) -> LocalService:
    return LocalService(
        "mongodb",
        {"image": f"mongo:{MONGO_TAGS[version]}",
         "environment": {"MONGO_INITDB_ROOT_USERNAME": "app", "MONGO_INITDB_ROOT_PASSWORD": secret("MONGO_PASSWORD")},
         "ports": ["127.0.0.1:27017:27017"], "volumes": ["mongodb-data:/data/db"]},
        ("MONGO_PASSWORD",),
        {"MONGODB_URI": "mongodb://app:${MONGO_PASSWORD}@localhost:27017"},
    )


def sqlserver(version: str) -> LocalService:
    """SQL Server Developer edition (free for development; the cloud runs the spec's licensed edition)."""
    return LocalService(
        "sqlserver",
        {"image": f"mcr.microsoft.com/mssql/server:{SQLSERVER_TAGS[version]}",
         "environment": {"ACCEPT_EULA": "Y", "MSSQL_PID": "Developer", "MSSQL_SA_PASSWORD": secret("MSSQL_SA_PASSWORD")},
         "ports": ["127.0.0.1:1433:1433"], "volumes": ["sqlserver-data:/var/opt/mssql"]},
        ("MSSQL_SA_PASSWORD",),
        {"DATABASE_URL": "mssql://sa:${MSSQL_SA_PASSWORD}@localhost:1433?encrypt=true&trustServerCertificate=true"},
    )


def redis(_version: str) -> LocalService:
    return LocalService(
        "redis",
        {"image": "redis:7.2.5-alpine", "command": ["redis-server", "--requirepass", secret("REDIS_PASSWORD")],
         "ports": ["127.0.0.1:6379:6379"]},
        ("REDIS_PASSWORD",),
        {"REDIS_URL": "redis://:${REDIS_PASSWORD}@localhost:6379/0"},
    )


def memcached(_version: str) -> LocalService:
    return LocalService("memcached", {"image": "memcached:1.6.29-alpine", "ports": ["127.0.0.1:11211:11211"]},
                        (), {"MEMCACHED_SERVERS": "localhost:11211"})


def rabbitmq(_version: str) -> LocalService:
    return LocalService(
        "rabbitmq",
        {"image": "rabbitmq:3.13.6-management-alpine",
         "environment": {"RABBITMQ_DEFAULT_USER": "app", "RABBITMQ_DEFAULT_PASS": secret("RABBITMQ_PASSWORD")},
         "ports": ["127.0.0.1:5672:5672", "127.0.0.1:15672:15672"]},
        ("RABBITMQ_PASSWORD",),
        {"AMQP_URL": "amqp://app:${RABBITMQ_PASSWORD}@localhost:5672"},
    )


def kafka(_version: str) -> LocalService:
    return LocalService("kafka", {"image": "apache/kafka:3.7.1", "ports": ["127.0.0.1:9092:9092"]},
                        (), {"KAFKA_BOOTSTRAP_SERVERS": "localhost:9092"})


def opensearch(_version: str) -> LocalService:
    return LocalService(
        "opensearch",
        {"image": "opensearchproject/opensearch:2.15.0",
         "environment": {"discovery.type": "single-node",
                         "OPENSEARCH_INITIAL_ADMIN_PASSWORD": secret("OPENSEARCH_PASSWORD")},
         "ports": ["127.0.0.1:9200:9200"], "volumes": ["opensearch-data:/usr/share/opensearch/data"]},
        ("OPENSEARCH_PASSWORD",),
        {"OPENSEARCH_URL": "https://admin:${OPENSEARCH_PASSWORD}@localhost:9200"},
    )


# engine -> builder(version). Engines without a local image (sqs, pubsub, servicebus) have no twin.
LOCAL_SERVICES: dict[str, Callable[[str], LocalService]] = {
    "postgres": postgres,
    "mysql": mysql,
    "mongodb": mongodb,
    "sqlserver": sqlserver,
    "redis": redis,
    "memcached": memcached,
    "rabbitmq": rabbitmq,
    "kafka": kafka,
    "opensearch": opensearch,
}


def local_services(spec: EnvironmentSpec) -> tuple[list[LocalService], list[str]]:
    """The local twins of the spec's data services, and the engines that have none."""
    wanted: list[tuple[str, str]] = [(db.engine.value, db.version or "") for db in spec.databases]
    wanted += [(spec.cache.engine.value, "")] if spec.cache else []
    wanted += [(spec.queue.engine.value, "")] if spec.queue else []
    wanted += [(spec.search.engine.value, "")] if spec.search else []
    services: list[LocalService] = []
    missing: list[str] = []
    seen: set[str] = set()
    for engine, version in wanted:
        if engine not in LOCAL_SERVICES:
            missing.append(engine)
        elif engine not in seen:
            seen.add(engine)
            services.append(LOCAL_SERVICES[engine](version))
    return services, missing
