"""SQL Server where the cloud offers it: the words become `engine: sqlserver` (release and edition read), the spec
validates editions and releases, the planner picks the edition's priced class, and the generated database is
encrypted, TLS-only, license-included and priced (or flagged as having no sourced price, never $0)."""

from __future__ import annotations

from typing import Any

import pytest

from bot import hclread
from bot.commands.arguments import apply_assignments, parse_assignments
from bot.cost import estimate_files
from bot.cost.coverage import unpriced
from bot.pipeline.planning import plan_environment
from bot.pipeline.run import run_pipeline
from bot.settings import Settings
from bot.spec import SpecError, spec_from_data
from bot.understanding.deterministic import parse
from generators.build import generate_all
from policies.engine import evaluate
from policies.schema import load_policy

BILLING = "staging for billing-api: .NET, SQL Server 2022, AWS us-east-1"


def _files(data: dict[str, Any]) -> dict[str, str]:
    spec = spec_from_data({"name": "billing-staging", "cloud": "aws", "region": "us-east-1", "tier": "staging",
                           "databases": [{"engine": "sqlserver"}], **data})
    return generate_all(plan_environment(spec), Settings())


def _tf(files: dict[str, str], name: str) -> str:
    return next(text for path, text in files.items() if path.endswith(f"/terraform/{name}"))


def _resources(text: str) -> dict[str, dict[str, Any]]:
    """`type.name` -> attributes of each resource in one .tf file."""
    return {f"{kind}.{name}": body for entry in hclread.loads(text)["resource"]
            for kind, named in entry.items() for name, body in named.items()}


def _instance(files: dict[str, str]) -> dict[str, Any]:
    return _resources(_tf(files, "rds.tf"))["aws_db_instance.sqlserver"]


def _cost(files: dict[str, str]) -> dict[str, Any]:
    return estimate_files({p: t for p, t in files.items() if p.endswith(".tf")})


@pytest.mark.parametrize(("text", "version", "edition"), [
    (BILLING, "2022", None),
    ("orders api on AWS with MSSQL", "2022", None),
    ("node express app with sqlserver on aws", "2022", None),
    ("prod orders service on AWS with SQL Server 2019 Enterprise edition", "2019", "enterprise"),
    ("SQL Server Express for my .NET app on Azure", "2022", "express"),
    ("dev env for reports: Microsoft SQL Server 2022 Standard, AWS", "2022", "standard"),
])
def test_sql_server_words_become_a_sqlserver_database(text: str, version: str, edition: str | None) -> None:
    result = parse(text)
    assert result.spec is not None, result.questions
    db = result.spec.databases[0]
    assert (db.engine.value, db.version, db.edition and db.edition.value) == ("sqlserver", version, edition)
    row = {r.key: r for r in result.requirements}["database:sqlserver"]
    assert row.status.value == "honoured" and row.label == "SQL Server database"


def test_express_the_edition_is_not_express_the_framework() -> None:
    spec = parse("C# api on GCP with SQL Server Express").spec
    assert spec is not None and spec.app.framework is None and spec.databases[0].edition.value == "express"
    spec = parse("node express app with sqlserver on aws").spec
    assert spec is not None and spec.app.framework.value == "express" and spec.databases[0].edition is None


def test_a_release_dev_agent_does_not_offer_falls_back_with_a_note() -> None:
    result = parse("SQL Server 2017 on aws for the api")
    assert result.spec is not None and result.spec.databases[0].version == "2022"
    assert "SQL Server 2017 is not offered (offered: 2019, 2022); using the default version" in result.notes


@pytest.mark.parametrize(("database", "message"), [
    ({"engine": "sqlserver", "version": "2017"}, "2017 of sqlserver is not offered"),
    ({"engine": "postgres", "edition": "standard"}, "only SQL Server has editions"),
    ({"engine": "sqlserver", "edition": "express", "high_availability": True}, "express has no high availability"),
    ({"engine": "sqlserver", "read_replicas": 1}, "read replicas are generated for PostgreSQL and MySQL"),
    ({"engine": "sqlserver", "aurora": True}, "Aurora is an AWS offer for PostgreSQL and MySQL"),
    ({"engine": "sqlserver", "edition": "express"}, "RDS cannot encrypt SQL Server Express storage"),
])
def test_the_spec_refuses_what_sql_server_cannot_be(database: dict, message: str) -> None:
    with pytest.raises(SpecError, match=message):
        spec_from_data({"name": "x-dev", "cloud": "aws", "region": "us-east-1", "databases": [database]})


