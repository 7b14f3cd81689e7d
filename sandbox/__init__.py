"""Sandbox GitHub: a local GitHub-compatible server for tests and the demo (see docs/sandbox.md)."""

from .server import SandboxError, SandboxGitHub

__all__ = ["SandboxError", "SandboxGitHub"]
