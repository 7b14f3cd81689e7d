"""network.tf: a custom VPC with one private subnet, Cloud NAT for egress, and private service access
(the peering Cloud SQL and Memorystore use, so data services get private IPs only). VMs take SSH through IAP, and
also from the networks the request named (compute.ssh_from); an internal app's port is open to the VPC only."""

from __future__ import annotations

from typing import Any

from bot.pipeline.planning import Plan
from bot.spec import ComputeKind, Exposure
from generators.hcl import Block, Ref, block
from generators.terraform.context import Context
from generators.terraform.gcp.names import resource_name

SUBNET_CIDR = "10.10.0.0/20"
IAP_RANGE = "35.235.240.0/20"  # Google's Identity-Aware Proxy TCP forwarding range


def needs_private_services(plan: Plan) -> bool:
    """Cloud SQL and Memorystore attach through private service access."""
    return bool(plan.spec.databases or plan.spec.cache)


def build(ctx: Context) -> list[Block]:
    name = resource_name(ctx.name)
    kind = ctx.spec.compute.kind
    subnet: dict[str, Any] = {
        "name": resource_name(ctx.name, "private"),
        "network": Ref("google_compute_network.main.id"),
        "region": Ref("var.region"),
        "ip_cidr_range": SUBNET_CIDR,
        "private_ip_google_access": True,
        "log_config": block("log_config", aggregation_interval="INTERVAL_10_MIN", flow_sampling=0.5,
                            metadata="INCLUDE_ALL_METADATA"),
    }
    if kind == ComputeKind.kubernetes:
        subnet["secondary_ip_range"] = [
            block("secondary_ip_range", range_name="pods", ip_cidr_range="10.20.0.0/16"),
            block("secondary_ip_range", range_name="services", ip_cidr_range="10.30.0.0/20"),
        ]
    blocks = [
        block("resource", "google_compute_network", "main", name=name, auto_create_subnetworks=False,
              routing_mode="REGIONAL"),
        block("resource", "google_compute_subnetwork", "main", **subnet),
        block("resource", "google_compute_router", "main", name=resource_name(ctx.name, "router"),
              network=Ref("google_compute_network.main.id"), region=Ref("var.region")),
        block("resource", "google_compute_router_nat", "main", name=resource_name(ctx.name, "nat"),
              router=Ref("google_compute_router.main.name"), region=Ref("var.region"),
              nat_ip_allocate_option="AUTO_ONLY", source_subnetwork_ip_ranges_to_nat="ALL_SUBNETWORKS_ALL_IP_RANGES",
              log_config=block("log_config", enable=True, filter="ERRORS_ONLY")),
    ]
    blocks.append(block(
        "resource", "google_compute_firewall", "deny_ingress", name=resource_name(ctx.name, "deny-ingress"),
        network=Ref("google_compute_network.main.id"), direction="INGRESS", priority=65534,
        source_ranges=["0.0.0.0/0"], deny=block("deny", protocol="all"),
        log_config=block("log_config", metadata="INCLUDE_ALL_METADATA"),
        description="Explicit default: no ingress unless a higher-priority rule allows it.",
    ))
    if kind == ComputeKind.vm:
        blocks.append(block(
            "resource", "google_compute_firewall", "iap", name=resource_name(ctx.name, "allow-iap"),
            network=Ref("google_compute_network.main.id"), direction="INGRESS", source_ranges=[IAP_RANGE],
            target_tags=[resource_name(ctx.name, "app")],
            allow=block("allow", protocol="tcp", ports=["22", str(ctx.spec.app.port)]),
            log_config=block("log_config", metadata="INCLUDE_ALL_METADATA"),
            description="SSH and the app port only through Identity-Aware Proxy TCP forwarding.",
        ))
    if kind == ComputeKind.vm and ctx.spec.compute.ssh_from:
        blocks.append(block(
            "resource", "google_compute_firewall", "ssh", name=resource_name(ctx.name, "allow-ssh"),
            network=Ref("google_compute_network.main.id"), direction="INGRESS",
            source_ranges=list(ctx.spec.compute.ssh_from), target_tags=[resource_name(ctx.name, "app")],
            allow=block("allow", protocol="tcp", ports=["22"]),
            log_config=block("log_config", metadata="INCLUDE_ALL_METADATA"),
            description="SSH from the networks the request named (compute.ssh_from), never the internet.",
        ))
    if kind == ComputeKind.vm and ctx.spec.app.exposure == Exposure.internal:
        blocks.append(block(
            "resource", "google_compute_firewall", "app_internal", name=resource_name(ctx.name, "allow-app"),
            network=Ref("google_compute_network.main.id"), direction="INGRESS", source_ranges=[SUBNET_CIDR],
            target_tags=[resource_name(ctx.name, "app")],
            allow=block("allow", protocol="tcp", ports=[str(ctx.spec.app.port)]),
            log_config=block("log_config", metadata="INCLUDE_ALL_METADATA"),
            description="Internal app: its port from inside the VPC only (no public IP, no load balancer).",
        ))
    if kind == ComputeKind.functions:
        blocks.append(block(
            "resource", "google_vpc_access_connector", "main", name=resource_name(ctx.name, max_length=25),
            region=Ref("var.region"), network=Ref("google_compute_network.main.name"),
            ip_cidr_range="10.8.0.0/28", min_instances=2, max_instances=3,
        ))
    if needs_private_services(ctx.plan):
        blocks += [
            block("resource", "google_compute_global_address", "private_services",
                  name=resource_name(ctx.name, "private-services"), purpose="VPC_PEERING", address_type="INTERNAL",
                  prefix_length=20, network=Ref("google_compute_network.main.id")),
            block("resource", "google_service_networking_connection", "private_services",
                  network=Ref("google_compute_network.main.id"), service="servicenetworking.googleapis.com",
                  reserved_peering_ranges=[Ref("google_compute_global_address.private_services.name")]),
        ]
    blocks.append(block("output", "network_id", value=Ref("google_compute_network.main.id"),
                        description="VPC of the environment."))
    return blocks
