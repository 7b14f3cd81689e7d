"""gke.tf: a private GKE cluster (Workload Identity, Shielded nodes, Calico network policy), regional in
prod and zonal otherwise, with one autoscaled node pool running as the app's service account; the app's
Kubernetes service account (var.k8s_namespace/var.k8s_service_account) may impersonate it."""

from __future__ import annotations

from bot.spec import Tier
from generators.hcl import Block, Call, Ref, block
from generators.helm.values import chart_name
from generators.terraform.context import Context
from generators.terraform.gcp.names import labels, resource_name


def location(ctx: Context) -> tuple[Ref | Call, int]:
    """Prod clusters are regional (nodes in 3 zones); others are zonal, which is cheaper and simpler."""
    if ctx.spec.tier == Tier.prod:
        return Ref("var.region"), 3
    return Call("format", "%s-b", Ref("var.region")), 1


def build(ctx: Context) -> list[Block]:
    sizing = ctx.plan.sizing
    where, zones = location(ctx)
    per_zone_min = -(-sizing.node_count // zones)
    per_zone_max = max(per_zone_min, -(-sizing.node_max_count // zones))
    cluster = block(
        "resource", "google_container_cluster", "main",
        name=resource_name(ctx.name, max_length=40),
        location=where,
        network=Ref("google_compute_network.main.id"),
        subnetwork=Ref("google_compute_subnetwork.main.id"),
        remove_default_node_pool=True,
        initial_node_count=1,
        deletion_protection=ctx.spec.tier == Tier.prod,
        enable_intranode_visibility=True,
        enable_shielded_nodes=True,
        enable_legacy_abac=False,
        resource_labels=labels(ctx),
        networking_mode="VPC_NATIVE",
        ip_allocation_policy=block("ip_allocation_policy", cluster_secondary_range_name="pods",
                                   services_secondary_range_name="services"),
        private_cluster_config=block("private_cluster_config", enable_private_nodes=True,
                                     enable_private_endpoint=False, master_ipv4_cidr_block="172.16.0.0/28"),
        master_authorized_networks_config=block(
            "master_authorized_networks_config",
            cidr_blocks=block("dynamic", "cidr_blocks", for_each=Ref("var.admin_cidrs"),
                              content=block("content", cidr_block=Ref("cidr_blocks.value"), display_name="admin")),
        ),
        master_auth=block("master_auth", client_certificate_config=block("client_certificate_config",
                                                                          issue_client_certificate=False)),
        release_channel=block("release_channel", channel="REGULAR"),
        workload_identity_config=block("workload_identity_config",
                                       workload_pool=Call("format", "%s.svc.id.goog", Ref("var.project_id"))),
        network_policy=block("network_policy", enabled=True, provider="CALICO"),
        addons_config=block("addons_config", network_policy_config=block("network_policy_config", disabled=False)),
        binary_authorization=block("binary_authorization", evaluation_mode="PROJECT_SINGLETON_POLICY_ENFORCE"),
        logging_service="logging.googleapis.com/kubernetes",
        monitoring_service="monitoring.googleapis.com/kubernetes",
        node_config=_node_config(ctx),
    )
    pool = block(
        "resource", "google_container_node_pool", "main",
        name="default",
        cluster=Ref("google_container_cluster.main.id"),
        location=where,
        node_count=per_zone_min,
        autoscaling=block("autoscaling", min_node_count=per_zone_min, max_node_count=per_zone_max),
        management=block("management", auto_repair=True, auto_upgrade=True),
        node_config=_node_config(ctx),
    )
    return [
        cluster,
        pool,
        block("resource", "google_service_account_iam_member", "workload_identity",
              service_account_id=Ref("google_service_account.app.name"), role="roles/iam.workloadIdentityUser",
              member=Call("format", "serviceAccount:%s.svc.id.goog[%s/%s]", Ref("var.project_id"),
                          Ref("var.k8s_namespace"), Ref("var.k8s_service_account"))),
        block("variable", "k8s_namespace", type=Ref("string"), default=ctx.name,
              description="Namespace of the app's Kubernetes service account (Workload Identity)."),
        block("variable", "k8s_service_account", type=Ref("string"), default=chart_name(ctx.plan),
              description="Kubernetes service account the app's pods run as; it acts as the app's GCP service account."),
        block("variable", "admin_cidrs", type=Call("list", Ref("string")), default=[],
              description="CIDRs allowed to reach the GKE control plane (empty: none outside Google)."),
        block("output", "cluster_name", value=Ref("google_container_cluster.main.name"), description="GKE cluster."),
    ]


def _node_config(ctx: Context) -> Block:
    return block(
        "node_config",
        machine_type=ctx.plan.sizing.node_instance_type,
        image_type="COS_CONTAINERD",
        service_account=Ref("google_service_account.app.email"),
        oauth_scopes=["https://www.googleapis.com/auth/cloud-platform"],
        labels=labels(ctx),
        tags=[resource_name(ctx.name, "gke")],
        metadata={"disable-legacy-endpoints": "true"},
        shielded_instance_config=block("shielded_instance_config", enable_secure_boot=True,
                                       enable_integrity_monitoring=True),
        workload_metadata_config=block("workload_metadata_config", mode="GKE_METADATA"),
    )
