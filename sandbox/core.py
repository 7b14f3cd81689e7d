"""Sandbox core: state plus webhooks, faults, API-call statistics and rate-limit accounting."""

from __future__ import annotations

import collections
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .faults import Faults
from .model import Installation, Repository, State, User
from .shapes import Shapes, Urls, node_id
from .webhooks import Deliverer, Hook

RATE_LIMITS = {"anonymous": 60, "user": 5000, "installation": 5000, "app": 5000}


@dataclass
class RateWindow:
    limit: int
    used: int
    reset: int


def subscribed(events: list[str], event: str) -> bool:
    """An App's hook gets the events it subscribes to, and always its own installation events."""
    return event in events or event.startswith("installation")


class SandboxCore:
    def __init__(self, root: Path):
        self.state = State(root)
        self.deliverer = Deliverer()
        self.faults = Faults()
        self.hooks: list[Hook] = []
        self.urls = Urls("http://127.0.0.1", "http://127.0.0.1")
        self._lock = threading.Lock()
        self.stats: collections.Counter[str] = collections.Counter()
        self._rates: dict[str, RateWindow] = {}
        self._hook_ids = iter(range(400000001, 10**10))

    def shapes(self, urls: Urls | None = None) -> Shapes:
        return Shapes(self.state, urls or self.urls)

    # statistics and rate limits
    def count_call(self, method: str, template: str) -> None:
        with self._lock:
            self.stats[f"{method} {template}"] += 1

    def rate(self, key: str, kind: str, spend: bool) -> RateWindow:
        with self._lock:
            window = self._rates.get(key)
            if window is None or window.reset <= time.time():
                window = self._rates[key] = RateWindow(RATE_LIMITS[kind], 0, int(time.time()) + 3600)
            if spend:
                window.used += 1
            return RateWindow(window.limit, window.used, window.reset)

    def reset_counters(self) -> None:
        with self._lock:
            self.stats.clear()
            self._rates.clear()

    # webhooks
    def set_hook(self, url: str, secret: str, app_id: int | None) -> Hook:
        with self._lock:
            self.hooks = [h for h in self.hooks if h.app_id != app_id]
            hook = Hook(next(self._hook_ids), url, secret, app_id)
            self.hooks.append(hook)
            return hook

    def emit(
        self,
        event: str,
        repo: Repository | None,
        sender: User,
        build: Callable[[Shapes], dict],
        installation: Installation | None = None,
    ) -> None:
        """Queue ``event`` for every hook that sees it; ``build`` renders the event-specific fields."""
        shapes = self.shapes()
        for hook in list(self.hooks):
            if hook.app_id is None:
                if repo is None:
                    continue
                inst, target = None, (repo.id, "repository")
            else:
                candidates = [installation] if installation else self.state.installations_for(repo) if repo else []
                inst = next((i for i in candidates if i and i.app.id == hook.app_id), None)
                if inst is None or not subscribed(inst.app.events, event):
                    continue
                target = (hook.app_id, "integration")
            payload = build(shapes)
            if repo is not None:
                payload["repository"] = shapes.repo(repo)
                if repo.owner.type == "Organization":
                    payload["organization"] = shapes.organization(repo.owner)
            payload["sender"] = shapes.user(sender)
            if inst is not None and "installation" not in payload:
                payload["installation"] = {"id": inst.id, "node_id": node_id("Installation", inst.id)}
            self.deliverer.enqueue(hook, event, payload, target)

    def close_repos(self) -> None:
        for repo in list(self.state.repos.values()):
            repo.git.close()

    def close(self) -> None:
        self.deliverer.stop()
        self.close_repos()
