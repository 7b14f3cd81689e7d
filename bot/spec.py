"""EnvironmentSpec: the typed, validated description of one environment (the public contract).

Written by the understanding engines, by hand as `environment.yaml`, and read by every later stage.
Nothing in it can express a network rule: ingress is decided by the generators, never by a request.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import re
from enum import Enum, StrEnum
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator

from bot.errors import InputError
from bot.regions import is_valid_region
from generators.yamlemit import dump_yaml

SLUG = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"
Slug = Annotated[str, StringConstraints(pattern=SLUG, min_length=2, max_length=40)]
Version = Annotated[str, StringConstraints(pattern=r"^[0-9]{1,3}(\.[0-9]{1,3}){0,2}$")]
DatabaseVersion = Annotated[str, StringConstraints(pattern=r"^[0-9]{1,4}(\.[0-9]{1,3}){0,2}$")]  # SQL Server: 2022


class Cloud(str, Enum):
    aws = "aws"
    gcp = "gcp"
    azure = "azure"


class Tier(str, Enum):
    dev = "dev"
    staging = "staging"
    prod = "prod"


class Language(str, Enum):
    python = "python"
    node = "node"
    go = "go"
    java = "java"
    ruby = "ruby"
    php = "php"
    dotnet = "dotnet"
    rust = "rust"


class Framework(str, Enum):
    fastapi = "fastapi"
    django = "django"
    flask = "flask"
    express = "express"
    nextjs = "nextjs"
    nestjs = "nestjs"
    spring = "spring"
    gin = "gin"
    rails = "rails"
    laravel = "laravel"
    aspnet = "aspnet"


FRAMEWORK_LANGUAGE: dict[Framework, Language] = {
    Framework.fastapi: Language.python,
    Framework.django: Language.python,
    Framework.flask: Language.python,
    Framework.express: Language.node,
    Framework.nextjs: Language.node,
    Framework.nestjs: Language.node,
    Framework.spring: Language.java,
    Framework.gin: Language.go,
    Framework.rails: Language.ruby,
    Framework.laravel: Language.php,
    Framework.aspnet: Language.dotnet,
}


class ComputeKind(str, Enum):
    kubernetes = "kubernetes"
    containers = "containers"
    vm = "vm"
    functions = "functions"


class DatabaseEngine(str, Enum):
    postgres = "postgres"
    mysql = "mysql"
    mongodb = "mongodb"
    sqlserver = "sqlserver"


class SqlServerEdition(str, Enum):
    """Microsoft SQL Server editions (license included); unset = the tier's cheapest fit (planning)."""

    express = "express"
    web = "web"
    standard = "standard"
    enterprise = "enterprise"


class CacheEngine(str, Enum):
    redis = "redis"
    memcached = "memcached"


class QueueEngine(str, Enum):
    sqs = "sqs"
    rabbitmq = "rabbitmq"
    kafka = "kafka"
    pubsub = "pubsub"
    servicebus = "servicebus"


class SearchEngine(str, Enum):
    opensearch = "opensearch"


class Monitoring(str, Enum):
    prometheus = "prometheus"
    grafana = "grafana"
    datadog = "datadog"
    newrelic = "newrelic"
    cloudwatch = "cloudwatch"


class Compliance(str, Enum):
    """Frameworks with a profile under policies/compliance/ (dev-agent helps meet them; it never certifies)."""

    soc2 = "soc2"
    hipaa = "hipaa"
    pci_dss = "pci-dss"
    gdpr = "gdpr"
    iso27001 = "iso27001"


# Which managed offers exist on which cloud. Anything absent is refused with a reason.
OFFERED: dict[tuple[str, str], frozenset[Cloud]] = {
    ("database", "mongodb"): frozenset({Cloud.aws, Cloud.azure}),
    ("database", "sqlserver"): frozenset({Cloud.aws, Cloud.azure, Cloud.gcp}),
    ("cache", "memcached"): frozenset({Cloud.aws, Cloud.gcp}),  # Azure has no managed Memcached
    ("queue", "sqs"): frozenset({Cloud.aws}),
    ("queue", "rabbitmq"): frozenset({Cloud.aws}),
    ("queue", "kafka"): frozenset({Cloud.aws, Cloud.azure}),
    ("queue", "pubsub"): frozenset({Cloud.gcp}),
    ("queue", "servicebus"): frozenset({Cloud.azure}),
    ("search", "opensearch"): frozenset({Cloud.aws}),
    ("monitoring", "cloudwatch"): frozenset({Cloud.aws}),
}

