"""AWS bootstrap (boto3): state bucket + KMS key, the GitHub OIDC provider, and the plan and deploy roles.

Every step looks before it creates, so a second run changes nothing (and repairs settings someone loosened:
versioning, encryption, public access block, TLS-only policy, role trust).
"""

from __future__ import annotations

import json
from typing import Any

from bot.bootstrap import BootstrapError, BootstrapResult, Target

KMS_ALIAS = "alias/dev-agent-tfstate"
PLAN_ROLE, DEPLOY_ROLE = "dev-agent-plan", "dev-agent-deploy"
AUDIENCE = "sts.amazonaws.com"
# GitHub's OIDC certificate chain thumbprint; AWS no longer checks it for this provider but the API requires one.
GITHUB_THUMBPRINT = "6938fd4d98bab03faadb97b34396831e3780aea1"
PLAN_POLICIES = ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
DEPLOY_POLICIES = ["arn:aws:iam::aws:policy/PowerUserAccess"]
# PowerUserAccess has no IAM; the environments create their own roles, instance profiles and policies.
DEPLOY_IAM_ACTIONS = ["iam:*Role*", "iam:*RolePolicy*", "iam:*InstanceProfile*", "iam:*Policy", "iam:*PolicyVersion*",
                      "iam:CreateServiceLinkedRole", "iam:PassRole", "iam:*OpenIDConnectProvider*", "iam:Tag*",
                      "iam:Untag*", "iam:List*", "iam:Get*"]


def _client(session: Any, service: str, region: str, endpoint_url: str | None) -> Any:
    return session.client(service, region_name=region, endpoint_url=endpoint_url)


def _kms_key(kms: Any, result: BootstrapResult) -> str:
    for alias in kms.list_aliases()["Aliases"]:
        if alias["AliasName"] == KMS_ALIAS and alias.get("TargetKeyId"):
            arn = str(kms.describe_key(KeyId=alias["TargetKeyId"])["KeyMetadata"]["Arn"])
            kms.enable_key_rotation(KeyId=arn)
            result.actions.append(f"exists  KMS key {KMS_ALIAS} ({arn})")
            return arn
    arn = str(kms.create_key(Description="dev-agent Terraform state", KeyUsage="ENCRYPT_DECRYPT",
                             Tags=[{"TagKey": "managed-by", "TagValue": "dev-agent"}])["KeyMetadata"]["Arn"])
    kms.enable_key_rotation(KeyId=arn)
    kms.create_alias(AliasName=KMS_ALIAS, TargetKeyId=arn)
    result.actions.append(f"created KMS key {KMS_ALIAS} ({arn}), rotation on")
    return arn


def _bucket(s3: Any, bucket: str, region: str, key_arn: str, result: BootstrapResult) -> None:
    # deferred: boto3 (~300 ms to import) is only needed when talking to AWS
    from botocore.exceptions import ClientError

    try:
        s3.head_bucket(Bucket=bucket)
        result.actions.append(f"exists  S3 bucket {bucket}")
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") not in ("404", "NoSuchBucket", "NotFound"):
            raise BootstrapError(f"S3 bucket {bucket}: {exc} (is the name taken by another account?)") from None
        config = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
        s3.create_bucket(Bucket=bucket, ObjectOwnership="BucketOwnerEnforced", **config)
        result.actions.append(f"created S3 bucket {bucket} ({region})")
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [{
        "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key_arn},
        "BucketKeyEnabled": True}]})
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "TLSOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
        "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}))
    result.actions.append(f"ensured {bucket}: versioning on, SSE-KMS with the state key, public access blocked, "
                          "TLS-only policy")


def _oidc_provider(iam: Any, issuer: str, result: BootstrapResult) -> str:
    host = issuer.removeprefix("https://")
    for provider in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]:
        if provider["Arn"].endswith(f":oidc-provider/{host}"):
            arn = str(provider["Arn"])
            if AUDIENCE not in iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn).get("ClientIDList", []):
                iam.add_client_id_to_open_id_connect_provider(OpenIDConnectProviderArn=arn, ClientID=AUDIENCE)
            result.actions.append(f"exists  OIDC provider {host}")
            return arn
    arn = str(iam.create_open_id_connect_provider(Url=issuer, ClientIDList=[AUDIENCE],
                                                  ThumbprintList=[GITHUB_THUMBPRINT])["OpenIDConnectProviderArn"])
    result.actions.append(f"created OIDC provider {host}")
    return arn


