"""Connection settings the app receives as env vars (cloud-neutral): one connection secret per environment.

Terraform writes the settings (host names, URLs without passwords, queue URLs, bucket names) as one JSON
property per env var into one secret, `connection_secret_name(spec)`. A password never goes into it:
services whose credentials the cloud manages get a separate `<PREFIX>_PASSWORD` setting that each runtime
reads from the service's own managed secret.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.spec import EnvironmentSpec
from generators.terraform.names import dns_label

# Env var name and network port per engine (the port opens the NetworkPolicy egress).
ENGINE_ENV: dict[str, tuple[str, int]] = {
    "postgres": ("DATABASE_URL", 5432),
    "mysql": ("DATABASE_URL", 3306),
    "mongodb": ("MONGODB_URI", 27017),
    "sqlserver": ("DATABASE_URL", 1433),
    "redis": ("REDIS_URL", 6379),
    "memcached": ("MEMCACHED_SERVERS", 11211),
    "rabbitmq": ("AMQP_URL", 5671),
    "kafka": ("KAFKA_BOOTSTRAP_SERVERS", 9094),
    "sqs": ("SQS_QUEUE_URL", 443),
    "pubsub": ("PUBSUB_TOPIC", 443),
    "servicebus": ("SERVICEBUS_CONNECTION", 5671),
    "opensearch": ("OPENSEARCH_URL", 443),
}

@dataclass(frozen=True)
class Connection:
    """One env var: its name (also the secret's JSON property), the engine it reaches, and its port."""

    env: str
    port: int
    engine: str = ""
    index: int = 1

    @property
    def password_env(self) -> str:
        """The env var carrying this service's managed password (never stored with the settings)."""
        base = ENGINE_ENV[self.engine][0].removesuffix("_URL").removesuffix("_URI") + "_PASSWORD"
        return base if self.index == 1 else f"{base}_{self.index}"


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
        result.append(Connection(env=name, port=port, engine=engine, index=seen[env]))
    return result


def bucket_env(name: str) -> str:
    """The env var holding the cloud name of a requested bucket, e.g. BUCKET_RECEIPTS."""
    return "BUCKET_" + name.upper().replace("-", "_")


def table_env(name: str) -> str:
    """The env var holding the cloud name of a requested DynamoDB table, e.g. TABLE_SESSIONS."""
    return "TABLE_" + name.upper().replace("-", "_")


def read_settings(spec: EnvironmentSpec) -> dict[str, int]:
    """env var -> index in `spec.databases` of each database with read replicas: a comma-separated list of
    the replicas' URLs, e.g. DATABASE_READ_URLS (DATABASE_READ_URLS_2 for the second database)."""
    database_connections = connections(spec)[: len(spec.databases)]
    return {conn.env.replace("_URL", "_READ_URLS", 1): i for i, (conn, db) in
            enumerate(zip(database_connections, spec.databases, strict=True)) if db.read_replicas}


REDIS_CLUSTER_ENV = "REDIS_CLUSTER_MODE"


def cluster_settings(spec: EnvironmentSpec) -> list[str]:
    """`REDIS_CLUSTER_MODE` ("true") when Redis is sharded: the app must use a cluster client (it follows MOVED
    redirects between shards)."""
    return [REDIS_CLUSTER_ENV] if spec.cache is not None and spec.cache.shards is not None else []


NOTIFICATIONS_ENV = "NOTIFICATIONS_TOPIC_ARN"


def topic_settings(spec: EnvironmentSpec) -> list[str]:
    """`NOTIFICATIONS_TOPIC_ARN` when the spec has a notifications topic (the app publishes to it)."""
    return [NOTIFICATIONS_ENV] if spec.notifications else []


def setting_names(spec: EnvironmentSpec) -> list[str]:
    """Every JSON property of the connection secret (= env var the app receives from it)."""
    return ([c.env for c in connections(spec)] + list(read_settings(spec)) + cluster_settings(spec)
            + [bucket_env(b.name) for b in spec.buckets] + [table_env(t.name) for t in spec.tables]
            + topic_settings(spec))


def connection_secret_name(spec: EnvironmentSpec) -> str:
    """The connection secret's name: letters, digits and hyphens, valid in Secrets Manager, Secret Manager
    and Key Vault alike (no `/`)."""
    return dns_label(spec.name, "connection", max_length=63)