@pytest.mark.parametrize(("tier", "data", "engine", "cls", "multi_az"), [
    ("dev", {}, "sqlserver-web", "db.t3.large", False),  # RDS cannot encrypt Express: Web is the cheapest
    ("staging", {}, "sqlserver-web", "db.t3.large", False),
    ("staging", {"high_availability": True}, "sqlserver-se", "db.m5.xlarge", True),
    ("prod", {}, "sqlserver-se", "db.m5.xlarge", True),
    ("prod", {"edition": "enterprise"}, "sqlserver-ee", "db.m5.xlarge", True),
    ("prod", {"edition": "web"}, "sqlserver-web", "db.t3.large", False),  # Web cannot fail over
])
def test_rds_engine_class_and_multi_az_follow_the_edition(tier: str, data: dict, engine: str, cls: str,
                                                          multi_az: bool) -> None:
    spec = spec_from_data({"name": f"billing-{tier}", "cloud": "aws", "region": "us-east-1", "tier": tier,
                           "databases": [{"engine": "sqlserver", **data}]})
    plan = plan_environment(spec)
    instance = _instance(generate_all(plan, Settings()))
    assert (instance["engine"], instance["instance_class"], instance["multi_az"]) == (engine, cls, multi_az)
    choices = {c.key: c for c in plan.choices}
    assert choices["sqlserver_edition"].value.startswith("SQL Server 2022 ")
    if not multi_az and tier == "prod":
        assert "cannot fail over" in choices["sqlserver_multi_az"].reason


def test_rds_sql_server_is_license_included_encrypted_tls_only_and_backed_up() -> None:
    files = _files({})
    instance = _instance(files)
    assert instance["license_model"] == "license-included" and instance["engine_version"] == "16.00"
    assert instance["storage_encrypted"] is True and instance["kms_key_id"] == "${aws_kms_key.main.arn}"
    assert instance["manage_master_user_password"] is True and instance["publicly_accessible"] is False
    assert instance["backup_retention_period"] >= 7 and "db_name" not in instance
    assert "iam_database_authentication_enabled" not in instance  # SQL Server has no IAM authentication
    rds = _resources(_tf(files, "rds.tf"))
    group = rds["aws_db_parameter_group.sqlserver"]
    assert group["family"] == "sqlserver-web-16.0"
    assert group["parameter"] == [{"name": "rds.force_ssl", "value": "1", "apply_method": "pending-reboot"}]
    ingress = rds["aws_security_group.db_sqlserver"]["ingress"]
    assert [(i["from_port"], i["to_port"]) for i in ingress] == [(1433, 1433)]


def test_the_app_gets_an_mssql_url_and_reads_the_managed_password() -> None:
    files = _files({})
    connection = _tf(files, "connection.tf")
    assert 'DATABASE_URL = format("mssql://%s@%s:%d?encrypt=true", aws_db_instance.sqlserver.username' in connection
    iam = _tf(files, "access.tf")
    assert "aws_db_instance.sqlserver.master_user_secret[0].secret_arn" in iam
    assert "rds-db:connect" not in iam


def test_rds_sql_server_is_priced_from_sourced_prices_in_us_east_1() -> None:
    report = _cost(_files({}))
    resource = next(r for p in report["projects"] for r in p["breakdown"]["resources"]
                    if r["name"] == "aws_db_instance.sqlserver")
    instance = resource["costComponents"][0]
    assert instance["name"] == "Database instance (on-demand, Single-AZ, db.t3.large)"
    assert float(instance["price"]) == 0.232 and float(instance["monthlyCost"]) == pytest.approx(169.36)
    assert not unpriced(report)


