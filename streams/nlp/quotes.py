"""Who said what: reported speech in Arabic news.

Colon form: "NAME: «…»" / 'NAME: "…"' with no verb, at a line's or sentence's start (or
after a live entry's time), and a French or English sentence quoting in Arabic ("le ministre a
affirmé : « … »", "the minister said: “…”"), whose speaker stands before the verb.

Forward form: a reporting verb (قال، أوضح، أكد، ... with و and feminine forms), a named
speaker, an optional aside ("- في بيان -", "، خلال اللقاء،", "في تصريح صحفي", "إلى"), then
إن/أن/بأن (bare or with a pronoun suffix) or ":" or an opening quotation mark, then what was
said: the rest of the sentence, or the quotation. Reversed form: «...»، قال فلان.

A quote is reported only when the speaker is named: "وقال إن ..." and "وأضاف أن ..." are a
pronoun's speech and give nothing. Quote offsets index ``text`` and cover what was said only.
"""

from __future__ import annotations

import bisect
import logging
import re
from functools import lru_cache

from camel_tools.utils.dediac import dediac_ar
from camel_tools.utils.normalize import normalize_alef_ar

from streams.nlp.sentences import sentence_spans
from streams.records import Quote

logger = logging.getLogger(__name__)

__all__ = ["find_quotes"]


@lru_cache(maxsize=1 << 16)
def _key(word: str) -> str:
    """A word's form for matching function words: diacritics and hamza seats ignored. Alef
    maksura stays apart from ya, or the name "علي" would read as the preposition "على"."""
    return str(normalize_alef_ar(dediac_ar(word)))


_VERB_STEMS = (
    "قال", "أوضح", "أكد", "أضاف", "أشار", "صرح", "ذكر", "أعلن", "شدد", "لفت", "تابع", "اعتبر",
)  # fmt: skip
_VERB_FORMS = [
    form for stem in _VERB_STEMS for form in (stem, "و" + stem, stem + "ت", "و" + stem + "ت")
]
_DIACRITICS = "[\u064b-\u0652\u0670]*"
_ALEFS = "أاإآ"
_Trie = dict[str, "_Trie"]


def _alternation(forms: list[str]) -> str:
    """A regex for ``forms`` shaped as a trie, with any hamza seat for an alef and optional
    diacritics after each letter. The trie makes the regex try a handful of first letters at
    each position instead of every form (several times faster than a flat alternation)."""
    trie: _Trie = {}
    for form in forms:
        node = trie
        for ch in form:
            node = node.setdefault("A" if ch in _ALEFS else ch, {})
        node[""] = {}

    def emit(node: _Trie) -> str:
        branches = [
            ("[" + _ALEFS + "]" if key == "A" else re.escape(key)) + _DIACRITICS + emit(child)
            for key, child in node.items()
            if key
        ]
        if not branches:
            return ""
        optional = "" in node
        body = (
            branches[0] if len(branches) == 1 and not optional else "(?:" + "|".join(branches) + ")"
        )
        return body + ("?" if optional else "")

    return emit(trie)


_VERB = re.compile(r"(?<![\w\u064b-\u0652\u0670])" + _alternation(_VERB_FORMS) + r"(?=\s)")
_VERB_KEYS = frozenset(_key(form) for form in _VERB_FORMS)

# One item after the verb: a word, or a single punctuation mark.
_ITEM = re.compile(r"[ \t]*(?:([^\s.,:;!?؟،؛«»“”\"()\[\]{}\-–—…/]+)|(\S))")

