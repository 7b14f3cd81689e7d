"""Connection settings the app receives as env vars: one Secret key per data service, never a literal value."""

from __future__ import annotations

from dataclasses import dataclass

from bot.spec import Cloud, EnvironmentSpec

# Env var name and network port per engine (the port opens the NetworkPolicy egress).
ENGINE_ENV: dict[str, tuple[str, int]] = {
    "postgres": ("DATABASE_URL", 5432),
    "mysql": ("DATABASE_URL", 3306),
    "mongodb": ("MONGODB_URI", 27017),
    "redis": ("REDIS_URL", 6379),
    "memcached": ("MEMCACHED_SERVERS", 11211),
    "rabbitmq": ("AMQP_URL", 5671),
    "kafka": ("KAFKA_BOOTSTRAP_SERVERS", 9094),
    "sqs": ("SQS_QUEUE_URL", 443),
    "pubsub": ("PUBSUB_TOPIC", 443),
    "servicebus": ("SERVICEBUS_CONNECTION", 5671),
    "opensearch": ("OPENSEARCH_URL", 443),
}

# The cluster-wide external-secrets store that reads each cloud's secret manager.
SECRET_STORE: dict[Cloud, str] = {
    Cloud.aws: "aws-secrets-manager",
    Cloud.gcp: "gcp-secret-manager",
    Cloud.azure: "azure-key-vault",
}


@dataclass(frozen=True)
class Connection:
    """One env var: its name (also the Secret key and the remote property) and the port it reaches."""

    env: str
    port: int


def engines(spec: EnvironmentSpec) -> list[str]:
    """Every data-service engine of the spec, in a stable order."""
    found = [db.engine.value for db in spec.databases]
    found += [spec.cache.engine.value] if spec.cache else []
    found += [spec.queue.engine.value] if spec.queue else []
    found += [spec.search.engine.value] if spec.search else []
    return found


def connections(spec: EnvironmentSpec) -> list[Connection]:
    """Env vars for the spec's data services; a second database of the same kind gets a numbered name."""
    result: list[Connection] = []
    seen: dict[str, int] = {}
    for engine in engines(spec):
        env, port = ENGINE_ENV[engine]
        seen[env] = seen.get(env, 0) + 1
        name = env if seen[env] == 1 else f"{env}_{seen[env]}"
        result.append(Connection(env=name, port=port))
    return result


def remote_secret_name(spec: EnvironmentSpec) -> str:
    """Name of the cloud secret holding the app's connection settings (one JSON property per env var)."""
    return f"dev-agent/{spec.name}/app"
