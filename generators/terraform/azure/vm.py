"""vm.tf: Linux VMs (count = compute.min_replicas, VMs do not autoscale) in the workload subnet with no
public IP, SSH keys only (the private key is generated into Key Vault), Trusted Launch, no extensions,
running as the workload's managed identity."""

from __future__ import annotations

from generators.hcl import Block, Call, Ref, block
from generators.terraform import Context
from generators.terraform.azure.key_vault import vault_secret
from generators.terraform.azure.names import dashed, tags
from generators.terraform.azure.network import WORKLOAD, subnet_id
from generators.terraform.azure.resource_group import LOCATION, RG

ADMIN_USER = "azureuser"


def build(ctx: Context) -> list[Block]:
    count = ctx.spec.compute.min_replicas
    base = dashed(ctx.name, "vm", max_length=60)
    nic = block(
        "resource", "azurerm_network_interface", "app", count=count,
        name=Call("format", "%s-nic-%d", base, Ref("count.index")), resource_group_name=RG, location=LOCATION,
        ip_forwarding_enabled=False, tags=tags(ctx),
        ip_configuration=block("ip_configuration", name="internal", subnet_id=subnet_id(WORKLOAD[0]),
                               private_ip_address_allocation="Dynamic"),
    )
    vm = block(
        "resource", "azurerm_linux_virtual_machine", "app", count=count,
        name=Call("format", "%s-%d", base, Ref("count.index")), resource_group_name=RG, location=LOCATION,
        size=ctx.plan.sizing.node_instance_type, admin_username=ADMIN_USER,
        disable_password_authentication=True, allow_extension_operations=False, provision_vm_agent=True,
        secure_boot_enabled=True, vtpm_enabled=True, patch_mode="AutomaticByPlatform",
        network_interface_ids=[Call("element", Ref("azurerm_network_interface.app[*].id"), Ref("count.index"))],
        tags=tags(ctx),
        admin_ssh_key=block("admin_ssh_key", username=ADMIN_USER, public_key=Ref("tls_private_key.vm.public_key_openssh")),
        os_disk=block("os_disk", caching="ReadWrite", storage_account_type="StandardSSD_LRS"),
        source_image_reference=block("source_image_reference", publisher="Debian", offer="debian-12",
                                     sku="12-gen2", version="latest"),
        identity=block("identity", type="UserAssigned", identity_ids=[Ref("azurerm_user_assigned_identity.app.id")]),
        boot_diagnostics=block("boot_diagnostics"),
    )
    return [
        block("resource", "tls_private_key", "vm", algorithm="ED25519"),
        vault_secret(ctx, "vm_ssh_key", dashed(ctx.name, "vm-ssh-key", max_length=127),
                     Ref("tls_private_key.vm.private_key_openssh")),
        nic,
        vm,
        block("output", "vm_private_ips", value=Ref("azurerm_network_interface.app[*].private_ip_address"),
              description="Private IPs of the VMs (SSH key: Key Vault secret vm-ssh-key)."),
    ]
