"""The dashboard: server-rendered pages (no JavaScript needed) listing environments, jobs and reports."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from bot.store.registry import Registry

_templates = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def days_left(expires_on: dt.date | None, today: dt.date | None = None) -> str:
    """Human TTL countdown: '3 days left', 'expires today', 'expired 2 days ago', or '-'."""
    if expires_on is None:
        return "-"
    delta = (expires_on - (today or dt.date.today())).days
    if delta > 1:
        return f"{delta} days left"
    if delta == 1:
        return "1 day left"
    if delta == 0:
        return "expires today"
    return f"expired {-delta} day{'s' if delta < -1 else ''} ago"


def build_dashboard_router(registry: Registry) -> APIRouter:
    """`/` (environments and recent jobs) and `/environments/{repository}/{name}` (one report)."""
    router = APIRouter(include_in_schema=False)

    @router.get("/", response_class=HTMLResponse)
    def index() -> str:
        environments = registry.environments()
        total = registry.monthly_cost_under_management()
        return _templates.get_template("index.html").render(
            environments=environments, jobs=registry.jobs(), total=total, days_left=days_left
        )

    @router.get("/environments/{owner}/{repo}/{name}", response_class=HTMLResponse)
    def environment(owner: str, repo: str, name: str) -> str:
        record = registry.get(name, f"{owner}/{repo}")
        if record is None:
            raise HTTPException(404, f"no environment {name!r} in {owner}/{repo}")
        return _templates.get_template("environment.html").render(env=record, days_left=days_left)

    return router
