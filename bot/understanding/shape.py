"""The environment's shape from request words: internal-only exposure, SSH from a named network, a schedule,
background workers. Each reader returns spec data (or nothing) and the note the report shows for it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from bot.understanding import scan

INTERNAL = re.compile(
    r"\binternal(?:[- ]only)?\s+(?:(?!(?:for|to|and|or|with|of|on|in|at|by)\b)[\w.+#-]+\s+){0,2}?"
    r"(?:tool|app|application|service|dashboard|portal|api|site|backoffice|vm|server)\b"
    r"|\binternal[- ]only\b"
    r"|\bonly (?:reachable|accessible) (?:from|inside|within) (?:the |our )?(?:vpc|vnet|network|office|vpn)\b"
    r"|\bnot (?:exposed|reachable|accessible) (?:to|from) the (?:internet|public)\b"
    r"|\bno public (?:endpoint|access|ingress)\b"
    r"|\b(?:behind|over) (?:the |our )?vpn\b|\bprivate (?:endpoint|load balancer|alb)\b"
    r"|\bintranet\b|\binternal use\b|\bnur intern\b|\bs[oó]lo interno\b|\buniquement interne\b|\binterne uniquement\b"
    r"|\b(?:only|just) (?:for )?(?:our )?(?:employees|staff)\b|\b(?:employees|staff) only\b")
SSH_FROM = re.compile(r"\bssh\b[^.;\n]{0,40}?\bfrom\s+(?:the\s+)?(?:(?:office|corporate|vpn|internal)\s+)?"
                      r"(?:network\s+|range\s+|cidr\s+)?"
                      r"(?P<cidrs>\d{1,3}(?:\.\d{1,3}){3}/\d{1,2}(?:\s*(?:,|and|or)\s*\d{1,3}(?:\.\d{1,3}){3}/\d{1,2})*)")
CIDR = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}/\d{1,2}")
# schedule words -> cron (UTC)
SCHEDULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\b(?:nightly|every night|each night|once a night)\b"), "0 2 * * *"),
    (re.compile(r"\b(?:hourly|every hour|once an hour)\b"), "0 * * * *"),
    (re.compile(r"\b(?:weekly|every week|once a week)\b"), "0 2 * * 1"),
    (re.compile(r"\b(?:daily|every day|once a day)\s+(?:batch|job|run|report|export|import|sync|task)"
                r"|\b(?:batch|cron|scheduled)\s+(?:job|task)s?\s+(?:that runs?\s+)?(?:daily|every day|once a day)\b"),
     "0 2 * * *"),
]
EVERY_N = re.compile(r"\bevery (?P<n>\d{1,2}) ?(?P<unit>minutes?|mins?|hours?|hrs?)\b|\bevery (?P<one>minute)\b")
# "db backups every 6 hours", "nightly snapshots": a schedule of backups or logs, not of the app
NOT_JOB_BEFORE = re.compile(r"\b(?:backups?|snapshots?|logs?|rotat\w*|dumps?)\b[^.;,\n]{0,15}$")
NOT_JOB_AFTER = re.compile(r"\s*(?:backups?|snapshots?|dumps?)\b")
# "a Rails app ... and a nightly cron job": the job comes with an app that serves requests (not the app itself)
SIDE_JOB_BEFORE = re.compile(r"\b(?:with|and|plus|also|as well as)\s+(?:an?\s+|some\s+|the\s+)?$")
AT_HOUR = re.compile(r"\bat\s+(?P<h>\d{1,2})(?::(?P<m>\d{2}))?\s*(?P<ampm>am|pm)?\s*(?:utc)?\b")
CRON_TEXT = re.compile(r"\bcron\s*[:=(`\"']\s*(?P<cron>[0-9*,/-]+(?:\s+[0-9*,/-]+){4})")
# worker words -> (worker name, command)
WORKERS: list[tuple[re.Pattern[str], str, list[str]]] = [
    (re.compile(r"\bsidekiq\b"), "sidekiq", ["bundle", "exec", "sidekiq"]),
    (re.compile(r"\bcelery\b"), "celery", ["celery", "-A", "app", "worker", "--loglevel=INFO"]),
    (re.compile(r"\brq workers?\b|\bpython-rq\b"), "rq", ["rq", "worker"]),
    (re.compile(r"\bresque\b"), "resque", ["bundle", "exec", "rake", "resque:work"]),
    (re.compile(r"\bbullmq\b"), "bullmq", ["node", "worker.js"]),
    (re.compile(r"\b(?:background|queue) workers?\b|\bworker (?:process|service)\b|\bplus a worker\b|\band a worker\b"),
     "worker", []),
]


@dataclass
class Shape:
    """Spec data the request's shape words produce, and notes for the report."""

    exposure: str | None = None
    ssh_from: list[str] = field(default_factory=list)
    schedule: str | None = None
    side_job: str | None = None  # a schedule's words when the job comes with the app ("app ... and a nightly job")
    workers: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _about_data(text: str, match: re.Match[str]) -> bool:
    """The schedule words qualify backups, snapshots or logs ("backups every 6 hours", "nightly snapshots")."""
    return bool(NOT_JOB_BEFORE.search(text, max(0, match.start() - 30), match.start())
                or NOT_JOB_AFTER.match(text, match.end()))


