"""Request hygiene shared by both engines: unreadable text is rejected, dangerous asks are refused.

The request is data. Phrases that try to instruct the bot or ask for something dev-agent never builds
(internet-open ports, disabled encryption, public buckets, admin rights, secrets in the request) are
recorded as refusals with a reason and blanked out before any field is read from the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.understanding import scan
from bot.understanding.model import RequestError
from bot.usertext import clean

MAX_REQUEST_CHARS = 20_000

INTERNET = r"(?:0\.0\.0\.0/0|::/0|0\.0\.0\.0|the (?:whole |entire |public )?internet|anywhere|any ?where|everyone|the world|all ips?|any ip|the public|public(?:ly)?)"


@dataclass(frozen=True)
class Refusal:
    pattern: re.Pattern[str]
    reason: str  # may use {port} / {what}


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


NO_INTERNET = "dev-agent never opens SSH or databases to the internet"
REFUSALS: tuple[Refusal, ...] = (
    Refusal(
        _rx(r"\b(?:please\s+)?(?:ignore|disregard|forget|override)\s+(?:all\s+|any\s+|the\s+|your\s+)*"
            r"(?:previous|prior|above|earlier|preceding|system|original)?\s*(?:instructions?|prompts?|rules?|guidelines?|messages?|policies|policy)\b"
            r"|\byou are now\b[^.;\n]{0,80}|\bsystem prompt\b[^.;\n]{0,80}|\bnew instructions?\s*:[^\n]{0,200}|\bact as\b[^.;\n]{0,60}"),
        "instructions inside the request were ignored: the request text is read as data, never as instructions",
    ),
    Refusal(
        _rx(r"\b(?:open|expose|allow|permit|enable|whitelist|allowlist)\s+(?:inbound\s+|ingress\s+)?(?:tcp\s+|udp\s+)?(?:on\s+)?"
            r"(?:port\s*(?P<port>\d{1,5})|(?P<what>ssh|rdp|the (?:database|db)|(?:the )?(?:postgres|mysql|mongo(?:db)?|redis|sql ?server|mssql)|all ports|every port|ports?|access|traffic|ingress))"
            r"[^.;\n]{0,40}?\b(?:to|from|for)\s+" + INTERNET),
        "opening {what} to 0.0.0.0/0 was refused: " + NO_INTERNET,
    ),
    Refusal(_rx(r"(?<![\d.])0\.0\.0\.0/0|(?<![\w:])::/0"), "opening anything to 0.0.0.0/0 was refused: " + NO_INTERNET),
    Refusal(
        _rx(r"\b(?:public|open|internet[- ]facing)\s+(?:ssh|rdp)\b|\b(?:ssh|rdp)\s+(?:access\s+)?(?:from|to|open to)\s+" + INTERNET
            + r"|\bport\s*(?P<port>22|3389)\b(?:\s+open)?"),
        "opening {what} to 0.0.0.0/0 was refused: " + NO_INTERNET,
    ),
    Refusal(
        _rx(r"\b(?:publicly accessible|public|internet[- ]facing|exposed)(?=\s+(?:postgres(?:ql)?|mysql|mongo(?:db)?|redis|sql ?server|mssql|database|db)\b)"
            r"|\b(?:make|expose)\s+(?:the\s+)?(?:database|db|postgres(?:ql)?|mysql|mongo(?:db)?|redis|sql ?server|mssql)\s+"
            r"(?:public(?:ly)?|accessible|reachable|open)[^.;,\n]{0,30}"),
        "a database open to the internet was refused: " + NO_INTERNET,
    ),
    Refusal(
        _rx(r"\b(?:disable|turn off|switch off|skip|remove|drop|no|without)\s+(?:the\s+|all\s+|any\s+)?(?:at[- ]rest\s+|in[- ]transit\s+)?"
            r"(?:encryption|tls|ssl|https)\b(?:\s+(?:at rest|in transit))?|\bunencrypted\b|\bplain ?text (?:passwords?|traffic|storage)\b"),
        "disabling encryption was refused: storage, databases and traffic are always encrypted",
    ),
    Refusal(
        _rx(r"\bpublic(?:ly readable|-read| read)?(?=\s+(?:s3\s+|gcs\s+)?buckets?\b)|\bmake\s+(?:the\s+|all\s+)?buckets?\s+public\b"
            r"|\b(?<=bucket )(?:should be|is|are)\s+public\b|\b(?<=buckets )(?:should be|is|are)\s+public\b|\bpublic[- ]read(?:-write)?\b"),
        "a public bucket was refused: buckets always block public access",
    ),
    Refusal(
        _rx(r"\b(?:administrator ?access|admin(?:istrator)? (?:access|rights|role|permissions|privileges)|full (?:admin|aws|cloud) access"
            r"|root (?:access|account|credentials|user)|owner role|\*:\*|iam:\*|s3:\*)"),
        "broad admin permissions were refused: workloads get least-privilege roles only",
    ),
    Refusal(
        _rx(r"\b(?:disable|turn off|switch off|remove|skip|bypass)\s+(?:the\s+|all\s+)?(?:firewalls?|security groups?|waf|network policies|"
            r"audit(?: logs?| logging)?|logging|mfa|deletion protection|backups?|checkov|policy checks?|policies|security (?:checks?|scans?)|checks|review|approval)\b"),
        "turning off a security control was refused: firewalls, logging, backups, checks and review always stay on",
    ),
    Refusal(
        _rx(r"\b(?:password|passwd|secret|api[_ -]?key|token|access[_ -]?key)\s*(?:is|=|:)\s*\S+|\bhard-?cod(?:e|ed|ing)\s+(?:the\s+|a\s+)?"
            r"(?:passwords?|secrets?|keys?|tokens?|credentials)\b|\bAKIA[0-9A-Z]{12,}"),
        "a secret in the request was refused and dropped: secrets never go into generated files (the cloud's secret manager holds them)",
    ),
    Refusal(
        _rx(r"\b(?:curl|wget)\s+\S+[^\n]{0,40}\|\s*(?:ba)?sh\b|\brm\s+-rf\b|\b(?:run|execute)\s+(?:this|the following)\s+(?:script|command|shell)[^\n]{0,200}"),
        "running commands from the request was refused: dev-agent only generates reviewed files",
    ),
    Refusal(
        _rx(r"\b(?:delete|destroy|drop|wipe)\s+(?:the\s+|all\s+)?(?:other|existing|production|prod|every|all)\s+"
            r"(?:environments?|databases?|resources|clusters?|data|stacks?)\b"),
        "destroying other resources was refused: a request can only describe its own environment",
    ),
)


def normalize(text: str) -> str:
    """Invisible characters removed, NFKC, typographic dashes/quotes made plain; same text otherwise."""
    text = clean(text)
    return text.translate({0x2013: "-", 0x2014: "-", 0x2212: "-", 0x2018: "'", 0x2019: "'", 0x201C: '"', 0x201D: '"', 0x2026: "..."})


_LAYOUT = dict.fromkeys(map(ord, "\n\r\t"))


def check_request(text: object) -> str:
    """The request text, or RequestError naming why it cannot be read."""
    if not isinstance(text, str):
        raise RequestError("request text must be a string")
    if len(text) > MAX_REQUEST_CHARS:
        raise RequestError(
            f"request text is {len(text):,} characters; the limit is {MAX_REQUEST_CHARS:,} "
            "(describe the environment in a few sentences)"
        )
    if not text.strip():
        raise RequestError('request text is empty: describe the environment, e.g. "FastAPI with Postgres on AWS us-west-2"')
    if "\x00" in text:
        raise RequestError("request text contains NUL bytes: it looks like binary data, not a sentence")
    if "\ufffd" not in text and text.translate(_LAYOUT).isprintable():
        return text  # the common case, without a loop over every character
    odd = sum(1 for ch in text if (not ch.isprintable() and ch not in "\n\r\t") or 0xD800 <= ord(ch) <= 0xDFFF or ch == "\ufffd")
    if odd > max(2, len(text) // 20):
        raise RequestError("request text is mostly unprintable characters: it looks like binary data, not a sentence")
    return text


def find_refusals(text: str) -> tuple[list[str], list[tuple[int, int]]]:
    """Refused asks (with reasons) and the text spans to blank out (qualifiers only, where a lookahead keeps the noun)."""
    found = refusal_spans(text)
    return list(dict.fromkeys(reason for _, _, reason in found)), [(start, end) for start, end, _ in found]


def refusal_spans(text: str) -> list[tuple[int, int, str]]:
    """Each refused ask: its span in `text` and the reason."""
    found: list[tuple[int, int, str]] = []
    for refusal in REFUSALS:
        for match in scan.finditer(refusal.pattern, text):
            if any(s <= match.start() < e for s, e, _ in found):
                continue
            groups = match.groupdict()
            port = groups.get("port")
            what = f"port {port}" if port else _what(groups.get("what"))
            found.append((match.start(), match.end(), refusal.reason.format(what=what)))
    return found


def _what(word: str | None) -> str:
    if not word:
        return "SSH"
    word = word.lower()
    if word == "ssh":
        return "port 22 (SSH)"
    if word == "rdp":
        return "port 3389 (RDP)"
    if word in {"ports", "port", "all ports", "every port", "access", "traffic", "ingress"}:
        return "network access"
    return word.removeprefix("the ")
