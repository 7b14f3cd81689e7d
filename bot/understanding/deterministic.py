"""The deterministic engine: rules and the vocabulary tables turn request text into a spec, offline.

Reading order: refused asks are blanked out, region codes and vocabulary words are found with their
positions, negated ("no database") and corrected ("DynamoDB... actually make that Postgres") mentions
are dropped, numbers are read in context (versions, budget, lifetime, replicas), then the spec is
assembled with defaults and checked. Anything a person must decide becomes a question.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import math
import re
from collections.abc import Sequence
from typing import Any

from bot.regions import DEFAULT_REGION, REGIONS, cloud_of_region
from bot.spec import (
    DATABASE_VERSIONS,
    FRAMEWORK_LANGUAGE,
    OFFERED,
    Cloud,
    DatabaseEngine,
    Framework,
    SpecError,
    slugify,
    spec_from_data,
)
from bot.understanding import judge, scan
from bot.understanding import vocabulary as vocab
from bot.understanding.asks import ASKS
from bot.understanding.guard import check_request, normalize, refusal_spans
from bot.understanding.ledger import Requirement
from bot.understanding.model import RequestError, Understanding
from bot.understanding.reading import (
    NEGATION_AFTER,
    NEGATION_BEFORE,
    WB_AFTER,
    WB_AFTER_VERSIONED,
    WB_BEFORE,
    Mention,
    Reading,
    Table,
    vocabulary_table,
    words,
)
from bot.understanding.shape import read_shape
from policies.profiles import region_allowed

ENGINE = "deterministic"
MAX_REPLICAS = 100
MAX_STORAGE_GB = 16384
MAX_DATABASES = 4
MAX_BUCKETS = 10
MAX_CPU, MAX_MEMORY_GB = 16.0, 64.0
MAX_TTL_DAYS = 365
MAX_BUDGET = 1_000_000


TABLES: tuple[Table, ...] = (
    vocabulary_table("cloud", vocab.CLOUD_WORDS),
    vocabulary_table("product", vocab.PRODUCTS),
    vocabulary_table("place", vocab.PLACES),
    vocabulary_table("framework", vocab.FRAMEWORKS, WB_AFTER_VERSIONED),
    vocabulary_table("other_framework", vocab.OTHER_FRAMEWORKS),
    vocabulary_table("language", vocab.LANGUAGES, WB_AFTER_VERSIONED),
    vocabulary_table("database", vocab.DATABASES, WB_AFTER_VERSIONED),
    vocabulary_table("unsupported_database", vocab.UNSUPPORTED_DATABASES),
    vocabulary_table("cache", vocab.CACHES),
    vocabulary_table("queue", vocab.QUEUES),
    vocabulary_table("search", vocab.SEARCHES),
    vocabulary_table("monitoring", vocab.MONITORING),
    vocabulary_table("generic", {pattern: kind for kind, pattern in vocab.GENERIC.items()}),
    vocabulary_table("tier", vocab.TIERS),
    vocabulary_table("compute", vocab.COMPUTE_WORDS),
)
# "Go" the language is only recognised when it is clearly a language, never the verb.
GO_LANGUAGE = re.compile(
    r"(?<![A-Za-z])(?:Go(?=\s*(?:\d|\(|[a-z]+\s+(?:service|api|app|backend|microservice|worker|server|function|binary)|"
    r"(?:service|api|app|backend|microservice|worker|server|functions?|binary|lambda)\b))|(?<=in )Go\b|go(?=\s?1\.\d)"
    r"|(?<=in )go\b(?![ -]?(?:live|ahead))|go(?= (?:service|api|microservice|backend|worker|binary)\b))"
)

# Which mentions compete with each other when a request corrects itself or negates something.
CATEGORY_GROUP = {
    "database": "database", "unsupported_database": "database", "cache": "cache", "queue": "queue",
    "search": "search", "monitoring": "monitoring", "cloud": "cloud", "place": "place", "region_code": "place",
    "framework": "framework", "other_framework": "framework", "language": "language", "compute": "compute",
}

CORRECTION = re.compile(
    r"\b(?:actually|make (?:that|it)|scratch that|no wait|wait,? no|on second thought|i mean|change (?:that|it) to|correction|rather)\b"
)
REGION_TOKEN = re.compile(r"(?<![a-z0-9-])[a-z]+(?:-[a-z]+)*-?\d{0,2}(?![a-z0-9-])")
ALL_REGION_CODES = frozenset().union(*REGIONS.values())
VERSION_AFTER = re.compile(
    r"(?:\s+(?:api|app|service|backend|worker))?\s*\(\s*v?(\d{1,3}(?:\.\d{1,3}){0,2})\s*\)"
    r"|\s*(?:v|version\s*)?(\d{1,3}(?:\.\d{1,3}){0,2})(?![\d.]*\s*(?:%|gb|gib|mb|tb|tib|pb|pib|vcpus?|cpus?|cores?|replicas?|pods?|"
    r"instances?|days?|weeks?|hours?|months?|nodes?|x\b|k\b|/|usd|dollars?|\$))(?![\d])"
)

NUM_WORDS = "|".join(sorted((re.escape(w) for w in vocab.NUMBER_WORDS if w not in {"a", "an"}), key=len, reverse=True))
NUM = rf"(?:\d{{1,3}}(?:,\d{{3}})+|\d{{1,7}}|{NUM_WORDS})"
REPLICA_NOUN = r"(?:r[eé]plicas?|pods?|instances?|copies|containers?|tasks?|vms?|servers?|machines?)"
REPLICA_ADJ = r"(?:(?:small|tiny|large|medium|app|web|api|identical|container|pod|always-on|warm|running|application)\s+)?"
REPLICA_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("range", re.compile(rf"\b(?:min(?:imum)?(?:\s+of)?\s*[:=]?\s*(?P<a>{NUM})\s*(?:{REPLICA_NOUN})?\s*[,;/]?\s*(?:and\s+|to\s+)?"
                         rf"max(?:imum)?(?:\s+of)?\s*[:=]?\s*(?P<b>{NUM}))\b")),
    ("range", re.compile(rf"\b(?:from\s+|between\s+)?(?P<a>{NUM})\s*(?:-|to|\.\.\.?|through|and)\s*(?P<b>{NUM})\s+{REPLICA_ADJ}{REPLICA_NOUN}\b")),
    ("range", re.compile(rf"\b(?:auto-?scal\w*|scal\w*|replicas?|pods?|instances?)\s*[:=]?\s*(?:\w+\s+){{0,2}}?(?:from\s+|between\s+)?"
                         rf"(?P<a>{NUM})\s*(?:-|to|up to|\.\.\.?|and|through)\s*(?P<b>{NUM})\b")),
    ("max", re.compile(rf"\b(?P<b3>{NUM})\s+{REPLICA_ADJ}{REPLICA_NOUN}\s+(?:max(?:imum)?|at most|tops)\b|\b(?:up to|at most|max(?:imum)?(?:\s+of)?|scal\w*\s+(?:up\s+)?to)\s*[:=]?\s*(?P<b>{NUM})\s+{REPLICA_ADJ}{REPLICA_NOUN}\b"
                       rf"|\bauto-?scal\w*\s+(?:up\s+)?to\s+(?P<b2>{NUM})\b")),
    ("min", re.compile(rf"\b(?:at least|min(?:imum)?(?:\s+of)?)\s*[:=]?\s*(?P<a>{NUM})\s+{REPLICA_ADJ}{REPLICA_NOUN}\b")),
    ("fixed", re.compile(rf"\b(?:a\s+)?(?P<n>{NUM})\s+{REPLICA_ADJ}{REPLICA_NOUN}\b|\b{REPLICA_NOUN}\s*[:=]\s*(?P<n2>\d{{1,3}})\b")),
)

MONEY = re.compile(
    r"(?<![\w.,/-])(?P<cur>\$|us\$|usd\s?|€|eur\s?|£|gbp\s?)?(?P<num>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?![\d.,]\d)"
    r"\s?(?P<k>k|thousand|grand)?(?![a-z])(?:\s?(?P<unit>usd|dollars?|bucks|eur|euros?|gbp|pounds?)\b)?"
    r"(?P<per>\s*(?:/|per|pro|par|por|al|a|an|each|every)\s*(?:month|monat|mois|mes|mo|mth|year|yr|annum|week|wk|day|hour|hr)s?\b|\s*(?:monthly|annually|yearly|pm|p/m)\b)?"
)
# "cost-center=1234" is a tag, not a budget: the word must not run on into a hyphenated name
BUDGET_STRONG = re.compile(r"\b(?:budget|cap|capped|spend|spending|cost|costs|limit|max spend|ceiling)\b(?![-_])[^.;\n\d]{0,25}$")
BUDGET_WEAK = re.compile(r"\b(?:under|below|less than|within|at most|no more than|max(?:imum)?|up to|about|around|roughly)\s*~?$")
PERIOD_FACTOR = {"month": 1.0, "monat": 1.0, "mois": 1.0, "mes": 1.0, "mo": 1.0, "mth": 1.0,
                 "year": 1 / 12, "yr": 1 / 12, "annum": 1 / 12, "annually": 1 / 12,
                 "yearly": 1 / 12, "week": 52 / 12, "wk": 52 / 12, "day": 30.0, "hour": 730.0, "hr": 730.0}

DURATION = re.compile(
    rf"\b(?P<n>\d{{1,4}}|{NUM_WORDS}|a|an)\s*-?\s*(?P<unit>hours?|hrs?|h|days?|d|weeks?|wks?|w|months?|years?|yrs?|fortnights?|"
    r"wochen|woche|tagen|tage|tag|monaten|monate|monat|semaines?|jours?|semanas?|d[ií]as?|mois|meses|mes)\b"
    r"|\b(?P<word>overnight|fortnight|the weekend|a weekend)\b"
)
DURATION_CONTEXT = re.compile(
    r"\b(?:for|in|after|lasts?|lasting|ttl|expire[sd]?|expiry|expiring|lifetime|keep|kept|needed|need it|around|delete|deleted|destroy|"
    r"tear|torn|live|lives|only|within|next|about|up|until|valid|short-lived|f[uü]r|pour|para|durante|pendant)\b[^.;\n\d]{0,25}$"
)
DURATION_NOT_LIFETIME = re.compile(r"\b(?:retention|retain|retained|backups?|logs?|history|snapshots?|rpo|rto|old)\b[^.;\n]{0,20}$")
FOREIGN_UNITS = {"wochen": "week", "woche": "week", "tagen": "day", "tage": "day", "tag": "day", "monaten": "month",
                 "monate": "month", "monat": "month", "semaine": "week", "semaines": "week", "jour": "day", "jours": "day", "semana": "week",
                 "semanas": "week", "dia": "day", "dias": "day", "día": "day", "días": "day", "mois": "month", "meses": "month",
                 "mes": "month"}
UNIT_DAYS = {"h": 1 / 24, "hr": 1 / 24, "hour": 1 / 24, "d": 1, "day": 1, "w": 7, "wk": 7, "week": 7, "month": 30, "fortnight": 14,
             "year": 365, "yr": 365}

HA = re.compile(r"\b(?:high[- ]availability|highly[- ]available|ha|multi[- ]az|failover|standby|redundan(?:t|cy)|replicated)\b")
# "500 GB of storage", "a 20 TB postgres", "storage: 2 TB", "disk size 500GB" (the size before or after its noun)
STORAGE_NOUN = (r"(?:storage|disk|ssd|database|db|data|volume|postgres(?:ql)?|mysql|mariadb|mongo(?:db)?|aurora|rds|"
                r"cloud sql|sql server)")
STORAGE = re.compile(rf"\b(?P<n>\d{{1,3}}(?:,\d{{3}})+|\d{{1,7}}(?:\.\d+)?)\s*(?P<u>gb|gib|tb|tib|pb|pib)\s*(?:of\s+)?{STORAGE_NOUN}\b"
                     r"|\b(?:storage|disk(?: size)?|volume(?: size)?)\s*(?:of|[:=]|size)?\s*(?P<n2>\d{1,3}(?:,\d{3})+|\d{1,7}(?:\.\d+)?)"
                     r"\s*(?P<u2>gb|gib|tb|tib|pb|pib)\b")
CPU = re.compile(r"\b(?P<n>\d{1,3}(?:,\d{3})+|\d{1,5}(?:\.\d+)?)\s*(?:v?cpus?|cores?)\b")
# "4 GB of RAM", "512MB memory", "Memory: 512MB", "RAM 2 GB"
MEMORY = re.compile(r"\b(?P<n>\d{1,3}(?:,\d{3})+|\d{1,6}(?:\.\d+)?)\s*(?P<u>gb|gib|g|tb|tib|mb|mib|m)\s*(?:of\s+)?(?:ram|memory|mem)\b"
                    r"|\b(?:ram|memory|mem)\s*(?:of|[:=])?\s*(?P<n2>\d{1,3}(?:,\d{3})+|\d{1,6}(?:\.\d+)?)\s*"
                    r"(?P<u2>gb|gib|g|tb|tib|mb|mib)\b")
MEMORY_UNIT_GB = {"t": 1024.0, "m": 1 / 1024}
CACHE_SIZE_BEFORE = re.compile(r"\b(?:redis|memcached|valkey|cache|elasticache|memorystore)\b[^,;.\n]{0,18}$")
SIZE_WORDS = {"tiny": (0.25, 0.5), "small": (0.5, 1.0), "medium": (1.0, 2.0), "large": (2.0, 4.0), "beefy": (4.0, 8.0)}
SIZE = re.compile(r"\b(tiny|small|medium|large|beefy)\b")
PORT = re.compile(r"\b(?:port|listens? on|listening on)\s*[:=]?\s*(?P<port>\d{2,5})\b")
HEALTH = re.compile(r"\bhealth(?:\s*check)?(?:\s+(?:path|endpoint|route))?\s*(?:at|on|is|:|=)?\s*(?P<path>/[a-z0-9._~/-]{0,100})")
IMAGE = re.compile(r"\bimage\s*[:=]?\s*(?P<image>[a-z0-9][a-z0-9._/-]{0,200}(?::[a-z0-9._-]{1,128}|@sha256:[a-f0-9]{64}))")
OWNER = re.compile(
    r"\b(?:team|squad|owner|owned by|owner is|belongs to)\s*[:=]?\s*(?:the\s+)?(?:team\s+)?[\"'@]?(?P<o>[a-z][a-z0-9_-]*(?:/[a-z0-9_-]+)?)"
    r"|\b(?:for|by)\s+the\s+(?P<o2>[a-z][a-z0-9-]+)\s+team\b"
)
NOT_OWNERS = frozenset({"a", "an", "the", "our", "my", "your", "their", "is", "of", "will", "and", "that", "who", "which", "dev", "whole", "lead", "needs",
                        "access", "members", "member", "permissions", "permission", "can", "should", "to", "with", "has", "have",
                        "wants", "want", "are", "was", "were", "leads", "it", "this", "on", "in", "for", "at", "read", "write",
                        "admin", "read-only", "readonly", "read-write", "rights", "roles", "role", "account", "accounts", "login", "logins", "gets", "get", "uses", "use"})
SERVICE_NAMED = re.compile(r"\b(?:called|named|name(?:d)? it|service name|app name)\s*[:=]?\s*[\"'`]?(?P<s>[a-z][a-z0-9-]{1,38})")
SERVICE_HYPHEN_AFTER_FOR = re.compile(r"\b(?:for|of)\s+(?:the\s+|our\s+|my\s+)?[\"'`]?(?P<s>[a-z][a-z0-9]*(?:-[a-z0-9]+)+)(?![a-z0-9-])")
SERVICE_HYPHEN = re.compile(
    r"(?<![a-z0-9-])(?P<s>[a-z][a-z0-9]*(?:-[a-z0-9]+)*-(?:api|web|svc|service|app|worker|ui|frontend|backend|server|site|bot|gateway|portal|job|cron))(?![a-z0-9-])"
)
SERVICE_BACKTICK = re.compile(r"`(?P<s>[a-z][a-z0-9-]{1,38})`")
SERVICE_FOR_ENV = re.compile(
    r"\b(?:env(?:ironment)?s?|stack|setup|infra(?:structure)?|deployment|sandbox|prod|production|staging|uat|qa)\s+for\s+"
    r"(?:the\s+|our\s+|my\s+)?[\"'`]?"
    r"(?!(?:now|today|tomorrow|launch|testing|demos?|load|a|an)\b)"
    r"(?P<s>[a-z][a-z0-9-]{1,38})(?![a-z0-9-])(?!\s+(?:testing|tests?|team|teams|purposes?|people|users|customers|days?|weeks?|months?|hours?)\b)"
)
SERVICE_LABEL = re.compile(r"^\s*(?P<s>[a-z][a-z0-9-]{1,38})\s*:\s")
NOT_LABEL_NAMES = frozenset(
    "note notes requirements requirement region cloud budget database db stack env environment tier owner team update edit also ps "
    "todo context summary details ask request goal need needs hi hello hey thanks specs spec setup infra infrastructure what where "
    "why how when please urgent important fyi me us you them myself ourselves it this that".split()
)
SERVICE_NOUN = re.compile(
    r"(?<![a-z0-9.-])(?P<s>[a-z][a-z0-9]+)\s+(?P<noun>service|svc|microservice|api|app|site|website|backend|frontend|worker|bot|portal|dashboard|gateway)\b"
    r"(?!\.[a-z0-9])"  # "api.example.com" is a host name, not a noun
)
VAGUE_WORKLOAD_NOUNS = frozenset(
    {"app", "apps", "application", "applications", "service", "services", "platform", "server"}
)
NO_WORKLOAD_QUESTION = (
    "What should run in this environment? Name the app's framework or language (for example FastAPI, "
    "Express, Spring Boot, Rails) and any database, cache or queue it needs."
)
SUPPORTED_FRAMEWORKS = "FastAPI, Django, Flask, Express, Next.js, NestJS, Spring Boot, Gin, Rails, Laravel, ASP.NET Core"
DB_NAMES = {"postgres": "PostgreSQL", "mysql": "MySQL", "mongodb": "MongoDB", "sqlserver": "SQL Server"}
CLOUD_NAMES = {"aws": "AWS", "gcp": "GCP", "azure": "Azure"}


MAX_MENTIONS = 300  # real requests name a few dozen things; a crafted one thousands


class TooManyMentions(RequestError):
    """A request naming more things than one environment has (it bounds the work of every later step)."""


def parse(text: str, answers: Sequence[str] = ()) -> Understanding:
    """Understand one request with rules and tables (no network).

    `answers` are the requester's later answers and amendments, oldest first: what they say replaces what the
    request said about the same thing."""
    try:
        reading, data = read(text, answers)
    except TooManyMentions as exc:
        return Understanding(needs_clarification=True, questions=[str(exc)], engine=ENGINE)
    return finish(reading, data)


def read(text: str, answers: Sequence[str] = ()) -> tuple[Reading, dict[str, Any]]:
    """The reading of a request (with its answers) and the spec data assembled from it."""
    check_request(text)
    for answer in answers:
        check_request(answer)
    newest_first = [normalize(a).strip() for a in reversed(answers) if a.strip()]
    text = "\n".join([*newest_first, normalize(text)])
    boundary = sum(len(a) + 1 for a in newest_first)
    lowered = text.lower()
    if len(lowered) != len(text):  # a letter whose lower case is longer (İ): keep positions aligned
        lowered = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)
    reading = Reading(text=text, work=lowered)
    reading.refusal_spans = refusal_spans(text)
    reading.refused = list(dict.fromkeys(reason for _, _, reason in reading.refusal_spans))
    for start, end, _ in reading.refusal_spans:
        reading.blank(start, end)
    for match in re.finditer(r"dev-agent", reading.work):
        reading.blank(*match.span())
    _find_region_codes(reading)
    _find_mentions(reading)
    if len(reading.mentions) > MAX_MENTIONS:  # bounds the work of every later step, whatever the text
        raise TooManyMentions(f"the request names {len(reading.mentions):,} products, places and settings; describe "
                              f"one environment in a few sentences (at most {MAX_MENTIONS} of them)")
    _find_typos(reading)
    _read_versions(reading)
    _drop_homonyms(reading)
    _drop_negated(reading)
    _drop_corrected(reading)
    _drop_answered(reading, boundary)
    return reading, _assemble(reading)


# --- finding -------------------------------------------------------------------------------------


def _find_region_codes(reading: Reading) -> None:
    for match in REGION_TOKEN.finditer(reading.work):
        if match.group() in ALL_REGION_CODES:
            reading.mentions.append(Mention("region_code", match.group(), *match.span()))
            reading.blank(*match.span())


def _find_mentions(reading: Reading) -> None:
    found: list[Mention] = []
    for table in TABLES:
        for pattern, value, prefixes in table.patterns:
            if prefixes and not any(prefix in reading.work for prefix in prefixes):
                continue
            for match in words(pattern, reading.work):
                found.append(Mention(table.cat, value, *match.span()))
    for match in GO_LANGUAGE.finditer(reading.text):
        if reading.work[match.start():match.end()].strip():
            found.append(Mention("language", "go", *match.span()))
    reading.mentions.extend(sorted(_outermost(found), key=lambda m: (m.start, m.end)))


def _outermost(found: list[Mention]) -> list[Mention]:
    """Mentions not inside a longer one ("redis" in "azure cache for redis" belongs to the longer one).

    One sort and one sweep: in (start, -end) order a mention is inside a longer one exactly when an earlier
    mention with a different span ends at or after it (equal spans are neighbours, so they are skipped as a group).
    """
    ordered = sorted(found, key=lambda m: (m.start, -m.end))
    kept: list[Mention] = []
    reach = -1  # the furthest end of the mentions before the current group of equal spans
    group_reach, span = -1, None
    for mention in ordered:
        if (mention.start, mention.end) != span:
            reach, span = max(reach, group_reach), (mention.start, mention.end)
            group_reach = mention.end
        if reach < mention.end:
            kept.append(mention)
    return kept


HOMONYM_AFTER = re.compile(
    r"\s*(?:passwords?|passwd|credentials?|creds|user ?names?|users?|connection(?: strings?)?|urls?|"
    r"hosts?(?:names?)?|secrets?|"
    r"migrations?|schemas?|dumps?|exports?|seeds?)\b"
)


# "a GPU node", "worker node", "node pool": a machine of a cluster, not Node.js
MACHINE_NODE_BEFORE = re.compile(r"(?:gpu|worker|k8s|kubernetes|cluster|compute|spot|master|control[- ]plane|edge|ec2|"
                                 r"xlarge|large|single|one|each|per|extra|\d)\s*$")
MACHINE_NODE_AFTER = re.compile(r"\s*(?:pools?|groups?|counts?|types?|sizes?|selectors?|affinity)\b")


def _drop_homonyms(reading: Reading) -> None:
    """`db password`, `database credentials`: words about a database's secrets or data, not a request for one;
    `GPU node`, `node pool`: a cluster's machine, not the Node.js language."""
    for mention in reading.mentions:
        if mention.cat == "generic" and mention.value == "database" and HOMONYM_AFTER.match(reading.work, mention.end):
            mention.dropped, mention.dropped_by = True, "homonym"
        if (mention.cat in {"queue", "product"} and re.fullmatch(r"pub ?/ ?sub|pubsub|pub sub",
                                                                 reading.work[mention.start:mention.end])
                and re.search(r"\b(?:redis|valkey|postgres(?:ql)?)(?:'s)?\s*$",
                              reading.work[max(0, mention.start - 12):mention.start])):
            mention.dropped, mention.dropped_by = True, "homonym"  # "Redis pub/sub" is Redis's feature, not GCP's
        if (mention.cat == "compute" and reading.work[mention.start:mention.end] == "serverless"
                and (re.search(r"\baurora\b[^,;.\n]{0,25}$", reading.work[max(0, mention.start - 30):mention.start])
                     or re.match(r"\s*(?:v2|v1|database|db|postgres|mysql|sql)\b", reading.work[mention.end:]))):
            mention.dropped, mention.dropped_by = True, "homonym"  # "Aurora Postgres serverless v2": the database's mode
        if (mention.cat == "language" and reading.work[mention.start:mention.end] == "node"
                and (MACHINE_NODE_BEFORE.search(reading.work, max(0, mention.start - 20), mention.start)
                     or MACHINE_NODE_AFTER.match(reading.work, mention.end))):
            mention.dropped, mention.dropped_by = True, "homonym"


