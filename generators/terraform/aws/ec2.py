"""ec2.tf: VMs in private subnets behind the ALB; IMDSv2, encrypted disks. cloud-init installs Docker, reads the
connection secret and the managed passwords with the instance role, and runs the app's image as a systemd service.
Shell access: SSM Session Manager; SSH (port 22, EC2 Instance Connect keys) only from the spec's named networks.
With datadog / newrelic monitoring the user data installs the agent with the key read from Secrets Manager at boot
(generators/terraform/vm_agents.py; the instance role may read exactly that secret, access.tf)."""

from __future__ import annotations

from bot.spec import Monitoring
from generators.hcl import Block, Call, Ref, block
from generators.terraform import vm_agents
from generators.terraform.aws import apm, connection
from generators.terraform.aws.shared import APP_SG, KMS_ARN, NAME, PRIVATE_SUBNETS, REGION, role
from generators.terraform.context import Context

AMI_PARAMETER = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"


ENV_FILE = "/etc/app.env"
READ_JSON = "python3 -c 'import json,sys; print(\"\\n\".join(f\"{k}={v}\" for k, v in json.load(sys.stdin).items()))'"


def _secret_lines(ctx: Context) -> list[object]:
    """Shell lines writing the settings and each password into the env file (never into user data itself)."""
    read = "aws secretsmanager get-secret-value --region %s --secret-id %s --query SecretString --output text"
    lines: list[object] = [Call("format", read + " | " + READ_JSON.replace("%", "%%") + " > " + ENV_FILE, REGION,
                                connection.SECRET_ARN)]
    for env, arn in connection.password_sources(ctx.plan).items():
        pick = "python3 -c 'import json,sys; print(json.load(sys.stdin)[\"password\"])'"
        lines.append(Call("format", f"echo \"{env}=$(" + read + " | " + pick + ")\" >> " + ENV_FILE, REGION, arn))
    return lines


READ_KEY = "aws secretsmanager get-secret-value --region %s --secret-id %s --query SecretString --output text"
AGENT_KEYS = {Monitoring.datadog: vm_agents.KeyRead(READ_KEY, (REGION, apm.DATADOG_SECRET)),
              Monitoring.newrelic: vm_agents.KeyRead(READ_KEY, (REGION, apm.NEWRELIC_SECRET))}


def user_data(ctx: Context) -> Call:
    """cloud-init (a shell script): Docker, the env file from Secrets Manager, the app as a systemd unit."""
    port = ctx.spec.app.port
    lines: list[object] = [
        "#!/bin/bash", "set -euo pipefail", "dnf install -y docker", "systemctl enable --now docker",
        f"install -m 600 /dev/null {ENV_FILE}", *_secret_lines(ctx),
        f"echo PORT={port} >> {ENV_FILE}",
        *vm_agents.lines(ctx.plan, AGENT_KEYS, debian=False),
        Call("format", "registry=$(echo %s | cut -d/ -f1)", Ref("var.image")),
        Call("format", "if [[ $registry == *.dkr.ecr.* ]]; then aws ecr get-login-password --region %s | "
                       "docker login --username AWS --password-stdin \"$registry\"; fi", REGION),
        "cat > /etc/systemd/system/app.service <<'UNIT'",
        "[Unit]", "Description=the app container", "After=docker.service", "Requires=docker.service",
        "[Service]", "Restart=always", "ExecStartPre=-/usr/bin/docker rm -f app",
        Call("format", "ExecStart=/usr/bin/docker run --name app --read-only --tmpfs /tmp "
                       f"--env-file {ENV_FILE}{vm_agents.docker_flags(ctx.plan)} -p {port}:{port} %s",
             Ref("var.image")),
        "ExecStop=/usr/bin/docker stop app", "[Install]", "WantedBy=multi-user.target", "UNIT",
        "systemctl daemon-reload", "systemctl enable --now app.service",
    ]
    return Call("join", "\n", lines)


def build(ctx: Context) -> list[Block]:
    count = ctx.spec.compute.min_replicas
    image_default = {"default": ctx.spec.app.image} if ctx.spec.app.image else {}
    return [
        block("data", "aws_ssm_parameter", "ami", name=AMI_PARAMETER),
        *role("vm", "ec2.amazonaws.com", ["AmazonSSMManagedInstanceCore", "AmazonEC2ContainerRegistryReadOnly"], "vm"),
        block("resource", "aws_iam_instance_profile", "vm",
              name_prefix=Call("format", "%s-vm-", Call("substr", NAME, 0, 20)), role=Ref("aws_iam_role.vm.name")),
        block("resource", "aws_instance", "app", count=count, ami=Ref("data.aws_ssm_parameter.ami.value"),
              instance_type=ctx.plan.sizing.node_instance_type,
              subnet_id=Call("element", PRIVATE_SUBNETS, Ref("count.index")),
              vpc_security_group_ids=[APP_SG], iam_instance_profile=Ref("aws_iam_instance_profile.vm.name"),
              user_data=user_data(ctx), user_data_replace_on_change=True,
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
        block("variable", "image", type=Ref("string"), description="Container image of the app (pinned tag or digest).",
              **image_default),
        *apm.variables(ctx.plan),
        block("output", "instance_ids", value=Ref("aws_instance.app[*].id"), description="VM instance ids."),
    ]
