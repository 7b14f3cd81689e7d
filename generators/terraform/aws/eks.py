"""eks.tf: the EKS cluster and its production baseline.

- Kubernetes version from `bot.pipeline.planning.EKS_VERSIONS` (the plan picks one in standard support), upgrade policy
  STANDARD
  (no silent extended-support pricing).
- API authentication by access entries only; the deploy role (`var.deploy_role_arn`, the role the apply workflow
  assumes) gets one. The endpoint is private; `var.api_public_cidrs` opens the public endpoint to named CIDRs
  only (e.g. the deploy runner's egress), see docs/aws.md "Reaching the API server".
- Nodes from a launch template: IMDSv2 with hop limit 1 (pods cannot reach the node's credentials), encrypted
  gp3 root volume with the environment key.
- Managed add-ons: VPC CNI with network policy enforcement, CoreDNS, kube-proxy, Pod Identity agent,
  metrics-server (the HPA's source).
- EKS Pod Identity: the app's service account gets the role whose only policy is access.tf; external-secrets'
  service account gets a role that reads exactly the connection secret and the managed passwords; the cluster
  autoscaler's service account gets a role scoped to this cluster's node groups.
"""

from __future__ import annotations

from bot.pipeline.planning import newest_kubernetes_version
from generators.hcl import Block, Call, Op, Ref, block
from generators.helm.values import chart_name
from generators.terraform.aws import apm, connection
from generators.terraform.aws.access import Grant, policy_document
from generators.terraform.aws.shared import (
    ACCOUNT_ID,
    APP_SG,
    KMS_ARN,
    NAME,
    PARTITION,
    PRIVATE_SUBNETS,
    REGION,
    log_group,
    role,
)
from generators.terraform.context import Context

LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"]
NODE_POLICIES = ["AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly"]
# add-on -> configuration values (the VPC CNI enforces NetworkPolicy only when asked to)
ADDONS: dict[str, dict[str, str] | None] = {
    "vpc-cni": {"enableNetworkPolicy": "true"},
    "kube-proxy": None,
    "eks-pod-identity-agent": None,
    "coredns": None,
    "metrics-server": None,
}
NEEDS_NODES = {"coredns", "metrics-server"}  # add-ons that run as pods wait for the node group
ESO_NAMESPACE = ESO_SERVICE_ACCOUNT = "external-secrets"
AUTOSCALER_NAMESPACE, AUTOSCALER_SERVICE_ACCOUNT = "kube-system", "cluster-autoscaler"
ADMIN_POLICY = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
CLUSTER = Ref("aws_eks_cluster.main.name")


def _pod_identity(label: str, short: str, namespace: str | Ref, service_account: str,
                  grants: list[Grant]) -> list[Block]:
    """A role only EKS Pod Identity can assume, its inline policy, and its association with one service account."""
    trust = Call("jsonencode", {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": ["sts:AssumeRole", "sts:TagSession"],
        "Principal": {"Service": "pods.eks.amazonaws.com"}}]})
    blocks = [block("resource", "aws_iam_role", label,
                    name_prefix=Call("format", "%s-" + short + "-", Call("substr", NAME, 0, 20)),  # at most 38
                    assume_role_policy=trust)]
    if grants:
        blocks += [policy_document(label, grants),
                   block("resource", "aws_iam_role_policy", label, role=Ref(f"aws_iam_role.{label}.id"),
                         policy=Ref(f"data.aws_iam_policy_document.{label}.json"))]
    blocks.append(block("resource", "aws_eks_pod_identity_association", label, cluster_name=CLUSTER,
                        namespace=namespace, service_account=service_account, role_arn=Ref(f"aws_iam_role.{label}.arn"),
                        depends_on=[Ref("aws_eks_addon.eks-pod-identity-agent")]))
    return blocks


