"""The first schema: environments (+ history), append-only audit events, API keys, installations, jobs, secrets.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_TZ = sa.DateTime(timezone=True)
# Audit events are append-only: the database itself refuses UPDATE and DELETE on them.
_SQLITE_GUARDS = [
    "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
    "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END",
    "CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events "
    "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END",
]
_POSTGRES_GUARDS = [
    "CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'audit_events is append-only'; END $$",
    "CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()",
]


def upgrade() -> None:
    op.create_table(
        "environments",
        sa.Column("repository", sa.String(201), primary_key=True),
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("tier", sa.String(40), nullable=False),
        sa.Column("owner", sa.String(100)),
        sa.Column("requested_by", sa.String(100)),
        sa.Column("cloud", sa.String(20)),
        sa.Column("region", sa.String(60)),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("monthly_cost_usd", sa.Float),
        sa.Column("expires_on", sa.Date),
        sa.Column("pr_url", sa.Text),
        sa.Column("issue_url", sa.Text),
        sa.Column("drift", sa.Boolean, nullable=False),
        sa.Column("report", sa.Text, nullable=False),
        sa.Column("created_at", _TZ, nullable=False),
        sa.Column("updated_at", _TZ, nullable=False),
    )
    op.create_table(
        "environment_history",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("repository", sa.String(201), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("at", _TZ, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("changes", sa.JSON, nullable=False),
    )
    op.create_index("ix_environment_history_env", "environment_history", ["repository", "name", "id"])
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", _TZ, nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("environment", sa.String(100), nullable=False),
        sa.Column("repository", sa.String(201), nullable=False),
        sa.Column("pull_request", sa.Integer),
        sa.Column("detail", sa.Text, nullable=False),
    )
    op.create_index("ix_audit_events_at", "audit_events", ["at"])
    op.create_index("ix_audit_events_env", "audit_events", ["repository", "environment", "id"])
    op.create_table(
        "api_keys",
        sa.Column("id", sa.String(16), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("scopes", sa.JSON, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("created_at", _TZ, nullable=False),
        sa.Column("expires_at", _TZ),
        sa.Column("revoked", sa.Boolean, nullable=False),
        sa.Column("owner", sa.String(100)),
        sa.Column("installation", sa.Integer),
        sa.Column("repositories", sa.JSON, nullable=False),
    )
    op.create_table(
        "installations",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("account", sa.String(100), nullable=False),
    )
    op.create_table(
        "installation_repositories",
        sa.Column("installation_id", sa.Integer, sa.ForeignKey("installations.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("repository", sa.String(201), primary_key=True),
    )
    op.create_table(
        "jobs",
        sa.Column("id", sa.String(100), primary_key=True),
        sa.Column("kind", sa.String(100), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("environment", sa.String(100)),
        sa.Column("repository", sa.String(201)),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("links", sa.JSON, nullable=False),
        sa.Column("created_at", _TZ, nullable=False),
        sa.Column("updated_at", _TZ, nullable=False),
    )
    op.create_index("ix_jobs_updated_at", "jobs", ["updated_at"])
    op.create_table(
        "secrets",
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    for statement in _SQLITE_GUARDS if op.get_bind().dialect.name == "sqlite" else _POSTGRES_GUARDS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.execute("DROP TRIGGER audit_events_append_only ON audit_events")
        op.execute("DROP FUNCTION audit_events_append_only()")
    for table in ("secrets", "jobs", "installation_repositories", "installations", "api_keys", "audit_events",
                  "environment_history", "environments"):
        op.drop_table(table)
