"""Build the requirements ledger: what the reader recognised in the text, judged against the final spec.

The spec may come from either engine (the deterministic parser or the model), so the same words are held
to whatever spec was produced: an ask the spec does not carry is adjusted (with the parser's note as the
reason), unsupported (with its question) or, for a refusal, refused.
"""

from __future__ import annotations

from typing import Any

from bot.understanding import asks as catalog
from bot.understanding.ledger import Requirement, Status
from bot.understanding.reading import NEGATION_AFTER, NEGATION_BEFORE, Mention, Reading, vocabulary_table, words

ASK_TABLE = vocabulary_table("ask", {ask.pattern: ask for ask in catalog.ASKS})  # the ledger's non-spec asks
CLOUD_NAMES = {"aws": "AWS", "gcp": "GCP", "azure": "Azure"}
DB_NAMES = {"postgres": "PostgreSQL", "mysql": "MySQL", "mongodb": "MongoDB", "sqlserver": "SQL Server"}
# a question that opens with the name is about that part's offer on the chosen cloud (deterministic._check_offers)
OFFER_NAMES = {**{engine: f"{name} has no managed offer" for engine, name in DB_NAMES.items()},
               "opensearch": "OpenSearch is offered"}

# Resource lines that show a spec part was built (per line, any cloud).
PART_EVIDENCE: dict[str, str] = {
    "database": r'^resource "(aws_db_instance|aws_rds_cluster|aws_docdb_cluster|google_sql_database_instance|'
    r'azurerm_(postgresql|mysql)_flexible_server|azurerm_mssql_database|azurerm_cosmosdb_account)"',
    "cache": r'^resource "(aws_elasticache_replication_group|aws_elasticache_cluster|google_redis_instance|'
    r'google_memcache_instance|azurerm_redis_cache)"',
    "queue": r'^resource "(aws_sqs_queue|aws_mq_broker|aws_msk_cluster|google_pubsub_topic|'
    r'azurerm_servicebus_namespace|'
    r'azurerm_eventhub_namespace)"',
    "search": r'^resource "aws_opensearch_domain"',
    # the requested buckets, not the access-log bucket (AWS `logs`) or the functions' source bucket (GCP)
    "bucket": r'^resource "(aws_s3_bucket|google_storage_bucket|azurerm_storage_container)" "(?!logs"|function_source")',
    "kubernetes": r'^resource "(aws_eks_cluster|google_container_cluster|azurerm_kubernetes_cluster)"',
    "containers": r'^resource "(aws_ecs_service|google_cloud_run_v2_service|azurerm_container_app)"',
    "functions": r'^resource "(aws_lambda_function|google_cloudfunctions2_function|azurerm_linux_function_app)"',
    "vm": r'^resource "(aws_instance|google_compute_instance|azurerm_linux_virtual_machine)"',
}


def build(reading: Reading, data: dict[str, Any], questions: list[str]) -> list[Requirement]:
    """Every recognised ask, in the order of the text."""
    judge = _Judge(reading, data, questions)
    rows = judge.refusals() + judge.asks() + judge.mentions() + judge.fields()
    return sorted(_dedupe(rows), key=lambda r: (r.start, r.end, r.key))


def _dedupe(rows: list[Requirement]) -> list[Requirement]:
    """One row per ask: the same words asking for the same thing again add nothing."""
    seen: set[tuple[str, str]] = set()
    kept = []
    for row in rows:
        if (row.key, row.words.lower()) in seen:
            continue
        seen.add((row.key, row.words.lower()))
        kept.append(row)
    return kept


