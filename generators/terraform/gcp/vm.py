"""vm.tf: Compute Engine instances (count = compute.min_replicas, VMs do not autoscale) with no public
IP, Shielded VM, OS Login, no serial port; SSH only through IAP (see network.tf)."""

from __future__ import annotations

from generators.hcl import Block, Call, Ref, block
from generators.terraform import Context
from generators.terraform.gcp.names import labels, resource_name

BOOT_IMAGE = "debian-cloud/debian-12"


def build(ctx: Context) -> list[Block]:
    spec = ctx.spec
    instance = block(
        "resource", "google_compute_instance", "app",
        count=spec.compute.min_replicas,
        name=Call("format", "%s-%d", resource_name(ctx.name, "vm", max_length=58), Ref("count.index")),
        machine_type=ctx.plan.sizing.node_instance_type,
        zone=Call("format", "%s-b", Ref("var.region")),
        labels=labels(ctx),
        tags=[resource_name(ctx.name, "app")],
        can_ip_forward=False,
        metadata={"block-project-ssh-keys": "true", "enable-oslogin": "TRUE", "serial-port-enable": "false"},
        boot_disk=block("boot_disk", initialize_params=block("initialize_params", image=BOOT_IMAGE, size=20,
                                                               labels=labels(ctx))),
        network_interface=block("network_interface", subnetwork=Ref("google_compute_subnetwork.main.id")),
        service_account=block("service_account", email=Ref("google_service_account.app.email"),
                              scopes=["https://www.googleapis.com/auth/cloud-platform"]),
        shielded_instance_config=block("shielded_instance_config", enable_secure_boot=True, enable_vtpm=True,
                                       enable_integrity_monitoring=True),
    )
    return [
        instance,
        block("output", "instance_names", value=Ref("google_compute_instance.app[*].name"),
              description="VM names (connect with `gcloud compute ssh --tunnel-through-iap`)."),
    ]
