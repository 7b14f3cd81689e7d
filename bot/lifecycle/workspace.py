"""An environment directory as apply/drift/destroy see it: validated before any terraform command runs.

Checks, in order: the path is `environments/<name>/` with an `environment.yaml` that parses, the lock
file matches every generated file (no edited spec, no added `*.tf`), and the Terraform has a complete
state backend. Terraform runs in a temporary copy of the Terraform directory (`working_copy`), so no
`.terraform/`, lock file, plan file or test/demo override (`--override FILE`) is ever left in the checkout.
"""

from __future__ import annotations

import contextlib
import dataclasses
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot import hclread
from bot.errors import InputError
from bot.inputs import missing_inputs, terraform_files
from bot.spec import EnvironmentSpec, SpecError, load_spec
from generators.lockfile import verify_environment

# Settings a backend needs before terraform can keep state there (local: a path, defaulted by terraform).
BACKEND_REQUIRED = {
    "s3": ("bucket", "key", "region"),
    "gcs": ("bucket",),
    "azurerm": ("storage_account_name", "container_name", "key"),
    "local": (),
}
LOCK_ERROR = "Error acquiring the state lock"


class EnvironmentInputError(InputError):
    """The directory is not an intact environment; nothing was run."""


@dataclass(frozen=True)
class Workspace:
    """A validated environment directory."""

    name: str
    env_dir: Path
    spec: EnvironmentSpec
    work_dir: Path | None = None  # the temporary copy terraform runs in (see working_copy)

    @property
    def terraform_dir(self) -> Path:
        return self.work_dir or self.env_dir / "terraform"

    @property
    def chart_dir(self) -> Path:
        """Where generators.helm writes the chart: named after the service."""
        return self.env_dir / "helm" / (self.spec.service or self.spec.name)

    @property
    def rel_dir(self) -> str:
        return f"environments/{self.name}"


def open_environment(path: Path | str, overrides: Sequence[Path] = ()) -> Workspace:
    """The environment at `path`, or EnvironmentInputError naming what is wrong."""
    env_dir = Path(path).resolve()
    if not env_dir.is_dir() or env_dir.parent.name != "environments":
        raise EnvironmentInputError(f"{path}: not an environment directory (expected environments/<name>/)")
    spec_file = env_dir / "environment.yaml"
    if not spec_file.is_file() or not (env_dir / "terraform").is_dir():
        raise EnvironmentInputError(f"{path}: not an environment directory (no environment.yaml and terraform/)")
    problems = verify_environment(env_dir)
    if problems:
        raise EnvironmentInputError(f"{path}: refusing to run, the environment does not match its lock file:\n  "
                                    + "\n  ".join(problems))
    try:
        spec = load_spec(spec_file)
    except SpecError as exc:
        raise EnvironmentInputError(f"{spec_file}: {exc}") from None
    if spec.name != env_dir.name:
        raise EnvironmentInputError(f"{spec_file}: name {spec.name!r} does not match the directory {env_dir.name!r}")
    for override in overrides:
        if not Path(override).is_file() or not str(override).endswith("_override.tf"):
            raise EnvironmentInputError(f"{override}: an override must be an existing *_override.tf file")
    workspace = Workspace(name=spec.name, env_dir=env_dir, spec=spec)
    check_backend(workspace.terraform_dir, overrides)
    check_inputs(workspace.terraform_dir, overrides)
    return workspace


def check_inputs(terraform_dir: Path, overrides: Sequence[Path] = ()) -> None:
    """Every variable without a default has a value (tfvars file or TF_VAR_*), else terraform would stop at it."""
    files = terraform_files(terraform_dir)
    files.update({Path(o).name: Path(o).read_text(encoding="utf-8") for o in overrides})
    missing = missing_inputs(files)
    if missing:
        raise EnvironmentInputError(f"{terraform_dir}: missing input(s), nothing was run:\n  "
                                    + "\n  ".join(m.line() for m in missing))


def _backends(path: Path) -> list[tuple[str, dict[str, Any]]]:
    try:
        data = hclread.loads(path.read_text(encoding="utf-8"))
    except Exception as exc:  # noqa: BLE001 - any parse error is bad input
        raise EnvironmentInputError(f"{path}: cannot parse: {exc}") from None
    found = []
    for terraform in data.get("terraform", []):
        for backend in terraform.get("backend", []) if isinstance(terraform, dict) else []:
            found += list(backend.items())
    return found


def check_backend(terraform_dir: Path, overrides: Sequence[Path] = ()) -> None:
    """The state backend (an override's wins) names every setting it needs."""
    backends = [b for f in sorted(terraform_dir.glob("*.tf")) for b in _backends(f)]
    for override in overrides:
        backends = _backends(Path(override)) or backends
    if not backends:
        raise EnvironmentInputError(f"{terraform_dir}: no state backend configured (backend.tf is missing)")
    kind, config = backends[-1]
    if kind not in BACKEND_REQUIRED:
        raise EnvironmentInputError(f"{terraform_dir}: unsupported state backend {kind!r}")
    missing = [key for key in BACKEND_REQUIRED[kind] if not str(config.get(key) or "").strip()]
    if missing:
        raise EnvironmentInputError(
            f"{terraform_dir}: backend {kind!r} is missing {', '.join(missing)} "
            "(set DEV_AGENT_STATE_BUCKET / DEV_AGENT_STATE_REGION and re-plan the environment)")


# Terraform's working files: never copied into a run, never left behind.
WORKING_FILES = (".terraform", ".terraform.lock.hcl", "*.tfplan")
LOCAL_STATE = ("*.tfstate", "*.tfstate.backup")  # a `local` backend's state is data: it goes back where it was


@contextlib.contextmanager
def working_copy(workspace: Workspace, overrides: list[Path]) -> Iterator[Workspace]:
    """The workspace with its Terraform directory copied to a temporary directory (plus the override files) for
    one run; `.terraform/`, the provider lock file and plan files live there and are removed afterwards."""
    source = workspace.env_dir / "terraform"
    with tempfile.TemporaryDirectory(prefix=f"dev-agent-{workspace.name}-") as tmp:
        work_dir = Path(tmp) / "terraform"
        shutil.copytree(source, work_dir, ignore=shutil.ignore_patterns(*WORKING_FILES))
        for override in overrides:
            shutil.copyfile(override, work_dir / Path(override).name)
        try:
            yield dataclasses.replace(workspace, work_dir=work_dir)
        finally:
            for pattern in LOCAL_STATE:
                for state in work_dir.glob(pattern):
                    shutil.copyfile(state, source / state.name)
