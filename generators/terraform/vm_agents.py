"""APM agents on VMs (`monitoring: [datadog]` / `[newrelic]` with `compute.kind: vm`): the lines of the VM's
startup script (EC2 user data, GCE startup script, Azure custom data) that install the agent and hand the app its
settings. The key is read from the cloud's secret store at boot with the VM's own identity (which may read exactly
that secret); it never appears in the script, the Terraform state or an output.

- Datadog: Datadog's install script (Agent 7) with the key, the site and host tags `env:` / `service:`; the Agent
  then accepts traces (8126/TCP) and DogStatsD (8125/UDP) from the app's container, which reaches it as
  `host.docker.internal` (the bridge gateway) and gets DD_ENV / DD_SERVICE / DD_VERSION (unified service tags).
- New Relic: the infrastructure agent from New Relic's package repository with the license key in
  /etc/newrelic-infra.yml (mode 600), and the app's language agent gets NEW_RELIC_LICENSE_KEY / NEW_RELIC_APP_NAME
  in the app's env file (mode 600).
The steps run as their own script (`bash -euo pipefail`): if the agent cannot be installed the boot log says so and
the app still starts, as the ECS sidecar is not essential either. Only spec slugs and validated variables reach
these lines; the key stays in a shell variable."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.pipeline.planning import Plan
from bot.spec import ComputeKind, Monitoring
from generators.hcl import Block, Call, Ref
from generators.terraform.context import pattern_variable

ENV_FILE = "/etc/app.env"
SITE_PATTERN = r"^[a-z0-9]+([.-][a-z0-9]+)*$"  # a host name: keeps the install line free of shell syntax
DATADOG_INSTALL = "https://install.datadoghq.com/scripts/install_script_agent7.sh"
NEWRELIC_REPO_AL2023 = ("https://download.newrelic.com/infrastructure_agent/linux/yum/amazonlinux/2023/x86_64/"
                        "newrelic-infra.repo")
NEWRELIC_GPG = "https://download.newrelic.com/infrastructure_agent/gpg/newrelic-infra.gpg"
NEWRELIC_APT = "deb https://download.newrelic.com/infrastructure_agent/linux/apt/ bookworm main"
AGENT_HOST = "host.docker.internal"
# The image's tag (or the first 12 digits of its digest), cut to characters a tag may hold.
IMAGE_VERSION = Call("replace", Call(
    "try", Call("element", Call("regex", ":([^:/]+)$", Call("element", Call("split", "@", Ref("var.image")), 0)), 0),
    Call("substr", Call("replace", Ref("var.image"), "/^.*@sha256:/", ""), 0, 12)), "/[^A-Za-z0-9_.-]/", "")


@dataclass(frozen=True)
class KeyRead:
    """A shell command printing one key from the secret store: a `format` string (literal `%` doubled) and its
    arguments (HCL expressions naming the secret)."""

    command: str
    args: tuple[Any, ...] = ()


def site_variable() -> Block:
    """`var.datadog_site`, validated as a host name (it reaches the VMs' boot script)."""
    return pattern_variable("datadog_site", SITE_PATTERN,
                            "Datadog site the Agent sends to (datadoghq.com, datadoghq.eu, us5.datadoghq.com ...).",
                            "datadog_site must be a Datadog site host name, e.g. datadoghq.eu.", default="datadoghq.com")


def tools(plan: Plan) -> set[Monitoring]:
    if plan.spec.compute.kind != ComputeKind.vm:
        return set()
    return {Monitoring.datadog, Monitoring.newrelic} & set(plan.spec.monitoring)


def service_name(plan: Plan) -> str:
    return plan.spec.service or plan.spec.name


def docker_flags(plan: Plan) -> str:
    """Extra `docker run` flags of the app's unit: the Datadog Agent's address on the host."""
    return f" --add-host={AGENT_HOST}:host-gateway" if Monitoring.datadog in tools(plan) else ""


def _read_into(variable: str, read: KeyRead) -> list[object]:
    """Read a key into a shell variable, retrying for a few minutes (a new role grant takes a while to apply)."""
    return [Call("format", f'for attempt in 1 2 3 4 5 6 7 8 9 10; do {variable}="$({read.command})" && break; '
                           "sleep 30; done", *read.args),
            f'test -n "${variable}"']


SCRIPT = "/usr/local/sbin/dev-agent-apm.sh"


def lines(plan: Plan, keys: dict[Monitoring, KeyRead], debian: bool) -> list[object]:
    """Startup-script lines (after the env file exists, before the app's unit starts); none without an agent."""
    steps = _steps(plan, keys, debian)
    if not steps:
        return []
    return [f"cat > {SCRIPT} <<'APM'", *steps, "APM",
            f"bash -euo pipefail {SCRIPT} || echo 'dev-agent: the APM agent was not installed; the app starts "
            "without it' >&2", f"rm -f {SCRIPT}"]


def _steps(plan: Plan, keys: dict[Monitoring, KeyRead], debian: bool) -> list[object]:
    chosen = tools(plan)
    name, service = plan.spec.name, service_name(plan)
    out: list[object] = []
    if Monitoring.datadog in chosen:
        out += [
            *_read_into("dd_api_key", keys[Monitoring.datadog]),
            Call("format", f'DD_API_KEY="$dd_api_key" DD_SITE="%s" DD_HOST_TAGS="env:{name},service:{service}" '
                           f'bash -c "$(curl -fsSL {DATADOG_INSTALL})"', Ref("var.datadog_site")),
            "unset dd_api_key",
            "printf 'apm_config:\\n  apm_non_local_traffic: true\\ndogstatsd_non_local_traffic: true\\n' "
            ">> /etc/datadog-agent/datadog.yaml",
            "systemctl restart datadog-agent",
            f"echo DD_AGENT_HOST={AGENT_HOST} >> {ENV_FILE}",
            f"echo DD_ENV={name} >> {ENV_FILE}",
            f"echo DD_SERVICE={service} >> {ENV_FILE}",
            Call("format", f"echo DD_VERSION=%s >> {ENV_FILE}", IMAGE_VERSION),
        ]
    if Monitoring.newrelic in chosen:
        install = (["apt-get install -y -q gnupg",
                    f"curl -fsSL {NEWRELIC_GPG} | gpg --dearmor -o /etc/apt/trusted.gpg.d/newrelic-infra.gpg",
                    f"echo '{NEWRELIC_APT}' > /etc/apt/sources.list.d/newrelic-infra.list",
                    "apt-get update -q && apt-get install -y -q newrelic-infra"] if debian else
                   [f"curl -fsSL -o /etc/yum.repos.d/newrelic-infra.repo {NEWRELIC_REPO_AL2023}",
                    "dnf install -y newrelic-infra"])
        out += [
            *_read_into("nr_license_key", keys[Monitoring.newrelic]),
            "install -m 600 /dev/null /etc/newrelic-infra.yml",
            "printf 'license_key: %s\\ncustom_attributes:\\n  environment: %s\\n  service: %s\\n' "
            f'"$nr_license_key" {name} {service} > /etc/newrelic-infra.yml',
            *install,
            f'echo "NEW_RELIC_LICENSE_KEY=$nr_license_key" >> {ENV_FILE}',
            "unset nr_license_key",
            f"echo 'NEW_RELIC_APP_NAME={service} ({name})' >> {ENV_FILE}",
            f"echo NEW_RELIC_DISTRIBUTED_TRACING_ENABLED=true >> {ENV_FILE}",
        ]
    return out