TOKEN = re.compile(r"(?<![a-z0-9.#+-])[a-z]{5,}(?![a-z0-9#+-])")


@functools.cache
def _typo_targets() -> dict[str, tuple[str, Any]]:
    """Vocabulary words a misspelling may stand for, with the mention each one makes."""
    targets: dict[str, tuple[str, Any]] = {}
    for word in vocab.TYPO_WORDS:
        for table in TABLES:
            for pattern, value, _ in table.patterns:
                if pattern.fullmatch(word):
                    targets.setdefault(word, (table.cat, value))
    return targets


def _find_typos(reading: Reading) -> None:
    """`djnago`, `postgress`, `belgum`: one letter off a product, framework or place word reads as that word (noted)."""
    covered = bytearray(len(reading.work) + 1)
    for mention in reading.mentions:
        covered[mention.start:mention.end] = b"\x01" * (mention.end - mention.start)
    for match in TOKEN.finditer(reading.work):
        word = match.group()
        if word in vocab.NOT_TYPOS or any(covered[match.start():match.end()]):
            continue
        target = _typo_of(word)
        if target is not None:
            cat, value = _typo_targets()[target]
            reading.mentions.append(Mention(cat, value, *match.span()))
            reading.notes.append(f"read \"{reading.text[match.start():match.end()]}\" as {target}")
    reading.mentions.sort(key=lambda m: (m.start, m.end))


