"""REST API under /api: list and inspect environments, request new ones, follow jobs. API keys with scopes."""

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any, Self

from fastapi import APIRouter, Depends, Header, HTTPException, Request
from pydantic import BaseModel, ConfigDict, Field, model_validator
from redis.exceptions import RedisError
from starlette.concurrency import run_in_threadpool

from bot.api.dashboard import Viewer, key_viewer
from bot.api.keys import ApiKey, InstallationOf, KeyRejected, KeyStore
from bot.intake.queue import job_id
from bot.intake.webhooks import Delivery
from bot.spec import SpecError, spec_from_data
from bot.store.protocols import RegistryStore
from bot.store.registry import EnvironmentRecord, JobRecord

MAX_API_BODY = 1_000_000
REPOSITORY = r"^[A-Za-z0-9_.-]{1,100}/[A-Za-z0-9_.-]{1,100}$"
LOGIN = r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$"


class EnvironmentRequest(BaseModel):
    """POST /api/environments: a spec or plain text, for a repository; filed for the key's owner."""

    model_config = ConfigDict(json_schema_extra={"oneOf": [{"required": ["text"]}, {"required": ["spec"]}]})

    repository: Annotated[str, Field(pattern=REPOSITORY)]
    requested_by: Annotated[str, Field(pattern=LOGIN, description="optional; must be the key's owner if given "
                                                                  "(requests are always filed for the owner)")] \
        | None = None
    text: Annotated[str, Field(min_length=1, max_length=20_000)] | None = None
    spec: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _one_of(self) -> Self:
        if (self.text is None) == (self.spec is None):
            raise ValueError("give exactly one of 'text' or 'spec'")
        return self


class ErrorBody(BaseModel):
    """Every error answer: a sentence saying what was wrong."""

    detail: str


def _errors(**codes: str) -> dict[int | str, dict[str, Any]]:
    return {int(code[1:]): {"model": ErrorBody, "description": text} for code, text in codes.items()}


AUTH_ERRORS = _errors(e401="missing, unknown, revoked or expired API key",
                      e403="the key lacks the scope, has no installation scope, or the repository is outside it")


class Accepted(BaseModel):
    job_id: str
    status_url: str
    issue_url: str | None = None


@dataclass(frozen=True)
class OpenedRequest:
    """A request issue just filed, and the plan job to run for it on behalf of the requester.

    The issue is opened by the App, so its own `issues.opened` webhook is ignored as a bot event (the bot
    never answers itself); the API queues this delivery instead.
    """

    issue_url: str
    delivery: Delivery


# session(request) -> the dashboard session's Viewer (cookie), or None
SessionReader = Callable[[Request], Viewer | None]
# open_request(repository, requested_by, title, body) -> OpenedRequest; raises PermissionError when refused.
RequestOpener = Callable[[str, str, str, str], OpenedRequest]
# submit(delivery) -> True when queued (the webhook queue: dedupe + enqueue)
Submit = Callable[[Delivery], Awaitable[bool]]