_SUFFIXES = ("", "ه", "ها", "هم", "هما", "هن", "نا", "ني", "ي", "ك", "كم")
_COMPLEMENTISERS = frozenset(
    _key(base + suffix) for base in ("إن", "أن", "بأن") for suffix in _SUFFIXES
)
# Words that end the speaker and start an aside: prepositions, relatives, time words.
_STOPPERS_WORDS = (
    "في", "خلال", "عبر", "أمام", "على", "إلى", "لدى", "حيث", "الذي", "التي", "الذين", "اللذين",
    "اللتين", "عن", "من", "مع", "بعد", "قبل", "أثناء", "عقب", "ضمن", "بشأن", "حول", "اليوم",
    "أمس", "مساء", "صباح", "يوم", "الليلة", "لـ", "ل", "لوسائل", "للصحفيين", "للصحافة", "وفق",
    "وفقا",
)  # fmt: skip
_STOPPERS = frozenset(_key(word) for word in _STOPPERS_WORDS)
# A speaker that is only a pronoun or an adverb is no named speaker.
_PRONOUN_LIKE_WORDS = (
    "هو", "هي", "هم", "هما", "هن", "أنا", "نحن", "أيضا", "أيضاً", "كذلك", "بدوره", "بدورها",
    "بدورهم", "له", "لها", "لهم", "لنا", "أن", "إن", "ثم",
)  # fmt: skip
_PRONOUN_LIKE = frozenset(_key(word) for word in _PRONOUN_LIKE_WORDS)
_OPENERS = {"«": "»", "“": "”", '"': '"'}
_CLOSER_TO_OPENER = {"»": "«", "”": "“", '"': '"'}
_REVERSED = re.compile(r'([»”"])[ \t]*[،,]?[ \t]*(?=\S)')
_ASIDE_MARKS = frozenset("،,-–—()")
_TRIM = " \t.…"

_MAX_SPEAKER_WORDS = 8
_MAX_ASIDE_WORDS = 8
# Longer than any quotation a news sentence carries; the bound keeps every search after a verb
# or quotation mark local, so a hostile megabyte line costs linear time.
_MAX_QUOTE_CHARS = 3000
_NEWLINE = re.compile("\n")


