"""User text as people see it on GitHub, before the bot reads anything from it.

- `clean`: invisible characters (zero-width, bidi controls) removed, then NFKC, so what the bot reads is
  what the page shows (`pay\\u200dments-api` is `payments-api`, fullwidth `us-west-2` is `us-west-2`).
- `visible`: HTML comments removed the way GitHub renders them: `<!-- ... -->` is hidden, and an unclosed
  `<!--` hides everything after it. A command or request inside hidden text is never acted on.
- `lookalikes`: words that mix Latin letters with Cyrillic/Greek look-alikes (`us-w\u0435st-2` with a Cyrillic
  `\u0435`). An identifier written that way is asked about, never silently read as something else.

Every function here is linear in the text length (no backtracking regex over user text).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Zero-width characters, fillers, the soft hyphen, the BOM and every bidi control (embeddings, overrides,
# isolates, marks).
INVISIBLE = frozenset([
    0x00AD, 0x034F, 0x061C, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180B, 0x180C, 0x180D, 0x180E, 0x200B, 0x200C, 0x200D,
    0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0x2066, 0x2067,
    0x2068, 0x2069, 0x206A, 0x206B, 0x206C, 0x206D, 0x206E, 0x206F, 0x3164, 0xFEFF, 0xFFA0,
    *range(0xFE00, 0xFE10),  # variation selectors
    *range(0xE0000, 0xE0080),  # tag characters (invisible ASCII look-alikes used to smuggle text)
])
_DROP = dict.fromkeys(INVISIBLE)

# Cyrillic and Greek letters drawn like Latin ones (Unicode confusables, the ones fonts really mix up).
CONFUSABLES = {
    "\u0430": "a",
    "\u0432": "b",
    "\u0441": "c",
    "\u0501": "d",
    "\u0435": "e",
    "\u0451": "e",
    "\u04bb": "h",
    "\u0456": "i",
    "\u0457": "i",
    "\u0458": "j",
    "\u043a": "k",
    "\u04cf": "l",
    "\u043c": "m",
    "\u043d": "h",
    "\u043e": "o",
    "\u0440": "p",
    "\u051b": "q",
    "\u0455": "s",
    "\u0442": "t",
    "\u0446": "u",
    "\u0475": "v",
    "\u051d": "w",
    "\u0445": "x",
    "\u0443": "y",
    "\u0410": "A",
    "\u0412": "B",
    "\u0421": "C",
    "\u0415": "E",
    "\u041d": "H",
    "\u0406": "I",
    "\u0408": "J",
    "\u041a": "K",
    "\u041c": "M",
    "\u041e": "O",
    "\u0420": "P",
    "\u0405": "S",
    "\u0422": "T",
    "\u0425": "X",
    "\u0423": "Y",
    "\u0251": "a",
    "\u0261": "g",
    "\u0131": "i",
    "\u0237": "j",
    "\u03bf": "o",
    "\u03b1": "a",
    "\u03bd": "v",
    "\u03c1": "p",
    "\u03c4": "t",
    "\u03c5": "u",
    "\u03b9": "i",
    "\u03ba": "k",
    "\u03c7": "x",
    "\u0391": "A",
    "\u0392": "B",
    "\u0395": "E",
    "\u0396": "Z",
    "\u0397": "H",
    "\u0399": "I",
    "\u039a": "K",
    "\u039c": "M",
    "\u039d": "N",
    "\u039f": "O",
    "\u03a1": "P",
    "\u03a4": "T",
    "\u03a5": "Y",
    "\u03a7": "X",
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
        return (
            f'the {what} "{self.written}" mixes Latin letters with {"/".join(scripts)} look-alikes; it reads as '
            f'"{self.reads_as}" but is not that. Write it in plain letters (e.g. `/dev-agent set ...`) so dev-agent '
            "knows which one you mean"
        )


def fold(word: str) -> str:
    """`word` with every look-alike letter replaced by the Latin letter it imitates."""
    return word.translate(_FOLD)


def lookalike(word: str) -> Lookalike | None:
    """The word as a look-alike when it mixes look-alike letters with ASCII letters or digits (`us-w\u0435st-2`,
    `p\u0430yments`); None otherwise (a word written wholly in another script is that script's word)."""
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