class _Judge:
    def __init__(self, reading: Reading, data: dict[str, Any], questions: list[str]):
        self.reading, self.data, self.questions = reading, data, questions
        self.cloud = data.get("cloud")
        self.taken: list[tuple[int, int]] = []  # spans a catalog row already speaks for

    # --- helpers ---------------------------------------------------------------------------------------------

    def words(self, start: int, end: int) -> str:
        return self.reading.text[start:end]

    def about(self, texts: list[str], *needles: str) -> str | None:
        lowered = [n.lower() for n in needles if n]
        for text in texts:
            if any(n in text.lower() for n in lowered):
                return text
        return None

    def row(
        self,
        key: str,
        label: str,
        start: int,
        end: int,
        status: Status,
        where: str = "",
        reason: str = "",
        question: str | None = None,
        evidence: tuple[str, ...] | list[str] = (),
        field: str | None = None,
    ) -> Requirement:
        return Requirement(
            key=key,
            label=label,
            words=self.words(start, end),
            start=start,
            end=end,
            status=status,
            where=where,
            reason=reason,
            question=question,
            evidence=list(evidence),
            field=field,
        )

    def missing(self, key: str, label: str, start: int, end: int, *needles: str) -> Requirement:
        """An ask the spec does not carry: unsupported with its question, or adjusted with the parser's note."""
        needles = needles or (self.words(start, end),)
        question = self.about(self.questions, *needles)
        if question:
            return self.row(
                key, label, start, end, Status.unsupported, reason="asked of the requester", question=question
            )
        note = self.about(self.reading.notes, *needles)
        return self.row(key, label, start, end, Status.adjusted, reason=note or "not carried into the spec")

    # --- refusals --------------------------------------------------------------------------------------------

    def refusals(self) -> list[Requirement]:
        return [
            self.row("refused", "Refused ask", start, end, Status.refused, reason=reason)
            for start, end, reason in self.reading.refusal_spans
        ]

    # --- asks without (only) a spec field -----------------------------------------------------------------------

    def asks(self) -> list[Requirement]:
        work = self.reading.work
        found: list[tuple[int, int, catalog.Ask]] = []
        for pattern, ask, prefixes in ASK_TABLE.patterns:
            if prefixes and not any(prefix in work for prefix in prefixes):
                continue
            for match in words(pattern, work):
                if (
                    match.end() > match.start()
                    and not NEGATION_BEFORE.search(work[max(0, match.start() - 45) : match.start()])
                    and not NEGATION_AFTER.match(work[match.end() : match.end() + 30])
                ):
                    found.append((match.start(), match.end(), ask))
        # a match inside a longer one ("alarms" in "cloudwatch alarms") belongs to the longer one
        kept: list[tuple[int, int, catalog.Ask]] = []
        reach = -1
        for f in sorted(found, key=lambda f: (f[0], -f[1])):  # a span inside an earlier, longer one is dropped
            if f[1] <= reach and not (kept and kept[-1][:2] == f[:2]):
                continue
            kept.append(f)
            reach = max(reach, f[1])
        rows = []
        for start, end, ask in kept:
            self.taken.append((start, end))
            rows.append(self.ask_row(ask, start, end))
        return rows

    def ask_row(self, ask: catalog.Ask, start: int, end: int) -> Requirement:
        field = recorded_field(ask, self.data)
        recorded = field is not None
        question = self.about(self.questions, self.words(start, end))
        if question:
            return self.row(
                ask.key, ask.label, start, end, Status.unsupported, reason="asked of the requester", question=question
            )
        built_here = self.cloud in ask.clouds and (ask.built is None or ask.built(self.data))
        if built_here and (ask.spec_field is None or recorded):
            where = f"spec `{field}`" if field else "generated files"
            return self.row(
                ask.key,
                ask.label,
                start,
                end,
                Status.honoured,
                where=where,
                evidence=ask.evidence,
                field=field,
            )
        if ask.adjusted:
            return self.row(ask.key, ask.label, start, end, Status.adjusted, reason=ask.adjusted)
        reason = ask.why
        if field is not None:
            kind = "list" if isinstance(_dig(self.data, field), list) else "field"
            reason += f" (kept in the spec's `{field}` {kind})"
        return self.row(
            ask.key, ask.label, start, end, Status.unsupported, reason=reason, question=ask.ask, evidence=ask.evidence
        )

    # --- vocabulary mentions (spec fields) ----------------------------------------------------------------------

    def mentions(self) -> list[Requirement]:
        rows = []
        taken = bytearray(len(self.reading.work) + 1)
        for s, e in self.taken:
            taken[s:e] = b"\x01" * (e - s)
        for mention in self.reading.mentions:
            if (
                all(taken[mention.start : mention.end])
                and mention.cat in {"monitoring", "unsupported_database", "product"}
                and not self._product_part(mention)
            ):
                continue
            row = self.mention_row(mention)
            if row is not None:
                rows.append(row)
        return rows

    def _product_part(self, mention: Mention) -> str | None:
        if mention.cat != "product":
            return None
        product = mention.value
        return (
            "kind"
            if product.kind
            else "database"
            if product.database is not None
            else "cache"
            if product.cache
            else "queue"
            if product.queue
            else "bucket"
            if product.bucket
            else None
        )

    def mention_row(self, m: Mention) -> Requirement | None:
        if m.dropped:
            return self.dropped_row(m)
        data, app = self.data, self.data.get("app") or {}
        words = self.words(m.start, m.end)
        if m.cat == "cloud":
            ok = data.get("cloud") == m.value
            label = f"Cloud: {CLOUD_NAMES[m.value]}"
            return self.ok_or_missing(ok, f"cloud:{m.value}", label, m, "cloud", words)
        if m.cat in {"place", "region_code"}:
            expected = m.value if m.cat == "region_code" else getattr(m.value, self.cloud or "aws")
            region = data.get("region")
            label = f"Region: {words}"
            question = self.about(self.questions, "lives in one region")
            if question:
                return self.row("region", label, m.start, m.end, Status.unsupported, reason="asked of the requester",
                                question=question)
            if region == expected:
                return self.row("region", label, m.start, m.end, Status.honoured, where="spec `region`", field="region")
            if region and m.cat == "place":
                return self.row(
                    "region",
                    label,
                    m.start,
                    m.end,
                    Status.adjusted,
                    reason=f"{region} was chosen from a more specific place or region code in the request",
                )
            return self.missing("region", label, m.start, m.end, words)
        if m.cat == "tier":
            question = self.about(self.questions, "which tier should")
            if question:
                return self.row("tier", f"Tier: {m.value}", m.start, m.end, Status.unsupported,
                                reason="asked of the requester", question=question)
            if data.get("tier", "dev") == m.value:
                return self.row(
                    "tier", f"Tier: {m.value}", m.start, m.end, Status.honoured, where="spec `tier`", field="tier"
                )
            return None  # comparisons ("prod-like") and other tier words are not asks
        if m.cat == "framework":
            return self.ok_or_missing(
                app.get("framework") == m.value,
                f"framework:{m.value}",
                f"Framework: {words}",
                m,
                "app.framework",
                words,
            )
        if m.cat == "other_framework":
            label, language = m.value
            if language is not None and app.get("language") == language and not app.get("framework"):
                return self.row(
                    f"framework:{words.lower()}",
                    f"Framework: {words}",
                    m.start,
                    m.end,
                    Status.adjusted,
                    reason=f"{words} is not templated; built as a plain {language} app",
                )
            if language is not None and app.get("language") == language and app.get("framework"):
                return self.row(f"framework:{words.lower()}", f"Framework: {words}", m.start, m.end, Status.adjusted,
                                reason=f"built as {app['framework']} on the {language} runtime ({words} is not templated)")
            second_app = self.about(self.reading.notes, f"the {words} app is not included")
            if second_app:  # "React frontend + FastAPI backend": one app is built, the other is not
                return self.row(f"framework:{words.lower()}", f"Framework: {words}", m.start, m.end,
                                Status.unsupported, reason=second_app)
            return self.missing(f"framework:{words.lower()}", f"Framework: {words}", m.start, m.end, words)
        if m.cat == "language":
            ok = app.get("language") == m.value and (
                not m.version or _same_version(app.get("runtime_version"), m.version)
            )
            return self.ok_or_missing(
                ok,
                f"language:{m.value}",
                f"Language: {words}" + (f" {m.version}" if m.version else ""),
                m,
                "app.language",
                words,
            )
        if m.cat == "database":
            return self.part_row("database", m.value, f"{DB_NAMES[m.value]} database", m, words)
        if m.cat == "unsupported_database":
            return self.missing(f"database:{m.value.lower()}", f"{m.value} database", m.start, m.end, m.value)
        if m.cat in {"cache", "queue", "search"}:
            return self.part_row(m.cat, m.value, f"{m.cat.capitalize()}: {words}", m, words)
        if m.cat == "compute":
            kind = (data.get("compute") or {}).get("kind", "containers")
            return self.ok_or_missing(
                kind == m.value,
                f"compute:{m.value}",
                f"Runs on {words}",
                m,
                "compute.kind",
                words,
                evidence=(PART_EVIDENCE[m.value],),
            )
        if m.cat == "generic":
            return self.generic_row(m, words)
        if m.cat == "product":
            return self.product_row(m, words)
        return None

    def ok_or_missing(
        self, ok: bool, key: str, label: str, m: Mention, field: str, words: str, evidence: tuple[str, ...] = ()
    ) -> Requirement:
        if ok:
            return self.row(
                key, label, m.start, m.end, Status.honoured, where=f"spec `{field}`", field=field, evidence=evidence
            )
        return self.missing(key, label, m.start, m.end, words)

    def part_row(self, part: str, engine: str, label: str, m: Mention, words: str) -> Requirement:
        present = self.engines(part)
        offer = next((q for q in self.questions if q.startswith(OFFER_NAMES.get(engine, "\0"))), None)
        if engine in present and offer:  # "OpenSearch is offered on AWS only. Should it ...?"
            return self.row(f"{part}:{engine}", label, m.start, m.end, Status.unsupported,
                            reason="asked of the requester", question=offer)
        if engine in present and part == "database" and m.version and not self.version_kept(engine, m.version):
            wanted = f"{words} {m.version}"
            note = self.about(self.reading.notes, f"{m.version} is not offered", f"mysql {m.version}")
            return self.row(f"{part}:{engine}", f"{label} {m.version}", m.start, m.end, Status.adjusted,
                            reason=note or f"{wanted} is not the version in the spec", field="databases")
        if engine in present:
            field = "databases" if part == "database" else part
            return self.row(
                f"{part}:{engine}",
                label,
                m.start,
                m.end,
                Status.honoured,
                where=f"spec `{field}`",
                field=field,
                evidence=(PART_EVIDENCE[part],),
            )
        return self.missing(f"{part}:{engine}", label, m.start, m.end, words, engine)

    def version_kept(self, engine: str, version: str) -> bool:
        """A database of `engine` in the spec runs the version the request named (a spec without one takes the
        engine's default, which the parser chose only when the named version is not offered)."""
        versions = [d.get("version") for d in self.data.get("databases") or [] if d.get("engine") == engine]
        return any(_same_version(v, version) or _same_version(v, version.split(".")[0]) for v in versions)

    def engines(self, part: str) -> list[str]:
        if part == "database":
            return [d.get("engine") for d in self.data.get("databases") or []]
        if part == "bucket":
            return ["bucket"] if self.data.get("buckets") else []
        value = self.data.get(part)
        return [value.get("engine", part)] if isinstance(value, dict) else []

    def generic_row(self, m: Mention, words: str) -> Requirement | None:
        part = m.value
        if part == "monitoring":
            return None  # the catalog's monitoring rows speak for tools; the word alone asks for nothing specific
        label = {
            "database": "A database",
            "cache": "A cache",
            "queue": "A queue",
            "search": "Search",
            "bucket": "Object storage",
        }[part]
        present = self.engines(part)
        if present:
            field = "databases" if part == "database" else "buckets" if part == "bucket" else part
            return self.row(
                part,
                label,
                m.start,
                m.end,
                Status.honoured,
                where=f"spec `{field}`",
                field=field,
                evidence=(PART_EVIDENCE[part],),
            )
        return self.missing(part, label, m.start, m.end, words)

    def product_row(self, m: Mention, words: str) -> Requirement | None:
        product = m.value
        part = self._product_part(m)
        if part is None:
            return None
        if part == "kind":
            kind = (self.data.get("compute") or {}).get("kind")
            return self.ok_or_missing(
                kind == product.kind,
                f"compute:{product.kind}",
                f"Runs on {words}",
                m,
                "compute.kind",
                words,
                evidence=(PART_EVIDENCE[product.kind],),
            )
        if part == "database":
            engines = self.engines("database")
            ok = bool(engines) if product.database == "" else product.database in engines
            engine = product.database or (engines[0] if engines else "database")
            if ok:
                return self.row(
                    f"database:{engine}",
                    f"Database: {words}",
                    m.start,
                    m.end,
                    Status.honoured,
                    where="spec `databases`",
                    field="databases",
                    evidence=(PART_EVIDENCE["database"],),
                )
            return self.missing(f"database:{engine}", f"Database: {words}", m.start, m.end, words)
        engine = {"cache": product.cache, "queue": product.queue, "bucket": "bucket"}[part]
        return self.part_row(part, engine, f"{part.capitalize()}: {words}", m, words)

    def dropped_row(self, m: Mention) -> Requirement | None:
        words = self.words(m.start, m.end)
        if m.dropped_by in {"homonym", "answered"}:
            return None
        if m.dropped_by == "corrected":
            return self.row(
                "corrected",
                f"{words} (corrected)",
                m.start,
                m.end,
                Status.adjusted,
                reason="the request corrected itself; the later choice is used",
            )
        if m.cat in {"tier", "place", "region_code", "other_framework"}:
            return None
        part = {
            "database": "database",
            "unsupported_database": "database",
            "cache": "cache",
            "queue": "queue",
            "search": "search",
        }.get(m.cat) or (m.value if m.cat == "generic" else None)
        if part not in {"database", "cache", "queue", "search", "bucket"}:
            return None
        if self.engines(part):
            return self.row(
                f"without:{part}",
                f"No {words}",
                m.start,
                m.end,
                Status.adjusted,
                reason=f"the request says no {words}, but another part of it asks for one",
            )
        return self.row(f"without:{part}", f"No {words}", m.start, m.end, Status.honoured, where=f"spec (no {part})")

    # --- sizes, names and numbers -------------------------------------------------------------------------------

    def fields(self) -> list[Requirement]:
        rows = []
        for name, (start, end, value) in self.reading.spans.items():
            actual = _dig(self.data, name)
            label = FIELD_LABELS.get(name, name)
            if actual is not None and _close(actual, value):
                rows.append(
                    self.row(
                        name,
                        f"{label}: {self.words(start, end)}",
                        start,
                        end,
                        Status.honoured,
                        where=f"spec `{name}`",
                        field=name,
                    )
                )
            else:
                rows.append(
                    self.missing(
                        name,
                        f"{label}: {self.words(start, end)}",
                        start,
                        end,
                        *FIELD_NEEDLES.get(name, ()),
                        self.words(start, end),
                    )
                )
        return rows