def _identities(ctx: Context) -> list[Block]:
    secrets = [connection.SECRET_ARN, *connection.password_sources(ctx.plan).values(), *apm.eks_secret_arns(ctx.plan)]
    autoscaler = [
        Grant("DescribeScaling", ("autoscaling:DescribeAutoScalingGroups", "autoscaling:DescribeAutoScalingInstances",
                                  "autoscaling:DescribeLaunchConfigurations", "autoscaling:DescribeScalingActivities",
                                  "autoscaling:DescribeTags", "ec2:DescribeImages", "ec2:DescribeInstanceTypes",
                                  "ec2:DescribeLaunchTemplateVersions", "ec2:GetInstanceTypesFromInstanceRequirements"),
              ("*",)),
        Grant("DescribeThisClustersNodes", ("eks:DescribeNodegroup",), (Ref("aws_eks_node_group.main.arn"),)),
        Grant("ScaleThisClustersNodes",
              ("autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"),
              (Call("format", "arn:%s:autoscaling:%s:%s:autoScalingGroup:*:autoScalingGroupName/%s", PARTITION, REGION,
                    ACCOUNT_ID, Ref("aws_eks_node_group.main.resources[0].autoscaling_groups[0].name")),)),
    ]
    return [
        *_pod_identity("app", "app", Ref("var.k8s_namespace"), chart_name(ctx.plan), []),
        *_pod_identity("external_secrets", "eso", ESO_NAMESPACE, ESO_SERVICE_ACCOUNT, [
            Grant("ReadConnectionSecrets", ("secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"),
                  tuple(secrets)),
            Grant("DecryptConnectionSecrets", ("kms:Decrypt",), (KMS_ARN,))]),
        *_pod_identity("cluster_autoscaler", "ca", AUTOSCALER_NAMESPACE, AUTOSCALER_SERVICE_ACCOUNT, autoscaler),
        *apm.variables(ctx.plan),
        block("variable", "k8s_namespace", type=Ref("string"), default=ctx.name,
              description="Namespace the app's Helm release is installed in (its service account gets the app role)."),
    ]


def _access(ctx: Context) -> list[Block]:
    return [
        block("resource", "aws_eks_access_entry", "deploy", cluster_name=CLUSTER,
              principal_arn=Ref("var.deploy_role_arn"), type="STANDARD"),
        block("resource", "aws_eks_access_policy_association", "deploy", cluster_name=CLUSTER,
              principal_arn=Ref("aws_eks_access_entry.deploy.principal_arn"), policy_arn=ADMIN_POLICY,
              access_scope=block("access_scope", type="cluster")),
        block("variable", "deploy_role_arn", type=Ref("string"), default=ctx.settings.aws_role_arn,
              description="IAM role the apply workflow assumes; it gets a cluster access entry to install the chart."),
        block("variable", "api_public_cidrs", type=Call("list", Ref("string")), default=[],
              description="CIDRs allowed to the public API endpoint (empty: private endpoint only; never 0.0.0.0/0).",
              validation=block("validation", condition=Op(Call("contains", Ref("var.api_public_cidrs"), "0.0.0.0/0"),
                                                          "==", False),
                               error_message="api_public_cidrs must name networks, not 0.0.0.0/0.")),
    ]


