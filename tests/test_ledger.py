"""The requirements ledger: every ask the request makes is honoured, adjusted, unsupported or refused, never dropped."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.understanding.deterministic import parse
from bot.understanding.ledger import Requirement, Status, accept, locate, yaml_line


def rows_of(text: str, answers: tuple[str, ...] = ()) -> dict[str, Requirement]:
    return {row.key: row for row in parse(text, answers).requirements}


@pytest.mark.parametrize(
    ("phrase", "key"),
    [
        ("HIPAA", "compliance:hipaa"),
        ("PCI DSS", "compliance:pci-dss"),
        ("SOC 2", "compliance:soc2"),
        ("GDPR", "compliance:gdpr"),
        ("ISO 27001", "compliance:iso27001"),
        ("Prometheus", "monitoring:prometheus"),
        ("Grafana", "monitoring:grafana"),
        ("Datadog", "monitoring:datadog"),
        ("New Relic", "monitoring:newrelic"),
        ("Vault", "secrets:vault"),
        ("SOPS", "secrets:sops"),
        ("cert-manager", "k8s:cert-manager"),
        ("Kubernetes RBAC", "k8s:rbac"),
        ("Aurora", "component:aurora"),
        ("read replicas", "component:read-replicas"),
        ("Redis cluster mode", "component:redis-cluster"),
        ("CloudFront", "component:cdn"),
        ("SNS notifications", "component:notifications"),
        ("spot instances", "component:spot"),
        ("Sidekiq workers", "component:worker"),
        ("Celery", "component:worker"),
        ("an internal-only api", "network:internal"),
        ("SQL Server", "database:sqlserver"),
        ("DynamoDB", "component:dynamodb"),
    ],
)
def test_every_common_ask_gets_a_row_with_its_words(phrase: str, key: str) -> None:
    result = parse(f"Rails app with postgres on AWS us-east-1, plus {phrase}")
    rows = {row.key: row for row in result.requirements}
    assert key in rows, [r.key for r in result.requirements]
    row = rows[key]
    text = f"Rails app with postgres on AWS us-east-1, plus {phrase}"
    assert text[row.start : row.end] == row.words and row.words.lower() in phrase.lower() + " " + phrase.lower()
    assert row.status in set(Status)
    if row.status != Status.honoured:
        assert row.reason or row.question


def test_unsupported_monitoring_is_kept_in_the_spec_but_flagged() -> None:
    result = parse("Django app on AWS us-west-2 with Prometheus and Grafana")
    assert result.spec is not None and [m.value for m in result.spec.monitoring] == ["prometheus", "grafana"]
    rows = {row.key: row for row in result.requirements}
    assert rows["monitoring:prometheus"].status == Status.unsupported
    assert "ServiceMonitor" in rows["monitoring:prometheus"].reason
    assert rows["monitoring:prometheus"].open


def test_refusals_are_rows_with_the_guard_reason() -> None:
    rows = parse("Flask app on AWS us-east-1, open port 22 to the internet").requirements
    refused = [r for r in rows if r.status == Status.refused]
    assert len(refused) == 1 and "port 22" in refused[0].words and "0.0.0.0/0" in refused[0].reason


@pytest.mark.parametrize(
    ("text", "limit"),
    [
        ("Django app with 10,000 replicas on AWS", "limit of 100 replicas"),
        ("Rails app with postgres and 1 PB storage on AWS", "limit of 16,384 GB"),
        ("Django app with 500 databases on AWS", "limit of 4 database servers"),
        ("Flask app with 40 buckets on AWS", "limit of 10 buckets"),
        ("Flask app on AWS with 128 vCPUs", "limit of 16 vCPUs"),
        ("Flask app on AWS with 512 GB of RAM", "limit of 64 GB"),
        ("Flask app on AWS, budget $5,000,000/month", "limit of $1,000,000/month"),
        ("Flask app on AWS, expires in 900 days", "limit of 365 days"),
        ("Spring Boot app in us-east-1 with a 20 TB postgres for the data warehouse", "limit of 16,384 GB"),
        ("Flask app with postgres on AWS, storage: 40 TB", "limit of 16,384 GB"),
        ("Production FastAPI with Postgres on AWS eu-central-1, keep it for 2 years", "limit of 365 days"),
        ("Flask app on AWS, memory: 128 GB", "limit of 64 GB"),
    ],
)
def test_out_of_range_sizes_are_asked_about_with_the_limit_named(text: str, limit: str) -> None:
    result = parse(text)
    assert result.needs_clarification and result.spec is None
    assert any(limit in q for q in result.questions), result.questions
    assert any(r.status == Status.unsupported and r.question for r in result.requirements)


def test_a_plain_answer_replaces_what_the_request_said() -> None:
    result = parse("Django app with 10,000 replicas on AWS", answers=("make it 10 replicas",))
    assert result.spec is not None and result.spec.compute.max_replicas == 10
    result = parse("orders api: FastAPI on AWS eu-west-1 with Oracle", answers=("use postgres instead",))
    assert result.spec is not None and [d.engine.value for d in result.spec.databases] == ["postgres"]


@pytest.mark.parametrize(
    "text", ["need an env for my app", "I need an environment.", "can you set up an environment for me?"]
)
def test_vague_requests_ask_what_should_run(text: str) -> None:
    result = parse(text)
    assert result.needs_clarification and "What should run" in result.questions[0]
    answered = parse(text, answers=("a FastAPI service with postgres on GCP",))
    assert answered.spec is not None and answered.spec.cloud.value == "gcp"


@pytest.mark.parametrize(
    ("text", "service"),
    [
        ("environment for billing: node with redis on AWS", "billing"),
        ("orders: FastAPI with postgres on AWS", "orders"),
        ("deploy `ledger-svc` as a FastAPI app on AWS", "ledger-svc"),
        ("the invoices service, FastAPI with postgres, AWS", "invoices"),
    ],
)
def test_service_names_from_for_colon_backticks_and_service(text: str, service: str) -> None:
    result = parse(text)
    assert result.spec is not None and result.spec.service == service


@pytest.mark.parametrize(
    ("text", "field", "value"),
    [
        ("Set up dev for our flask app on AWS. Memory: 512MB, CPU: 0.25 vCPU", "memory_gb", 0.5),
        ("flask app on AWS with 2048 MB of RAM", "memory_gb", 2.0),
        ("Go api on Azure with Postgres, disk size 200 GB", "storage_gb", 200),
        ("Flask app on AWS, a 500 GB postgres", "storage_gb", 500),
    ],
)
def test_sizes_in_other_units_and_orders_reach_the_spec(text: str, field: str, value: float) -> None:
    spec = parse(text).spec
    assert spec is not None
    actual = spec.compute.memory_gb if field == "memory_gb" else spec.databases[0].storage_gb
    assert actual == value


@pytest.mark.parametrize(
    ("text", "service", "owner"),
    [
        ("Need prod for billing on GCP Frankfurt: Django 5, Cloud SQL Postgres", "billing", None),
        ("Rust service in Tokyo with a custom domain api.example.com", None, None),
        ("I just need a Postgres 16 database on AWS us-east-2, no app", None, None),
        ("Flask app + an S3 bucket on AWS, give the data-eng team read-only access to the bucket", None, None),
        ("staging for now: FastAPI with postgres on AWS", None, None),
    ],
)
def test_names_are_not_read_from_host_names_negations_or_access_words(text: str, service: str | None,
                                                                       owner: str | None) -> None:
    spec = parse(text).spec
    assert spec is not None and (spec.service, spec.owner) == (service, owner)


def test_tags_and_machine_nodes_are_not_budgets_or_languages() -> None:
    result = parse("Flask app on AWS with Postgres, GPU node for inference, tag everything cost-center=1234")
    assert result.spec is not None and result.spec.budget_monthly_usd is None
    assert result.spec.app.language.value == "python"
    assert not any(r.key == "language:node" for r in result.requirements)
    assert "budget_monthly_usd" not in {r.key for r in result.requirements}


def test_team_access_with_read_only_is_an_access_ask() -> None:
    rows = rows_of("Flask app + an S3 bucket for reports on AWS, give the data-eng team read-only access to the bucket")
    assert rows["access:team"].status == Status.unsupported and "owner" not in rows


@pytest.mark.parametrize(
    ("text", "key", "status", "reason"),
    [
        ("Flask app on AWS with Postgres in our existing VPC vpc-0abc123", "network:existing", "unsupported",
         "own new network"),
        ("Flask app on AWS, GPU node for inference", "compute:gpu", "unsupported", "no GPU"),
        ("Flask app on AWS, tag everything cost-center=1234", "tagging:custom", "unsupported", "custom tags"),
        ("Rust service in Tokyo with 3 replicas and rate limiting", "network:rate-limit", "unsupported", "request-rate"),
        ("laravel app on AWS Virginia, 99.99% uptime SLA", "availability:sla", "unsupported", "no uptime commitment"),
        ("laravel app on AWS Virginia with blue/green deploys", "delivery:progressive", "unsupported", "rolling"),
        ("spring boot on azure with application insights for monitoring", "monitoring:appinsights", "unsupported",
         "Application Insights"),
        ("Give me a k8s cluster with 3 m5.xlarge nodes in us-west-2 running our go service", "compute:machine-type",
         "adjusted", "compute.cpu"),
        ("FastAPI app in eu-west-1 using MongoDB Atlas", "database:atlas", "adjusted", "DocumentDB"),
        ("flask + postgres on aws ohio, keep backups for 30 days", "component:backup-retention", "adjusted",
         "db_backup_retention_days"),
        ("I just need a Postgres 16 database on AWS us-east-2, no app", "shape:no-app", "unsupported",
         "data-only environment is not offered"),
        ("flask 1.0 on python 2.7 with postgres 9.6 on aws us-east-1", "database:postgres", "adjusted",
         "PostgreSQL 9.6 is not offered"),
        ("rails app on gcp london with sidekiq and a nightly cron job that exports to a bucket", "component:worker",
         "honoured", ""),
    ],
)
def test_asks_dev_agent_does_not_build_as_asked_are_flagged_with_why(text: str, key: str, status: str,
                                                                      reason: str) -> None:
    rows = [r for r in parse(text).requirements if r.key == key]
    assert rows and rows[0].status.value == status, rows
    assert reason in rows[0].reason


@pytest.mark.parametrize(
    ("text", "key", "status", "reason"),
    [
        ("Rails app on Heroku please", "platform:other", "unsupported", "AWS, GCP or Azure only"),
        ("dev env for a Next.js app on AWS with Supabase auth", "auth:identity", "unsupported", "no user sign-in"),
        ("A queue worker in Go reading from SQS on ECS in us-east-1, no web endpoint", "shape:no-endpoint",
         "unsupported", "worker-only"),
        ("django app on aws with postgres, 0 replicas outside working hours", "compute:scale-schedule", "unsupported",
         "time-based"),
        ("django app on aws with postgres, 0 replicas outside working hours", "compute.max_replicas", "adjusted",
         "raised to 1"),
        ("Django with MySQL, AWS us-east-1, no NAT gateway to save money", "network:nat", "unsupported", "NAT gateway"),
        ("Django with MySQL, AWS us-east-1, single AZ", "availability:single-az", "adjusted", "2 availability zones"),
        ("FastAPI app, Postgres 16, AWS, HIPAA, audit logs kept 7 years", "monitoring:log-retention", "adjusted",
         "log_retention_days"),
        ("laravel app in aws sydney with a db, backups every 6 hours", "component:backup-retention", "adjusted",
         "daily"),
        ("go service on gke in us-central1 with workload identity", "identity:workload", "honoured", ""),
        ("we need a kafka cluster with 12 partitions and a python consumer on aws", "queue:partitions", "adjusted",
         "created by the app"),
    ],
)
def test_more_asks_users_write_are_flagged_with_why(text: str, key: str, status: str, reason: str) -> None:
    rows = [r for r in parse(text).requirements if r.key == key]
    assert rows and rows[0].status.value == status, parse(text).requirements
    assert reason in rows[0].reason


@pytest.mark.parametrize(
    ("text", "key", "status", "reason"),
    [
        ("fastapi on aws us-east-1 with a FIFO queue", "queue:fifo", "unsupported", "standard queue"),
        ("fastapi on aws us-east-1 with an SQS queue and a dead-letter queue", "queue:dlq", "honoured", ""),
        ("fastapi on aws us-east-1, redis 7 with 10 GB of memory", "cache:size", "adjusted", "cache_node_type"),
        ("Django on AWS with Postgres; secrets in Doppler", "secrets:other", "adjusted", "secret manager"),
        ("Rails app on AWS with Mailgun for email", "integration:third-party", "unsupported", "API key"),
        ("static marketing site (just html) on aws", "shape:static-site", "unsupported", "static site"),
        ("go api on aws us-east-1, ipv6 only", "network:ipv6", "unsupported", "IPv4"),
        ("go api on aws us-east-1 with a NLB instead of an ALB", "network:nlb", "unsupported", "layer-4"),
    ],
)
def test_queue_cache_and_network_asks_are_flagged(text: str, key: str, status: str, reason: str) -> None:
    rows = [r for r in parse(text).requirements if r.key == key]
    assert rows and rows[0].status.value == status, parse(text).requirements
    assert reason in rows[0].reason


def test_words_that_qualify_something_else_are_not_read_as_their_own_ask() -> None:
    cache = parse("fastapi on aws us-east-1, redis 7 with 10 GB of memory").spec
    assert cache is not None and cache.compute.memory_gb != 10  # the cache's size, not the app's
    pubsub = parse("A websocket chat server in Node on Azure with Redis pub/sub, northeurope").spec
    assert pubsub is not None and pubsub.queue is None  # Redis's pub/sub, no Service Bus
    image = rows_of("gRPC service in Go on GKE us-central1, image ghcr.io/acme/grpc:1.4.2")
    assert "network:domain" not in image


@pytest.mark.parametrize("text", ["flask api for internal use only on gcp belgium",
                                  "an intranet app (rails) on azure uk south, only employees on the corp network"])
def test_internal_use_and_intranet_make_the_app_internal(text: str) -> None:
    result = parse(text)
    assert result.spec is not None and result.spec.app.exposure.value == "internal" and result.spec.service is None
    assert {r.status for r in result.requirements if r.key == "network:internal"} == {Status.honoured}


def test_access_for_developers_is_an_access_ask() -> None:
    assert rows_of("fastapi on aws us-east-1, give devs kubectl access")["access:team"].status == Status.unsupported


@pytest.mark.parametrize(
    ("text", "key", "status"),
    [
        ("prod fastapi on cloud run europe-west1, ttl: none (permanent)", "lifetime:permanent", "honoured"),
        ("flask app on aws, keep forever", "lifetime:permanent", "unsupported"),
        ("flask app on aws, budget: unlimited", "budget:none", "adjusted"),
        ("python lambda in us-east-1 triggered by s3 uploads to the incoming bucket", "trigger:events", "unsupported"),
        ("Next.js on AWS with preview environments per PR", "delivery:previews", "unsupported"),
        ("Django on AWS eu-west-1 with Aurora Postgres serverless v2, min 0.5 ACU max 8 ACU",
         "component:aurora-serverless", "adjusted"),
    ],
)
def test_lifetime_budget_trigger_and_delivery_asks_are_flagged(text: str, key: str, status: str) -> None:
    rows = [r for r in parse(text).requirements if r.key == key]
    assert rows and rows[0].status.value == status, parse(text).requirements


def test_describing_words_are_not_compute_services_or_platforms() -> None:
    aurora = parse("Django on AWS eu-west-1 with Aurora Postgres serverless v2").spec
    assert aurora is not None and aurora.compute.kind.value == "containers"  # Aurora's mode, not Lambda
    gdpr = parse("HIPAA + GDPR app: django, postgres, on GCP in Frankfurt").spec
    argo = parse("Express + MongoDB on Azure AKS with an ArgoCD app").spec
    assert gdpr is not None and argo is not None and gdpr.service is None and argo.service is None
    assert parse("Next.js on a Vercel-like setup on AWS").spec is not None


def test_requests_in_spanish_and_german_keep_tier_exposure_backups_and_alerts() -> None:
    spanish = parse("Hola, necesito un entorno de producción para la API de facturas en Django con MySQL en Azure, "
                    "con copias de seguridad cada día y alertas")
    assert spanish.spec is not None and spanish.spec.tier.value == "prod" and spanish.spec.service is None
    keys = {r.key for r in spanish.requirements}
    assert {"component:backups", "monitoring:alerts"} <= keys
    german = parse("Brauche eine Testumgebung: Spring Boot, Postgres, AWS Frankfurt, nur intern erreichbar, 2 Wochen")
    assert german.spec is not None and german.spec.app.exposure.value == "internal"


def test_a_dropped_letter_in_a_place_and_a_bare_size_next_to_cpus_are_read() -> None:
    oregon = parse("prodction env for paymnts-api, fastapi, postgress, redis, aws oregn")
    assert oregon.spec is not None and oregon.spec.region == "us-west-2"
    ml = parse("env for ML team: python 3.11 api + redis, 4 vcpu 16gb, gcp, and they want jupyter notebooks")
    assert ml.spec is not None and ml.spec.owner is None and ml.spec.compute.memory_gb == 16
    assert {r.key: r.status for r in ml.requirements}["ml:notebooks"] == Status.unsupported


@pytest.mark.parametrize("text", ["flask on gcp, the analytics squad needs read access to the db",
                                  "go api on aws, whole team should be able to view logs"])
def test_people_needing_access_is_an_access_ask(text: str) -> None:
    assert rows_of(text)["access:team"].status == Status.unsupported


def test_a_jvm_language_next_to_its_framework_says_how_it_is_built() -> None:
    row = rows_of("Kotlin Spring app on AWS Virginia with postgres")["framework:kotlin"]
    assert row.status == Status.adjusted and "built as spring on the java runtime" in row.reason


def test_like_our_prod_setup_is_asked_about() -> None:
    result = parse("Spin me up something like our prod setup for the billing service but smaller")
    assert result.needs_clarification and "cannot see your existing environments" in result.questions[0]


def test_another_platform_is_asked_about_not_silently_aws() -> None:
    result = parse("Rails app on Heroku please")
    assert result.needs_clarification and "AWS, GCP or Azure" in result.questions[0]
    assert parse("Move our Rails app from Heroku to AWS us-east-1").spec is not None


def test_backups_every_six_hours_do_not_turn_the_app_into_a_job() -> None:
    spec = parse("laravel app in aws sydney, db backups every 6 hours, logs retained 90 days").spec
    assert spec is not None and spec.compute.schedule is None


def test_an_alert_address_becomes_the_alarms_email_not_a_domain() -> None:
    result = parse("Production spring app on AWS us-east-1 with Aurora MySQL, SNS alerts to oncall@example.com")
    assert result.spec is not None and result.spec.inputs is not None
    assert result.spec.inputs.alert_email == "oncall@example.com"
    rows = rows_of("Production spring app on AWS us-east-1 with Aurora MySQL, SNS alerts to oncall@example.com")
    assert rows["inputs.alert_email"].status == Status.honoured and "network:domain" not in rows


def test_a_host_name_is_a_custom_domain_but_asp_net_and_socket_io_are_not() -> None:
    assert rows_of("node.js chat with socket.io on aws, served at chat.example.com")["network:domain"].words \
        == "chat.example.com"
    assert "network:domain" not in rows_of("staging for billing-api: ASP.NET Core, SQL Server 2022, AWS us-east-1")
    assert "network:domain" not in rows_of("a node.js chat with socket.io on aws")


def test_an_expiry_date_is_a_lifetime_from_today() -> None:
    today = dt.datetime.now(dt.UTC).date()
    soon, late, past = (today + dt.timedelta(days=d) for d in (30, 400, -2))
    assert parse(f"Express app on AWS with Postgres; expires {soon.isoformat()}").spec.ttl_days == 30
    far = parse(f"Express app on AWS with Postgres, until {late.isoformat()}")
    assert far.needs_clarification and any("limit of 365 days" in q for q in far.questions)
    gone = parse(f"Express app on AWS with Postgres, expires {past.isoformat()}")
    assert gone.needs_clarification and any("not in the future" in q for q in gone.questions)


def test_two_tiers_in_one_request_are_asked_about() -> None:
    result = parse("staging for payments-api: FastAPI, Postgres 16 on GCP us-central1, prod tier, $400/month")
    assert result.needs_clarification and any("both staging and prod" in q for q in result.questions)
    assert {r.status for r in result.requirements if r.key == "tier"} == {Status.unsupported}
    for text in ("staging env that mirrors prod, flask on aws", "dev sandbox for flask on aws",
                 "prod env for the api, promoted from staging, flask on aws"):
        assert parse(text).spec is not None, text


@pytest.mark.parametrize(("text", "answer", "region"), [("flask app on aws in us-east-1 and eu-west-1", "eu-west-1",
                                                          "eu-west-1"),
                                                         ("flask app on aws, Frankfurt or Ireland", "Ireland", "eu-west-1")])
def test_two_regions_are_asked_about_and_an_answer_picks_one(text: str, answer: str, region: str) -> None:
    result = parse(text)
    assert result.needs_clarification and any("lives in one region" in q for q in result.questions)
    assert {r.status for r in result.requirements if r.key == "region"} == {Status.unsupported}
    answered = parse(text, answers=(answer,)).spec
    assert answered is not None and answered.region == region


def test_a_bucket_row_points_at_the_requested_bucket_never_the_access_log_bucket() -> None:
    rows = parse("Flask app + an S3 bucket for reports on AWS us-east-1").requirements
    logs = {"env/terraform/logs.tf": 'resource "aws_s3_bucket" "logs" {\n}\n'}
    s3 = {"env/terraform/s3.tf": 'resource "aws_s3_bucket" "bucket_reports" {\n}\n'}
    built = {r.key: r for r in locate(rows, {**logs, **s3})}
    assert built["bucket"].where == "env/terraform/s3.tf:1"
    missing = {r.key: r for r in locate(rows, logs)}
    assert missing["bucket"].status == Status.unsupported


def test_multi_az_without_a_database_says_why() -> None:
    row = rows_of("laravel app on AWS Virginia, multi-AZ")["high_availability"]
    assert row.status == Status.adjusted and "no database or cache" in row.reason


def test_private_endpoints_point_at_the_private_data_services() -> None:
    rows = rows_of("staging env for the payments api w/ postgress + redis on azure, locked down with private endpoints")
    assert rows["network:private-data"].status == Status.honoured and rows["network:private-data"].evidence


def test_a_nightly_job_next_to_a_web_app_is_flagged_and_the_app_keeps_serving() -> None:
    result = parse("rails app on gcp london with sidekiq and a nightly cron job that exports to a bucket")
    assert result.spec is not None and result.spec.compute.schedule is None and result.spec.workers
    nightly = [r for r in result.requirements if r.words == "nightly"]
    assert nightly and nightly[0].status == Status.unsupported and "compute.schedule" in nightly[0].reason
    assert any("keeps serving requests" in note for note in result.notes)


@pytest.mark.parametrize(("phrase", "cron"), [("triggered every 5 minutes", "*/5 * * * *"),
                                              ("runs every 2 hours", "0 */2 * * *")])
def test_every_n_minutes_is_a_schedule(phrase: str, cron: str) -> None:
    result = parse(f"Go service on lambda in us-east-1 {phrase}")
    assert result.spec is not None and result.spec.compute.schedule == cron
    assert {r.words: r.status for r in result.requirements}[phrase.split(" ", 1)[1]] == Status.honoured


def test_homonyms_are_not_resources_or_owners() -> None:
    ssh = parse("FastAPI app with postgres on AWS, so I can ssh in")
    assert ssh.spec is not None and ssh.spec.buckets == [] and ssh.spec.owner is None
    assert {r.key: r for r in ssh.requirements}["access:ssh"].status == Status.unsupported
    password = parse("flask app on AWS, store the db password in secrets manager")
    assert password.spec is not None and password.spec.databases == []
    team = parse("django app on AWS, give the frontend team access")
    assert team.spec is not None and team.spec.owner is None
    assert {r.key: r for r in team.requirements}["access:team"].status == Status.unsupported


def test_locate_points_honoured_rows_at_files_and_downgrades_missing_evidence() -> None:
    rows = parse("FastAPI with postgres on AWS us-east-1, behind a WAF").requirements
    files = {
        "environments/x/environment.yaml": "name: x\napp:\n  framework: fastapi\ndatabases:\n- engine: postgres\n",
        "environments/x/terraform/rds.tf": 'locals {}\nresource "aws_db_instance" "main" {\n}\n',
    }
    located = {r.key: r for r in locate(rows, files)}
    assert located["database:postgres"].where == "environments/x/terraform/rds.tf:2"
    assert located["framework:fastapi"].where == "environments/x/environment.yaml:3"
    assert located["component:waf"].status == Status.unsupported  # no aws_wafv2_web_acl in these files
    assert "not found in the generated files" in located["component:waf"].reason


def test_accepting_an_unsupported_row_closes_it() -> None:
    class Grant:
        by, reason = "lead", "we run Prometheus ourselves"

    rows = parse("Django app on AWS with Prometheus").requirements
    row = next(
        r for r in accept(rows, {"requirement:monitoring:prometheus": Grant()}) if r.key == "monitoring:prometheus"
    )
    assert not row.open and "@lead" in (row.accepted or "")


def test_yaml_line_finds_nested_keys() -> None:
    text = "# c\nname: a\napp:\n  language: python\n  framework: django\ncompute:\n  kind: vm\n"
    assert (
        yaml_line(text, "app.framework") == 5
        and yaml_line(text, "compute.kind") == 7
        and yaml_line(text, "nope") is None
    )
