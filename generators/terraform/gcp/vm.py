"""vm.tf: Compute Engine instances (count = compute.min_replicas, VMs do not autoscale) with no public
IP, Shielded VM, OS Login, no serial port; SSH only through IAP (see network.tf). A startup script installs Docker,
writes the connection secret's settings and the passwords the app reads (SQL Server, Redis AUTH) to /etc/app.env with
the instance's service account, and runs the app's
image as a systemd unit. With datadog / newrelic monitoring it installs the agent with the key read from Secret
Manager at boot (apm.py, generators/terraform/vm_agents.py)."""

from __future__ import annotations

from generators.hcl import Block, Call, Ref, block
from generators.terraform import vm_agents
from generators.terraform.context import Context
from generators.terraform.gcp import apm, connection
from generators.terraform.gcp.image import image_variable
from generators.terraform.gcp.names import labels, resource_name

BOOT_IMAGE = "debian-cloud/debian-12"
METADATA = "http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/token"
ACCESS = "https://secretmanager.googleapis.com/v1/projects/%s/secrets/%s/versions/latest:access"
RAW = "python3 -c 'import base64,json,sys; print(base64.b64decode(json.load(sys.stdin)[\"payload\"][\"data\"]).decode())'"
TO_ENV = ("python3 -c 'import base64,json,sys;"
          " d=json.loads(base64.b64decode(json.load(sys.stdin)[\"payload\"][\"data\"]));"
          " print(\"\\n\".join(f\"{k}={v}\" for k, v in d.items()))'")


def startup_script(ctx: Context) -> Call:
    """Docker, /etc/app.env from the connection secret and the password secrets (SQL Server's login, the Redis AUTH
    string) with the instance service account's token, the app as app.service."""
    port = ctx.spec.app.port
    token = (f"$(curl -s -H Metadata-Flavor:Google {METADATA} | "
             "python3 -c 'import json,sys; print(json.load(sys.stdin)[\"access_token\"])')")
    lines: list[object] = [
        "#!/bin/bash", "set -euo pipefail",
        "apt-get update -q && apt-get install -y -q docker.io",
        "install -m 600 /dev/null /etc/app.env",
        Call("format", f'curl -sf -H "Authorization: Bearer {token}" "{ACCESS}" | {TO_ENV} > /etc/app.env',
             Ref("var.project_id"), Ref("google_secret_manager_secret.connection.secret_id")),
        f"echo PORT={port} >> /etc/app.env",
        *[Call("format", f'echo "{env}=$(curl -sf -H "Authorization: Bearer {token}" "{ACCESS}" | {RAW})" >> /etc/app.env',
               Ref("var.project_id"), secret) for env, secret in connection.password_secrets(ctx.plan).items()],
        *vm_agents.lines(ctx.plan, apm.key_reads(token), debian=True),
        Call("format", "registry=$(echo %s | cut -d/ -f1)", Ref("var.image")),
        f'if [[ $registry == *-docker.pkg.dev ]]; then echo "{token}" | '
        'docker login -u oauth2accesstoken --password-stdin "https://$registry"; fi',
        "cat > /etc/systemd/system/app.service <<'UNIT'",
        "[Unit]", "After=docker.service", "Requires=docker.service", "[Service]", "Restart=always",
        "ExecStartPre=-/usr/bin/docker rm -f app",
        Call("format", "ExecStart=/usr/bin/docker run --name app --read-only --tmpfs /tmp "
                       f"--env-file /etc/app.env{vm_agents.docker_flags(ctx.plan)} -p {port}:{port} %s", Ref("var.image")),
        "[Install]", "WantedBy=multi-user.target", "UNIT",
        "systemctl daemon-reload", "systemctl enable --now app.service",
    ]
    return Call("join", "\n", lines)


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
        metadata_startup_script=startup_script(ctx),
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
        image_variable(ctx),
        block("output", "instance_names", value=Ref("google_compute_instance.app[*].name"),
              description="VM names (connect with `gcloud compute ssh --tunnel-through-iap`)."),
    ]