class _Finder:
    def __init__(self, text: str) -> None:
        self.text = text
        self._newlines = [match.start() for match in _NEWLINE.finditer(text)]
        self._line_spans: dict[int, list[tuple[int, int]]] = {}

    def line_bounds(self, pos: int) -> tuple[int, int]:
        index = bisect.bisect_left(self._newlines, pos)
        start = self._newlines[index - 1] + 1 if index else 0
        end = self._newlines[index] if index < len(self._newlines) else len(self.text)
        return start, end

    def sentence_end(self, pos: int) -> int:
        # Sentences never cross a line, so only the line holding ``pos`` is split, once.
        line_start, line_end = self.line_bounds(pos)
        spans = self._line_spans.get(line_start)
        if spans is None:
            line = self.text[line_start:line_end]
            spans = [(line_start + a, line_start + b) for a, b in sentence_spans(line)]
            self._line_spans[line_start] = spans
        index = bisect.bisect_right(spans, (pos, len(self.text))) - 1
        if index < 0 or spans[index][1] <= pos:
            return pos
        return spans[index][1]

    def quote(self, speaker: str, start: int, end: int) -> Quote | None:
        if end - start > _MAX_QUOTE_CHARS:
            return None
        text = self.text
        piece = text[start:end]
        stripped = piece.strip(_TRIM)
        if not any(ch.isalpha() for ch in stripped):
            return None
        start += len(piece) - len(piece.lstrip(_TRIM))
        end = start + len(stripped)
        return {"speaker": speaker, "text": stripped, "start": start, "end": end}

    def quoted(self, speaker: str, opener_pos: int) -> Quote | None:
        closer = _OPENERS[self.text[opener_pos]]
        limit = min(self.line_bounds(opener_pos)[1], opener_pos + 1 + _MAX_QUOTE_CHARS)
        close = self.text.find(closer, opener_pos + 1, limit)
        if close < 0:
            return self.quote(speaker, opener_pos + 1, self.sentence_end(opener_pos))
        return self.quote(speaker, opener_pos + 1, close)

    def said(self, speaker: str, pos: int) -> Quote | None:
        text = self.text
        while pos < len(text) and text[pos] in " \t":
            pos += 1
        if pos >= len(text) or text[pos] == "\n":
            return None
        if text[pos] in _OPENERS:
            return self.quoted(speaker, pos)
        return self.quote(speaker, pos, self.sentence_end(pos))

    def forward(self, verb_end: int) -> Quote | None:
        text = self.text
        pos = verb_end
        speaker_start = speaker_end = -1
        speaker_words = aside_words = 0
        in_aside = False
        last_word_len = 0
        while (item := _ITEM.match(text, pos)) is not None:
            word, mark = item.group(1), item.group(2)
            if mark is not None:
                at = item.start(2)
                if mark == ":" and speaker_words:
                    return self.said(self._speaker(speaker_start, speaker_end), at + 1)
                if mark in _OPENERS and speaker_words:
                    return self.quoted(self._speaker(speaker_start, speaker_end), at)
                if mark == "." and not in_aside and last_word_len == 1:
                    speaker_end = at + 1  # "د. محمد": an abbreviated title
                elif mark in _ASIDE_MARKS:
                    in_aside = True
                else:
                    return None
                pos = item.end()
                continue
            norm = _key(word)
            if norm in _COMPLEMENTISERS:
                if not speaker_words:
                    return None
                return self.said(self._speaker(speaker_start, speaker_end), item.end())
            if norm in _VERB_KEYS:
                return None
            if not in_aside and norm in _STOPPERS:
                in_aside = True
            if in_aside:
                aside_words += 1
                if aside_words > _MAX_ASIDE_WORDS:
                    return None
            else:
                if not speaker_words and norm in _PRONOUN_LIKE:
                    return None
                speaker_words += 1
                if speaker_words > _MAX_SPEAKER_WORDS:
                    return None
                if speaker_start < 0:
                    speaker_start = item.start(1)
                speaker_end = item.end(1)
            last_word_len = len(word)
            pos = item.end()
        return None

    def _speaker(self, start: int, end: int) -> str:
        return self.text[start:end]

    def reversed(self, closer_pos: int, verb_end: int) -> Quote | None:
        text = self.text
        pos = verb_end
        speaker_start = speaker_end = -1
        words = 0
        while (item := _ITEM.match(text, pos)) is not None and item.group(1) is not None:
            norm = _key(item.group(1))
            if norm in _COMPLEMENTISERS or norm in _VERB_KEYS:
                return None  # a forward report follows, not an attribution
            if norm in _STOPPERS or words == _MAX_SPEAKER_WORDS:
                break
            if not words and norm in _PRONOUN_LIKE:
                return None
            if speaker_start < 0:
                speaker_start = item.start(1)
            speaker_end = item.end(1)
            words += 1
            pos = item.end()
        if not words:
            return None
        closer = text[closer_pos]
        floor = max(self.line_bounds(closer_pos)[0], closer_pos - _MAX_QUOTE_CHARS)
        opener = text.rfind(_CLOSER_TO_OPENER[closer], floor, closer_pos)
        if opener < 0:
            return None
        return self.quote(text[speaker_start:speaker_end], opener + 1, closer_pos)


