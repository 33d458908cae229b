"""The search form places and dates match on, with offsets back into the original text.

Diacritics and tatweel are dropped; alef forms, alef maqsura and teh marbuta, Persian-keyboard
letters and Eastern digits are folded one-to-one, so a folded span maps back to the original.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from camel_tools.utils.charsets import AR_DIAC_CHARSET

__all__ = [
    "HAS_REMOVABLE_RE",
    "REMOVABLE",
    "WORD_RE",
    "MatchingText",
    "fold_arabic",
    "matching_form",
]

_TATWEEL = "\u0640"
# camel_tools' diacritic set plus tatweel and the Quranic annotation marks that survive
# copy-paste; they never change which word is meant.
REMOVABLE = "".join(sorted(set(AR_DIAC_CHARSET) | {_TATWEEL}))
_REMOVABLE_CLASS = (
    "[" + re.escape(REMOVABLE) + "\u0610-\u061a\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed]"
)
HAS_REMOVABLE_RE = re.compile(_REMOVABLE_CLASS)
_KEPT_RUN_RE = re.compile(_REMOVABLE_CLASS.replace("[", "[^", 1) + "+")
# Arabic letters after folding (Persian letters included so they do not split a word).
WORD_RE = re.compile(r"[\u0621-\u063a\u0641-\u064a\u0671-\u06d3]+")


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
    for i in range(10):
        table[0x0660 + i] = str(i)
        table[0x06F0 + i] = str(i)
    return table


_FOLD = _fold_table()


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


def fold_arabic(text: str) -> str:
    """The search form of a name or phrase: no diacritics, folded letters and digits."""
    return HAS_REMOVABLE_RE.sub("", text).translate(_FOLD)


def matching_form(text: str) -> MatchingText:
    """Fold ``text`` for matching, remembering where each folded character came from."""
    if HAS_REMOVABLE_RE.search(text) is None:
        return MatchingText(text, text.translate(_FOLD), None)
    pieces: list[str] = []
    index: list[int] = []
    for m in _KEPT_RUN_RE.finditer(text):
        pieces.append(m.group())
        index.extend(range(m.start(), m.end()))
    index.append(len(text))
    return MatchingText(text, "".join(pieces).translate(_FOLD), tuple(index))
