"""Intake: the web app, webhook verification, the ack path and the queue submit."""