# "NAME: «…»" with no reporting verb (headlines, live entries, interview copy), and the
# speaker of a French or English sentence quoting Arabic ("le ministre a affirmé : « … »").
_COLON_OPENER = re.compile(r"[ \t]*:[ \t]*([«“\"])")
_LIVE_PREFIX = re.compile(r"^\d{1,2}[:.]\d{2}[ \t]*(?:[-–—|][ \t]*)?")
_SENTENCE_BREAK = re.compile(r"[.!?؟][ \t]+")
_LATIN_VERB = re.compile(
    r"[ \t]+(?:a|avait|ont)[ \t]+(?:affirmé|déclaré|dit|indiqué|souligné|ajouté|précisé|estimé"
    r"|assuré|expliqué|lancé|martelé|répondu|rappelé)$"
    r"|[ \t]+(?:said|says|added|stressed|declared|noted|told[ \t]+\w+|wrote|insisted)$",
    re.IGNORECASE,
)
_LATIN_PRONOUNS = frozenset(("il", "elle", "ils", "elles", "on", "he", "she", "they", "it", "we"))
# Labels that take a colon and a quoted name: a dateline's outlet ("الشارقة: «الخليج»"), a
# source or a flash, never a speaker.
_NOT_SPEAKERS = frozenset(
    _key(w) for w in ("المصدر", "عاجل", "تحديث", "خاص", "الوسوم", "source", "breaking", "update")
)
_MIN_COLON_QUOTE_WORDS = 3
_QUOTE_END = frozenset(".,،؛;!?؟)\n")


def _colon_speaker(text: str, line_start: int, colon: int) -> str | None:
    head = text[line_start:colon]
    live = _LIVE_PREFIX.match(head)
    start = live.end() if live else 0
    for brk in _SENTENCE_BREAK.finditer(head):
        start = max(start, brk.end())
    segment = head[start:].strip()
    latin = _LATIN_VERB.search(segment)
    if latin is not None:
        # The speaker is what stands between the last comma and the verb.
        segment = re.split(r"[,،][ \t]*", segment[: latin.start()])[-1].strip()
        if segment.lower() in _LATIN_PRONOUNS:
            return None
    words = segment.split()
    if not words or len(words) > _MAX_SPEAKER_WORDS or any(ch.isdigit() for ch in segment):
        return None
    first = _key(words[0])
    if first in _VERB_KEYS or first in _PRONOUN_LIKE or first in _NOT_SPEAKERS:
        return None
    if any(ch in segment for ch in '«»“”"()'):
        return None
    return segment


def _colon_quotes(finder: _Finder) -> list[Quote]:
    text = finder.text
    quotes: list[Quote] = []
    for m in _COLON_OPENER.finditer(text):
        line_start, line_end = finder.line_bounds(m.start())
        speaker = _colon_speaker(text, line_start, m.start())
        if speaker is None:
            continue
        opener = m.start(1)
        closer = _OPENERS[text[opener]]
        close = text.find(closer, opener + 1, min(line_end, opener + 1 + _MAX_QUOTE_CHARS))
        if close < 0:
            continue
        # «الخليج» اعتمدت …: a quoted name running into the sentence is no quotation.
        rest = text[close + 1 : line_end].lstrip(" \t")
        if rest and rest[0] not in _QUOTE_END:
            continue
        if len(text[opener + 1 : close].split()) < _MIN_COLON_QUOTE_WORDS:
            continue
        quote = finder.quote(speaker, opener + 1, close)
        if quote is not None:
            quotes.append(quote)
    return quotes


def _collect(found: dict[tuple[int, int], Quote], quote: Quote | None) -> None:
    if quote is not None:
        found.setdefault((quote["start"], quote["end"]), quote)


def find_quotes(text: str) -> list[Quote]:
    """Reported speech with a named speaker, in text order."""
    finder = _Finder(text)
    found: dict[tuple[int, int], Quote] = {}
    verb_ends = {m.start(): m.end() for m in _VERB.finditer(text)}
    for verb_end in verb_ends.values():
        _collect(found, finder.forward(verb_end))
    if verb_ends:
        for closing in _REVERSED.finditer(text):
            verb_end = verb_ends.get(closing.end(), -1)
            if verb_end >= 0:
                _collect(found, finder.reversed(closing.start(1), verb_end))
    # After the verb-led forms, so "وأضاف الطراونة: «…»" keeps the speaker they give.
    for quote in _colon_quotes(finder):
        _collect(found, quote)
    return [found[key] for key in sorted(found)]
