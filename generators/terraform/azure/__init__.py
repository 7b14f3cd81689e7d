"""azure Terraform: the component table (one module per generated file)."""

from __future__ import annotations

from bot.spec import ComputeKind
from generators.terraform import Component, always, compute_is
from generators.terraform.azure import (
    aks,
    backend,
    container_apps,
    cosmos,
    eventhubs,
    flexible_server,
    functions,
    key_vault,
    network,
    observability,
    private_dns,
    redis,
    resource_group,
    servicebus,
    storage,
    versions,
    vm,
)



COMPONENTS: list[Component] = [
    Component("versions", always, versions.build),
    Component("backend", always, backend.build),
    Component("resource_group", always, resource_group.build),
    Component("network", always, network.build),
    Component("private_dns", always, private_dns.build),
    Component("observability", always, observability.build),
    Component("key_vault", always, key_vault.build),
    Component("aks", compute_is(ComputeKind.kubernetes), aks.build),
    Component("container_apps", compute_is(ComputeKind.containers), container_apps.build),
    Component("vm", compute_is(ComputeKind.vm), vm.build),
    Component("functions", compute_is(ComputeKind.functions), functions.build),
    Component("flexible_server", flexible_server.applies, flexible_server.build),
    Component("cosmos", cosmos.applies, cosmos.build),
    Component("redis", redis.applies, redis.build),
    Component("servicebus", servicebus.applies, servicebus.build),
    Component("eventhubs", eventhubs.applies, eventhubs.build),
    Component("storage", storage.applies, storage.build),
]
