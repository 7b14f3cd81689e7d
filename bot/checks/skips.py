"""The checkov skip list: `policies/checkov-skips-*.yaml`, every entry with the reason it is accepted.

An entry may narrow where it applies: `cloud` (aws, gcp, azure; the file's `cloud` by default; none =
every cloud and the Kubernetes manifests) and `applies_to: {tier: [...]}` (none = every tier).
`resources` names the resource types the skip is about (documentation for reviewers).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

import policies
from bot.errors import InputError

POLICY_DIR = Path(policies.__file__).parent
CHECK_ID = re.compile(r"^CKV2?_[A-Z0-9]+_[0-9]+$")
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: the lists are read on every check


@dataclass(frozen=True)
class Skip:
    """One skipped checkov check, why, and the file that says so."""

    check_id: str
    reason: str
    source: str
    clouds: tuple[str, ...] = ()
    tiers: tuple[str, ...] = ()

    def applies(self, cloud: str | None, tier: str | None) -> bool:
        """Whether this skip covers an environment on `cloud` in `tier`."""
        return (not self.clouds or cloud in self.clouds) and (not self.tiers or tier in self.tiers)


class SkipListError(InputError):
    """A skip-list file that is malformed or has an entry without a reason."""


def load_skips(directory: Path = POLICY_DIR) -> list[Skip]:
    """Every skip from every `checkov-skips-*.yaml` in `directory` (read each time; parsed once per content)."""
    files = tuple((path.name, path.read_text(encoding="utf-8"))
                  for path in sorted(directory.glob("checkov-skips-*.yaml")))
    return list(_parse(files))


@lru_cache(maxsize=16)
def _parse(files: tuple[tuple[str, str], ...]) -> tuple[Skip, ...]:
    skips: list[Skip] = []
    for name, text in files:
        data = yaml.load(text, Loader=_LOADER) or {}
        entries = data.get("skips") if isinstance(data, dict) else None
        if not isinstance(entries, list):
            raise SkipListError(f"{name}: expected a `skips:` list")
        file_cloud = data.get("cloud")
        for index, entry in enumerate(entries):
            check_id = entry.get("id") if isinstance(entry, dict) else None
            reason = entry.get("reason") if isinstance(entry, dict) else None
            if not isinstance(check_id, str) or not CHECK_ID.match(check_id):
                raise SkipListError(f"{name}: skips[{index}].id must be a checkov check id like CKV_K8S_43")
            if not isinstance(reason, str) or len(reason.strip()) < 20:
                raise SkipListError(f"{name}: skips[{index}].reason must say why {check_id} is skipped")
            cloud = entry.get("cloud", file_cloud)
            tiers = (entry.get("applies_to") or {}).get("tier", []) if isinstance(entry.get("applies_to"), dict) else []
            skips.append(Skip(check_id=check_id, reason=" ".join(reason.split()), source=name,
                              clouds=(cloud,) if cloud else (), tiers=tuple(tiers)))
    return tuple(skips)


def skips_for(cloud: str | None, tier: str | None, directory: Path = POLICY_DIR) -> list[Skip]:
    """The skips that apply to one environment."""
    return [skip for skip in load_skips(directory) if skip.applies(cloud, tier)]
