"""Fault injection for reliability tests: 5xx answers, 403 secondary rate limits, slow responses."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from .errors import ApiError, invalid

SECONDARY_LIMIT_MESSAGE = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. "
    "If you reach out to GitHub Support for help, please include the request ID {request_id}."
)
STATUSES = {500: "Internal Server Error", 502: "Server Error", 503: "Service Unavailable"}


@dataclass
class Fault:
    id: int
    path_regex: str
    method: str | None
    status: int | str | None  # 500 | 502 | 503 | "403-secondary" | None (delay only)
    count: int  # remaining matches; -1 = unlimited
    delay_seconds: float
    retry_after: int

    def describe(self) -> dict:
        return {
            "id": self.id,
            "path_regex": self.path_regex,
            "method": self.method,
            "status": self.status,
            "count": self.count,
            "delay_seconds": self.delay_seconds,
            "retry_after": self.retry_after,
        }


class Faults:
    def __init__(self):
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._ids = iter(range(1, 10**9))

    def add(self, spec: dict) -> Fault:
        status = spec.get("status")
        if status not in (None, 500, 502, 503, "403-secondary"):
            raise invalid("Fault", "status", message="status must be 500, 502, 503, '403-secondary' or null")
        try:
            re.compile(spec.get("path_regex", ".*"))
        except re.error as exc:
            raise invalid("Fault", "path_regex", message=str(exc)) from exc
        count = spec.get("count", 1)
        if not isinstance(count, int) or count == 0 or count < -1:
            raise invalid("Fault", "count", message="count must be a positive number of uses, or -1 for always")
        fault = Fault(
            id=next(self._ids),
            path_regex=spec.get("path_regex", ".*"),
            method=(spec.get("method") or "").upper() or None,
            status=status,
            count=count,
            delay_seconds=float(spec.get("delay_seconds", 0)),
            retry_after=int(spec.get("retry_after", 1)),
        )
        with self._lock:
            self._faults.append(fault)
        return fault

    def list(self) -> list[dict]:
        with self._lock:
            return [f.describe() for f in self._faults]

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def take(self, method: str, path: str) -> Fault | None:
        """The first fault matching this request, consuming one of its uses."""
        with self._lock:
            for fault in self._faults:
                if fault.method not in (None, method) or not re.search(fault.path_regex, path):
                    continue
                if fault.count > 0:
                    fault.count -= 1
                    if fault.count == 0:
                        self._faults.remove(fault)
                return fault
        return None


def fault_error(fault: Fault, request_id: str) -> ApiError | None:
    if fault.status == "403-secondary":
        return ApiError(
            403,
            SECONDARY_LIMIT_MESSAGE.format(request_id=request_id),
            headers={"retry-after": str(fault.retry_after)},
        )
    if isinstance(fault.status, int):
        return ApiError(fault.status, STATUSES[fault.status])
    return None
