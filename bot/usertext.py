"""User text as people see it on GitHub, before the bot reads anything from it.

- `clean`: invisible characters (zero-width, bidi controls) removed, then NFKC, so what the bot reads is
  what the page shows (`pay\\u200dments-api` is `payments-api`, `ｕｓ-ｗｅｓｔ-２` is `us-west-2`).
- `visible`: HTML comments removed the way GitHub renders them: `<!-- ... -->` is hidden, and an unclosed
  `<!--` hides everything after it. A command or request inside hidden text is never acted on.
- `lookalikes`: words that mix Latin letters with Cyrillic/Greek look-alikes (`us-wеst-2` with a Cyrillic
  `е`). An identifier written that way is asked about, never silently read as something else.

Every function here is linear in the text length (no backtracking regex over user text).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Zero-width characters, fillers, the soft hyphen, the BOM and every bidi control (embeddings, overrides,
# isolates, marks).
INVISIBLE = frozenset(
    [0x00AD, 0x034F, 0x061C, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180B, 0x180C, 0x180D, 0x180E, 0x200B, 0x200C,
     0x200D, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064,
     0x2066, 0x2067, 0x2068, 0x2069, 0x206A, 0x206B, 0x206C, 0x206D, 0x206E, 0x206F, 0x3164, 0xFEFF, 0xFFA0]
    + list(range(0xFE00, 0xFE10))  # variation selectors
    + list(range(0xE0000, 0xE0080))  # tag characters (invisible ASCII look-alikes used to smuggle text)
)
_DROP = dict.fromkeys(INVISIBLE)
BIDI = frozenset([0x061C, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069])

# Cyrillic and Greek letters drawn like Latin ones (Unicode confusables, the ones fonts really mix up).
CONFUSABLES = {
    "а": "a", "в": "b", "с": "c", "ԁ": "d", "е": "e", "ё": "e", "һ": "h", "і": "i", "ї": "i", "ј": "j", "к": "k",
    "ӏ": "l", "м": "m", "н": "h", "о": "o", "р": "p", "ԛ": "q", "ѕ": "s", "т": "t", "ц": "u", "ѵ": "v", "ԝ": "w",
    "х": "x", "у": "y", "А": "A", "В": "B", "С": "C", "Е": "E", "Н": "H", "І": "I", "Ј": "J", "К": "K", "М": "M",
    "О": "O", "Р": "P", "Ѕ": "S", "Т": "T", "Х": "X", "У": "Y", "ɑ": "a", "ɡ": "g", "ı": "i", "ȷ": "j", "ο": "o",
    "α": "a", "ν": "v", "ρ": "p", "τ": "t", "υ": "u", "ι": "i", "κ": "k", "χ": "x", "Α": "A", "Β": "B", "Ε": "E",
    "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
}
_FOLD = str.maketrans(CONFUSABLES)
_WORD = re.compile(r"[^\s,;:()\[\]{}<>\"'`]+")
COMMENT_OPEN, COMMENT_CLOSE = "<!--", "-->"


def clean(text: str) -> str:
    """`text` without invisible characters, NFKC-normalised."""
    return unicodedata.normalize("NFKC", strip_invisible(text))


def strip_invisible(text: str) -> str:
    """`text` without zero-width characters and bidi controls (for echoing text as written)."""
    return text.translate(_DROP)


def visible(text: str) -> str:
    """`text` without its HTML comments; an unclosed `<!--` hides the rest (as GitHub renders it)."""
    parts: list[str] = []
    start = 0
    while True:
        opened = text.find(COMMENT_OPEN, start)
        if opened < 0:
            parts.append(text[start:])
            break
        parts.append(text[start:opened])
        closed = text.find(COMMENT_CLOSE, opened + 2)  # `<!-->` and `<!--->` are (empty) comments too
        if closed < 0:
            break
        start = closed + len(COMMENT_CLOSE)
    return "".join(parts)


def readable(text: str) -> str:
    """What the bot reads from a comment or issue body: visible, then cleaned."""
    return clean(visible(text))


@dataclass(frozen=True)
class Lookalike:
    """A word written with look-alike letters, and what it reads as in plain Latin letters."""

    written: str
    reads_as: str

    def question(self, what: str = "word") -> str:
        scripts = sorted({unicodedata.name(ch, "?").split()[0].title() for ch in self.written if ch in CONFUSABLES})
        return (f"the {what} \"{self.written}\" mixes Latin letters with {'/'.join(scripts)} look-alikes; it reads as "
                f"\"{self.reads_as}\" but is not that. Write it in plain letters (e.g. `/dev-agent set ...`) so dev-agent "
                "knows which one you mean")


def fold(word: str) -> str:
    """`word` with every look-alike letter replaced by the Latin letter it imitates."""
    return word.translate(_FOLD)


def lookalike(word: str) -> Lookalike | None:
    """The word as a look-alike when it mixes look-alike letters with ASCII letters or digits (`us-wеst-2`,
    `pаyments`); None otherwise (a word written wholly in another script is that script's word)."""
    if word.isascii() or not any(ch in CONFUSABLES for ch in word):
        return None
    if not any(ch.isascii() and ch.isalnum() for ch in word):
        return None
    return Lookalike(word, fold(word))


def lookalikes(text: str) -> list[Lookalike]:
    """Every distinct look-alike word in `text`, in order."""
    seen: dict[str, Lookalike] = {}
    for match in _WORD.finditer(text):
        found = lookalike(match.group())
        if found is not None and found.written not in seen:
            seen[found.written] = found
    return list(seen.values())