DATABASE_VERSIONS: dict[DatabaseEngine, tuple[str, ...]] = {
    DatabaseEngine.postgres: ("13", "14", "15", "16", "17"),
    DatabaseEngine.mysql: ("5.7", "8", "8.0", "8.4"),
    DatabaseEngine.mongodb: ("4", "4.0", "5", "5.0", "6", "6.0", "7", "7.0"),
    DatabaseEngine.sqlserver: ("2019", "2022"),
}
DEFAULT_DATABASE_VERSION: dict[DatabaseEngine, str] = {
    DatabaseEngine.postgres: "16",
    DatabaseEngine.mysql: "8.0",
    DatabaseEngine.mongodb: "5.0",
    DatabaseEngine.sqlserver: "2022",
}

AURORA_MYSQL_VERSIONS = ("8", "8.0")  # Aurora MySQL 3 is MySQL 8.0-compatible
NO_RDS_REPLICAS = frozenset({DatabaseEngine.mongodb, DatabaseEngine.sqlserver})  # neither read replicas nor Aurora
MAX_VM_REPLICAS = 5
# A cron expression of five fields (minute hour day-of-month month day-of-week); digits, * , - / only.
CRON = r"^[0-9*,/-]{1,20}( [0-9*,/-]{1,20}){4}$"
GCP_SECRET_ID = r"^[A-Za-z0-9_-]{1,255}$"
KEY_VAULT_SECRET_ID = (r"^/subscriptions/[0-9a-fA-F-]{36}/resourceGroups/[A-Za-z0-9._-]{1,90}/providers/"
                       r"Microsoft\.KeyVault/vaults/[A-Za-z0-9-]{3,24}/secrets/[A-Za-z0-9-]{1,127}$")
SECRET_ARN = r"^arn:aws(-[a-z]+)*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]{1,512}$"
CIDR = r"^[0-9]{1,3}(\.[0-9]{1,3}){3}/[0-9]{1,2}$"


class Exposure(StrEnum):
    public = "public"
    internal = "internal"


