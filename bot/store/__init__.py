"""The bot's own state: environment locks, the registry and the audit trail."""