def _nodes(ctx: Context) -> list[Block]:
    sizing = ctx.plan.sizing
    return [
        *role("eks_nodes", "ec2.amazonaws.com", NODE_POLICIES, "nodes"),
        block("resource", "aws_launch_template", "nodes",
              name_prefix=Call("format", "%s-nodes-", Call("substr", NAME, 0, 30)), update_default_version=True,
              vpc_security_group_ids=[APP_SG, Ref("aws_eks_cluster.main.vpc_config[0].cluster_security_group_id")],
              metadata_options=block("metadata_options", http_endpoint="enabled", http_tokens="required",
                                     http_put_response_hop_limit=1),
              block_device_mappings=block("block_device_mappings", device_name="/dev/xvda", ebs=block(
                  "ebs", volume_size=50, volume_type="gp3", encrypted=True, kms_key_id=KMS_ARN,
                  delete_on_termination=True)),
              tag_specifications=block("tag_specifications", resource_type="instance",
                                       tags={"Name": Call("format", "%s-node", NAME)})),
        block("resource", "aws_eks_node_group", "main", cluster_name=CLUSTER,
              node_group_name_prefix=Call("format", "%s-", Call("substr", NAME, 0, 30)),
              node_role_arn=Ref("aws_iam_role.eks_nodes.arn"), subnet_ids=PRIVATE_SUBNETS,
              instance_types=[sizing.node_instance_type],
              launch_template=block("launch_template", id=Ref("aws_launch_template.nodes.id"),
                                    version=Ref("aws_launch_template.nodes.latest_version")),
              scaling_config=block("scaling_config", desired_size=sizing.node_count, min_size=sizing.node_count,
                                   max_size=sizing.node_max_count),
              update_config=block("update_config", max_unavailable=1),
              tags={"k8s.io/cluster-autoscaler/enabled": "true",
                    "k8s.io/cluster-autoscaler/owned-by": NAME},
              depends_on=[Ref(f"aws_iam_role_policy_attachment.eks_nodes_{i}") for i in range(len(NODE_POLICIES))]
              + [Ref("aws_eks_addon.vpc-cni")],
              lifecycle=block("lifecycle", create_before_destroy=True,
                              ignore_changes=[Ref("scaling_config[0].desired_size")])),
    ]


def _addons() -> list[Block]:
    blocks = []
    for name, config in ADDONS.items():
        extra = {"configuration_values": Call("jsonencode", config)} if config else {}
        depends = [Ref("aws_eks_node_group.main")] if name in NEEDS_NODES else []
        blocks.append(block("resource", "aws_eks_addon", name, cluster_name=CLUSTER, addon_name=name,
                            resolve_conflicts_on_create="OVERWRITE", resolve_conflicts_on_update="OVERWRITE", **extra,
                            **({"depends_on": depends} if depends else {})))
    return blocks


def build(ctx: Context) -> list[Block]:
    version = ctx.plan.sizing.kubernetes_version or newest_kubernetes_version()
    public = Op(Call("length", Ref("var.api_public_cidrs")), ">", 0)
    return [
        log_group("eks", Call("format", "/aws/eks/%s/cluster", NAME), ctx.plan),
        *role("eks_cluster", "eks.amazonaws.com", ["AmazonEKSClusterPolicy"], "eks"),
        block("resource", "aws_eks_cluster", "main", name=NAME, version=version,
              role_arn=Ref("aws_iam_role.eks_cluster.arn"), enabled_cluster_log_types=LOG_TYPES,
              bootstrap_self_managed_addons=False,
              vpc_config=block("vpc_config", subnet_ids=PRIVATE_SUBNETS, security_group_ids=[APP_SG],
                               endpoint_private_access=True, endpoint_public_access=public,
                               public_access_cidrs=Ref("var.api_public_cidrs")),
              encryption_config=block("encryption_config", resources=["secrets"],
                                      provider=block("provider", key_arn=KMS_ARN)),
              access_config=block("access_config", authentication_mode="API",
                                  bootstrap_cluster_creator_admin_permissions=False),
              upgrade_policy=block("upgrade_policy", support_type="STANDARD"),
              depends_on=[Ref("aws_iam_role_policy_attachment.eks_cluster_0"),
                          Ref("aws_cloudwatch_log_group.eks")]),
        *_addons(),
        *_nodes(ctx),
        *_access(ctx),
        *_identities(ctx),
        block("output", "eks_cluster", value=CLUSTER, description="EKS cluster name."),
        block("output", "eks_endpoint", value=Ref("aws_eks_cluster.main.endpoint"),
              description="Kubernetes API endpoint (private unless api_public_cidrs is set)."),
    ]