FIELD_LABELS = {
    "budget_monthly_usd": "Budget",
    "ttl_days": "Lifetime",
    "compute.max_replicas": "Replicas",
    "owner": "Owner",
    "service": "Service name",
    "databases.storage_gb": "Storage",
    "compute.cpu": "CPU",
    "compute.memory_gb": "Memory",
    "app.port": "Port",
    "app.health_path": "Health check",
    "app.image": "Image",
    "databases.count": "Databases",
    "buckets.count": "Buckets",
    "high_availability": "High availability",
    "inputs.alert_email": "Alert email",
}
FIELD_NEEDLES = {
    "compute.max_replicas": ("replica", "VMs"),
    "databases.storage_gb": ("storage",),
    "budget_monthly_usd": ("budget",),
    "ttl_days": ("lifetime",),
    "compute.cpu": ("cpu",),
    "compute.memory_gb": ("memory",),
    "app.port": ("port",),
    "app.image": ("image",),
    "databases.count": ("databases",),
    "buckets.count": ("buckets",),
}


def recorded_field(ask: catalog.Ask, data: dict[str, Any]) -> str | None:
    """The spec field (dotted path) that records `ask` in `data`, or None (see `Ask.spec_field`)."""
    value = ask.key.split(":", 1)[1]
    for option in (ask.spec_field or "").split("|") if ask.spec_field else []:
        path, _, wanted = option.partition("=")
        actual = _dig(data, path.rstrip("?"))
        if wanted:
            hit = actual == wanted
        elif path.endswith("?"):
            hit = bool(actual)
        else:
            hit = isinstance(actual, list) and value in actual
        if hit:
            return path.rstrip("?")
    return None