@functools.lru_cache(maxsize=4096)
def _typo_of(word: str) -> str | None:
    for target in _typo_targets():
        if target != word and abs(len(target) - len(word)) <= 1 and (
                _swapped(word, target) if min(len(word), len(target)) < 6 else _one_edit(word, target)):
            return target
    return None


def _swapped(a: str, b: str) -> bool:
    """Two neighbouring letters swapped (`flaks` for `flask`)."""
    diff = [i for i in range(len(a)) if len(a) == len(b) and a[i] != b[i]]
    return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]


def _one_edit(a: str, b: str) -> bool:
    """One insertion, deletion, substitution or swap of neighbours apart."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(short) and short[i] == long_[i]:
        i += 1
    return short[i:] == long_[i + 1:]


SQLSERVER_WORDS = re.compile(r"(20[12]\d)|(express|web|standard|enterprise)")


def _read_versions(reading: Reading) -> None:
    for mention in reading.live("language", "database", "framework", "product"):
        if mention.cat == "product" and mention.value.database is None:
            continue
        if mention.cat == "database" and mention.value == "sqlserver":  # "SQL Server 2022": the release is inside
            mention.version = next((m.group(1) for m in SQLSERVER_WORDS.finditer(
                reading.work, mention.start, mention.end) if m.group(1)), None)
            continue
        match = VERSION_AFTER.match(reading.work, mention.end)
        if match:
            group = 1 if match.group(1) else 2
            mention.version = match.group(group)
            reading.blank(*match.span(group))


def _drop_negated(reading: Reading) -> None:
    previous_negated: Mention | None = None
    for mention in reading.mentions:
        before = reading.work[max(0, mention.start - 45):mention.start]
        negated = bool(NEGATION_BEFORE.search(before)) or bool(NEGATION_AFTER.match(reading.work[mention.end:mention.end + 30]))
        if not negated and previous_negated is not None:
            between = reading.work[previous_negated.end:mention.start]
            negated = bool(re.fullmatch(r"\s*(?:,|or|nor|and|/)\s*(?:(?:a|an|any)\s+)?", between))
        if negated and mention.cat not in {"tier", "place", "region_code"}:
            mention.dropped, mention.dropped_by = True, "negated"
            previous_negated = mention
        else:
            previous_negated = None


def _group(mention: Mention) -> str | None:
    if mention.cat == "generic":
        return {"database": "database", "cache": "cache", "queue": "queue", "search": "search"}.get(mention.value)
    if mention.cat == "product":
        product: vocab.Product = mention.value
        return "database" if product.database is not None else "cache" if product.cache else "queue" if product.queue else None
    return CATEGORY_GROUP.get(mention.cat)


def _drop_corrected(reading: Reading) -> None:
    """`A ... actually make that B`: B replaces A when both are the same kind of thing."""
    starts = [m.start for m in reading.mentions]  # sorted: mentions are kept in (start, end) order
    longest = max((m.end - m.start for m in reading.mentions), default=0)
    for marker in scan.finditer(CORRECTION, reading.work):
        near = reading.mentions[bisect.bisect_left(starts, marker.start() - 80 - longest):
                                bisect.bisect_left(starts, marker.end() + 40)]
        before = [m for m in near if m.end <= marker.start() and marker.start() - m.end < 80 and not m.dropped]
        after = [m for m in near if m.start >= marker.end() and m.start - marker.end() < 40 and not m.dropped]
        if not before or not after:
            continue
        group = _group(after[0])
        if group is None:
            continue
        for mention in reversed(before):
            if _group(mention) == group:
                mention.dropped, mention.dropped_by = True, "corrected"
                reading.notes.append(f"the request corrected itself: using {reading.text[after[0].start:after[0].end]} "
                                     f"instead of {reading.text[mention.start:mention.end]}")
                break


def _drop_answered(reading: Reading, boundary: int) -> None:
    """An answer (placed before the request) replaces the request's mentions of the same kind of thing."""
    if not boundary:
        return
    answered = {_group(m) for m in reading.mentions if m.end <= boundary and not m.dropped} - {None}
    for mention in reading.mentions:
        if mention.start >= boundary and not mention.dropped and _group(mention) in answered:
            mention.dropped, mention.dropped_by = True, "answered"