class StrictModel(BaseModel):
    """Base for every spec part: unknown fields are rejected, assignments are validated."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, use_enum_values=False)


class App(StrictModel):
    language: Language | None = None
    framework: Framework | None = None
    runtime_version: Version | None = None
    port: int = Field(default=8080, ge=1024, le=65535)
    health_path: Annotated[str, StringConstraints(pattern=r"^/[A-Za-z0-9._~/-]{0,100}$")] = "/healthz"
    image: Annotated[
        str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9._/-]{0,200}(:[A-Za-z0-9._-]{1,128}|@sha256:[a-f0-9]{64})$")
    ] | None = None
    exposure: Exposure = Field(default=Exposure.public,
                               description="internal: reachable only inside the private network (no internet ingress)")
    cdn: bool = Field(default=False, description="CloudFront with a WAF in front of the public load balancer, which "
                                                 "then admits CloudFront only (AWS containers and VMs)")

    @model_validator(mode="after")
    def _framework_implies_language(self) -> App:
        if self.framework is not None:
            implied = FRAMEWORK_LANGUAGE[self.framework]
            if self.language is None:
                object.__setattr__(self, "language", implied)
            elif self.language != implied:
                raise ValueError(f"app.language: {self.framework.value} runs on {implied.value}, not {self.language.value}")
        if self.image is not None and self.image.endswith(":latest"):
            raise ValueError("app.image: must be pinned to a tag or digest, not 'latest'")
        return self


class Compute(StrictModel):
    kind: ComputeKind = ComputeKind.containers
    min_replicas: int = Field(default=1, ge=1, le=100)
    max_replicas: int = Field(default=1, ge=1, le=100)
    cpu: float = Field(default=0.5, ge=0.25, le=16)
    memory_gb: float = Field(default=1.0, ge=0.5, le=64)
    schedule: Annotated[str, StringConstraints(pattern=CRON)] | None = Field(
        default=None, description="cron (UTC): the app is a scheduled job with no endpoint")
    ssh_from: list[Annotated[str, StringConstraints(pattern=CIDR)]] = Field(
        default_factory=list, max_length=5, description="networks allowed to SSH to the VMs (never the internet)")

    @model_validator(mode="after")
    def _replica_range(self) -> Compute:
        if self.min_replicas > self.max_replicas:
            raise ValueError(
                f"compute.min_replicas: {self.min_replicas} is above compute.max_replicas ({self.max_replicas})"
            )
        if self.kind == ComputeKind.functions and self.max_replicas > 1:
            raise ValueError("compute.max_replicas: functions scale per request; replicas must stay 1")
        for cidr in self.ssh_from:
            network = ipaddress.ip_network(cidr, strict=False)
            if network.prefixlen < 8 or not network.is_private:
                raise ValueError(f"compute.ssh_from: {cidr} is not a private network; "
                                 "dev-agent never opens SSH to the internet")
        if self.ssh_from and self.kind != ComputeKind.vm:
            raise ValueError("compute.ssh_from: only VMs accept SSH (containers, functions and Kubernetes have no SSH)")
        if self.schedule and self.kind not in {ComputeKind.functions, ComputeKind.containers}:
            raise ValueError("compute.schedule: scheduled jobs run as functions or containers")
        if self.kind == ComputeKind.vm and self.max_replicas > MAX_VM_REPLICAS:
            raise ValueError(
                f"compute.max_replicas: at most {MAX_VM_REPLICAS} VMs; use kind 'containers' or 'kubernetes' to scale further"
            )
        return self


class Database(StrictModel):
    engine: DatabaseEngine
    version: DatabaseVersion | None = None
    high_availability: bool = False
    storage_gb: int = Field(default=20, ge=10, le=16384)
    read_replicas: int = Field(default=0, ge=0, le=5,
                               description="read-only replicas the app reads from (RDS PostgreSQL/MySQL on AWS; "
                                           "Aurora reader instances when `aurora` is set)")
    aurora: bool = Field(default=False, description="an Aurora cluster (AWS, PostgreSQL or MySQL 8.0) instead of one "
                                                    "RDS instance; `read_replicas` become reader instances")
    edition: SqlServerEdition | None = Field(default=None, description="SQL Server only: express, web, standard or "
                                             "enterprise (license included); unset = express in dev (web on AWS, "
                                             "which cannot encrypt Express), web in staging, standard in prod or "
                                             "with high availability")

    @model_validator(mode="after")
    def _known_version(self) -> Database:
        if self.version is None:
            object.__setattr__(self, "version", DEFAULT_DATABASE_VERSION[self.engine])
        allowed = DATABASE_VERSIONS[self.engine]
        if self.version not in allowed:
            raise ValueError(f"databases.version {self.version} of {self.engine.value} is not offered (use one of {', '.join(allowed)})")
        if self.edition is not None and self.engine != DatabaseEngine.sqlserver:
            raise ValueError(f"databases.edition: only SQL Server has editions (not {self.engine.value})")
        if self.high_availability and self.edition in {SqlServerEdition.express, SqlServerEdition.web}:
            raise ValueError(f"databases.edition: SQL Server {self.edition.value} has no high availability "
                             "(Multi-AZ / zone-redundant HA needs standard or enterprise)")
        return self


def sqlserver_edition(db: Database, tier: Tier, cloud: Cloud) -> SqlServerEdition:
    """The SQL Server edition an environment runs: the spec's, else the cheapest that fits the tier (Express in dev,
    Web in staging, Standard in prod or when high availability is asked: only Standard/Enterprise fail over). On AWS
    the cheapest is Web: RDS cannot encrypt SQL Server Express storage, and dev-agent encrypts every database."""
    if db.edition is not None:
        return db.edition
    if db.high_availability or tier == Tier.prod:
        return SqlServerEdition.standard
    return SqlServerEdition.express if tier == Tier.dev and cloud != Cloud.aws else SqlServerEdition.web


class Cache(StrictModel):
    engine: CacheEngine
    high_availability: bool = False
    shards: int | None = Field(default=None, ge=1, le=20, description="Redis cluster mode (ElastiCache on AWS): the "
                               "number of shards (node groups); unset = one unsharded replication group")
    replicas_per_shard: int | None = Field(default=None, ge=0, le=5, description="read replicas in each shard "
                                           "(cluster mode; default 1 with high availability or in prod, else 0)")

    @model_validator(mode="after")
    def _cluster_mode(self) -> Cache:
        if self.replicas_per_shard is not None and self.shards is None:
            raise ValueError("cache.replicas_per_shard: set cache.shards too (replicas per shard are cluster mode)")
        if self.shards is not None and self.engine != CacheEngine.redis:
            raise ValueError("cache.shards: cluster mode (shards) is offered for Redis only")
        return self


class Queue(StrictModel):
    engine: QueueEngine


class Search(StrictModel):
    engine: SearchEngine = SearchEngine.opensearch


class Worker(StrictModel):
    """A background process of the app (same image, its own command, no endpoint), e.g. Sidekiq or Celery."""

    name: Slug
    command: list[Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9._:/=@-]{1,100}$")]] = Field(
        default_factory=list, max_length=20)


class Table(StrictModel):
    """A DynamoDB table (AWS): on-demand capacity, encrypted with the environment key, point-in-time recovery on;
    the app's role may read and write exactly this table."""

    name: Slug
    partition_key: Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_.-]{0,63}$")] = "pk"
    sort_key: Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_.-]{0,63}$")] | None = None

    @model_validator(mode="after")
    def _distinct_keys(self) -> Table:
        if self.sort_key is not None and self.sort_key == self.partition_key:
            raise ValueError("tables.sort_key: must differ from the partition key")
        return self


