"""gcp Terraform: the component table (one module per generated file)."""

from __future__ import annotations

from bot.spec import ComputeKind
from generators.terraform.context import Component, always, component, compute_is
from generators.terraform.gcp import (
    alarms,
    apm,
    backend,
    cloud_run,
    cloud_sql,
    connection,
    functions,
    gke,
    identity,
    memorystore,
    network,
    observability,
    pubsub,
    scheduler,
    secrets,
    storage,
    versions,
    vm,
    waf,
    workers,
)

COMPONENTS: list[Component] = [
    component(versions, always),
    component(backend, always),
    component(network, always),
    component(identity, always),
    component(gke, compute_is(ComputeKind.kubernetes)),
    component(cloud_run, compute_is(ComputeKind.containers)),
    component(waf),
    component(vm, compute_is(ComputeKind.vm)),
    component(functions, compute_is(ComputeKind.functions)),
    component(scheduler, name="schedule"),
    component(workers),
    component(cloud_sql),
    component(memorystore),
    component(pubsub),
    component(storage),
    component(secrets),
    component(apm),
    component(connection, always),
    component(observability, always),
    component(alarms),
]
