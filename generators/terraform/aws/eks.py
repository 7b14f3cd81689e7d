"""eks.tf: a private EKS cluster (secrets encrypted with the environment key, all control-plane logs) and a node group."""

from __future__ import annotations

from generators.hcl import Block, Call, Ref, block
from generators.terraform import Context
from generators.terraform.aws.shared import APP_SG, KMS_ARN, NAME, PRIVATE_SUBNETS, log_group, role

KUBERNETES_VERSION = "1.32"
LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"]
NODE_POLICIES = ["AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly"]


def build(ctx: Context) -> list[Block]:
    sizing = ctx.plan.sizing
    return [
        log_group("eks", Call("format", "/aws/eks/%s/cluster", NAME), ctx.plan),
        *role("eks_cluster", "eks.amazonaws.com", ["AmazonEKSClusterPolicy"], "eks"),
        *role("eks_nodes", "ec2.amazonaws.com", NODE_POLICIES, "nodes"),
        block("resource", "aws_eks_cluster", "main", name=NAME, version=KUBERNETES_VERSION,
              role_arn=Ref("aws_iam_role.eks_cluster.arn"), enabled_cluster_log_types=LOG_TYPES,
              vpc_config=block("vpc_config", subnet_ids=PRIVATE_SUBNETS, security_group_ids=[APP_SG],
                               endpoint_private_access=True, endpoint_public_access=False),
              encryption_config=block("encryption_config", resources=["secrets"],
                                      provider=block("provider", key_arn=KMS_ARN)),
              access_config=block("access_config", authentication_mode="API"),
              depends_on=[Ref("aws_iam_role_policy_attachment.eks_cluster_0"),
                          Ref("aws_cloudwatch_log_group.eks")]),
        block("resource", "aws_eks_node_group", "main", cluster_name=Ref("aws_eks_cluster.main.name"),
              node_group_name_prefix=Call("format", "%s-", Call("substr", NAME, 0, 30)),
              node_role_arn=Ref("aws_iam_role.eks_nodes.arn"), subnet_ids=PRIVATE_SUBNETS,
              instance_types=[sizing.node_instance_type],
              scaling_config=block("scaling_config", desired_size=sizing.node_count, min_size=sizing.node_count,
                                   max_size=sizing.node_max_count),
              update_config=block("update_config", max_unavailable=1),
              depends_on=[Ref(f"aws_iam_role_policy_attachment.eks_nodes_{i}") for i in range(len(NODE_POLICIES))],
              lifecycle=block("lifecycle", create_before_destroy=True,
                              ignore_changes=[Ref("scaling_config[0].desired_size")])),
        block("output", "eks_cluster", value=Ref("aws_eks_cluster.main.name"), description="EKS cluster name."),
        block("output", "eks_endpoint", value=Ref("aws_eks_cluster.main.endpoint"),
              description="Kubernetes API endpoint (private)."),
    ]
