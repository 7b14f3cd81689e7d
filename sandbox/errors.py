"""GitHub-shaped API errors raised by sandbox handlers."""

from __future__ import annotations

DOCS = "https://docs.github.com/rest"


class ApiError(Exception):
    """An error response: status, GitHub ``message`` and optional validation ``errors``."""

    def __init__(
        self, status: int, message: str, errors: list | None = None, headers: dict | None = None, bodyless: bool = False
    ):
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors
        self.headers = headers or {}
        self.bodyless = bodyless  # some errors are documented without a body

    def body(self) -> dict | None:
        if self.bodyless:
            return None
        body: dict = {"message": self.message, "documentation_url": DOCS, "status": str(self.status)}
        if self.errors is not None:
            body["errors"] = self.errors
        return body


def not_found() -> ApiError:
    return ApiError(404, "Not Found")


def bad_credentials() -> ApiError:
    return ApiError(401, "Bad credentials")


def requires_auth() -> ApiError:
    return ApiError(401, "Requires authentication")


def forbidden(message: str = "Resource not accessible by integration") -> ApiError:
    return ApiError(403, message)


def invalid(resource: str, field: str, code: str = "invalid", message: str | None = None) -> ApiError:
    """422 "Validation Failed" with one GitHub-style error entry."""
    error = {"resource": resource, "field": field, "code": code}
    if message:
        error["message"] = message
    return ApiError(422, "Validation Failed", [error])