# No `from __future__ import annotations` here: FastAPI must see the `Depends(scope(...))` annotations of the
# routes below as objects (they close over the key store), not as strings to evaluate in module globals.
def build_api_router(keys: KeyStore, registry: RegistryStore, open_request: RequestOpener, submit: Submit,
                     installation_of: InstallationOf, session: SessionReader | None = None) -> APIRouter:
    """The /api routes, bound to a key store, the registry, the function that files request issues, the
    job queue that plans them and the lookup of a repository's App installation (for key scopes). With
    `session`, the read routes also accept the dashboard's session cookie (a browser signed in with GitHub)
    when no Authorization header is sent; requesting environments always needs a key."""
    router = APIRouter(prefix="/api", tags=["api"], responses=AUTH_ERRORS)

    def scope(required: str) -> Callable[..., ApiKey]:
        def check(authorization: Annotated[str | None, Header()] = None) -> ApiKey:
            token = authorization.removeprefix("Bearer ").strip() if authorization else None
            try:
                return keys.authenticate(token, required)
            except KeyRejected as exc:
                raise HTTPException(exc.status, str(exc),
                                    headers={"WWW-Authenticate": "Bearer"} if exc.status == 401 else None) from None

        return check

    read_key = scope("read")

    def reader(request: Request, authorization: Annotated[str | None, Header()] = None) -> Viewer:
        if authorization is None and session is not None and (viewer := session(request)) is not None:
            return viewer
        return key_viewer(read_key(authorization), installation_of)

    def outside(limit: str, repository: str) -> HTTPException:
        return HTTPException(403, f"{limit}; {repository} is outside it")

    @router.get("/environments")
    def list_environments(viewer: Annotated[Viewer, Depends(reader)]) -> list[EnvironmentRecord]:
        """The managed environments of the key's installation (or repositories): status, estimate, expiry, PR."""
        return [r.model_copy(update={"report": ""}) for r in registry.environments() if viewer.allows(r.repository)]

    @router.get("/environments/{name}", responses=_errors(e404="unknown environment"))
    def get_environment(viewer: Annotated[Viewer, Depends(reader)], name: str,
                        repository: str | None = None) -> EnvironmentRecord:
        """One environment of the key's scope, including its review report."""
        if repository is not None and not viewer.allows(repository):
            raise outside(viewer.limit, repository)
        for record in registry.environments():
            if record.name == name and (repository is None or record.repository == repository) \
                    and viewer.allows(record.repository):
                return record
        raise HTTPException(404, f"no environment named {name!r}")

    @router.post("/environments", status_code=202,
                 responses=_errors(e400="requested_by names someone other than the key's owner",
                                   e403="the key lacks the scope, the repository is outside its scope, "
                                        "or the owner may not request",
                                   e413="body too large", e422="invalid request or spec",
                                   e503="the issue was opened but its plan could not be queued"),
                 openapi_extra={"requestBody": {"required": True, "content": {
                     "application/json": {"schema": EnvironmentRequest.model_json_schema()}}}})
    async def request_environment(key: Annotated[ApiKey, Depends(scope("request"))], request: Request) -> Accepted:
        """Open a request issue in the repository for the key's owner and queue its plan; the bot answers it
        with a PR."""
        body = await _body_within(request, MAX_API_BODY)
        try:
            req = EnvironmentRequest.model_validate_json(body or b"{}")
        except ValueError as exc:
            raise HTTPException(422, _first_error(exc)) from None
        if req.spec is not None:
            try:
                spec = spec_from_data(req.spec, "spec")
            except SpecError as exc:
                raise HTTPException(422, str(exc)) from None
            title, text = f"Environment request: {spec.name}", "```yaml\n" + spec.to_yaml() + "```\n"
        else:
            title, text = "Environment request", req.text or ""
        requester = key.owner or ""
        if req.requested_by is not None and req.requested_by.lower() != requester.lower():
            raise HTTPException(400, f"requested_by {req.requested_by!r} is not this key's owner ({requester}); "
                                     "requests are filed for the key's owner: omit requested_by")
        if not key.allows(req.repository, installation_of) or installation_of(req.repository) != key.installation:
            raise outside(f"this API key is limited to {key.describe_scope()}", req.repository)
        try:
            # GitHub and database calls block: off the event loop, which the webhook path and the queue's
            # pipelined Redis client share (blocking it here timed the queue out under concurrent requests).
            opened = await run_in_threadpool(open_request, req.repository, requester, title, text)
        except PermissionError as exc:
            raise HTTPException(403, str(exc)) from None

        job = JobRecord(id=job_id(opened.delivery.id), kind="request", repository=req.repository, status="queued",
                        links={"issue": opened.issue_url})
        await run_in_threadpool(registry.put_job, job)
        try:
            await submit(opened.delivery)
        except RedisError:
            await run_in_threadpool(registry.put_job,
                                    job.model_copy(update={"status": "failed", "detail": "queue unavailable"}))
            raise HTTPException(503, f"opened {opened.issue_url} but could not queue its plan; "
                                     "comment `/dev-agent plan` on it") from None
        return Accepted(job_id=job.id, status_url=f"/api/jobs/{job.id}", issue_url=opened.issue_url)

    @router.get("/jobs/{job_id}", responses=_errors(e404="unknown job, or a job outside the key's scope"))
    def get_job(viewer: Annotated[Viewer, Depends(reader)], job_id: str) -> JobRecord:
        """A job's state and links (jobs of the key's scope only)."""
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", job_id) or (job := registry.job(job_id)) is None \
                or not viewer.allows(job.repository):
            raise HTTPException(404, f"no job {job_id!r}")
        return job

    return router


def _first_error(exc: ValueError) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        first = errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "body"
        return f"{where}: {first['msg']}"
    return str(exc)


async def _body_within(request: Request, limit: int) -> bytes:
    """The request body, refused with 413 as soon as its Content-Length or what arrived exceeds `limit` bytes."""
    too_large = HTTPException(413, f"request body over {limit} bytes")
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit:
        raise too_large
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise too_large
    return bytes(body)
