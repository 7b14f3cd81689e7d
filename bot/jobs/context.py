"""What a webhook handler or a comment command runs with, as a Protocol: JobContext (bot/jobs/delivery.py) is the
implementation; handlers, commands and the request's write sequence are typed on this."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from bot.github.installations import InstallationStore
from bot.request.markers import StateKeyring
from bot.settings import Settings
from bot.store.protocols import AuditStore, LockStore, RegistryStore


class HandlerContext(Protocol):
    """Settings, stores and the seams a job uses (the pipeline, the GitHub client, the org policy check)."""

    @property
    def settings(self) -> Settings: ...

    @property
    def locks(self) -> LockStore: ...

    @property
    def registry(self) -> RegistryStore: ...

    @property
    def audit(self) -> AuditStore: ...

    @property
    def installations(self) -> InstallationStore: ...

    @property
    def github(self) -> Callable[[int], Any]: ...  # installation id -> PyGithub client

    @property
    def pipeline(self) -> Callable[..., Any]: ...  # bot.pipeline.run.build_environment

    @property
    def org_policy(self) -> Callable[[str, str, Callable[[str], bool]], str | None]: ...

    @property
    def job_id(self) -> str: ...

    def authors(self) -> frozenset[str]: ...

    def keyring(self) -> StateKeyring: ...
