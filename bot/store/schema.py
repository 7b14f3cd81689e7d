"""The tables of the durable store (SQLAlchemy Core). Changes go through a migration in bot/store/migrations."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

environments = Table(
    "environments", metadata,
    Column("repository", String(201), primary_key=True),
    Column("name", String(100), primary_key=True),
    Column("tier", String(40), nullable=False),
    Column("owner", String(100)),
    Column("requested_by", String(100)),
    Column("cloud", String(20)),
    Column("region", String(60)),
    Column("status", String(20), nullable=False),
    Column("monthly_cost_usd", Float),
    Column("expires_on", Date),
    Column("pr_url", Text),
    Column("issue_url", Text),
    Column("drift", Boolean, nullable=False),
    Column("report", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

environment_history = Table(
    "environment_history", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("repository", String(201), nullable=False),
    Column("name", String(100), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("status", String(20), nullable=False),
    Column("changes", JSON, nullable=False),  # field -> new value (the report is summarised by its length)
    Index("ix_environment_history_env", "repository", "name", "id"),
)

audit_events = Table(
    "audit_events", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
    Column("action", String(20), nullable=False),
    Column("actor", String(100), nullable=False),
    Column("environment", String(100), nullable=False),
    Column("repository", String(201), nullable=False),
    Column("pull_request", Integer),
    Column("detail", Text, nullable=False),
    Index("ix_audit_events_env", "repository", "environment", "id"),
)

api_keys = Table(
    "api_keys", metadata,
    Column("id", String(16), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("scopes", JSON, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True)),
    Column("revoked", Boolean, nullable=False),
    Column("owner", String(100)),
    Column("installation", Integer),
    Column("repositories", JSON, nullable=False),
)

installations = Table(
    "installations", metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("account", String(100), nullable=False),
)

installation_repositories = Table(
    "installation_repositories", metadata,
    Column("installation_id", Integer, ForeignKey("installations.id", ondelete="CASCADE"), primary_key=True),
    Column("repository", String(201), primary_key=True),
)

jobs = Table(
    "jobs", metadata,
    Column("id", String(100), primary_key=True),
    Column("kind", String(100), nullable=False),
    Column("status", String(20), nullable=False),
    Column("environment", String(100)),
    Column("repository", String(201)),
    Column("detail", Text, nullable=False),
    Column("links", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False, index=True),
)

secrets = Table(
    "secrets", metadata,
    Column("name", String(100), primary_key=True),
    Column("value", Text, nullable=False),
)

user_sessions = Table(
    "user_sessions", metadata,
    Column("id", String(64), primary_key=True),
    Column("login", String(100), nullable=False),  # the GitHub login whose access applies ("": none, sees nothing)
    Column("provider", String(20), nullable=False, server_default="github"),  # github | oidc
    Column("name", String(200), nullable=False, server_default=""),  # who signed in, as the provider names them
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False, index=True),
)

workflow_outcomes = Table(
    "workflow_outcomes", metadata,  # what `dev-agent apply`/`destroy` runs in Actions reported (bot/handlers/outcome.py)
    Column("repository", String(201), primary_key=True),
    Column("name", String(100), primary_key=True),
    Column("run", String(32), primary_key=True),  # random per run: its reports on the PR and the issue count once
    Column("status", String(20), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),  # when the run finished: an older report never wins
)