# --- assembling ----------------------------------------------------------------------------------


def _assemble(reading: Reading) -> dict[str, Any]:
    data: dict[str, Any] = {}
    cloud = _cloud(reading)
    region = _region(reading, cloud)
    if cloud is None:  # every region code the reading finds belongs to exactly one cloud
        cloud = (cloud_of_region(region) if region else None) or "aws"
    data["cloud"] = cloud
    compliance = _compliance(reading)
    if compliance:
        data["compliance"] = compliance
    if region is None and not reading.unknown_region and "gdpr" in compliance:
        region = EU_DEFAULT_REGION[cloud]
        reading.notes.append(f"no region named; using {region} (GDPR: personal data stays in the EU/EEA)")
    elif region is not None and "gdpr" in compliance and not region_allowed("gdpr", cloud, region):
        reading.questions.append(
            f"GDPR asks for personal data to stay in the EU/EEA, but {region} is outside it. "
            f"Which EU/EEA region should it "
            f"use (for example {EU_DEFAULT_REGION[cloud]}), or is GDPR not needed?")
    if region is None and not reading.unknown_region:
        region = DEFAULT_REGION[cloud]
        reading.notes.append(f"no region named; using {region}, the {CLOUD_NAMES[cloud]} default")
    if region is not None:
        data["region"] = region
    data["tier"] = _tier(reading)
    app = _app(reading)
    data["app"] = app
    data["compute"] = _compute(reading, app)
    _shape(reading, data)
    data["databases"] = _databases(reading, cloud)
    for key, reader in (("cache", _cache), ("queue", _queue), ("search", _search)):
        value = reader(reading, cloud)
        if value is not None:
            data[key] = value
    data["buckets"] = _buckets(reading)
    tables = _tables(reading, cloud)
    if tables:
        data["tables"] = tables
    if cloud == "aws" and scan.search(NOTIFICATIONS, reading.work):
        data["notifications"] = True
    if _asked(WAF, reading.work):
        data["waf"] = True
    if _cdn_offered(data) and scan.search(CDN, reading.work):
        data["app"]["cdn"] = True
    data["monitoring"] = _monitoring(reading, cloud)
    budget = _budget(reading)
    if budget is not None:
        data["budget_monthly_usd"] = budget
    ttl = _ttl(reading)
    if ttl is not None:
        data["ttl_days"] = ttl
    email = _alert_email(reading)
    if email:
        data["inputs"] = {"alert_email": email}
    _replicas(reading, data["compute"])
    owner = _owner(reading)
    if owner:
        data["owner"] = owner
    service = _service(reading)
    if service:
        data["service"] = service
    base = service or (app.get("framework") or app.get("language") or "app")
    tier = data["tier"]
    data["name"] = base if base.endswith(f"-{tier}") else slugify(f"{base[:40 - len(tier) - 1]}-{tier}")
    _check_offers(reading, data)
    return data


# EU regions with sourced prices
EU_DEFAULT_REGION = {"aws": "eu-central-1", "gcp": "europe-west1", "azure": "westeurope"}
COMPLIANCE_ASKS = tuple(
    (re.compile(WB_BEFORE + f"(?:{ask.pattern})" + WB_AFTER), ask.key.split(":", 1)[1])
    for ask in ASKS if ask.key.startswith("compliance:") and ask.spec_field == "compliance"
)


def _compliance(reading: Reading) -> list[str]:
    """Frameworks named in the request (`HIPAA`, `PCI DSS`, `SOC 2`...), in the order they appear."""
    found: list[tuple[int, str]] = []
    for pattern, framework in COMPLIANCE_ASKS:
        for match in scan.finditer(pattern, reading.work):
            if not NEGATION_BEFORE.search(reading.work[max(0, match.start() - 45):match.start()]) and not (
                    NEGATION_AFTER.match(reading.work[match.end():match.end() + 30])):
                found.append((match.start(), framework))
                break
    return list(dict.fromkeys(framework for _, framework in sorted(found)))


def _cloud(reading: Reading) -> str | None:
    explicit = {m.value for m in reading.live("cloud")}
    by_product = {m.value.cloud for m in reading.live("product") if m.value.cloud}
    if len(explicit) > 1:
        names = " and ".join(CLOUD_NAMES[c] for c in sorted(explicit))
        reading.questions.append(f"The request names {names}. Which one cloud should this environment run on?")
        return str(sorted(explicit)[0])
    if explicit:
        cloud = str(explicit.pop())
        for mention in reading.live("product"):
            if mention.value.cloud and mention.value.cloud != cloud:
                reading.notes.append(f"{reading.text[mention.start:mention.end]} is a {CLOUD_NAMES[mention.value.cloud]} product; "
                                     f"using the {CLOUD_NAMES[cloud]} equivalent")
        return cloud
    if len(by_product) > 1:
        names = " and ".join(CLOUD_NAMES[c] for c in sorted(by_product))
        reading.questions.append(f"The request mixes products of {names}. Which one cloud should this environment run on?")
        return str(sorted(by_product)[0])
    return str(by_product.pop()) if by_product else None


REGION_QUESTION = "One environment lives in one region (a second region is a second environment): which should it use?"


def _region(reading: Reading, cloud: str | None) -> str | None:
    codes = reading.live("region_code")
    named = list(dict.fromkeys(str(c.value) for c in codes))
    if len(named) > 1:  # "us-east-1 and eu-west-1"
        reading.questions.append(f"The request names {named[0]} and {named[1]}. {REGION_QUESTION}")
    if codes:
        code = str(codes[0].value)
        owner = cloud_of_region(code)
        if cloud is not None and owner != cloud:
            reading.questions.append(
                f"{code} is {'an' if owner == 'aws' else 'a'} {CLOUD_NAMES[owner]} region but the request asks for {CLOUD_NAMES[cloud]}. "
                f"Which cloud should it run on?" if owner else f"{code} is not a {CLOUD_NAMES[cloud]} region. Which region should it use?"
            )
        return code
    places = reading.live("place")
    if places:
        best = max(places, key=lambda m: (m.value.specificity, -m.start))
        region = str(getattr(best.value, cloud or "aws"))
        rival = next((m for m in places if m.value.specificity == best.value.specificity
                      and str(getattr(m.value, cloud or "aws")) != region), None)
        if rival is not None:  # "Frankfurt or Ireland": two places as specific as each other, two regions
            reading.questions.append(f"The request names {reading.text[best.start:best.end]} and "
                                     f"{reading.text[rival.start:rival.end]}. {REGION_QUESTION}")
        return region
    unknown = _unknown_region_name(reading)
    if unknown:
        reading.unknown_region = unknown
        reading.questions.append(
            f"I don't know the region \"{unknown}\". Which city or region code should it run in "
            f"(for example us-east-1, Frankfurt, Tokyo or West Europe)?"
        )
    return None


UNKNOWN_REGION = re.compile(
    r"\b(?:region|datacenter|data center|located|hosted|host it|deploy(?:ed)? it|run it)\s*(?:in|of|at|:|=)?\s+(?P<a>[A-Z][\w-]{2,}(?: [A-Z][\w-]+)?)"
    r"|\b(?P<b>[A-Z][\w-]{2,}(?: [A-Z][\w-]+)?) (?:region|datacenter|data center)\b"
    r"|\b(?:in|near) (?:the )?(?P<c>[A-Z][a-z]{2,}(?: [A-Z][a-z]+)?)\b"
)


def _unknown_region_name(reading: Reading) -> str | None:
    for match in scan.finditer(UNKNOWN_REGION, reading.text):
        name = match.group("a") or match.group("b") or match.group("c")
        start = match.start("a") if match.group("a") else match.start("b") if match.group("b") else match.start("c")
        if not reading.work[start:start + len(name)].strip():
            continue
        if any(m.start <= start < m.end for m in reading.mentions):
            continue
        if name.lower() in vocab.NOT_SERVICE_NAMES or name.lower() in {"which", "what", "this", "that", "our", "my", "production", "staging"}:
            continue
        if _names_an_ask(name.lower()):  # "secrets in Doppler", "apps on Heroku": a product, not a place
            continue
        return name
    return None


# Tier words that name the environment's tier outright (not "qa team", "for testing", "demo", "feature branch")
STRONG_TIER = re.compile(r"prod|production|staging|stage|stg|uat|pre-?prod(?:uction)?|dev|development|sandbox")
TIER_QUESTION = "Which tier should this environment be: dev, staging or prod?"


@functools.cache
def _ask_patterns() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(f"(?:{ask.pattern})") for ask in ASKS)


