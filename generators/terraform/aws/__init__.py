"""aws Terraform: the component table (one module per generated file)."""

from __future__ import annotations

from bot.spec import ComputeKind
from generators.terraform.aws import (
                                      access,
                                      alarms,
                                      alb,
                                      aurora,
                                      backend,
                                      cloudfront,
                                      connection,
                                      docdb,
                                      dynamodb,
                                      ec2,
                                      ecs,
                                      eks,
                                      elasticache,
                                      kms,
                                      lambda_fn,
                                      logs,
                                      mq,
                                      msk,
                                      network,
                                      notifications,
                                      opensearch,
                                      rds,
                                      s3,
                                      scheduler,
                                      sqs,
                                      versions,
)
from generators.terraform.aws.shared import uses_load_balancer
from generators.terraform.context import Component, always, component, compute_is

COMPONENTS: list[Component] = [
    component(versions, always),
    component(backend, always),
    component(kms, always),
    component(network, always),
    component(alb, uses_load_balancer),
    component(cloudfront),
    component(eks, compute_is(ComputeKind.kubernetes)),
    component(ecs, compute_is(ComputeKind.containers)),
    component(ec2, compute_is(ComputeKind.vm)),
    component(lambda_fn, compute_is(ComputeKind.functions), name="lambda"),
    component(scheduler, name="schedule"),
    component(rds),
    component(aurora),
    component(docdb),
    component(elasticache),
    component(sqs),
    component(notifications),
    component(mq),
    component(msk),
    component(opensearch),
    component(s3),
    component(dynamodb),
    component(logs),
    component(connection, always),
    component(access, always),
    component(alarms),
]