@pytest.mark.parametrize(("data", "missing"), [
    ({"region": "eu-west-1"}, "Database instance (on-demand, Single-AZ, db.t3.large)"),
    ({"tier": "prod", "name": "billing-prod"}, "Database instance (on-demand, Multi-AZ, db.m5.xlarge)"),
])
def test_without_a_sourced_price_the_estimate_says_so(data: dict, missing: str) -> None:
    assert f"aws_db_instance.sqlserver: {missing} (price not found)" in unpriced(_cost(_files(data)))


def _cloud_files(cloud: str, region: str, tier: str = "staging", **database: Any) -> dict[str, str]:
    spec = spec_from_data({"name": f"billing-{tier}", "cloud": cloud, "region": region, "tier": tier,
                           "databases": [{"engine": "sqlserver", **database}]})
    return generate_all(plan_environment(spec), Settings())


def _priced_components(files: dict[str, str], prefix: str) -> dict[str, float]:
    report = _cost(files)
    return {f"{r['name']}: {c['name']}": float(c["monthlyCost"]) for p in report["projects"]
            for r in p["breakdown"]["resources"] if r["name"].startswith(prefix) for c in r["costComponents"]
            if c.get("monthlyCost") is not None}


@pytest.mark.parametrize(("text", "cloud"), [
    ("ASP.NET Core 8 api with SQL Server on Azure, please", "azure"),
    ("billing api on Azure SQL Database", "azure"),
    ("staging for billing-api: .NET, SQL Server 2022, GCP us-central1", "gcp"),
])
def test_sql_server_is_honoured_on_azure_and_gcp_instead_of_asked_about(text: str, cloud: str) -> None:
    result = parse(text)
    assert result.spec is not None and not result.questions, result.questions
    assert result.spec.cloud.value == cloud and result.spec.databases[0].engine.value == "sqlserver"
    assert {r.key: r.status.value for r in result.requirements}["database:sqlserver"] == "honoured"


def test_azure_sql_is_private_tls_12_audited_with_the_password_in_key_vault() -> None:
    files = _cloud_files("azure", "eastus")
    mssql = _resources(_tf(files, "mssql.tf"))
    server = mssql["azurerm_mssql_server.sqlserver"]
    assert server["minimum_tls_version"] == "1.2" and server["public_network_access_enabled"] is False
    assert server["administrator_login_password"] == "${random_password.sqlserver_admin.result}"
    assert server["azuread_administrator"][0]["object_id"] == "${azurerm_user_assigned_identity.app.principal_id}"
    endpoint = mssql["azurerm_private_endpoint.sqlserver"]["private_service_connection"][0]
    assert endpoint["subresource_names"] == ["sqlServer"]
    database = mssql["azurerm_mssql_database.sqlserver"]
    assert (database["sku_name"], database["zone_redundant"], database["max_size_gb"]) == ("S1", False, 20)
    assert mssql["azurerm_mssql_server_extended_auditing_policy.sqlserver"]["log_monitoring_enabled"] is True
    assert mssql["azurerm_mssql_server_security_alert_policy.sqlserver"]["state"] == "Enabled"
    assert mssql["azurerm_key_vault_secret.sqlserver_admin_password"]["name"] == "billing-staging-sqlserver-admin-password"
    assert "privatelink.database.windows.net" in _tf(files, "private_dns.tf")
    connection = _tf(files, "connection.tf")
    assert 'format("mssql://app_admin@%s:1433/app?encrypt=true", azurerm_mssql_server.sqlserver.fully_qualified' \
           in connection
    assert "azurerm_key_vault_secret.sqlserver_admin_password.versionless_id" in _tf(files, "container_apps.tf")


def test_azure_prod_sql_is_zone_redundant_general_purpose_and_priced() -> None:
    files = _cloud_files("azure", "eastus", tier="prod")
    database = _resources(_tf(files, "mssql.tf"))["azurerm_mssql_database.sqlserver"]
    assert (database["sku_name"], database["zone_redundant"]) == ("GP_Gen5_2", True)
    costs = _priced_components(files, "azurerm_mssql")
    assert costs["azurerm_mssql_database.sqlserver: Compute (GP_Gen5_2, 2 vCores, zone redundant)"] == \
        pytest.approx(0.4035 * 2 * 730)
    assert costs["azurerm_mssql_server_security_alert_policy.sqlserver: Microsoft Defender for Azure SQL (per server)"] \
        == 15


