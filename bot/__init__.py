"""dev-agent: a GitOps bot that turns environment requests into reviewed infrastructure PRs."""

__version__ = "0.1.0"
