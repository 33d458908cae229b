"""Sentence splitting for cleaned Arabic news text (CAMeL Tools has no sentence splitter).

A line is a hard boundary. Inside a line a sentence ends after . ! ? ؟ … ۔ (and runs such as
"?!" or "..."), with the closing quotes and brackets that follow it, unless the mark is inside a
number, URL or e-mail address, ends an abbreviation ("U.S.", "Dr.", "د." before a name),
closes nothing but an enumerator ("1."), or sits in a quotation whose closing mark follows within
a few words. The Arabic semicolon ؛ does not end a sentence: Arabic news uses it between clauses
of one sentence ("...؛ مشيرا إلى أن ..."), as English uses ";". The Arabic comma never does.

Events (terminators, quotes, brackets) are found with one regex; everything else is O(1) per
event with bounded look-around, so hostile input costs linear time.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache

from camel_tools.tokenizers.word import simple_word_tokenize

from streams.records import Sentence

logger = logging.getLogger(__name__)

__all__ = ["sentence_spans", "split_sentences"]

_TERMINATORS = ".!?؟…۔。"
_STRONG = frozenset("!?؟۔。")
_CLOSERS = frozenset("»”’)]}\"'›")
_PAIRS = {"«": "»", "“": "”", "(": ")", "[": "]", "{": "}"}
_OPENER_OF = {close: open_ for open_, close in _PAIRS.items()}
_EVENT = re.compile(r'[.!?؟…۔。]+|[«»“”()\[\]{}"]')

_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"«»“”]+", re.I)
_URL_TAIL = ".,;:!?؟،؛)]}»\"'”"
# The lookbehind makes each run of address characters a single attempt, so a megabyte of
# "a.a.a." without an "@" costs one scan, not one per position.
_EMAIL = re.compile(r"(?<![\w.%+-])[\w.%+-]+@[\w-]+(?:\.[\w-]+)+")
_LETTER = re.compile(r"[^\W\d_]")
_NONSPACE = re.compile(r"\S")

# A quotation or bracket whose closing mark is this close after a terminator is one unit with
# the sentence around it: «لن نتراجع. أبدا» is not two sentences.
_SHORT_TAIL = 30
# Real nesting of quotes and brackets is shallow.
_MAX_DEPTH = 16
# Abbreviations are short; looking further back only costs time on hostile input.
_ABBREVIATION_SCAN = 12

# Latin abbreviations that are followed by a word rather than ending a sentence. "etc." and
# "Inc." often end one, so they are not here.
_LATIN_ABBREVIATIONS_WORDS = (
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "ft", "gen", "col", "lt", "capt",
    "sgt", "maj", "adm", "cmdr", "gov", "sen", "rep", "rev", "hon", "pres", "approx", "dept",
    "est", "jan", "feb", "apr", "aug", "sep", "sept", "oct", "nov", "dec", "vs", "cf", "ca",
)  # fmt: skip
_LATIN_ABBREVIATIONS = frozenset(_LATIN_ABBREVIATIONS_WORDS)
# These abbreviate only before a number ("No. 5", "pp. 12"); "no." before a word is the word.
_NUMBER_ABBREVIATIONS = frozenset(("no", "nos", "vol", "vols", "pp", "fig", "figs", "art"))


def _is_arabic_letter(ch: str) -> bool:
    return "\u0620" <= ch <= "\u064a" or "\u066e" <= ch <= "\u06d3" or "\u06fa" <= ch <= "\u06ff"


def _is_abbreviation(line: str, dot: int, following: str) -> bool:
    """Whether the '.' at ``dot`` ends an abbreviation such as "Dr", "U.S", "e.g", "د" or "J"."""
    start = dot
    floor = max(0, dot - _ABBREVIATION_SCAN)
    while start > floor and (line[start - 1].isalpha() or line[start - 1] == "."):
        start -= 1
    if start == floor and start > 0 and line[start - 1].isalpha():
        return False  # a word longer than any abbreviation
    word = line[start:dot].strip(".")
    if not word:
        return False
    parts = word.split(".")
    if len(parts) > 1:
        return all(0 < len(part) <= 2 for part in parts)
    # A lone letter is an initial ("J. Smith") or an Arabic abbreviation ("د." doctor, "م."
    # engineer or Gregorian year, "هـ." Hijri year once tatweel is cleaned, "ص." page).
    lowered = word.lower()
    if lowered in _NUMBER_ABBREVIATIONS:
        return following.isdigit()
    return len(word) == 1 or lowered in _LATIN_ABBREVIATIONS


def _protected_spans(line: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    if "://" in line or "www." in line or "WWW." in line:
        for match in _URL.finditer(line):
            end = match.start() + len(match.group().rstrip(_URL_TAIL))
            spans.append((match.start(), end))
    if "@" in line:
        spans.extend(match.span() for match in _EMAIL.finditer(line))
    spans.sort()
    return spans


def _closes_soon(line: str, pos: int, stack: list[str]) -> bool:
    if not stack:
        return False
    opener = stack[-1]
    closer = _PAIRS.get(opener, opener)
    return line.find(closer, pos, pos + _SHORT_TAIL) >= 0


def _push_or_pop(stack: list[str], ch: str) -> None:
    if len(stack) >= _MAX_DEPTH:
        del stack[0]  # unbalanced junk; bounding the stack bounds the search below
    if ch == '"':
        if stack and stack[-1] == '"':
            stack.pop()
        else:
            stack.append(ch)
    elif ch in _PAIRS:
        stack.append(ch)
    else:
        opener = _OPENER_OF.get(ch)
        if opener is not None and opener in stack:
            while stack.pop() != opener:
                pass


class _LineSplitter:
    """Boundary finder for one line; keeps the state the rules need between events."""

    def __init__(self, line: str) -> None:
        self.line = line
        self.stack: list[str] = []
        self.spans = _protected_spans(line)
        self.span_index = 0
        self.letter_checked = 0
        self.has_letter = False

    def _protected(self, pos: int) -> bool:
        spans = self.spans
        while self.span_index < len(spans) and spans[self.span_index][1] <= pos:
            self.span_index += 1
        return self.span_index < len(spans) and spans[self.span_index][0] <= pos

    def _sentence_has_letter(self, upto: int) -> bool:
        if not self.has_letter and upto > self.letter_checked:
            found = _LETTER.search(self.line, self.letter_checked, upto)
            self.has_letter = found is not None
            self.letter_checked = upto
        return self.has_letter

    def boundaries(self) -> list[int]:
        line = self.line
        n = len(line)
        cuts: list[int] = []
        consumed = 0
        for match in _EVENT.finditer(line):
            i, j = match.span()
            if i < consumed:
                continue
            first = line[i]
            if first not in _TERMINATORS:
                _push_or_pop(self.stack, first)
                continue
            k = j
            while k < n and (line[k] in _CLOSERS or line[k] in _TERMINATORS):
                if line[k] in _CLOSERS:
                    _push_or_pop(self.stack, line[k])
                k += 1
            consumed = k
            if k < n and self._is_boundary(i, j, k):
                cuts.append(k)
                self.letter_checked = k
                self.has_letter = False
        return cuts

    def _is_boundary(self, i: int, j: int, k: int) -> bool:
        line = self.line
        if self._protected(i):
            return False
        run = line[i:j]
        strong = any(ch in _STRONG for ch in run)
        single_dot = run == "."
        prev = line[i - 1] if i > 0 else " "
        nxt = line[k]
        if nxt.isspace():
            found = _NONSPACE.search(line, k)
            if found is None:
                return False  # only whitespace left: the line end closes the sentence
            following = line[found.start()]
            if following.islower():
                return False  # "approx. ten", "Yahoo! shares": Latin lower case continues
            if not strong and not single_dot and (prev.isspace() or prev in _PAIRS):
                return False  # "(...)" or " ... " mark an omission or a pause
        elif _is_arabic_letter(nxt) and (_is_arabic_letter(prev) or k > j):
            # Arabic glued to Arabic ("انتهى.وقال") is a sentence typed without its space.
            following = nxt
        else:
            return False  # glued to what follows: 3.5, 1.000.000, U.S.A, site.com
        if single_dot and _is_abbreviation(line, i, following):
            return False
        if _closes_soon(line, k, self.stack):
            return False
        return self._sentence_has_letter(i)


def _line_spans(line: str, offset: int, out: list[tuple[int, int]]) -> None:
    start = 0
    cuts = _LineSplitter(line).boundaries() if _EVENT.search(line) else []
    for end in [*cuts, len(line)]:
        piece = line[start:end]
        stripped = piece.strip()
        if stripped:
            lead = len(piece) - len(piece.lstrip())
            out.append((offset + start + lead, offset + start + lead + len(stripped)))
        start = end


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every sentence of ``text``, in order; see the module doc for the rules."""
    spans: list[tuple[int, int]] = []
    offset = 0
    for line in text.split("\n"):
        _line_spans(line, offset, spans)
        offset += len(line) + 1
    return spans


# Long "words" are URLs or junk: not worth a cache slot.
_CACHED_WORD_CHARS = 40


@lru_cache(maxsize=1 << 16)
def _word_tokens(word: str) -> tuple[str, ...]:
    return tuple(simple_word_tokenize(word))


def tokenize(sentence: str) -> list[str]:
    """camel_tools' ``simple_word_tokenize`` (digits not split), word by word with a cache.

    The tokenizer handles each whitespace-separated word on its own, so the result is the same
    as one call on the whole sentence; news vocabulary repeats, and the cache makes it cheap.
    """
    tokens: list[str] = []
    for word in sentence.split():
        if len(word) <= _CACHED_WORD_CHARS:
            tokens.extend(_word_tokens(word))
        else:
            tokens.extend(simple_word_tokenize(word))
    return tokens


def split_sentences(text: str) -> list[Sentence]:
    """The sentences of a cleaned text, with offsets into it and camel_tools tokens."""
    sentences: list[Sentence] = []
    for start, end in sentence_spans(text):
        piece = text[start:end]
        sentences.append({"text": piece, "start": start, "end": end, "tokens": tokenize(piece)})
    return sentences