class Bucket(StrictModel):
    name: Slug
    versioning: bool = True


class Inputs(StrictModel):
    """Per-environment deployment values that are not infrastructure choices; generated into
    `terraform/dev-agent.auto.tfvars.json` and set with `/dev-agent set certificate_arn=...` (docs/install.md)."""

    certificate_arn: Annotated[str, StringConstraints(
        pattern=r"^arn:aws(-[a-z]+)*:acm:[a-z0-9-]+:[0-9]{12}:certificate/[A-Za-z0-9-]{1,64}$")] | None = None
    project_id: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]{4,28}[a-z0-9]$")] | None = None
    subscription_id: Annotated[str, StringConstraints(
        pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")] | None = None
    alert_email: Annotated[str, StringConstraints(
        pattern=r"^[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(\.[A-Za-z0-9-]{1,63})+$", max_length=254)] | None = Field(
        default=None, description="address the alarms email (the spec owner's): CloudWatch's SNS topic, the Cloud Monitoring "
                                 "channel or the Azure Monitor action group")


    cdn_domain: Annotated[str, StringConstraints(
        pattern=r"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$", max_length=253)] | None = Field(
        default=None, description="the public name viewers use for a CloudFront app (`app.cdn`); the ALB's certificate "
                                  "(`certificate_arn`) must cover it too, and its DNS record points at the distribution")
    cdn_certificate_arn: Annotated[str, StringConstraints(
        pattern=r"^arn:aws(-[a-z]+)*:acm:us-east-1:[0-9]{12}:certificate/[A-Za-z0-9-]{1,64}$")] | None = Field(
        default=None, description="ACM certificate in us-east-1 (where CloudFront takes them) covering `cdn_domain`")
    datadog_secret_arn: Annotated[str, StringConstraints(pattern=SECRET_ARN)] | None = Field(
        default=None, description="Secrets Manager secret holding the Datadog API key (the key never goes into a file)")
    newrelic_secret_arn: Annotated[str, StringConstraints(pattern=SECRET_ARN)] | None = Field(
        default=None, description="Secrets Manager secret holding the New Relic license key")
    newrelic_account_id: Annotated[str, StringConstraints(pattern=r"^[1-9][0-9]{0,11}$")] | None = Field(
        default=None, description="New Relic account id the Lambda extension reports to (AWS functions)")
    datadog_secret_id: Annotated[str, StringConstraints(pattern=GCP_SECRET_ID)] | None = Field(
        default=None, description="Secret Manager secret (name, in the project) holding the Datadog API key (GCP)")
    newrelic_secret_id: Annotated[str, StringConstraints(pattern=GCP_SECRET_ID)] | None = Field(
        default=None, description="Secret Manager secret (name, in the project) holding the New Relic license key (GCP)")
    datadog_key_vault_secret_id: Annotated[str, StringConstraints(pattern=KEY_VAULT_SECRET_ID)] | None = Field(
        default=None, description="Key Vault secret (resource id) holding the Datadog API key (Azure)")
    newrelic_key_vault_secret_id: Annotated[str, StringConstraints(pattern=KEY_VAULT_SECRET_ID)] | None = Field(
        default=None, description="Key Vault secret (resource id) holding the New Relic license key (Azure)")


# Why CloudFront is generated for containers and VMs only (the ledger and the spec check say the same).
CDN_NOT_OFFERED = ("CloudFront is generated in front of the load balancer of containers and VMs only: on Kubernetes "
                   "the cluster's controller makes the load balancer after apply, a public function's HTTP API takes "
                   "no WAF and cannot be limited to CloudFront, and a scheduled job has no endpoint")
INPUT_CLOUD = {"certificate_arn": "aws", "cdn_domain": "aws", "cdn_certificate_arn": "aws", "project_id": "gcp",
               "subscription_id": "azure", "datadog_secret_arn": "aws", "newrelic_secret_arn": "aws", "newrelic_account_id": "aws",
               "datadog_secret_id": "gcp", "newrelic_secret_id": "gcp",
               "datadog_key_vault_secret_id": "azure", "newrelic_key_vault_secret_id": "azure"}


class EnvironmentSpec(StrictModel):
    """One environment. `name` is `<service>-<tier>` when a service name is known."""

    schema_version: int = Field(default=1, ge=1, le=1)
    name: Slug
    service: Slug | None = None
    cloud: Cloud
    region: Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]{2,30}$")]
    tier: Tier = Tier.dev
    owner: Slug | None = None
    app: App = Field(default_factory=App)
    compute: Compute = Field(default_factory=Compute)
    databases: list[Database] = Field(default_factory=list, max_length=4)
    cache: Cache | None = None
    queue: Queue | None = None
    search: Search | None = None
    buckets: list[Bucket] = Field(default_factory=list, max_length=10)
    tables: list[Table] = Field(default_factory=list, max_length=10,
                                description="DynamoDB tables (AWS); the app may use exactly these tables")
    workers: list[Worker] = Field(default_factory=list, max_length=5)
    notifications: bool = Field(default=False, description="an SNS topic the app publishes notifications to (AWS)")
    waf: bool = Field(default=False, description="a web application firewall on the public entry point (AWS always has one "
                                                 "on its load balancer; on GCP/Azure also forced by hipaa, pci-dss and prod)")
    monitoring: list[Monitoring] = Field(default_factory=list)
    compliance: list[Compliance] = Field(default_factory=list, description="frameworks whose profile the environment follows")
    budget_monthly_usd: float | None = Field(default=None, gt=0, le=1_000_000)
    ttl_days: int | None = Field(default=None, ge=1, le=365)
    expires_on: dt.date | None = None
    inputs: Inputs | None = None

    @model_validator(mode="after")
    def _consistent(self) -> EnvironmentSpec:
        if not is_valid_region(self.cloud.value, self.region):
            article = "an" if self.cloud.value[0] in "aeiou" else "a"
            raise ValueError(f"region: region {self.region!r} is not {article} {self.cloud.value} region")
        offered = [(f"databases.{i}.engine", "database", d.engine.value) for i, d in enumerate(self.databases)]
        offered += [("cache.engine", "cache", self.cache.engine.value)] if self.cache else []
        offered += [("queue.engine", "queue", self.queue.engine.value)] if self.queue else []
        offered += [("search.engine", "search", self.search.engine.value)] if self.search else []
        offered += [(f"monitoring.{i}", "monitoring", m.value) for i, m in enumerate(self.monitoring)]
        for path, kind, engine in offered:
            clouds = OFFERED.get((kind, engine))
            if clouds is not None and self.cloud not in clouds:
                where = ", ".join(sorted(c.value for c in clouds))
                raise ValueError(f"{path}: {kind} {engine} has no managed offer on {self.cloud.value} (available on: {where})")
        if self.cache is not None and self.cache.shards is not None and self.cloud != Cloud.aws:
            raise ValueError("cache.shards: Redis cluster mode is generated on AWS (ElastiCache) only")
        for i, db in enumerate(self.databases):
            if db.read_replicas and (self.cloud != Cloud.aws or db.engine in NO_RDS_REPLICAS):
                raise ValueError(f"databases.{i}.read_replicas: read replicas are generated for PostgreSQL and MySQL "
                                 "on AWS only")
            if db.aurora and (self.cloud != Cloud.aws or db.engine in NO_RDS_REPLICAS):
                raise ValueError(f"databases.{i}.aurora: Aurora is an AWS offer for PostgreSQL and MySQL")
            if db.edition == SqlServerEdition.express and self.cloud == Cloud.aws:
                raise ValueError(f"databases.{i}.edition: RDS cannot encrypt SQL Server Express storage at rest and "
                                 "dev-agent encrypts every database; use web (the cheapest encrypted edition on AWS)")
            if db.aurora and db.engine == DatabaseEngine.mysql and db.version not in AURORA_MYSQL_VERSIONS:
                raise ValueError(f"databases.{i}.aurora: Aurora MySQL is offered for MySQL 8.0 (not {db.version})")
        if len(set(self.monitoring)) != len(self.monitoring):
            raise ValueError("monitoring: lists a tool twice")
        if len({w.name for w in self.workers}) != len(self.workers):
            raise ValueError("workers: two workers share a name")
        if self.workers and self.compute.kind not in {ComputeKind.containers, ComputeKind.kubernetes}:
            raise ValueError("workers: background workers run next to containers or Kubernetes pods")
        if len(set(self.compliance)) != len(self.compliance):
            raise ValueError("compliance: lists a framework twice")
        if self.notifications and self.cloud != Cloud.aws:
            raise ValueError("notifications: the notifications topic is generated on AWS (SNS) only")
        if self.app.cdn:
            self._cdn_offered()
        if self.tables and self.cloud != Cloud.aws:
            raise ValueError("tables: DynamoDB tables are an AWS offer (use a database on this cloud)")
        if len({t.name for t in self.tables}) != len(self.tables):
            raise ValueError("tables: two tables share a name")
        if len({b.name for b in self.buckets}) != len(self.buckets):
            raise ValueError("buckets: two buckets share a name")
        for field, cloud in INPUT_CLOUD.items():
            if self.inputs is not None and getattr(self.inputs, field) is not None and self.cloud.value != cloud:
                raise ValueError(f"inputs.{field}: only {cloud} environments take it (this one is on {self.cloud.value})")
        return self

    def _cdn_offered(self) -> None:
        """`app.cdn` is generated where CloudFront can sit in front of a Terraform-made load balancer."""
        if self.cloud != Cloud.aws:
            raise ValueError("app.cdn: CloudFront is generated on AWS only (no Cloud CDN or Front Door caching is "
                             "generated)")
        if self.app.exposure == Exposure.internal:
            raise ValueError("app.cdn: an internal app has no public endpoint to put CloudFront in front of")
        if self.compute.schedule is not None or self.compute.kind not in {ComputeKind.containers, ComputeKind.vm}:
            raise ValueError(f"app.cdn: {CDN_NOT_OFFERED}")

    def to_yaml(self) -> str:
        """The spec as `environment.yaml` text (stable key order, no defaults dropped)."""
        return dump_yaml(self.model_dump(mode="json", exclude_none=True))


class SpecError(InputError):
    """A spec that does not validate; `errors` name each field and what is wrong with it."""

    def __init__(self, source: str, errors: list[str]):
        self.source = source
        self.errors = errors
        super().__init__(f"{source}: " + "; ".join(errors))


FIELD_PREFIX = re.compile(r"^([a-z_]+(?:\.[a-z_0-9]+)*): ")


def describe_validation_error(exc: ValidationError) -> list[str]:
    """Readable `field.path: message` lines from a pydantic error."""
    lines = []
    for err in exc.errors():
        path = ".".join(str(p) for p in err["loc"]) or "spec"
        msg = err["msg"].removeprefix("Value error, ")
        named = FIELD_PREFIX.match(msg)  # a model-level check names its own field, e.g. "region: ..."
        lines.append(msg if named and (path == "spec" or named.group(1).startswith(path)) else f"{path}: {msg}")
    return lines


def spec_from_data(data: Any, source: str = "spec") -> EnvironmentSpec:
    """Validate parsed data into a spec, raising SpecError with field names."""
    if not isinstance(data, dict):
        raise SpecError(source, ["spec: expected a mapping of fields"])
    try:
        return EnvironmentSpec.model_validate(data)
    except ValidationError as exc:
        raise SpecError(source, describe_validation_error(exc)) from None


def load_spec(path: Path) -> EnvironmentSpec:
    """Read `environment.yaml` (or JSON) from disk."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(str(path), [f"cannot read: {exc}"]) from None
    try:
        data = yaml.safe_load(text) if path.suffix in {".yaml", ".yml"} else json.loads(text)
    except (yaml.YAMLError, json.JSONDecodeError) as exc:
        raise SpecError(str(path), [f"not valid YAML/JSON: {exc}"]) from None
    return spec_from_data(data, str(path))


def json_schema() -> dict[str, Any]:
    """The published JSON Schema of EnvironmentSpec."""
    schema = EnvironmentSpec.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://dev-agent.dev/schemas/environment.schema.json"
    return schema


def slugify(text: str, max_length: int = 40) -> str:
    """Lowercase `text` into a spec slug (letters, digits, single dashes)."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    slug = re.sub(r"^[0-9-]+", "", slug)[:max_length].strip("-")
    return slug
