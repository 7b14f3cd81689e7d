"""Structured logs: JSON lines through structlog, a correlation id per delivery/job, secrets redacted."""

from __future__ import annotations

import contextvars
import logging
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import structlog
from structlog.typing import EventDict, Processor

correlation_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("correlation_id", default=None)

# Values that look like credentials, wherever they appear in a log line.
_SECRET_PATTERNS = [
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?-----END [A-Z ]*PRIVATE KEY-----", re.S),
    re.compile(r"\b(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})\b"),
    re.compile(r"\b(sk-ant-[A-Za-z0-9_-]{10,})\b"),
    re.compile(r"\b(AKIA|ASIA)[A-Z0-9]{16}\b"),
    re.compile(r"\bda_[A-Za-z0-9]{8}_[A-Za-z0-9_-]{20,}\b"),  # dev-agent API keys
    re.compile(r"(?i)\b(bearer|token)\s+[A-Za-z0-9._~+/=-]{16,}"),
    re.compile(r"\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\b"),  # JWTs
]
_SECRET_KEYS = re.compile(r"(?i)(secret|password|passwd|token|private_key|api_key|authorization|signature)")
REDACTED = "[redacted]"


def redact(text: str) -> str:
    """`text` with anything that looks like a credential replaced."""
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub(REDACTED, text)
    return text


def _redact_value(key: str, value: Any) -> Any:
    if _SECRET_KEYS.search(key) and value not in (None, "", False):
        return REDACTED
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {k: _redact_value(str(k), v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_redact_value(key, v) for v in value]
    return value


def _redact_processor(_logger: Any, _name: str, event: EventDict) -> EventDict:
    return {k: _redact_value(k, v) for k, v in event.items()}


def _add_correlation_id(_logger: Any, _name: str, event: EventDict) -> EventDict:
    cid = correlation_id.get()
    if cid and "correlation_id" not in event:
        event["correlation_id"] = cid
    return event


def configure_logging(level: str = "INFO", stream: Any = None) -> None:
    """JSON lines on stderr (or `stream`), for the server, the worker and the CLI.

    structlog loggers and stdlib `logging` (the bot's modules, rq, uvicorn) go through the same chain:
    correlation id, timestamp, redaction, JSON.
    """
    out = stream or sys.stderr
    shared: list[Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _add_correlation_id,
    ]
    handler = logging.StreamHandler(out)
    handler.setFormatter(structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[structlog.stdlib.add_logger_name, *shared],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            _redact_processor,
            structlog.processors.JSONRenderer(sort_keys=True),
        ],
    ))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    structlog.configure(
        processors=[
            *shared,
            structlog.processors.format_exc_info,
            _redact_processor,
            structlog.processors.JSONRenderer(sort_keys=True),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level)),
        logger_factory=structlog.WriteLoggerFactory(file=out),
        cache_logger_on_first_use=False,
    )


def get_logger(name: str) -> Any:
    """A bound structlog logger named after its module."""
    return structlog.get_logger(name)


@contextmanager
def correlated(cid: str) -> Iterator[None]:
    """Tag every log line inside the block with `cid` (a delivery id or job id)."""
    token = correlation_id.set(cid)
    try:
        yield
    finally:
        correlation_id.reset(token)