def test_azure_sql_standard_tier_sizes_and_limits() -> None:
    files = _cloud_files("azure", "eastus", storage_gb=25)
    assert _resources(_tf(files, "mssql.tf"))["azurerm_mssql_database.sqlserver"]["max_size_gb"] == 30
    with pytest.raises(SpecError, match="above the 250 GB an Azure SQL Standard"):
        _cloud_files("azure", "eastus", storage_gb=300)
    assert _priced_components(_cloud_files("azure", "eastus"), "azurerm_mssql_database")[
        "azurerm_mssql_database.sqlserver: Compute (S1, storage included)"] == pytest.approx(0.0403 * 730)
    assert "azurerm_mssql_database.sqlserver: Compute (S0, storage included) (price not found)" in unpriced(
        _cost(_cloud_files("azure", "westeurope", tier="dev")))


@pytest.mark.parametrize(("tier", "database", "version", "availability"), [
    ("staging", {}, "SQLSERVER_2022_WEB", "ZONAL"),
    ("prod", {}, "SQLSERVER_2022_STANDARD", "REGIONAL"),
    ("dev", {"version": "2019", "edition": "enterprise"}, "SQLSERVER_2019_ENTERPRISE", "ZONAL"),
])
def test_cloud_sql_for_sql_server_has_the_edition_tls_and_a_root_password(tier: str, database: dict, version: str,
                                                                         availability: str) -> None:
    files = _cloud_files("gcp", "us-central1", tier=tier, **database)
    sql = _resources(_tf(files, "cloud_sql.tf"))
    instance = sql["google_sql_database_instance.sqlserver"]
    settings = instance["settings"][0]
    assert instance["database_version"] == version and settings["availability_type"] == availability
    assert instance["root_password"] == "${random_password.sqlserver_admin.result}"
    ip = settings["ip_configuration"][0]
    assert ip["ipv4_enabled"] is False and ip["ssl_mode"] == "ENCRYPTED_ONLY"
    assert {f["name"]: f["value"] for f in settings["database_flags"]}["external scripts enabled"] == "off"
    assert "google_sql_user.sqlserver_iam" not in sql  # SQL Server on Cloud SQL has no IAM database login
    assert "sqlserver_admin_password" in _tf(files, "secrets.tf")
    connection = _tf(files, "connection.tf")
    assert 'format("mssql://app_admin@%s:1433/app?encrypt=true", google_sql_database_instance.sqlserver.private_ip' \
           in connection
    run = _tf(files, "cloud_run.tf")
    assert "DATABASE_PASSWORD" in run and "cloud_sql_instance" not in run  # TLS over private IP, no socket


def test_cloud_sql_for_sql_server_prices_the_license_per_vcpu() -> None:
    costs = _priced_components(_cloud_files("gcp", "us-central1", tier="prod"), "google_sql_database_instance")
    assert costs["google_sql_database_instance.sqlserver: SQL Server standard license (2 vCPUs)"] == \
        pytest.approx(0.13 * 2 * 730)
    costs = _priced_components(_cloud_files("gcp", "us-central1", tier="dev"), "google_sql_database_instance")
    assert costs["google_sql_database_instance.sqlserver: SQL Server express license (1 vCPUs)"] == 0


def test_the_local_twin_runs_sql_server_developer_with_the_password_from_env() -> None:
    compose = next(text for path, text in _files({}).items() if path.endswith("/compose.yaml"))
    assert "mcr.microsoft.com/mssql/server:2022-CU14-ubuntu-22.04" in compose
    assert "MSSQL_SA_PASSWORD: ${MSSQL_SA_PASSWORD:?set MSSQL_SA_PASSWORD in .env}" in compose
    assert "127.0.0.1:1433:1433" in compose and "ACCEPT_EULA: Y" in compose


@pytest.mark.parametrize(("tier", "edition", "sku"), [("dev", None, "S0"), ("prod", None, "GP_Gen5_2"),
                                                      ("prod", "enterprise", "BC_Gen5_2")])
