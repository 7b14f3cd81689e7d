"""pubsub.tf: a Pub/Sub topic with a dead-letter topic and one pull subscription for the app."""

from __future__ import annotations

from bot.pipeline.planning import Plan
from bot.spec import QueueEngine
from generators.hcl import Block, Ref, block
from generators.terraform.context import Context
from generators.terraform.gcp.identity import app_member
from generators.terraform.gcp.names import labels, resource_name


def applies(plan: Plan) -> bool:
    return plan.spec.queue is not None and plan.spec.queue.engine == QueueEngine.pubsub


def build(ctx: Context) -> list[Block]:
    retention = "604800s"
    return [
        block("resource", "google_pubsub_topic", "main", name=resource_name(ctx.name, "events", max_length=255),
              labels=labels(ctx), message_retention_duration=retention),
        block("resource", "google_pubsub_topic", "dead_letter",
              name=resource_name(ctx.name, "events-dead-letter", max_length=255), labels=labels(ctx),
              message_retention_duration=retention),
        block("resource", "google_pubsub_subscription", "app", name=resource_name(ctx.name, "app", max_length=255),
              topic=Ref("google_pubsub_topic.main.id"), labels=labels(ctx), ack_deadline_seconds=30,
              message_retention_duration=retention,
              dead_letter_policy=block("dead_letter_policy", dead_letter_topic=Ref("google_pubsub_topic.dead_letter.id"),
                                       max_delivery_attempts=10),
              retry_policy=block("retry_policy", minimum_backoff="10s", maximum_backoff="600s")),
        block("resource", "google_pubsub_topic_iam_member", "app_publisher", topic=Ref("google_pubsub_topic.main.name"),
              role="roles/pubsub.publisher", member=app_member()),
        block("resource", "google_pubsub_subscription_iam_member", "app_subscriber",
              subscription=Ref("google_pubsub_subscription.app.name"), role="roles/pubsub.subscriber",
              member=app_member()),
        block("output", "topic", value=Ref("google_pubsub_topic.main.name"), description="Pub/Sub topic."),
        block("output", "subscription", value=Ref("google_pubsub_subscription.app.name"),
              description="The app's pull subscription."),
    ]
