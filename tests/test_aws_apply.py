"""Proof by apply: generated AWS Terraform goes through init/plan/apply/re-plan/destroy against moto.

Each spec gets its own patched moto server (sandbox/moto_server.py) and a test-only
`zz_moto_override.tf` (sandbox/moto_override.py); specs run in parallel threads. After apply,
boto3 finds the resources and their standard tags; a re-plan is clean; an out-of-band change is
detected (`plan -detailed-exitcode` exits 2); after destroy nothing is left.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import boto3
import pytest

from bot.pipeline import terraform
from bot.spec import Tier
from generators.terraform.context import standard_tags
from sandbox.moto import MotoServer as PackageMotoServer
from sandbox.moto_override import write_override
from tests.conftest import require_tool
from tests.support import iam_lint
from tests.support.aws_specs import make_plan, write_terraform

# One group: under `pytest -n N --dist loadgroup` every test of the module runs on one worker, so the
# module fixture (all six life cycles, in parallel threads) runs once instead of once per worker.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("aws_apply")]

ROOT = Path(__file__).resolve().parents[1]
REGION = "us-east-1"
APPLY_SPECS = ["eks-prod", "containers", "vm", "functions", "postgres-redis-s3-sqs", "worker-staging"]
IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1.0"


class MotoServer(PackageMotoServer):
    """The package's patched moto server, started on construction, with boto3 clients."""

    def __init__(self) -> None:
        super().__init__()
        self.start()

    def client(self, service: str):
        return boto3.client(service, region_name=REGION, endpoint_url=self.endpoint, aws_access_key_id="test",
                            aws_secret_access_key="test")


def _tags(pairs: list[dict]) -> dict[str, str]:
    return {p["Key"]: p["Value"] for p in pairs}


def _exists(moto: MotoServer, key: str, name: str) -> dict[str, bool]:
    """What boto3 finds of the environment's main resources in moto."""
    spec = make_plan(key).spec
    ec2, rds = moto.client("ec2"), moto.client("rds")
    vpcs = ec2.describe_vpcs(Filters=[{"Name": "tag:environment", "Values": [name]}])["Vpcs"]
    found = {"vpc": bool(vpcs)}
    kind = spec.compute.kind.value
    if kind == "kubernetes":
        found["eks"] = name in moto.client("eks").list_clusters()["clusters"]
    if kind == "containers":
        clusters = moto.client("ecs").describe_clusters(clusters=[name])["clusters"]
        found["ecs"] = any(c["status"] == "ACTIVE" for c in clusters)  # moto keeps deleted clusters as INACTIVE
        services = moto.client("ecs").list_services(cluster=name)["serviceArns"] if found["ecs"] else []
        found["workers"] = len(services) == 1 + len(spec.workers)
    if kind == "vm":
        reservations = ec2.describe_instances(Filters=[{"Name": "tag:environment", "Values": [name]},
                                                       {"Name": "instance-state-name", "Values": ["running"]}])
        found["ec2"] = sum(len(r["Instances"]) for r in reservations["Reservations"]) == 2
    if kind == "functions":
        found["lambda"] = name in [f["FunctionName"] for f in moto.client("lambda").list_functions()["Functions"]]
        found["api"] = name in [a["Name"] for a in moto.client("apigatewayv2").get_apis()["Items"]]
    if spec.databases:
        found["rds"] = bool(rds.describe_db_instances()["DBInstances"])
    if spec.cache:
        found["redis"] = bool(moto.client("elasticache").describe_replication_groups()["ReplicationGroups"])
    for bucket in spec.buckets:
        found[f"s3 {bucket.name}"] = any(b["Name"].startswith(f"{name}-{bucket.name}-")
                                         for b in moto.client("s3").list_buckets()["Buckets"])
    if spec.queue:
        found["sqs"] = bool(moto.client("sqs").list_queues(QueueNamePrefix=name).get("QueueUrls"))
    secrets = moto.client("secretsmanager").list_secrets()["SecretList"]
    found["connection secret"] = f"{name}-connection" in [s["Name"] for s in secrets]
    return found


