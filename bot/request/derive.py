"""Spec derivation: issue text + form fields + amendments + `set` assignments -> a validated spec, or the
questions to ask instead, with every refusal, assumption and default the reading made."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.commands.arguments import apply_assignments
from bot.cost.coverage import spec_refusal
from bot.request.issue_form import FormError, parse_issue_body
from bot.request.state import RequestState
from bot.spec import EnvironmentSpec, SpecError, spec_from_data
from bot.understanding import understand
from bot.understanding.ledger import Requirement, Status
from bot.understanding.model import RequestError
from bot.usertext import lookalikes, readable


@dataclass
class Derived:
    """A spec, or the questions to ask instead; `refused` and `notes` (assumptions, defaults, flags) reach the
    reviewer in the PR report."""

    spec: EnvironmentSpec | None
    data: dict[str, Any]
    questions: list[str]
    notes: list[str]
    refused: list[str] = field(default_factory=list)
    requirements: list[Any] = field(default_factory=list)  # bot.understanding.ledger.Requirement



def derive_spec(issue: dict[str, Any], state: RequestState, settings: Any,
                assignments: dict[str, Any] | None = None) -> Derived:
    """Issue text + form fields + amendments + `set` assignments -> a validated spec or questions."""
    questions: list[str] = []
    notes: list[str] = []
    refused: list[str] = []
    requirements: list[Any] = []
    try:
        request = parse_issue_body(issue.get("body") or "")
    except FormError as exc:
        return Derived(None, {}, [str(exc)], notes)
    text = " ".join([request.text, *state.amendments]).strip()
    if request.spec_data is not None:
        data = dict(request.spec_data)
        if state.amendments:
            notes.append("this request is a YAML spec: plain-language amendments are not applied; use /dev-agent set")
    else:
        data, questions, notes, refused, requirements = _understand(request.text.strip(), state.amendments, settings)
    engine_read = dict(data)
    data.update(request.fields)
    if state.environment:
        data["name"] = state.environment
    every = {**state.assignments, **(assignments or {})}
    data = apply_assignments(data, every)
    notes = _still_true(notes, engine_read, data, {*request.fields, *every})
    requirements = _replaced(requirements, engine_read, data, request.fields, every)
    lookalike = _lookalike_questions(" ".join([issue.get("body") or "", *state.amendments]), every)
    if lookalike:  # never silently read a look-alike identifier as another one
        return Derived(None, data, lookalike + questions, notes, refused, requirements)
    if questions and not every:  # the questions `dev-agent parse` asks; defaults never answer them
        return Derived(None, data, questions, notes, refused, requirements)
    notes += [f"not asked, because `/dev-agent set` gave fields: {q}" for q in questions]
    try:
        spec = spec_from_data(data, "request")
    except SpecError as exc:
        return Derived(None, data, questions or exc.errors, notes, refused, requirements)
    refusal = spec_refusal(spec)
    if refusal:
        return Derived(None, data, [refusal], notes, refused, requirements)
    if request.spec_data is None:
        notes += _unwritten(spec, text, {*request.fields, *every}, notes)
    return Derived(spec, data, [], notes, refused, requirements)



def _still_true(notes: list[str], engine_read: dict[str, Any], final: dict[str, Any], given: set[str]) -> list[str]:
    """The engine's notes without those about a value the form or `set` replaced: a form naming us-west-2 must not
    leave "no region named; using us-east-1" in the report."""
    replaced = {str(engine_read[key]) for key in given if "." not in key and isinstance(engine_read.get(key), str)
                and len(engine_read[key]) >= 3 and engine_read[key] != final.get(key)}
    return [note for note in notes if not any(value in note for value in replaced)]



def _replaced(rows: list[Any], engine_read: dict[str, Any], final: dict[str, Any], form: dict[str, Any],
              assignments: dict[str, Any]) -> list[Any]:
    """Ledger rows whose value the issue form or `/dev-agent set` replaced read "adjusted" with the value used and
    where it came from: text saying GCP under a form saying aws must not read "GCP honoured" over AWS files."""
    replaced = []
    for row in rows:
        key = row.field if isinstance(row, Requirement) else None
        if key and row.status == Status.honoured and (key in form or key in assignments) \
                and key in engine_read and engine_read[key] != final.get(key):
            source = f"/dev-agent set {key}={final.get(key)}" if key in assignments \
                else f"the issue form's {key} field ({final.get(key)})"
            row = row.model_copy(update={"status": Status.adjusted, "where": "", "reason": f"{source} is used instead"})
        replaced.append(row)
    return replaced


def _unwritten(spec: EnvironmentSpec, text: str, explicit: set[str], known: list[str]) -> list[str]:
    """Key values the request text does not spell out (defaults and derivations), for the reviewer to check;
    values an engine note already explains (`known`) are not repeated."""
    said = text.lower()
    values = {"name": spec.name, "cloud": spec.cloud.value, "region": spec.region, "tier": spec.tier.value}
    notes = [f"{key} is {value}: not written in the request (a default or derived value)"
             for key, value in values.items()
             if key not in explicit and value.lower() not in said and not any(value in note for note in known)]
    notes += [f"databases.{i}.version is {db.version}: no version in the request (the default)"
              for i, db in enumerate(spec.databases) if db.version and db.version not in said
              and f"databases.{i}.version" not in explicit]
    if spec.ttl_days is None and spec.expires_on is None and not explicit & {"ttl_days", "expires_on"}:
        notes.append("no lifetime in the request: the environment does not expire")
    return notes



def _lookalike_questions(body: str, assignments: dict[str, Any]) -> list[str]:
    """A question for every word written with look-alike letters: in the issue body as shown (its text, form
    fields and spec block) and in `set` values."""
    words = [readable(body), *(str(v) for v in assignments.values() if v is not None)]
    found = {x.written: x for chunk in words for x in lookalikes(chunk)}
    return [x.question() for x in found.values()]



def _understand(text: str, answers: list[str], settings: Any
                ) -> tuple[dict[str, Any], list[str], list[str], list[str], list[Any]]:
    """(spec data, questions, notes, refusals, requirements ledger) from the request text read with its later
    answers (the newest wins)."""
    if not text:
        text, answers = " ".join(answers).strip(), []
    if not text:
        return {}, [], [], [], []
    try:
        result = understand(text, settings, answers)
    except RequestError as exc:
        return {}, [f"the request text cannot be read: {exc}"], [], [], []
    data = result.spec.model_dump(mode="json", exclude_none=True) if result.spec else dict(result.partial)
    notes = list(result.notes)
    if result.fallback_reason:
        notes.append(f"the model was not used: {result.fallback_reason}")
    return data, list(result.questions), notes, list(result.refused), list(result.requirements)
