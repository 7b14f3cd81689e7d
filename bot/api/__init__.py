"""The REST API, its keys and the dashboard."""