def _names_an_ask(word: str) -> bool:
    """The word is one the ledger's asks recognise (Doppler, Heroku, Vercel...)."""
    return any(pattern.fullmatch(word) for pattern in _ask_patterns())


def _tier(reading: Reading) -> str:
    named: list[str] = []
    for mention in reading.live("tier"):
        before = reading.work[max(0, mention.start - 20):mention.start]
        after = reading.work[mention.end:mention.end + 8]
        if re.search(r"\b(?:like|mirror(?:s|ing)?(?: of)?|cop(?:y|ies) of|similar to|same as|mimic(?:s|king)?|matching|than|"
                     r"from|into|to|vs\.?|versus)\s+"
                     r"(?:the\s+|our\s+)?$", before):
            continue
        if re.match(r"-?\s*(?:like|grade|ready|parity|sized|size|data|traffic|account|users?)\b", after):
            continue
        if not named or STRONG_TIER.fullmatch(reading.work[mention.start:mention.end]):
            named.append(str(mention.value))
    tiers = list(dict.fromkeys(named))
    if len(tiers) > 1:  # "staging for payments-api ... prod tier": two tiers, one environment
        reading.questions.append(f"The request names both {tiers[0]} and {tiers[1]}. {TIER_QUESTION}")
    return tiers[0] if tiers else "dev"


def _app(reading: Reading) -> dict[str, Any]:
    app: dict[str, Any] = {}
    frameworks = reading.live("framework")
    languages = reading.live("language")
    others = reading.live("other_framework")
    if frameworks:
        chosen = frameworks[0]
        app["framework"] = chosen.value
        implied = FRAMEWORK_LANGUAGE[Framework(chosen.value)].value
        app["language"] = implied
        extra = sorted({m.value for m in frameworks[1:]} - {chosen.value})
        if extra:
            reading.notes.append(f"one app per environment: using {chosen.value}; {', '.join(extra)} not included")
        if chosen.value == "aspnet" and chosen.version and _major(chosen.version) >= 5:
            app["runtime_version"] = chosen.version
        for mention in languages:
            if mention.value != implied:
                reading.notes.append(f"{chosen.value} runs on {implied}; ignoring the mention of {mention.value}")
            elif mention.version and "runtime_version" not in app:
                app["runtime_version"] = mention.version
    elif languages:
        app["language"] = languages[0].value
        if languages[0].version:
            app["runtime_version"] = languages[0].version
        for mention in others:
            label, language = mention.value
            if language == app["language"]:
                reading.notes.append(f"{label} is not templated; treating it as a plain {language} app")
    elif others:
        label, language = others[0].value
        name = reading.text[others[0].start:others[0].end]
        if language is None:
            reading.questions.append(
                f"{name} is not a language or framework dev-agent can build for. Which of {SUPPORTED_FRAMEWORKS} "
                f"should it use instead?"
            )
        else:
            app["language"] = language
            reading.notes.append(f"{name} is not templated; treating it as a plain {language} app")
    for mention in others:
        label, language = mention.value
        name = reading.text[mention.start:mention.end]
        if language is None and "framework" in app:
            reading.notes.append(f"{name} is not supported; ignored")
        elif language is not None and app.get("language") not in {None, language}:  # "React frontend + FastAPI"
            built = app.get("framework") or app.get("language")
            reading.notes.append(f"one app per environment: {built} is built; the {name} app is not included "
                                 "(request it as its own environment)")
    port = scan.search(PORT, reading.work)
    if port:
        number = int(port.group("port"))
        reading.read("app.port", port.span(), number)
        if 1024 <= number <= 65535:
            app["port"] = number
        else:
            reading.notes.append(f"app port {number} is privileged or invalid; using the default 8080")
    health = scan.search(HEALTH, reading.work)
    if health:
        app["health_path"] = health.group("path")
        reading.read("app.health_path", health.span(), health.group("path"))
    image = scan.search(IMAGE, reading.work)
    if image:
        reading.read("app.image", image.span(), image.group("image"))
        if image.group("image").endswith(":latest"):
            reading.notes.append("image tag 'latest' is not pinned; set a version tag or digest")
        else:
            app["image"] = image.group("image")
    return app


def _major(version: str) -> int:
    return int(version.split(".")[0])


WEAK_COMPUTE = re.compile(r"pods?|kube|serverless|containers?|containerized|docker")


def _compute(reading: Reading, app: dict[str, Any]) -> dict[str, Any]:
    # Products and explicit words ("EKS", "k8s", "Lambda", "VM") outrank hints ("pods", "serverless", "docker").
    strong = [m.value.kind for m in reading.live("product") if m.value.kind]
    strong += [m.value for m in reading.live("compute") if not WEAK_COMPUTE.fullmatch(reading.work[m.start:m.end])]
    kinds = strong or [m.value for m in reading.live("compute")]
    compute: dict[str, Any] = {"kind": "containers"}
    for kind in ("kubernetes", "functions", "vm", "containers"):
        if kind in kinds:
            compute["kind"] = kind
            break
    size = scan.search(SIZE, reading.work)
    if size:
        compute["cpu"], compute["memory_gb"] = SIZE_WORDS[size.group(1)]
    cpu = scan.search(CPU, reading.work)
    if cpu:
        value = _amount(cpu.group("n"))
        reading.read("compute.cpu", cpu.span(), max(0.25, value))
        if value > MAX_CPU:
            reading.questions.append(f"{value:g} vCPUs is above the limit of {MAX_CPU:g} vCPUs per replica. "
                                     "How many vCPUs should each replica get (more replicas scale further)?")
        else:
            if value < 0.25:
                reading.notes.append(f"{value:g} vCPU is below the minimum; using 0.25 vCPU")
            compute["cpu"] = max(0.25, value)
        reading.blank(*cpu.span())
    memory = scan.search(MEMORY, reading.work)
    if memory and CACHE_SIZE_BEFORE.search(reading.work, max(0, memory.start() - 25), memory.start()):
        memory = None  # "redis 7 with 10 GB of memory": the cache's size (the ledger's cache-size row), not the app's
    if memory:
        unit = memory.group("u") or memory.group("u2")
        value = _amount(memory.group("n") or memory.group("n2")) * MEMORY_UNIT_GB.get(unit[0], 1.0)
        reading.read("compute.memory_gb", memory.span(), max(0.5, value))
        if value > MAX_MEMORY_GB:
            reading.questions.append(f"{value:,g} GB of memory is above the limit of {MAX_MEMORY_GB:g} GB per replica. "
                                     "How much memory should each replica get?")
        else:
            if value < 0.5:
                reading.notes.append(f"{value:g} GB memory is below the minimum; using 0.5 GB")
            compute["memory_gb"] = max(0.5, value)
        reading.blank(*memory.span())
    return compute


def _shape(reading: Reading, data: dict[str, Any]) -> None:
    """Internal exposure, SSH from named networks, a schedule and workers, where the compute kind has them;
    a shape word the compute kind cannot honour becomes a note, never a silent drop."""
    shape = read_shape(reading.work)
    compute, kind = data["compute"], data["compute"]["kind"]
    if shape.exposure:
        data["app"]["exposure"] = shape.exposure
    if shape.ssh_from and kind != "vm":
        shape.notes.append(f"SSH from {', '.join(shape.ssh_from)} not applied: {kind} has no SSH (only VMs do)")
    elif shape.ssh_from:
        compute["ssh_from"] = shape.ssh_from
    if shape.schedule and kind in {"functions", "containers"}:
        compute["schedule"] = shape.schedule
    elif shape.schedule:
        shape.notes.append(f"schedule `{shape.schedule}` not applied: scheduled jobs run as functions or containers, "
                           f"not {kind}")
    if shape.workers and kind in {"containers", "kubernetes"}:
        data["workers"] = shape.workers
    elif shape.workers:
        shape.notes.append(f"the {shape.workers[0]['name']} worker is not applied: workers run next to containers or "
                           f"Kubernetes pods, not {kind}")
    reading.notes.extend(shape.notes)