def _dig(data: dict[str, Any], dotted: str) -> Any:
    if dotted == "databases.storage_gb":
        return [d.get("storage_gb") for d in data.get("databases") or []] or None
    if dotted == "databases.count":
        return len(data.get("databases") or []) or None
    if dotted == "buckets.count":
        return len(data.get("buckets") or []) or None
    if dotted == "high_availability":
        flags = [d.get("high_availability") for d in data.get("databases") or []]
        flags.append((data.get("cache") or {}).get("high_availability"))
        return True if any(flags) else None
    value: Any = data
    for part in dotted.split("."):
        if isinstance(value, list):  # a list of parts (`databases.aurora`): the values that are set, or None
            value = [item.get(part) for item in value if isinstance(item, dict) and item.get(part)] or None
        else:
            value = value.get(part) if isinstance(value, dict) else None
    return value


def _close(actual: Any, value: Any) -> bool:
    if value is None:
        return True
    if isinstance(actual, list):
        return any(_close(a, value) for a in actual)
    if isinstance(value, (int, float)) and isinstance(actual, (int, float)):
        return abs(float(actual) - float(value)) < 1e-6
    return str(actual) == str(value)


def _same_version(actual: Any, wanted: str) -> bool:
    return actual is not None and str(actual).removesuffix(".0") == wanted.removesuffix(".0")