def _run(key: str, root: Path) -> dict:
    """The whole life cycle of one spec against its own moto server; returns what was observed."""
    plan = make_plan(key)
    name = plan.spec.name
    moto = MotoServer()
    try:
        directory = write_terraform(plan, root / key)
        (directory / "backend.tf").unlink()  # local state: -backend=false
        write_override(moto.endpoint, directory)
        certificate = moto.client("acm").request_certificate(DomainName="app.example.test")["CertificateArn"]
        env = {"TF_VAR_certificate_arn": certificate, "TF_VAR_image": IMAGE, "AWS_EC2_METADATA_DISABLED": "true"}
        seen: dict = {"key": key}
        steps = [("init", lambda: terraform.init(directory)),
                 ("plan", lambda: terraform.plan(directory, out="tfplan", env=env)),
                 ("apply", lambda: terraform.apply(directory, "tfplan", env=env, timeout=420))]
        for step, call in steps:
            result = call()
            seen[f"{step}_seconds"] = round(result.seconds, 1)
            if not result.ok:
                seen["failed"] = result.summary()
                return seen
            if step == "plan":
                planned = terraform.show_json(directory, "tfplan")["planned_values"]["root_module"]["resources"]
                seen["untagged"] = [r["address"] for r in planned if "tags_all" in r.get("values", {})
                                    and not standard_tags(plan).items() <= (r["values"]["tags_all"] or {}).items()]
        seen["exists"] = _exists(moto, key, name)
        try:
            seen["iam_findings"] = iam_lint.findings(directory)
        except RuntimeError as exc:
            seen["failed"] = f"reading the applied IAM policies: {exc}"
            return seen
        vpc = moto.client("ec2").describe_vpcs(Filters=[{"Name": "tag:environment", "Values": [name]}])["Vpcs"][0]
        seen["vpc_tags"] = _tags(vpc.get("Tags", []))
        seen["replan"] = terraform.plan(directory, detailed_exitcode=True, env=env).returncode
        if key == "postgres-redis-s3-sqs":  # drift: someone edits a tag outside Terraform
            moto.client("ec2").create_tags(Resources=[vpc["VpcId"]], Tags=[{"Key": "owner", "Value": "someone-else"}])
            seen["drift_replan"] = terraform.plan(directory, detailed_exitcode=True, env=env).returncode
        if plan.spec.tier == Tier.prod:  # the documented two-step prod destroy: unprotect (an apply), then destroy
            env["TF_VAR_allow_destroy"] = "true"
            unprotected = terraform.apply(directory, env=env, timeout=420)
            if not unprotected.ok:
                seen["failed"] = unprotected.summary()
                return seen
            instance = moto.client("rds").describe_db_instances()["DBInstances"][0]
            seen["protection_off"] = not instance["DeletionProtection"]
        destroyed = terraform.destroy(directory, env=env, timeout=420)
        seen["destroy_seconds"] = round(destroyed.seconds, 1)
        if not destroyed.ok:
            seen["failed"] = destroyed.summary()
            return seen
        seen["after_destroy"] = _exists(moto, key, name)
        if plan.spec.tier == Tier.prod:
            snapshots = moto.client("rds").describe_db_snapshots()["DBSnapshots"]
            seen["final_snapshots"] = sorted(s["DBSnapshotIdentifier"] for s in snapshots)
        return seen
    finally:
        moto.stop()


@pytest.fixture(scope="module")
def lifecycles(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    require_tool("terraform")
    root = tmp_path_factory.mktemp("apply")
    with ThreadPoolExecutor(max_workers=len(APPLY_SPECS)) as pool:
        results = list(pool.map(lambda key: _run(key, root), APPLY_SPECS))
    for result in results:  # timings, shown with -s
        print({k: v for k, v in result.items() if k.endswith("seconds") or k in {"key", "replan"}})
    return {r["key"]: r for r in results}


@pytest.mark.parametrize("key", APPLY_SPECS)
def test_apply_creates_tagged_resources_and_destroy_removes_them(lifecycles: dict[str, dict], key: str) -> None:
    seen = lifecycles[key]
    assert "failed" not in seen, seen.get("failed")
    assert seen["untagged"] == [], f"resources without the standard tags: {seen}"
    assert seen["exists"] and all(seen["exists"].values()), seen["exists"]
    plan = make_plan(key)
    assert standard_tags(plan).items() <= seen["vpc_tags"].items()
    assert seen["replan"] == 0, "a plan right after apply must be clean"
    assert not any(seen["after_destroy"].values()), seen["after_destroy"]
    assert seen["iam_findings"] == [], "parliament finds problems in the applied IAM policies"
    if plan.spec.tier == Tier.prod:  # deletion protection held until the unprotect step; the snapshot stays
        assert seen["protection_off"] is True
        assert seen["final_snapshots"] == ["store-prod-postgres-final"]


def test_out_of_band_change_is_detected(lifecycles: dict[str, dict]) -> None:
    assert lifecycles["postgres-redis-s3-sqs"].get("drift_replan") == 2