def trust_policy(provider_arn: str, issuer: str, subjects: list[str]) -> dict[str, Any]:
    """Web-identity trust for exactly these `sub` claims of this issuer, audience sts.amazonaws.com."""
    host = issuer.removeprefix("https://")
    return {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Federated": provider_arn}, "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {f"{host}:aud": AUDIENCE, f"{host}:sub": subjects}}}]}


def state_policy(bucket: str, key_arn: str, write: bool) -> dict[str, Any]:
    """State access: read (+ the lock file for plans) or read/write (deploys)."""
    objects = f"arn:aws:s3:::{bucket}/*" if write else f"arn:aws:s3:::{bucket}/*.tflock"
    statements = [
        {"Effect": "Allow", "Action": ["s3:ListBucket"], "Resource": f"arn:aws:s3:::{bucket}"},
        {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": f"arn:aws:s3:::{bucket}/*"},
        {"Effect": "Allow", "Action": ["s3:PutObject", "s3:DeleteObject"], "Resource": objects},
        {"Effect": "Allow", "Action": ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"], "Resource": key_arn},
    ]
    return {"Version": "2012-10-17", "Statement": statements}


def _role(iam: Any, name: str, trust: dict[str, Any], managed: list[str], inline: dict[str, dict[str, Any]],
          result: BootstrapResult) -> str:
    # deferred: boto3 (~300 ms to import) is only needed when talking to AWS
    from botocore.exceptions import ClientError

    try:
        arn = iam.get_role(RoleName=name)["Role"]["Arn"]
        iam.update_assume_role_policy(RoleName=name, PolicyDocument=json.dumps(trust))
        result.actions.append(f"exists  IAM role {name} (trust reset to this repository)")
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") != "NoSuchEntity":
            raise BootstrapError(f"IAM role {name}: {exc}") from None
        arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust), MaxSessionDuration=3600,
                              Description="dev-agent GitHub Actions (OIDC)",
                              Tags=[{"Key": "managed-by", "Value": "dev-agent"}])["Role"]["Arn"]
        result.actions.append(f"created IAM role {name}")
    for policy in managed:
        iam.attach_role_policy(RoleName=name, PolicyArn=policy)
    for policy_name, document in inline.items():
        iam.put_role_policy(RoleName=name, PolicyName=policy_name, PolicyDocument=json.dumps(document))
    return str(arn)


def bootstrap(target: Target, bucket: str, region: str, endpoint_url: str | None = None,
              session: Any = None) -> BootstrapResult:
    """Create or repair everything; `endpoint_url` points boto3 at another endpoint (moto in the tests)."""
    import boto3  # deferred: boto3 (~300 ms to import) is only needed when talking to AWS

    session = session or boto3.session.Session()
    result = BootstrapResult(cloud="aws")
    kms, s3, iam = (_client(session, s, region, endpoint_url) for s in ("kms", "s3", "iam"))
    key_arn = _kms_key(kms, result)
    _bucket(s3, bucket, region, key_arn, result)
    provider = _oidc_provider(iam, target.issuer, result)
    plan_arn = _role(iam, PLAN_ROLE, trust_policy(provider, target.issuer, target.plan_subjects), PLAN_POLICIES,
                     {"dev-agent-state-read": state_policy(bucket, key_arn, write=False)}, result)
    deploy_iam = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": DEPLOY_IAM_ACTIONS,
                                                          "Resource": "*"}]}
    deploy_arn = _role(iam, DEPLOY_ROLE, trust_policy(provider, target.issuer, target.deploy_subjects),
                       DEPLOY_POLICIES, {"dev-agent-state": state_policy(bucket, key_arn, write=True),
                                         "dev-agent-iam": deploy_iam}, result)
    result.settings = {"DEV_AGENT_STATE_BUCKET": bucket, "DEV_AGENT_STATE_REGION": region,
                       "DEV_AGENT_STATE_KMS_KEY_ID": key_arn, "DEV_AGENT_AWS_PLAN_ROLE_ARN": plan_arn,
                       "DEV_AGENT_AWS_ROLE_ARN": deploy_arn}
    return result
