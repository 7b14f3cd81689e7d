"""gcp Terraform: the component table (one module per generated file)."""

from __future__ import annotations

from bot.spec import ComputeKind
from generators.terraform import Component, always, compute_is
from generators.terraform.gcp import (
    backend,
    cloud_run,
    cloud_sql,
    functions,
    gke,
    identity,
    memorystore,
    network,
    observability,
    pubsub,
    secrets,
    storage,
    versions,
    vm,
)



COMPONENTS: list[Component] = [
    Component("versions", always, versions.build),
    Component("backend", always, backend.build),
    Component("network", always, network.build),
    Component("identity", always, identity.build),
    Component("gke", compute_is(ComputeKind.kubernetes), gke.build),
    Component("cloud_run", compute_is(ComputeKind.containers), cloud_run.build),
    Component("vm", compute_is(ComputeKind.vm), vm.build),
    Component("functions", compute_is(ComputeKind.functions), functions.build),
    Component("cloud_sql", cloud_sql.applies, cloud_sql.build),
    Component("memorystore", memorystore.applies, memorystore.build),
    Component("pubsub", pubsub.applies, pubsub.build),
    Component("storage", storage.applies, storage.build),
    Component("secrets", secrets.applies, secrets.build),
    Component("observability", always, observability.build),
]