def _every(text: str) -> re.Match[str] | None:
    """`every 5 minutes`, `every 2 hours` (a step that divides the minute or the hour evenly enough for cron)."""
    match = scan.search(EVERY_N, text)
    if match is not None and _about_data(text, match):
        return None
    if match is None or match.group("one"):
        return match
    n = int(match.group("n"))
    return match if 1 <= n <= (59 if match.group("unit").startswith("m") else 23) else None


def _schedule(text: str) -> tuple[str | None, str | None, re.Match[str] | None]:
    explicit = scan.search(CRON_TEXT, text)
    if explicit:
        cron = " ".join(explicit.group("cron").split())
        return cron, f"runs on the cron schedule `{cron}` (UTC)", explicit
    every = _every(text)
    if every:
        unit = "m" if every.group("one") or every.group("unit").startswith("m") else "h"
        step = every.group("n") or "1"
        cron = (f"*/{step} * * * *" if step != "1" else "* * * * *") if unit == "m" else f"0 */{step} * * *"
        return cron, f"'{every.group().strip()}' runs as a scheduled job (`{cron}` UTC) with no public endpoint", every
    for pattern, cron in SCHEDULES:
        match = scan.search(pattern, text)
        if match is None or _about_data(text, match):
            continue
        at = AT_HOUR.search(text, match.start() - 40 if match.start() > 40 else 0)
        if at and cron != "0 * * * *":
            hour = int(at.group("h"))
            if at.group("ampm"):
                hour = hour % 12 + (12 if at.group("ampm") == "pm" else 0)
            if hour < 24:
                fields = cron.split()
                fields[0], fields[1] = str(int(at.group("m") or 0) % 60), str(hour)
                cron = " ".join(fields)
        return cron, f"'{match.group().strip()}' runs as a scheduled job (`{cron}` UTC) with no public endpoint", match
    return None, None, None


def read_shape(text: str) -> Shape:
    """Shape words of a lowercased request."""
    shape = Shape()
    internal = scan.search(INTERNAL, text)
    if internal:
        shape.exposure = "internal"
        shape.notes.append(f"'{internal.group().strip()}': internal load balancer, no internet ingress")
    ssh = scan.search(SSH_FROM, text)
    if ssh:
        shape.ssh_from = CIDR.findall(ssh.group("cidrs"))
        shape.notes.append(f"SSH allowed from {', '.join(shape.ssh_from)} only (port 22, never the internet)")
    schedule, note, match = _schedule(text)
    if match is not None and SIDE_JOB_BEFORE.search(text, max(0, match.start() - 30), match.start()):
        shape.side_job = match.group().strip()
        shape.notes.append(f"'{shape.side_job}': a scheduled job next to the app is not generated (`compute.schedule` "
                           "would run the whole app as the job, with no endpoint); the app keeps serving requests")
    elif note:
        shape.schedule = schedule
        shape.notes.append(note)
    for pattern, name, command in WORKERS:
        if scan.search(pattern, text) and not any(w["name"] == name for w in shape.workers):
            shape.workers.append({"name": name, "command": command} if command else {"name": name})
            shape.notes.append(f"a '{name}' worker runs next to the app (same image, no endpoint)")
            break
    return shape
