"""Route table: handlers register with the OpenAPI path template they implement."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Route:
    method: str
    template: str
    pattern: re.Pattern
    handler: Callable


ROUTES: list[Route] = []


def _compile(template: str) -> re.Pattern:
    """``{name}`` matches one segment; the trailing ``{ref}``/``{path}`` of git paths match several."""
    regex = ""
    for part in re.split(r"(\{[^}]+\})", template):
        if part.startswith("{"):
            name = part[1:-1]
            multi = name in ("ref", "path") and template.endswith(part)
            regex += f"(?P<{name}>.+)" if multi else f"(?P<{name}>[^/]+)"
        else:
            regex += re.escape(part)
    return re.compile(f"^{regex}/?$")


def route(method: str, template: str) -> Callable[[Callable], Callable]:
    def register(handler: Callable) -> Callable:
        ROUTES.append(Route(method, template, _compile(template), handler))
        return handler

    return register


def _specificity(candidate: Route) -> int:
    return -len(re.sub(r"\{[^}]+\}", "", candidate.template))


def match(method: str, path: str) -> tuple[Route | None, dict[str, str], bool]:
    """(route, path params, path exists for another method)."""
    other = False
    for candidate in sorted(ROUTES, key=_specificity):
        found = candidate.pattern.match(path)
        if found:
            if candidate.method == method:
                return candidate, found.groupdict(), True
            other = True
    return None, {}, other
