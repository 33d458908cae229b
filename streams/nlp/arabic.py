"""Arabic-script primitives shared by the text, places, dates, datelines and structure stages.

One home for the character facts every stage needs: which code points are Arabic letters,
diacritics, tatweel and the invisible controls that survive copy-paste; the two families of
Eastern digits; Arabic punctuation; and the one-to-one folding of letter variants (alef
forms, alef maqsura, teh marbuta, Persian-keyboard letters) and digits used to match names
and phrases regardless of how they were spelled.

Two search forms are built on it:

* :func:`fold_arabic` / :func:`matching_form`: diacritics and tatweel removed, letters and
  digits folded, nothing else touched; ``matching_form`` remembers the way back to the
  original's offsets (places, dates).
* :func:`normalize_for_match`: the same, plus invisible controls removed, no-break spaces and
  the Arabic decimal separator made ASCII, and Latin lower-cased (line classification, where
  offsets are not needed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from camel_tools.utils.charsets import AR_DIAC_CHARSET

__all__ = [
    "ARABIC_LETTERS",
    "ARABIC_PUNCTUATION",
    "DIGITS_TO_ASCII",
    "FOLD_TABLE",
    "REMOVABLE_CHARS",
    "TATWEEL",
    "MatchingText",
    "ascii_digits",
    "fold_arabic",
    "matching_form",
    "normalize_for_match",
    "replace_surrogates",
    "strip_diacritics",
]

# Arabic letters after folding (Persian letters included so they do not split a word).
ARABIC_LETTERS = "\u0621-\u063a\u0641-\u064a\u0671-\u06d3"
TATWEEL = "\u0640"
ARABIC_INDIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
ARABIC_DECIMAL_SEPARATOR = "\u066b"
# Comma, semicolon, question mark, guillemets, ellipsis, percent, decimal and thousands signs.
ARABIC_PUNCTUATION = "،؛؟«»…٪٫٬"

# camel_tools' diacritic set plus tatweel and the Quranic annotation marks that survive
# copy-paste; they never change which word is meant.
REMOVABLE_CHARS = "".join(sorted(set(AR_DIAC_CHARSET) | {TATWEEL}))
REMOVABLE_CLASS = (
    "[" + re.escape(REMOVABLE_CHARS) + "\u0610-\u061a\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed]"
)
_HAS_REMOVABLE_RE = re.compile(REMOVABLE_CLASS)
_KEPT_RUN_RE = re.compile(REMOVABLE_CLASS.replace("[", "[^", 1) + "+")

# Zero-width characters and bidi controls: invisible, never part of a word.
INVISIBLE = (
    *range(0x200B, 0x2010),
    *range(0x202A, 0x202F),
    *range(0x2066, 0x206A),
    0x061C,
    0xFEFF,
)
_SURROGATE_RE = re.compile("[\ud800-\udfff]")

DIGITS_TO_ASCII: dict[int, str] = {
    **{ord(ch): str(i) for i, ch in enumerate(ARABIC_INDIC_DIGITS)},
    **{ord(ch): str(i) for i, ch in enumerate(PERSIAN_DIGITS)},
}


def _fold_table() -> dict[int, str]:
    # One-to-one foldings only, so the folded text keeps the original's length; the same
    # mapping as camel_tools' normalize_alef_ar / normalize_alef_maksura_ar /
    # normalize_teh_marbuta_ar (a unit test checks the agreement), plus Persian-keyboard
    # letters and both families of Eastern digits.
    table = {ord(ch): "ا" for ch in "أإآٱ"}
    table[ord("ى")] = "ي"
    table[ord("ة")] = "ه"
    table[0x06CC] = "ي"  # Farsi yeh
    table[0x06A9] = "ك"  # keheh
    table.update(DIGITS_TO_ASCII)
    return table


FOLD_TABLE = _fold_table()


def _match_table() -> dict[int, str | None]:
    table: dict[int, str | None] = dict(FOLD_TABLE)
    for cp in (
        *range(0x0610, 0x061B),
        *range(0x064B, 0x0660),
        0x0670,
        *range(0x06D6, 0x06EE),
        *INVISIBLE,
    ):
        table[cp] = None
    table[ord(TATWEEL)] = None
    table[0x00A0] = " "
    table[ord(ARABIC_DECIMAL_SEPARATOR)] = "."
    return table


_MATCH_TABLE = _match_table()


def ascii_digits(text: str) -> str:
    """``text`` with Arabic-Indic and Persian digits written as ASCII digits."""
    return text.translate(DIGITS_TO_ASCII)


def replace_surrogates(text: str) -> str:
    """Lone surrogates (from JSON "\\ud800" escapes) replaced by U+FFFD, so text encodes."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATE_RE.sub("\ufffd", text)
    return text


def normalize_for_match(text: str) -> str:
    """Matching form of a line: no diacritics/tatweel/bidi, folded letters, ASCII digits,
    lower case."""
    return text.translate(_MATCH_TABLE).lower()


@dataclass(frozen=True, slots=True)
class MatchingText:
    """The folded search form of a text and the way back to the original's offsets."""

    original: str
    folded: str
    # folded position -> original position, with one extra entry for the end; None when
    # nothing was removed and positions are identical.
    index: tuple[int, ...] | None

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a folded span to the original span (trailing diacritics included)."""
        if self.index is None:
            return start, end
        if end <= start:
            return self.index[start], self.index[start]
        # The end is where the next kept character starts, so diacritics written on the last
        # letter stay inside the span; whitespace never is removable, so nothing else leaks in.
        return self.index[start], self.index[end]


def strip_diacritics(text: str) -> str:
    """``text`` without diacritics, tatweel and Quranic annotation marks."""
    return _HAS_REMOVABLE_RE.sub("", text)


def fold_arabic(text: str) -> str:
    """The search form of a name or phrase: no diacritics, folded letters and digits."""
    return _HAS_REMOVABLE_RE.sub("", text).translate(FOLD_TABLE)


def matching_form(text: str) -> MatchingText:
    """Fold ``text`` for matching, remembering where each folded character came from."""
    if _HAS_REMOVABLE_RE.search(text) is None:
        return MatchingText(text, text.translate(FOLD_TABLE), None)
    pieces: list[str] = []
    index: list[int] = []
    for m in _KEPT_RUN_RE.finditer(text):
        pieces.append(m.group())
        index.extend(range(m.start(), m.end()))
    index.append(len(text))
    return MatchingText(text, "".join(pieces).translate(FOLD_TABLE), tuple(index))
