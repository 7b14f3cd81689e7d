"""The generated Helm chart of a spec, written and rendered as `helm install` would (helm SDK, offline)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import helm_python
import yaml

from bot.pipeline.planning import plan_environment
from bot.settings import Settings
from bot.spec import spec_from_data
from generators import helm
from generators.helm import chart_dir
from generators.output import write_tree


def render_chart(data: dict[str, Any], out: Path) -> tuple[Path, dict[str, list[dict[str, Any]]], dict[str, str]]:
    """Plan the spec `data`, write its chart under `out` and render it as an install into the environment's namespace:
    (chart directory, rendered objects by kind, the generated chart files by path)."""
    plan = plan_environment(spec_from_data(data))
    files = helm.generate(plan, Settings())
    write_tree(files, out)
    chart = out / chart_dir(plan)
    rendered = helm_python.Chart.load(str(chart)).render(name=chart.name, namespace=plan.spec.name, is_install=True)
    objects: dict[str, list[dict[str, Any]]] = {}
    for text in rendered.values():
        for doc in yaml.safe_load_all(text):
            if doc:
                objects.setdefault(doc["kind"], []).append(doc)
    return chart, objects, files
