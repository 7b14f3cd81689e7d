"""One pinned install source for the generated workflows (the `install` setting or the org policy's `install:`
key; bot/install.py explains the kinds and picks the effective one)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

SHA256 = r"^[a-f0-9]{64}$"
# A URL that can sit on one requirements line: no spaces, quotes, `#` or `;` (those start comments/markers).
URL = r"^(https://|http://(127\.0\.0\.1|localhost)(:[0-9]{1,5})?/|file:///)[A-Za-z0-9._~:/?&=%+@-]{1,500}$"
IMAGE_BY_DIGEST = r"^[a-z0-9][a-z0-9._/:-]{0,200}@sha256:[a-f0-9]{64}$"
VERSION = r"^[0-9]+(\.[0-9]+){0,3}([a-z]+[0-9]*)?(\.post[0-9]+)?(\.dev[0-9]+)?$"
PUBLIC_INDEX = "https://pypi.org/simple"


class InstallSource(BaseModel):
    """One pinned install source: an exact version from an index, a wheel, or a container image (bot/install.py)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["index", "wheel", "container"]
    index_url: str = Field(default=PUBLIC_INDEX, pattern=URL,
                           description="Index the hash-pinned dependencies and validators (and, kind index, "
                                       "dev-agent itself) are installed from.")
    version: str | None = Field(default=None, pattern=VERSION, description="kind index: the exact version.")
    url: str | None = Field(default=None, pattern=URL, description="kind wheel: where the wheel is downloaded from.")
    sha256: str | None = Field(default=None, pattern=SHA256, description="kind index/wheel: sha256 of the dev-agent "
                                                                         "distribution file.")
    image: str | None = Field(default=None, pattern=IMAGE_BY_DIGEST, description="kind container: image by digest.")

    @model_validator(mode="after")
    def _complete(self) -> InstallSource:
        needed = {"index": ("version", "sha256"), "wheel": ("url", "sha256"), "container": ("image",)}[self.kind]
        missing = [f for f in needed if getattr(self, f) is None]
        if missing:
            raise ValueError(f"install: kind {self.kind} needs {' and '.join(missing)}")
        extra = [f for f in ("version", "url", "sha256", "image") if f not in needed and getattr(self, f) is not None]
        if extra:
            raise ValueError(f"install: {', '.join(extra)} do not apply to kind {self.kind}")
        if self.kind == "wheel" and not (self.url or "").endswith(".whl"):
            raise ValueError("install: url must name a .whl file")
        return self

    def requirement(self) -> str:
        """The dev-agent line of the generated requirements file (hash-checked by pip)."""
        if self.kind == "index":
            return f"dev-agent=={self.version} --hash=sha256:{self.sha256}"
        if self.kind == "wheel":
            return f"dev-agent @ {self.url} --hash=sha256:{self.sha256}"
        raise ValueError("a container install has no requirements line")
