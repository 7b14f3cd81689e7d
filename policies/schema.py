"""The org policy file: its model (unknown keys refused) and a loader whose errors name file and line."""

from __future__ import annotations

import datetime as dt
import fnmatch
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from bot.errors import InputError
from bot.install_source import InstallSource
from bot.spec import Cloud, Tier

BUNDLED_POLICY = Path(__file__).parent / "org-policy.yaml"

Login = Annotated[str, StringConstraints(pattern=r"^(\*|[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(\[bot\])?)$")]
Team = Annotated[str, StringConstraints(pattern=r"^([A-Za-z0-9][A-Za-z0-9-]{0,38}/)?[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")]


class PolicyModel(BaseModel):
    """Base for every part of the policy file: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid")


class CloudPolicy(PolicyModel):
    regions: list[str] = Field(default_factory=list, description="Allowed regions; empty = every region.")


class TierPolicy(PolicyModel):
    max_monthly_usd: float | None = Field(default=None, gt=0, description="Most an environment of this tier may cost.")
    max_ttl_days: int | None = Field(default=None, ge=1, description="Longest lifetime; null = no limit.")
    allow_replace: bool = Field(default=True, description="Whether `/dev-agent allow-replace` may accept a plan that "
                                "destroys or replaces a data-holding resource (false: never, e.g. for prod).")


class People(PolicyModel):
    """GitHub users (`*` = anyone) and teams (`org/slug` or `slug`)."""

    users: list[Login] = Field(default_factory=list)
    teams: list[Team] = Field(default_factory=list)

    def admits(self, login: str, teams: list[str] | tuple[str, ...] = ()) -> bool:
        """Whether `login`, member of `teams`, is one of these people."""
        if "*" in self.users or login.lower() in {u.lower() for u in self.users}:
            return True
        wanted = {t.lower() for t in self.teams}
        for team in teams:
            team = team.lower()
            if team in wanted or team.rsplit("/", 1)[-1] in wanted:
                return True
        return False


class OrgPolicy(PolicyModel):
    """The whole policy file (docs/policies.md)."""

    version: int = Field(default=1, ge=1, le=1)
    clouds: dict[Cloud, CloudPolicy] = Field(default_factory=lambda: {c: CloudPolicy() for c in Cloud})
    tiers: dict[Tier, TierPolicy] = Field(default_factory=dict)
    instance_types: dict[Cloud, list[str]] = Field(default_factory=dict, description="Glob patterns; absent = any.")
    required_tags: list[str] = Field(default_factory=list)
    request: People = Field(default_factory=lambda: People(users=["*"]))
    apply: People = Field(default_factory=People)
    override: People = Field(default_factory=People)
    install: InstallSource | None = Field(default=None, description="Where the generated workflows install dev-agent "
                                          "from (bot/install.py); the DEV_AGENT_INSTALL setting wins.")

    def tier(self, tier: Tier) -> TierPolicy:
        return self.tiers.get(tier, TierPolicy())

    def instance_type_allowed(self, cloud: Cloud, instance_type: str) -> bool:
        patterns = self.instance_types.get(cloud)
        if patterns is None:
            return True
        return any(fnmatch.fnmatchcase(instance_type, p) for p in patterns)

    def may_request(self, login: str, teams: list[str] | tuple[str, ...] = ()) -> bool:
        return self.request.admits(login, teams)

    def may_apply(self, login: str, teams: list[str] | tuple[str, ...] = ()) -> bool:
        return self.apply.admits(login, teams)

    def may_override(self, login: str, teams: list[str] | tuple[str, ...] = ()) -> bool:
        return self.override.admits(login, teams)


class Override(BaseModel):
    """An authorised exception to one org rule, recorded with who, why and when."""

    model_config = ConfigDict(extra="forbid")

    rule: str
    by: str = Field(min_length=1, description="GitHub login of the person who granted it")
    teams: list[str] = Field(default_factory=list, description="That person's teams when granted")
    reason: str = Field(min_length=3)
    at: dt.datetime


class PolicyError(InputError):
    """A policy file that cannot be used; each error reads `file:line: problem`."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("; ".join(errors))


def _line_map(node: yaml.Node, path: tuple[Any, ...], lines: dict[tuple[Any, ...], int], source: str) -> None:
    """Record the line of every mapping key and sequence item; refuse duplicate keys."""
    if isinstance(node, yaml.MappingNode):
        seen: set[Any] = set()
        for key_node, value_node in node.value:
            key = key_node.value
            if key in seen:
                raise PolicyError([f"{source}:{key_node.start_mark.line + 1}: duplicate key {key!r}"])
            seen.add(key)
            lines[(*path, key)] = key_node.start_mark.line + 1
            _line_map(value_node, (*path, key), lines, source)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[(*path, index)] = item.start_mark.line + 1
            _line_map(item, (*path, index), lines, source)


def _describe(err: dict[str, Any], lines: dict[tuple[Any, ...], int], source: str) -> str:
    loc = tuple(p for p in err["loc"] if p != "[key]")
    line = 1
    for end in range(len(loc), -1, -1):
        key = tuple(str(p) if not isinstance(p, int) else p for p in loc[:end])
        if key in lines:
            line = lines[key]
            break
    field = ".".join(str(p) for p in loc)
    if err["type"] == "extra_forbidden":
        return f"{source}:{line}: unknown key {str(loc[-1])!r}" + (
            f" in {'.'.join(map(str, loc[:-1]))}" if len(loc) > 1 else ""
        )
    return f"{source}:{line}: {field or 'policy'}: {err['msg'].removeprefix('Value error, ')}"


def parse_policy(text: str, source: str) -> OrgPolicy:
    """Validate policy YAML text; errors name `source` and the line of the offending key."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{source}:{mark.line + 1}" if mark else source
        raise PolicyError([f"{where}: not valid YAML: {getattr(exc, 'problem', exc)}"]) from None
    if not isinstance(data, dict):
        raise PolicyError([f"{source}:1: expected a mapping of policy keys"])
    lines: dict[tuple[Any, ...], int] = {}
    if root is not None:
        _line_map(root, (), lines, source)
    try:
        return OrgPolicy.model_validate(data)
    except ValidationError as exc:
        raise PolicyError([_describe(dict(e), lines, source) for e in exc.errors()]) from None


def load_policy(path: Path | None = None) -> OrgPolicy:
    """The policy at `path` (default: the bundled policies/org-policy.yaml)."""
    path = path or BUNDLED_POLICY
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError([f"{path}: cannot read: {exc}"]) from None
    return parse_policy(text, str(path))