def test_the_org_policy_reads_and_allows_the_azure_sql_tiers(tier: str, edition: str | None, sku: str) -> None:
    database = {"edition": edition} if edition else {}
    files = _cloud_files("azure", "eastus", tier=tier, **database)
    spec = spec_from_data({"name": f"billing-{tier}", "cloud": "azure", "region": "eastus", "tier": tier,
                           "databases": [{"engine": "sqlserver", **database}]})
    tf = {path.rsplit("/", 1)[1]: text for path, text in files.items() if path.endswith(".tf")}
    verdict = {v.rule: v for v in evaluate(load_policy(), spec, tf)}["instance-types-allowed"]
    assert verdict.outcome == "pass" and sku in verdict.value, verdict


def test_a_pr_comment_sets_the_edition_and_switching_engine_drops_it() -> None:
    base = {"name": "billing-staging", "cloud": "aws", "region": "us-east-1", "tier": "staging",
            "databases": [{"engine": "sqlserver", "version": "2022"}]}
    spec = spec_from_data(apply_assignments(base, parse_assignments("db_edition=standard")))
    assert spec.databases[0].edition.value == "standard"
    data = apply_assignments(spec.model_dump(mode="json", exclude_none=True),
                             parse_assignments("db=postgres db_version=16"))
    assert spec_from_data(data).databases[0].engine.value == "postgres" and "edition" not in data["databases"][0]
    with pytest.raises(SpecError, match="only SQL Server has editions"):
        spec_from_data(apply_assignments({**base, "databases": [{"engine": "mysql"}]},
                                         parse_assignments("databases.0.edition=web")))


@pytest.mark.parametrize("text", [
    "billing api on AWS with SQL Server, make the SQL Server public",
    "billing api on Azure with a public SQL Server",
    "open sql server to the internet for the billing api on gcp",
])
def test_a_sql_server_open_to_the_internet_is_refused(text: str) -> None:
    result = parse(text)
    assert any("open" in reason and "refused" in reason for reason in result.refused), result.refused


def test_the_report_says_when_sql_server_has_no_sourced_price() -> None:
    understanding = parse("staging for billing-api: .NET, SQL Server 2022, AWS eu-west-1")
    assert understanding.spec is not None, understanding.questions
    report = run_pipeline(plan_environment(understanding.spec), Settings(anthropic_api_key=None),
                          requirements=understanding.requirements).report
    assert "**The total is a partial sum**: these have no sourced price" in report
    assert ("> - aws\\_db\\_instance.sqlserver: Database instance \\(on-demand, Single-AZ, db.t3.large\\) "
            "\\(price not found\\)") in report


def test_a_prod_web_sql_server_is_named_as_a_single_zone_risk() -> None:
    spec = spec_from_data({"name": "billing-prod", "cloud": "aws", "region": "us-east-1", "tier": "prod",
                           "databases": [{"engine": "sqlserver", "edition": "web"}]})
    report = run_pipeline(plan_environment(spec), Settings(anthropic_api_key=None)).report
    risks = report[report.index("### Risks"):]
    assert "Single-zone SQL Server: its edition (Express or Web) cannot fail over" in risks.split("###")[1]


def test_express_on_aws_is_asked_about_with_the_reason() -> None:
    result = parse("dev env for reports: SQL Server Express, AWS us-east-1")
    assert result.spec is None and any("RDS cannot encrypt SQL Server Express" in q for q in result.questions)
    plan = plan_environment(parse("dev env for reports: SQL Server 2022, AWS us-east-1").spec)
    edition = {c.key: c for c in plan.choices}["sqlserver_edition"]
    assert edition.value == "SQL Server 2022 web" and "cannot encrypt SQL Server Express" in edition.reason


def test_a_compute_engine_vm_reads_the_sql_server_password_into_its_env_file() -> None:
    spec = spec_from_data({"name": "billing-dev", "cloud": "gcp", "region": "us-central1", "compute": {"kind": "vm"},
                           "databases": [{"engine": "sqlserver"}]})
    vm = _resources(_tf(generate_all(plan_environment(spec), Settings()), "vm.tf"))["google_compute_instance.app"]
    startup = vm["metadata_startup_script"]
    assert 'echo \\"DATABASE_PASSWORD=$(curl -sf' in startup and "sqlserver_admin_password.secret_id" in startup
