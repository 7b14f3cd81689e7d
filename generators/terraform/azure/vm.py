"""vm.tf: Linux VMs (count = compute.min_replicas, VMs do not autoscale) in the workload subnet with no
public IP, SSH keys only (the private key is generated into Key Vault), Trusted Launch, no extensions,
running as the workload's managed identity. cloud-init (custom data) installs Docker, writes /etc/app.env from the
connection secret and the database passwords in Key Vault (the managed identity's token), and runs the app's image
as a systemd unit. With datadog / newrelic monitoring it installs the agent with the key read from the reviewer's
Key Vault secret at boot (apm.py, generators/terraform/vm_agents.py)."""

from __future__ import annotations

from generators.hcl import Block, Call, Ref, block
from generators.helm.connections import connection_secret_name
from generators.terraform import vm_agents
from generators.terraform.azure import apm
from generators.terraform.azure.connection import password_secrets
from generators.terraform.azure.image import image_variable
from generators.terraform.azure.key_vault import vault_secret
from generators.terraform.azure.names import dashed, tags
from generators.terraform.azure.network import WORKLOAD, subnet_id
from generators.terraform.azure.resource_group import LOCATION, RG
from generators.terraform.context import Context

ADMIN_USER = "azureuser"
IMDS = ("http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01"
        "&resource=https://vault.azure.net&client_id=%s")
VALUE = "python3 -c 'import json,sys; print(json.load(sys.stdin)[\"value\"])'"
TO_ENV = "python3 -c 'import json,sys; print(\"\\n\".join(f\"{k}={v}\" for k, v in json.load(sys.stdin).items()))'"


def custom_data(ctx: Context) -> Call:
    """The startup script: Docker, /etc/app.env from Key Vault, the app as app.service."""
    port = ctx.spec.app.port
    vault = Ref("azurerm_key_vault.main.vault_uri")
    read = 'curl -sf -H "Authorization: Bearer $token" "%ssecrets/%s?api-version=7.4" | ' + VALUE
    lines: list[object] = [
        "#!/bin/bash", "set -euo pipefail",
        "apt-get update -q && apt-get install -y -q docker.io",
        Call("format", f'token=$(curl -s -H Metadata:true "{IMDS}" | python3 -c '
                       "'import json,sys; print(json.load(sys.stdin)[\"access_token\"])')",
             Ref("azurerm_user_assigned_identity.app.client_id")),
        "install -m 600 /dev/null /etc/app.env",
        Call("format", read + " | " + TO_ENV + " > /etc/app.env", vault, connection_secret_name(ctx.spec)),
    ]
    for env, (_label, secret) in password_secrets(ctx.plan).items():
        lines.append(Call("format", f'echo "{env}=$(' + read + ')" >> /etc/app.env', vault, secret))
    lines += [
        f"echo PORT={port} >> /etc/app.env",
        *vm_agents.lines(ctx.plan, apm.key_reads(), debian=True),
        "cat > /etc/systemd/system/app.service <<'UNIT'",
        "[Unit]", "After=docker.service", "Requires=docker.service", "[Service]", "Restart=always",
        "ExecStartPre=-/usr/bin/docker rm -f app",
        Call("format", "ExecStart=/usr/bin/docker run --name app --read-only --tmpfs /tmp "
                       f"--env-file /etc/app.env{vm_agents.docker_flags(ctx.plan)} -p {port}:{port} %s", Ref("var.image")),
        "[Install]", "WantedBy=multi-user.target", "UNIT",
        "systemctl daemon-reload", "systemctl enable --now app.service",
    ]
    return Call("base64encode", Call("join", "\n", lines))


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
        custom_data=custom_data(ctx),
        depends_on=[Ref("azurerm_key_vault_secret.connection"),
                    *[Ref(f"azurerm_role_assignment.{tool.value}_key_app") for tool in sorted(apm.tools(ctx.plan))]],
    )
    return [
        block("resource", "tls_private_key", "vm", algorithm="ED25519"),
        vault_secret(ctx, "vm_ssh_key", dashed(ctx.name, "vm-ssh-key", max_length=127),
                     Ref("tls_private_key.vm.private_key_openssh")),
        nic,
        vm,
        image_variable(ctx),
        block("output", "vm_private_ips", value=Ref("azurerm_network_interface.app[*].private_ip_address"),
              description="Private IPs of the VMs (SSH key: Key Vault secret vm-ssh-key)."),
    ]
