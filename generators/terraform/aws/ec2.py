"""ec2.tf: VMs in private subnets behind the ALB; SSM Session Manager instead of SSH, IMDSv2, encrypted disks."""

from __future__ import annotations

from generators.hcl import Block, Call, Ref, block
from generators.terraform import Context
from generators.terraform.aws.shared import APP_SG, KMS_ARN, NAME, PRIVATE_SUBNETS, role

AMI_PARAMETER = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"


def build(ctx: Context) -> list[Block]:
    count = ctx.spec.compute.min_replicas
    return [
        block("data", "aws_ssm_parameter", "ami", name=AMI_PARAMETER),
        *role("vm", "ec2.amazonaws.com", ["AmazonSSMManagedInstanceCore"], "vm"),
        block("resource", "aws_iam_instance_profile", "vm",
              name_prefix=Call("format", "%s-vm-", Call("substr", NAME, 0, 20)), role=Ref("aws_iam_role.vm.name")),
        block("resource", "aws_instance", "app", count=count, ami=Ref("data.aws_ssm_parameter.ami.value"),
              instance_type=ctx.plan.sizing.node_instance_type,
              subnet_id=Call("element", PRIVATE_SUBNETS, Ref("count.index")),
              vpc_security_group_ids=[APP_SG], iam_instance_profile=Ref("aws_iam_instance_profile.vm.name"),
              associate_public_ip_address=False, ebs_optimized=True, monitoring=True,
              metadata_options=block("metadata_options", http_tokens="required", http_endpoint="enabled",
                                     http_put_response_hop_limit=1),
              root_block_device=block("root_block_device", encrypted=True, kms_key_id=KMS_ARN, volume_type="gp3",
                                      volume_size=20),
              tags={"Name": Call("format", "%s-vm-%d", NAME, Ref("count.index"))},
              lifecycle=block("lifecycle", ignore_changes=[Ref("ami")])),
        block("resource", "aws_lb_target_group_attachment", "app", count=count,
              target_group_arn=Ref("aws_lb_target_group.app.arn"),
              target_id=Call("element", Ref("aws_instance.app[*].id"), Ref("count.index")),
              port=ctx.spec.app.port),
        block("output", "instance_ids", value=Ref("aws_instance.app[*].id"), description="VM instance ids."),
    ]
