"""`terraform/dev-agent.auto.tfvars.json`: the values of the environment's required variables that its spec
gives (reviewable in the PR, applied as is; Terraform loads `*.auto.tfvars.json` by itself).

Only spec-derived values go here, so `dev-agent plan` on a runner regenerates the same file. Org-wide values
(project, subscription) come from repository variables as `TF_VAR_*`; what nothing gives is listed by
`bot.inputs.missing_inputs` ("Before you merge").
"""

from __future__ import annotations

import json

from bot.inputs import TFVARS_FILE
from bot.spec import EnvironmentSpec

# A public sample that answers HTTP 200 on every path on port 8080 ($PORT), pinned by digest: the app until
# `/dev-agent set image=...`. Only used where the platform can pull a public image and the app port is 8080.
SAMPLE_IMAGE = "gcr.io/google-samples/hello-app@sha256:c62ead5b8c15c231f9e786250b07909daf6c266d0fcddd93fea882eb722c3be4"
SAMPLE_PORT = 8080


def image_value(spec: EnvironmentSpec, public_image_ok: bool) -> str | None:
    """The spec's image, else the pinned sample when it can run there, else None (an input to supply)."""
    if spec.app.image:
        return spec.app.image
    return SAMPLE_IMAGE if public_image_ok and spec.app.port == SAMPLE_PORT else None


def render(spec: EnvironmentSpec, required: list[str], image: str | None) -> str:
    """The tfvars JSON for the `required` variables (those without a default) the spec has values for."""
    inputs = spec.inputs.model_dump(exclude_none=True) if spec.inputs else {}
    known = {"image": image, **inputs}
    values = {name: known[name] for name in sorted(required) if known.get(name)}
    return json.dumps(values, indent=2, sort_keys=True) + "\n"


def filename() -> str:
    return TFVARS_FILE
