"""A model reply checked against what the request text says, field by security-relevant field.

The model's spec validates, but that does not mean the request asked for it. For the fields that decide where
the environment runs, what it runs and how long it lives (cloud, region, tier, app image, expiry, lifetime),
the reply is compared with the deterministic reading of the same text and with the text itself:

- a value the text contradicts (it names another region, cloud or tier) is replaced by the text's reading;
- a value the text never mentions (an image, an expiry date) is dropped;
- each disagreement becomes a `flagged:` note that the PR report shows to the reviewer.

Public exposure and IAM cannot be expressed in the spec at all (its model forbids extra fields), so a reply
can never open a port or grant a role; the refusals come from the text guard, not from the model.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from bot.spec import EnvironmentSpec, SpecError, spec_from_data
from bot.understanding.model import Understanding

FLAG = "flagged: "
_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def crosscheck(text: str, reply: EnvironmentSpec, reading: Understanding) -> tuple[EnvironmentSpec, list[str]]:
    """The reply with every field the request does not support replaced or dropped, and a flag per change."""
    said = text.lower()
    data: dict[str, Any] = reply.model_dump(mode="json", exclude_none=True)
    parsed: dict[str, Any] = (
        reading.spec.model_dump(mode="json", exclude_none=True) if reading.spec else dict(reading.partial)
    )
    named_region = not any(note.startswith("no region named") for note in reading.notes)
    flags: list[str] = []

    def use(key: str, value: Any, why: str) -> None:
        using = value if value is not None else "nothing"
        flags.append(f"{FLAG}the model answered {key}={data.get(key)!s} but {why}; using {using}")
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value

    if "cloud" in parsed and data.get("cloud") != parsed["cloud"] and parsed["cloud"] in said:
        use("cloud", parsed["cloud"], f"the request names {parsed['cloud']}")
    if named_region and parsed.get("region") and data.get("region") != parsed["region"]:
        use("region", parsed["region"], f"the request reads as {parsed['region']}")
    elif not named_region and data.get("region") != parsed.get("region") and data.get("region", "") not in said:
        use("region", parsed.get("region"), "the request names no region (the cloud's default applies)")
    elif not parsed.get("region") and data.get("region", "") not in said:
        flags.append(
            f"{FLAG}region {data.get('region')} is the model's reading of a place dev-agent does not know; check it"
        )
    if data.get("tier") != parsed.get("tier", "dev"):
        use("tier", parsed.get("tier", "dev"), f"the request reads as tier {parsed.get('tier', 'dev')}")
    image = (data.get("app") or {}).get("image")
    if image and image.lower() not in said:
        flags.append(f"{FLAG}the model answered app.image={image} but the request names no such image; dropped")
        data["app"].pop("image")
    expires = data.get("expires_on")
    if expires and expires not in _dates(text):
        use("expires_on", None, "the request names no such date")
    if data.get("ttl_days") != parsed.get("ttl_days"):
        use(
            "ttl_days",
            parsed.get("ttl_days"),
            "the request reads as " + (f"{parsed['ttl_days']} days" if parsed.get("ttl_days") else "no lifetime"),
        )
    if not flags:
        return reply, []
    try:
        return spec_from_data(data, "model reply (checked against the request)"), flags
    except SpecError as exc:  # the corrected reply no longer fits together: take the text's own reading
        return reading.spec or reply, [
            *flags,
            f"{FLAG}the corrected reply did not validate ({'; '.join(exc.errors)[:200]})",
        ]


def _dates(text: str) -> set[str]:
    found = set()
    for match in _DATE.finditer(text):
        try:
            found.add(dt.date(*map(int, match.groups())).isoformat())
        except ValueError:
            continue
    return found
