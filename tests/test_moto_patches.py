"""The patched moto server behaves as AWS does where the apply tests depend on it (docs/aws.md lists each patch)."""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError

from sandbox.moto import MotoServer

DEFAULT_EGRESS = [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]


@pytest.fixture(scope="module")
def ec2():
    with MotoServer() as moto:
        yield boto3.client("ec2", region_name="us-east-1", endpoint_url=moto.endpoint,
                           aws_access_key_id="test", aws_secret_access_key="test")


def test_a_retried_revoke_of_the_default_egress_rule_succeeds(ec2) -> None:
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    group = ec2.create_security_group(GroupName="alb", Description="alb", VpcId=vpc)["GroupId"]
    ec2.revoke_security_group_egress(GroupId=group, IpPermissions=DEFAULT_EGRESS)
    ec2.revoke_security_group_egress(GroupId=group, IpPermissions=DEFAULT_EGRESS)  # the SDK's retry
    described = ec2.describe_security_groups(GroupIds=[group])["SecurityGroups"][0]
    assert described["IpPermissionsEgress"] == []


def test_revoking_any_other_absent_rule_is_still_not_found(ec2) -> None:
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    group = ec2.create_security_group(GroupName="app", Description="app", VpcId=vpc)["GroupId"]
    absent = [{"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "IpRanges": [{"CidrIp": "10.1.0.0/16"}]}]
    with pytest.raises(ClientError, match=r"InvalidPermission\.NotFound"):
        ec2.revoke_security_group_egress(GroupId=group, IpPermissions=absent)