def _databases(reading: Reading, cloud: str) -> list[dict[str, Any]]:
    databases: list[dict[str, Any]] = []
    engines_seen: set[str] = set()
    generic = False
    for mention in reading.live("database", "product", "generic", "unsupported_database"):
        if mention.cat == "unsupported_database":
            name = mention.value
            if name == "DynamoDB" and cloud == "aws":
                continue  # a table (`_tables`), not a database server
            if name == "SQLite":
                reading.notes.append("SQLite lives inside the app; no managed database is created for it")
            else:
                reading.questions.append(f"{name} is not offered. Should it use PostgreSQL, MySQL or MongoDB instead?")
            continue
        if mention.cat == "generic":
            generic = generic or mention.value == "database"
            continue
        engine = mention.value if mention.cat == "database" else mention.value.database
        if engine is None:
            continue
        if engine == "":
            generic = True
            continue
        aurora = (mention.cat == "product" and cloud == "aws"
                  and reading.work[mention.start:mention.end].lower().startswith("aurora"))
        if engine in engines_seen:
            if aurora:  # "Postgres on Aurora": the engine was named first
                next(entry for entry in databases if entry["engine"] == engine)["aurora"] = True
            continue
        engines_seen.add(engine)
        entry: dict[str, Any] = {"engine": engine}
        version = _offered_version(reading, engine, mention.version)
        if version:
            entry["version"] = version
        if engine == "sqlserver":
            edition = next((m.group(2) for m in SQLSERVER_WORDS.finditer(reading.work, mention.start, mention.end)
                            if m.group(2)), None)
            if edition:
                entry["edition"] = edition
        if aurora:
            entry["aurora"] = True
        databases.append(entry)
    for entry in databases:
        if entry.get("aurora") and entry["engine"] == "mysql" and entry.get("version") not in {None, "8", "8.0"}:
            reading.notes.append(f"Aurora MySQL is MySQL 8.0-compatible; MySQL {entry.pop('version')} is not offered "
                                 "on Aurora, using 8.0")
    sqlite_only = any(m.value == "SQLite" for m in reading.live("unsupported_database"))
    if generic and not databases and not sqlite_only and not reading.questions:
        databases.append({"engine": "postgres"})
        reading.notes.append("a database was asked for without an engine; using PostgreSQL")
    _high_availability(reading, databases)
    _read_replicas(reading, databases, cloud)
    storage = scan.search(STORAGE, reading.work)
    if storage and databases:
        unit, amount = storage.group("u") or storage.group("u2"), storage.group("n") or storage.group("n2")
        gb = math.ceil(_amount(amount) * {"t": 1024, "p": 1024 * 1024}.get(unit[0], 1))
        reading.read("databases.storage_gb", storage.span(), max(10, gb))
        if gb > MAX_STORAGE_GB:
            reading.questions.append(
                f"{amount} {unit.upper()} of storage is above the limit of {MAX_STORAGE_GB:,} GB (16 TB) "
                "per database. "
                "How much storage should the database have (object storage buckets have no size limit)?")
        else:
            if gb < 10:
                reading.notes.append(f"{gb} GB of storage is below the minimum; databases get at least 10 GB")
            for entry in databases:
                entry["storage_gb"] = max(10, gb)
    count = scan.search(DATABASE_COUNT, reading.work)
    if count and databases:
        wanted = _number(count.group("n"))
        reading.read("databases.count", count.span(), wanted)
        if wanted > MAX_DATABASES:
            reading.questions.append(
                f"{wanted:,} databases is above the limit of {MAX_DATABASES} database servers per environment. "
                "How many database servers are needed (one server can hold many databases or schemas)?")
        elif wanted > len(databases):
            reading.notes.append(f"{wanted} databases asked for: one {DB_NAMES[databases[0]['engine']]} server is created; "
                                 f"create the {wanted} databases inside it")
    if len(databases) > MAX_DATABASES:
        reading.questions.append(f"The request names {len(databases)} database engines; "
                                 f"the limit is {MAX_DATABASES} per "
                                 "environment. Which should be kept?")
    return databases


READ_REPLICAS = re.compile(rf"\b(?:(?:with|and|plus)\s+)?(?:(?P<n>{NUM}|an?)\s+)?read[- ](?:only[- ])?replicas?\b")
# Aurora's own word: "Aurora with two readers", "2 reader instances" (only read when an Aurora database was named)
AURORA_READERS = re.compile(rf"\b(?:(?P<n>{NUM}|an?)\s+)?(?:aurora\s+)?readers?[- ](?:instances?|nodes?)\b|"
                            rf"\b(?:(?P<m>{NUM}|an?)\s+)?(?:aurora\s+)?readers\b|\b(?:an?|one)\s+(?:aurora\s+)?reader\b")


def _read_replicas(reading: Reading, databases: list[dict[str, Any]], cloud: str) -> None:
    """`Postgres with a read replica`, `two read replicas`: replicas of the first PostgreSQL/MySQL database (RDS on
    AWS; elsewhere the ledger flags the ask). More than 5 is asked about."""
    match = scan.search(READ_REPLICAS, reading.work)
    relational = [entry for entry in databases if entry["engine"] in {"postgres", "mysql"}]
    if match is None and any(entry.get("aurora") for entry in relational):
        match = scan.search(AURORA_READERS, reading.work)
        relational = sorted(relational, key=lambda entry: not entry.get("aurora"))
    if match is None or cloud != "aws" or not relational:
        return
    word = match.groupdict().get("n") or match.groupdict().get("m")
    wanted = 1 if word in {None, "a", "an"} else _number(word)
    if wanted > 5:
        reading.questions.append(f"{wanted:,} read replicas is above the limit of 5 per database. How many are needed?")
        return
    relational[0]["read_replicas"] = wanted  # the ledger's read-replicas row reports it


def _offered_version(reading: Reading, engine: str, version: str | None) -> str | None:
    if version is None:
        return None
    offered = DATABASE_VERSIONS[DatabaseEngine(engine)]
    for candidate in (version, version.removesuffix(".0"), version.split(".")[0]):
        if candidate in offered:
            return candidate
    reading.notes.append(f"{DB_NAMES[engine]} {version} is not offered (offered: {', '.join(offered)}); using the default version")
    return None


DATABASE_COUNT = re.compile(rf"\b(?P<n>{NUM})\s+(?:[a-z]+\s+){{0,2}}?(?:databases|dbs)\b")
HA_SUBJECT_BEFORE = re.compile(r"^\s*(?:\(|,|-|with|using|in|on|is|should be|set up as|as)?\s*(?:a\s+|an\s+|full\s+)?$")
HA_SUBJECT_AFTER = re.compile(r"^\s*(?:for\s+(?:the\s+|our\s+)?|on\s+(?:the\s+)?)?$")


def _high_availability(reading: Reading, databases: list[dict[str, Any]]) -> None:
    """`postgres with high availability`, `HA redis`: the flag goes to the service it qualifies."""
    data_mentions = [m for m in reading.live("database", "cache", "product", "generic") if _group(m) in {"database", "cache"}]
    for match in scan.finditer(HA, reading.work):
        reading.read("high_availability", match.span(), True)
        before = [m for m in data_mentions if m.end <= match.start() and HA_SUBJECT_BEFORE.match(reading.work[m.end:match.start()])]
        after = [m for m in data_mentions if m.start >= match.end() and HA_SUBJECT_AFTER.match(reading.work[match.end():m.start])]
        target = before[-1] if before else after[0] if after else None
        if target is None and not data_mentions:
            reading.notes.append(f"'{reading.text[match.start():match.end()]}': there is no database or cache to make "
                                 "highly available (the network spans 2 availability zones)")
        if target is not None and _group(target) == "cache":
            reading.cache_ha = True
            continue
        engine = target.value if target is not None and target.cat == "database" else None
        for entry in databases:
            if engine is None or entry["engine"] == engine:
                entry["high_availability"] = True


def _cache(reading: Reading, cloud: str) -> dict[str, Any] | None:
    engines = [m.value for m in reading.live("cache")] + [m.value.cache for m in reading.live("product") if m.value.cache]
    if not engines and any(m.value == "cache" for m in reading.live("generic")):
        engines = ["redis"]
        reading.notes.append("a cache was asked for without an engine; using Redis")
    if not engines:
        return None
    cache: dict[str, Any] = {"engine": engines[0]}
    if reading.cache_ha:
        cache["high_availability"] = True
    if cache["engine"] == "redis" and cloud == "aws":
        _cluster_mode(reading, cache)
    return cache


REDIS_CLUSTER = re.compile(r"\b(?:cluster[- ]mode(?: enabled| on)?|sharded|redis cluster|clustered redis|shards?)\b")
SHARDS = re.compile(rf"\b(?P<n>{NUM})\s+(?:shards?|node groups?)\b")
SHARD_REPLICAS = re.compile(rf"\b(?P<n>{NUM}|an?|one)\s+replicas?\s+(?:each|per shard|in each shard|per node group)\b")
MAX_SHARDS, MAX_SHARD_REPLICAS = 20, 5


def _cluster_mode(reading: Reading, cache: dict[str, Any]) -> None:
    """`Redis cluster mode with 3 shards and 2 replicas each`: ElastiCache cluster mode (AWS). Cluster mode without a
    shard count gets 2 shards (the smallest sharded layout); counts above the limits are asked about."""
    if scan.search(REDIS_CLUSTER, reading.work) is None:
        return
    shards = scan.search(SHARDS, reading.work)
    wanted = _number(shards.group("n")) if shards else 2
    if wanted > MAX_SHARDS:
        reading.questions.append(f"{wanted:,} Redis shards is above the limit of {MAX_SHARDS}. How many are needed?")
        return
    cache["shards"] = wanted
    if shards is None:
        reading.notes.append("Redis cluster mode without a shard count: using 2 shards")
    replicas = scan.search(SHARD_REPLICAS, reading.work)
    if replicas is not None:
        word = replicas.group("n")
        count = 1 if word in {"a", "an", "one"} else _number(word)
        if count > MAX_SHARD_REPLICAS:
            reading.questions.append(f"{count:,} replicas per Redis shard is above the limit of {MAX_SHARD_REPLICAS}. "
                                     "How many are needed?")
            return
        cache["replicas_per_shard"] = count


def _queue(reading: Reading, cloud: str) -> dict[str, Any] | None:
    engines = [m.value for m in reading.live("queue")] + [m.value.queue for m in reading.live("product") if m.value.queue]
    redis = reading.live("cache")
    generic = [m for m in reading.live("generic") if m.value == "queue"
               and not any(abs(c.start - m.end) < 25 or abs(m.start - c.end) < 25 for c in redis)]  # "redis as the broker"
    if not engines and generic:
        engines = [vocab.DEFAULT_QUEUE[cloud]]
        reading.notes.append(f"a queue was asked for without an engine; using {engines[0]} on {CLOUD_NAMES[cloud]}")
    if not engines:
        return None
    engine = engines[0]
    offered = OFFERED.get(("queue", engine))
    if offered is not None and Cloud(cloud) not in offered:
        substitute = vocab.DEFAULT_QUEUE[cloud]
        reading.notes.append(f"{engine} has no managed offer on {CLOUD_NAMES[cloud]}; using {substitute} instead")
        engine = substitute
    return {"engine": engine}


def _search(reading: Reading, cloud: str) -> dict[str, Any] | None:
    found = reading.live("search") or [m for m in reading.live("generic") if m.value == "search"]
    if not found:
        return None
    if reading.text[found[0].start:found[0].end].lower().startswith("elastic"):
        reading.notes.append("Elasticsearch is provided as OpenSearch")
    return {"engine": "opensearch"}


