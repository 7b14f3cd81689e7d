"""Reading an environment request issue: the rendered issue form, a fenced YAML/JSON spec, or free text.

GitHub renders `.github/ISSUE_TEMPLATE/environment.yml` as `### Label` sections; empty optional fields
read `_No response_`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from bot.errors import InputError
from bot.usertext import readable

REQUEST_LABEL = "environment-request"
MENTION = "/dev-agent"
NO_RESPONSE = "_No response_"

# form label -> spec field (None: the free-text description)
FORM_FIELDS: dict[str, str | None] = {
    "description": None,
    "environment name": "name",
    "cloud": "cloud",
    "region": "region",
    "tier": "tier",
    "monthly budget (usd)": "budget_monthly_usd",
    "time to live (days)": "ttl_days",
}
_SECTION = re.compile(r"^###[ \t]+(.+?)[ \t]*$", re.MULTILINE)
_SPEC_OPEN = re.compile(r"(```|~~~)[ \t]*(yaml|yml|json)[ \t]*")
# the line bot/api/request_issues.py adds to issues filed through the API (not part of the request)
API_NOTE = "_Requested through the dev-agent API for @{login}._"
_API_NOTE = re.compile(r"^_Requested through the dev-agent API for @[A-Za-z0-9-]{1,39}\._[ \t]*$\n?", re.MULTILINE)
_NUMBER = re.compile(r"^\$?\s*([0-9][0-9,]*(?:\.[0-9]+)?)\s*(?:usd|\$|/month|per month|days?|d)?$", re.IGNORECASE)


class FormError(InputError):
    """A spec block that cannot be read (its error names the block)."""


@dataclass
class IssueRequest:
    """What an issue asks for."""

    text: str
    fields: dict[str, Any] = field(default_factory=dict)
    spec_data: dict[str, Any] | None = None


def is_environment_request(issue: dict[str, Any]) -> bool:
    """Labelled `environment-request` (the issue form adds it) or mentioning `/dev-agent`."""
    labels = {label.get("name") for label in issue.get("labels") or [] if isinstance(label, dict)}
    return REQUEST_LABEL in labels or MENTION in (issue.get("body") or "")


def parse_issue_body(body: str) -> IssueRequest:
    """Split an issue body into free text, form fields and an optional fenced spec."""
    body = _API_NOTE.sub("", readable(body or ""))
    spec_data = None
    fence = _spec_fence(body)
    if fence:
        start, end, language, text = fence
        try:
            spec_data = json.loads(text) if language == "json" else yaml.safe_load(text)
        except (yaml.YAMLError, ValueError, RecursionError) as exc:  # ValueError: JSON, or a YAML date like 2024-02-30
            raise FormError(f"the fenced {language} spec in the issue is not valid: {exc}") from None
        if not isinstance(spec_data, dict):
            raise FormError("the fenced spec in the issue must be a mapping of spec fields")
        body = body[:start] + body[end:]
    sections = _form_sections(body)
    if not sections:
        return IssueRequest(text=body.replace(MENTION, " ").strip(), spec_data=spec_data)
    fields: dict[str, Any] = {}
    text = ""
    for label, value in sections.items():
        key = FORM_FIELDS.get(label.lower())
        if value in ("", NO_RESPONSE) or label.lower() not in FORM_FIELDS:
            continue
        if key is None:
            text = value
        elif key in ("budget_monthly_usd", "ttl_days"):
            fields[key] = _number(value)
        else:
            fields[key] = value.strip().lower() if key != "name" else value.strip()
    return IssueRequest(text=text, fields=fields, spec_data=spec_data)


def _spec_fence(body: str) -> tuple[int, int, str, str] | None:
    """(start, end, language, text) of the first fenced yaml/yml/json block closed by the same fence; one pass."""
    opened: tuple[int, int, str, str] | None = None  # (start, text start, fence, language)
    position = 0
    for line in body.splitlines(keepends=True):
        content = line.rstrip("\r\n")
        if opened is None:
            match = _SPEC_OPEN.fullmatch(content)
            if match:
                opened = (position, position + len(line), match.group(1), match.group(2))
        elif content.rstrip(" \t") == opened[2]:
            start, text_start, _, language = opened
            return start, position + len(content), language, body[text_start:max(text_start, position - 1)]
        position += len(line)
    return None


def _form_sections(body: str) -> dict[str, str]:
    matches = list(_SECTION.finditer(body))
    sections = {}
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(body)
        sections[match.group(1)] = body[match.end():end].strip()
    return sections if any(label.lower() in FORM_FIELDS for label in sections) else {}


def _number(value: str) -> Any:
    match = _NUMBER.match(value.strip())
    if not match:
        return value.strip()  # left for spec validation to name the field
    number = float(match.group(1).replace(",", ""))
    return int(number) if number.is_integer() else number
