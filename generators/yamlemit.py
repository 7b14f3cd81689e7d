"""YAML from data: every generated YAML file goes through `dump_yaml` (no anchors, no tags, quoted as needed)."""

from __future__ import annotations

from typing import Any

import yaml


class _SafeDumper(yaml.SafeDumper):
    """SafeDumper that never writes anchors/aliases and indents lists under their key."""

    def ignore_aliases(self, data: Any) -> bool:
        return True

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _str_presenter(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value and value.isprintable() is False and "\t" not in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_SafeDumper.add_representer(str, _str_presenter)


def dump_yaml(data: Any) -> str:
    """Serialise plain data (dict/list/str/int/float/bool/None) to YAML text."""
    return yaml.dump(data, Dumper=_SafeDumper, sort_keys=False, default_flow_style=False, allow_unicode=False, width=120)


def dump_yaml_documents(documents: list[Any]) -> str:
    """Several YAML documents separated by `---`."""
    return "---\n".join(dump_yaml(doc) for doc in documents)