BUCKET_PURPOSES = (
    re.compile(r"\b(?:buckets?|storage)\s+(?:for|to store|to hold|holding|with)\s+(?:the\s+|our\s+|user\s+)?"
               r"(?P<p>[a-z][a-z0-9-]{1,30}(?:\s*(?:and|&|,)\s*[a-z][a-z0-9-]{1,30})*)"),
    re.compile(r"\b(?P<p>[a-z][a-z0-9-]{1,30})\s+(?:s3\s+|gcs\s+)?buckets?\b"),
)
BUCKET_COUNT = re.compile(rf"\b(?P<n>\d{{1,3}}(?:,\d{{3}})+|\d{{1,6}}|{NUM_WORDS}|a|an)\s+(?:\w+\s+){{0,2}}?buckets?\b")
NOT_PURPOSES = frozenset({"a", "an", "the", "s3", "gcs", "one", "two", "three", "storage", "blob", "object", "some", "and", "with", "private", "new", "single", "separate", "versioned", "encrypted"})


# A web application firewall on the public entry point: "behind a WAF", "web application firewall", "Cloud Armor".
WAF = re.compile(r"\b(?:wafs?|web application firewalls?|cloud armou?r)\b")


def _asked(pattern: re.Pattern[str], work: str) -> bool:
    """Some mention of `pattern` is not negated ("no WAF needed", "without a WAF", "we don't need a WAF")."""
    return any(not NEGATION_BEFORE.search(work[max(0, m.start() - 45):m.start()])
               and not NEGATION_AFTER.match(work[m.end():m.end() + 30])
               for m in pattern.finditer(work) if scan.possible(pattern, work))


# An SNS topic for the app's own notifications (AWS): "SNS notifications", "a notification topic".
NOTIFICATIONS = re.compile(r"\b(?:sns|simple notification service)\b|\bnotifications? topics?\b")
# CloudFront in front of the app (AWS containers and VMs; elsewhere the ledger row says why not).
CDN = re.compile(r"\b(?:cloud ?front|cdn|edge cach(?:e|ing))\b")


def _cdn_offered(data: dict[str, Any]) -> bool:
    """CloudFront fits: a public AWS app on containers or VMs that serves requests (see EnvironmentSpec.app.cdn)."""
    compute = data.get("compute") or {}
    return (data.get("cloud") == "aws" and (data.get("app") or {}).get("exposure", "public") == "public"
            and compute.get("kind", "containers") in {"containers", "vm"} and not compute.get("schedule"))


TABLE_NAMES = (
    re.compile(r"\bdynamo ?db tables?\s+(?:called|named|for(?: the| our)?)\s+[`'\"]?(?P<p>[a-z][a-z0-9-]{1,39})"),
    re.compile(r"\b[`'\"]?(?P<p>[a-z][a-z0-9-]{1,39})[`'\"]?\s+table\s+(?:in|on)\s+dynamo ?db\b"),
    re.compile(r"\bdynamo ?db\s+(?:table\s+)?for\s+(?:the\s+|our\s+)?(?P<p>[a-z][a-z0-9-]{1,39})\b"),
)
NOT_TABLE_NAMES = {"the", "a", "an", "our", "my", "app", "api", "service", "it", "storing", "a-table"}


def _tables(reading: Reading, cloud: str) -> list[dict[str, Any]]:
    """`a DynamoDB table called sessions`, `sessions table in DynamoDB`: one on-demand table (AWS; elsewhere the
    database reader asks which database to use instead). Unnamed tables are called `items`."""
    if cloud != "aws" or not any(m.value == "DynamoDB" for m in reading.live("unsupported_database")):
        return []
    for pattern in TABLE_NAMES:
        match = scan.search(pattern, reading.work)
        if match and match.group("p") not in NOT_TABLE_NAMES | vocab.NOT_SERVICE_NAMES:
            return [{"name": slugify(match.group("p"), 40)}]
    reading.notes.append("a DynamoDB table was asked for without a name; calling it `items`")
    return [{"name": "items"}]


def _buckets(reading: Reading) -> list[dict[str, Any]]:
    mentions = [m for m in reading.live("generic") if m.value == "bucket"] + [m for m in reading.live("product") if m.value.bucket]
    if not mentions:
        return []
    purposes: list[str] = []
    for pattern in BUCKET_PURPOSES:
        for match in scan.finditer(pattern, reading.work):
            words = re.split(r"\s*(?:\band\b|&|,)\s*", match.group("p"))
            purposes += [w for w in words if w and w not in NOT_PURPOSES and w not in vocab.NUMBER_WORDS
                         and w not in vocab.NOT_SERVICE_NAMES]
    vocabulary_words = {reading.work[m.start:m.end] for m in reading.mentions}
    purposes = [p for p in purposes if p not in vocabulary_words]
    count = 0
    for match in scan.finditer(BUCKET_COUNT, reading.work):
        word = match.group("n")
        count += _number(word) if word.replace(",", "").isdigit() else vocab.NUMBER_WORDS.get(word, 1)
        reading.read("buckets.count", match.span(), None)
    count = max(count, len(dict.fromkeys(purposes)), 1)
    if "buckets.count" in reading.spans:
        start, end, _ = reading.spans["buckets.count"]
        reading.spans["buckets.count"] = (start, end, count)
    if count > MAX_BUCKETS:
        reading.questions.append(f"{count:,} buckets is above the limit of {MAX_BUCKETS} buckets per environment. "
                                 "How many buckets are needed (one bucket can hold any number of prefixes)?")
        count = 1
    names = [slugify(p, 30) or "data" for p in dict.fromkeys(purposes)]
    names = [n for n in names if len(n) >= 2]
    while len(names) < count:
        candidate = "data" if "data" not in names else f"data-{len(names) + 1}"
        names.append(candidate)
    return [{"name": name} for name in names[:count]]


def _monitoring(reading: Reading, cloud: str) -> list[str]:
    tools = list(dict.fromkeys([m.value for m in reading.live("monitoring")] + [m.value.monitoring for m in reading.live("product") if m.value.monitoring]))
    if "cloudwatch" in tools and cloud != "aws":
        tools.remove("cloudwatch")
        reading.notes.append(f"CloudWatch is AWS-only; not included on {CLOUD_NAMES[cloud]}")
    return tools


def _budget(reading: Reading) -> float | None:
    best: tuple[int, float, tuple[int, int]] | None = None
    for match in scan.finditer(MONEY, reading.work):
        cur, unit, per, k = match.group("cur"), match.group("unit"), match.group("per"), match.group("k")
        before = reading.work[max(0, match.start() - 40):match.start()]
        after = reading.work[match.end():match.end() + 12]
        strong = BUDGET_STRONG.search(before)
        weak = BUDGET_WEAK.search(before)
        score = (3 if cur or unit else 0) + (2 if per else 0) + (2 if strong else 0) + (1 if weak else 0) + (1 if k else 0)
        monthly_or_yearly = bool(per and re.search(r"mo|mth|year|yr|annum|annually|yearly|pm|p/m", per))
        money_like = cur or unit or monthly_or_yearly or (per and (strong or weak or k)) or (strong and not re.match(r"\s*[a-z]", after))
        if not money_like:
            continue
        amount = float(match.group("num").replace(",", "")) * (1000 if k else 1)
        if per:
            unit_of_time = re.search(r"(month|monat|mois|mes|mo|mth|year|yr|annum|annually|yearly|week|wk|day|hour|hr|"
                                     r"monthly|pm|p/m)", per)
            period = unit_of_time.group(1) if unit_of_time else "month"
            amount *= PERIOD_FACTOR.get(period, 1.0)
        if best is None or score > best[0]:
            best = (score, amount, match.span())
    if best is None:
        return None
    foreign = any(sym in reading.work[best[2][0]:best[2][1] + 6] for sym in ("€", "eur", "£", "gbp", "pound"))
    reading.blank(*best[2])
    amount = round(best[1], 2)
    reading.read("budget_monthly_usd", best[2], int(amount) if amount == int(amount) else amount)
    if amount <= 0:
        return None
    if amount > MAX_BUDGET:
        reading.questions.append(f"A budget of ${amount:,.0f}/month is above the limit of ${MAX_BUDGET:,}/month. "
                                 "What monthly budget should it have?")
        return None
    if foreign:
        reading.notes.append(f"budget read as {amount:g} USD (budgets are kept in US dollars)")
    return int(amount) if amount == int(amount) else amount


# "SNS alerts to oncall@example.com", "page ops@acme.io": the address the alarms email (`inputs.alert_email`)
EMAIL = re.compile(r"(?<![a-z0-9._%+-])(?P<e>[a-z0-9._%+-]{1,64}@[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63})+)(?<!\.)")
ALERT_WORDS = re.compile(r"\b(?:alerts?|alarms?|alerting|notif\w*|notify|pag(?:e|ing)|on-?call|emails?|sns|send)\b")


def _alert_email(reading: Reading) -> str | None:
    """An e-mail address named next to alert words becomes the alarms' address; other addresses are left alone."""
    for match in scan.finditer(EMAIL, reading.work):
        if ALERT_WORDS.search(reading.work, max(0, match.start() - 40), match.start()):
            email = match.group("e")
            reading.read("inputs.alert_email", match.span(), email)
            reading.blank(*match.span())
            return email
    return None


# "expires 2027-01-31", "until 2027-03-01": a lifetime up to that date (UTC), from today
EXPIRY_DATE = re.compile(r"\b(?:expires?|expiry|expiring|until|till|through|ttl|delete(?: it)?(?: on| after)?|"
                         r"tear (?:it )?down(?: on| after)?|valid (?:until|through))\s*(?:on\s+|:\s*)?"
                         r"(?P<d>20\d{2}-\d{2}-\d{2})\b")


