"""azure Terraform: the component table (one module per generated file)."""

from __future__ import annotations

from bot.spec import ComputeKind
from generators.terraform.azure import (
    aks,
    alarms,
    apm,
    backend,
    connection,
    container_apps,
    cosmos,
    eventhubs,
    flexible_server,
    functions,
    key_vault,
    mssql,
    network,
    observability,
    private_dns,
    redis,
    resource_group,
    servicebus,
    storage,
    versions,
    vm,
    waf,
)
from generators.terraform.context import Component, always, component, compute_is

COMPONENTS: list[Component] = [
    component(versions, always),
    component(backend, always),
    component(resource_group, always),
    component(network, always),
    component(private_dns, always),
    component(observability, always),
    component(key_vault, always),
    component(connection, always),
    component(aks, compute_is(ComputeKind.kubernetes)),
    component(container_apps, compute_is(ComputeKind.containers)),
    component(waf),
    component(vm, compute_is(ComputeKind.vm)),
    component(apm),
    component(functions, compute_is(ComputeKind.functions)),
    component(flexible_server),
    component(mssql),
    component(cosmos),
    component(redis),
    component(servicebus),
    component(eventhubs),
    component(storage),
    component(alarms),
]
