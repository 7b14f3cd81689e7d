"""aws Terraform: the component table (one module per generated file)."""

from __future__ import annotations

from bot.spec import ComputeKind
from generators.terraform import Component, always, compute_is
from generators.terraform.aws import (alb, backend, docdb, ec2, ecs, eks, elasticache, kms, lambda_fn, logs, mq, msk,
                                      network, opensearch, rds, s3, sqs, versions)
from generators.terraform.aws.shared import uses_load_balancer



COMPONENTS: list[Component] = [
    Component("versions", always, versions.build),
    Component("backend", always, backend.build),
    Component("kms", always, kms.build),
    Component("network", always, network.build),
    Component("alb", uses_load_balancer, alb.build),
    Component("eks", compute_is(ComputeKind.kubernetes), eks.build),
    Component("ecs", compute_is(ComputeKind.containers), ecs.build),
    Component("ec2", compute_is(ComputeKind.vm), ec2.build),
    Component("lambda", compute_is(ComputeKind.functions), lambda_fn.build),
    Component("rds", rds.applies, rds.build),
    Component("docdb", docdb.applies, docdb.build),
    Component("elasticache", elasticache.applies, elasticache.build),
    Component("sqs", sqs.applies, sqs.build),
    Component("mq", mq.applies, mq.build),
    Component("msk", msk.applies, msk.build),
    Component("opensearch", opensearch.applies, opensearch.build),
    Component("s3", s3.applies, s3.build),
    Component("logs", logs.applies, logs.build),
]