def _ttl_until_date(reading: Reading) -> int | None:
    match = scan.search(EXPIRY_DATE, reading.work)
    if match is None:
        return None
    try:
        until = dt.date.fromisoformat(match.group("d"))
    except ValueError:
        reading.questions.append(f"{match.group('d')} is not a date. Until when should the environment live?")
        return None
    days = (until - dt.datetime.now(dt.UTC).date()).days
    reading.read("ttl_days", match.span(), days)
    reading.blank(*match.span())
    if days < 1:
        reading.questions.append(f"{match.group('d')} is not in the future. Until when should the environment live?")
        return None
    if days > MAX_TTL_DAYS:
        reading.questions.append(f"A lifetime until {match.group('d')} ({days:,} days) is above the limit of "
                                 f"{MAX_TTL_DAYS} days. How long should it live (it can be extended later)?")
        return None
    return days


def _ttl(reading: Reading) -> int | None:
    if scan.search(EXPIRY_DATE, reading.work):
        return _ttl_until_date(reading)
    best: tuple[int, float, tuple[int, int]] | None = None
    for match in scan.finditer(DURATION, reading.work):
        before = reading.work[max(0, match.start() - 40):match.start()]
        if re.search(r"(?:/|\bper|\beach|\bevery)\s*$", before) or DURATION_NOT_LIFETIME.search(before):
            continue
        if match.group("word"):
            days = {"overnight": 1.0, "fortnight": 14.0}.get(match.group("word"), 3.0)
        else:
            word, unit = match.group("n"), match.group("unit")
            unit = FOREIGN_UNITS.get(unit, unit).rstrip("s")
            if unit in {"h", "d", "w"} and not word.isdigit():
                continue
            number = int(word) if word.isdigit() else vocab.NUMBER_WORDS.get(word, 1)
            days = number * UNIT_DAYS.get(unit, UNIT_DAYS.get(unit[:2], 1))
        score = 2 if DURATION_CONTEXT.search(before) else 0
        if best is None or score > best[0]:
            best = (score, days, match.span())
    if best is None:
        return None
    reading.blank(*best[2])
    days = max(1, math.ceil(best[1] - 1e-9))
    reading.read("ttl_days", best[2], days)
    if days > MAX_TTL_DAYS:
        reading.questions.append(f"A lifetime of {days:,} days is above the limit of {MAX_TTL_DAYS} days. "
                                 f"How long should it live (at most {MAX_TTL_DAYS} days; it can be extended later)?")
        return None
    return days


def _number(word: str) -> int:
    digits = word.replace(",", "")
    return int(digits) if digits.isdigit() else vocab.NUMBER_WORDS[word]


def _amount(word: str) -> float:
    return float(word.replace(",", ""))


def _replicas(reading: Reading, compute: dict[str, Any]) -> None:
    low: int | None = None
    high: int | None = None
    for kind, pattern in REPLICA_PATTERNS:
        for match in scan.finditer(pattern, reading.work):
            groups = {k: v for k, v in match.groupdict().items() if v}
            if kind == "range" and low is None and high is None:
                low, high = _number(groups["a"]), _number(groups["b"])
            elif kind == "max" and high is None:
                high = _number(groups.get("b") or groups.get("b2") or groups["b3"])
            elif kind == "min" and low is None:
                low = _number(groups["a"])
            elif kind == "fixed" and low is None and high is None:
                low = high = _number(groups.get("n") or groups["n2"])
            else:
                continue
            reading.read("compute.max_replicas", match.span(), None)
            reading.blank(*match.span())
    if low is None and high is None:
        return
    low = low if low is not None else 1
    high = high if high is not None else max(low, 1)
    if low > high:
        low, high = high, low
    asked = high  # "0 replicas" is raised to 1: the ledger row shows what was asked (adjusted, with the note)
    start, end, _ = reading.spans["compute.max_replicas"]
    reading.spans["compute.max_replicas"] = (start, end, high)
    if high > MAX_REPLICAS:
        reading.questions.append(
            f"{high:,} replicas is above the limit of {MAX_REPLICAS} replicas per environment. "
            f"How many replicas should it run (1-{MAX_REPLICAS})?")
        return
    if low < 1:
        reading.notes.append(f"at least 1 replica runs; {low} replicas raised to 1")
        low, high = 1, max(1, high)
    if compute["kind"] == "functions":
        if high > 1:
            reading.notes.append("functions scale per request; the replica count does not apply and is kept at 1")
        low = high = 1
    if compute["kind"] == "vm" and high > 5:
        reading.notes.append(f"at most 5 VMs; {high} replicas clamped to 5 (containers or kubernetes scale further)")
        high, low = 5, min(low, 5)
    compute["min_replicas"], compute["max_replicas"] = low, high
    reading.spans["compute.max_replicas"] = (start, end, high if asked >= 1 else asked)


def _owner(reading: Reading) -> str | None:
    for match in scan.finditer(OWNER, reading.work):
        owner = match.group("o") or match.group("o2")
        if owner in NOT_OWNERS:
            continue
        slug = slugify(owner.split("/")[-1])
        if len(slug) >= 2:
            reading.read("owner", match.span(), slug)
            reading.blank(*match.span())
            return slug
    return None


def _service(reading: Reading) -> str | None:
    def free(start: int, end: int) -> bool:
        return not any(m.start < end and start < m.end for m in reading.mentions) and bool(reading.work[start:end].strip())

    for pattern in (SERVICE_NAMED, SERVICE_BACKTICK, SERVICE_HYPHEN_AFTER_FOR, SERVICE_HYPHEN, SERVICE_FOR_ENV, SERVICE_LABEL):
        for match in scan.finditer(pattern, reading.work):
            name = match.group("s")
            if (free(*match.span("s")) and name not in vocab.NOT_SERVICE_NAMES and name not in vocab.NUMBER_WORDS
                    and name not in NOT_LABEL_NAMES and not name.isdigit()):
                reading.read("service", match.span("s"), slugify(name, 30))
                return slugify(name, 30) or None
    for match in scan.finditer(SERVICE_NOUN, reading.work):
        word, noun = match.group("s"), match.group("noun")
        if word in vocab.NOT_SERVICE_NAMES or word in vocab.NUMBER_WORDS or not free(*match.span("s")):
            continue
        if _names_an_ask(word):  # "a GDPR app", "an ArgoCD app": the ask's word describes the app, it is no name
            continue
        name = word if noun in {"service", "svc", "microservice"} else f"{word}-{noun}"
        reading.read("service", match.span(), slugify(name, 30))
        return slugify(word if noun in {"service", "svc", "microservice"} else f"{word}-{noun}", 30) or None
    return None


def _check_offers(reading: Reading, data: dict[str, Any]) -> None:
    cloud = Cloud(data["cloud"])
    for database in data["databases"]:
        clouds = OFFERED.get(("database", database["engine"]))
        if clouds is not None and cloud not in clouds:
            where = " or ".join(CLOUD_NAMES[c.value] for c in sorted(clouds, key=lambda c: c.value))
            reading.questions.append(
                f"{DB_NAMES[database['engine']]} has no managed offer on {CLOUD_NAMES[cloud.value]}. "
                f"Should it run on {where}, or use PostgreSQL or MySQL instead?"
            )
    if "search" in data and cloud != Cloud.aws:
        reading.questions.append(f"OpenSearch is offered on AWS only. Should it run on AWS, or go without search on {CLOUD_NAMES[cloud.value]}?")


# --- result --------------------------------------------------------------------------------------


def _names_workload(reading: Reading, data: dict[str, Any]) -> bool:
    if data["app"].get("framework") or data["app"].get("language") or data.get("service"):
        return True
    if data["databases"] or data.get("cache") or data.get("queue") or data.get("search") or data["buckets"]:
        return True
    if reading.live("other_framework"):
        return True
    # "an app on EKS": a workload noun with a way to run it; "a staging API": a specific one; "my app" alone is too vague
    runs = reading.live("compute") or any(m.value.kind for m in reading.live("product"))
    nouns = {m.group().strip() for m in re.finditer(rf"\b(?:{vocab.WORKLOAD_NOUNS})\b", reading.work)}
    return bool(nouns and (runs or nouns - VAGUE_WORKLOAD_NOUNS))


def finish(reading: Reading, data: dict[str, Any]) -> Understanding:
    """The spec (with its ledger), or the questions a person must answer first."""
    questions = list(dict.fromkeys(reading.questions))
    if not _names_workload(reading, data):
        questions.insert(0, NO_WORKLOAD_QUESTION)
    notes = list(dict.fromkeys(reading.notes))
    if not questions:
        try:
            spec = spec_from_data(data, "request")
        except SpecError as exc:
            questions = [f"{error}. What should it be instead?" for error in exc.errors]
        else:
            rows = judge.build(reading, spec.model_dump(mode="json", exclude_none=True), questions)
            questions = asked(rows)
            if not questions:
                return Understanding(spec=spec, refused=reading.refused, notes=notes, requirements=rows, engine=ENGINE)
            return Understanding(needs_clarification=True, questions=questions, partial=data, refused=reading.refused,
                                 notes=notes, requirements=rows, engine=ENGINE)
    rows = judge.build(reading, data, questions)
    questions = list(dict.fromkeys([*questions, *asked(rows)]))
    return Understanding(needs_clarification=True, questions=questions, partial=data, refused=reading.refused, notes=notes,
                         requirements=rows, engine=ENGINE)


def asked(rows: list[Requirement]) -> list[str]:
    """The questions the ledger's open rows put to the requester."""
    return list(dict.fromkeys(r.question for r in rows if r.open and r.question))
