"""What one line of a news page is, judged alone: blank or markup, a headline, a prompt-sized
line, a tag list, a caption, a "CITY: NAME" byline, a wire story's closing line. The page
reader (``page_reader``) decides with these and the line's neighbours.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import cache

from streams.nlp import furniture
from streams.nlp.arabic import normalize_for_match
from streams.nlp.credits import agency_named, trailing_credit

# Whitespace plus the invisible characters a raw page can carry at line ends.
STRIP = (
    " \t\n\r\f\v\x1c\x1d\x1e\x1f\x85\xa0\u1680\u180e\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u200b\u200c\u200d\u200e\u200f\u2028\u2029\u202a\u202b\u202c"
    "\u202d\u202e\u202f\u205f\u2060\u2066\u2067\u2068\u2069\u3000\ufeff"
)

MAX_TITLE_WORDS = 25
MAX_TITLE_CHARS = 250
# Prompts, labels and navigation are short; a longer line is content even if it says "تابع".
MAX_CHROME_WORDS = 12
MAX_CHROME_CHARS = 140
MAX_TAG_LINE_CHARS = 500
HEAD_CHARS = 60
MAX_TAG_WORDS = 4
MAX_TAG_CHARS = 40

WHITESPACE = re.compile(r"\s+")
LEAD_SYMBOLS = re.compile(r"^[^\w(©]+")
_HAS_WORD = re.compile(r"[^\W_]")
_MARKUP_ONLY = re.compile(r"(?:<[^<>]{0,300}>|&#?\w{1,10};|\s)+")
# A line ending like a sentence is body text, not a headline.
SENTENCE_END = re.compile(r"[.:،,;؛…]['\"”’»)\]]*$")

# A date line longer than a prompt (two labelled dates) still starts with its label.
DATE_LABEL_HEAD = re.compile(
    r"^(?:تاريخ|نشر|اخر\s+تحديث|تحديث|published|updated|posted|last|publi[ée])"
)
LETTERS_ONLY = re.compile(r"[\W\d_]+")
_TAG_SPLIT = re.compile(r"\s*(?:[،,|/;؛•·]|\s[-–—]\s)\s*")
TAG_SEPARATORS = frozenset("،,|/;؛•·-–—")
_VALUE_SEP = re.compile(r"[:：]|\s[-–—]\s|[-–—]\s*$")


def page_lines(text: str) -> list[str]:
    """The page's lines with surrounding whitespace and invisible characters stripped."""
    return [line.strip(STRIP) for line in text.splitlines()]


def is_title_like(line: str) -> bool:
    """A headline: a short line of two or more words that does not end like a sentence."""
    words = len(line.split())
    return (
        2 <= words <= MAX_TITLE_WORDS
        and len(line) <= MAX_TITLE_CHARS
        and SENTENCE_END.search(line) is None
    )


def is_ignorable(line: str) -> bool:
    return not line or _HAS_WORD.search(line) is None or _MARKUP_ONLY.fullmatch(line) is not None


def is_short(line: str) -> bool:
    return len(line) <= MAX_CHROME_CHARS and len(line.split()) <= MAX_CHROME_WORDS


def value_after_label(line: str) -> str:
    m = _VALUE_SEP.search(line)
    return line[m.end() :].strip(STRIP) if m else ""


def split_tags(value: str) -> list[str]:
    tags = []
    for part in _TAG_SPLIT.split(value):
        tag = part.strip(STRIP).lstrip("#").strip(STRIP).strip(".")
        if tag and _HAS_WORD.search(tag):
            tags.append(tag)
    return tags


def is_tag_like(line: str) -> bool:
    return (
        len(line) <= MAX_TAG_CHARS
        and len(line.split()) <= MAX_TAG_WORDS
        and SENTENCE_END.search(line) is None
        and not line.endswith(("?", "؟", "!"))
    )


def valid_iso(value: str | None) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    for parse in (date.fromisoformat, datetime.fromisoformat):
        try:
            parse(value)
        except ValueError:
            continue
        return value
    return None


MAX_LABEL_WORDS = 3
_CAPTION_CREDIT = re.compile(r"[(（][^()（）]{1,40}[)）]\s*$")
MAX_CAPTION_WORDS = 30


DIGIT = re.compile(r"\d")
# "عمّان: سليم الخطيب", "Beirut: Jane Roe": a city, a colon and a two- to four-word name on
# a line of its own between the headline and the body (Asharq Al-Awsat's byline).
_L = r"(?:[^\W\d_]|[\u064b-\u065f\u0670\u0640])+"  # a word, diacritics and tatweel included
_PLACE_BYLINE = re.compile(
    rf"^(?P<place>{_L}(?:\s{_L})?)\s*:\s*(?P<name>{_L}(?:[\s.'-]+{_L}){{1,3}})$"
)


def place_byline(line: str) -> list[str] | None:
    m = _PLACE_BYLINE.match(line.strip(STRIP))
    if m is None or normalize_for_match(m["place"]) in _NOT_PLACE_WORDS:
        return None
    return [m["name"]]


# Words before a colon that make a line a label or a quotation, not "CITY: NAME".
_NOT_PLACE_WORDS_WRITTEN = (
    "عاجل", "قال", "قالت", "المصدر", "خاص", "حصري", "تحديث", "فيديو", "بالفيديو", "صور",
    "بالصور", "رأي", "تحليل", "انفوجراف", "breaking", "update", "urgent", "exclusive", "video",
    "watch", "live", "analysis", "opinion", "exclusif", "vidéo", "direct",
)  # fmt: skip
_NOT_PLACE_WORDS = frozenset(normalize_for_match(w) for w in _NOT_PLACE_WORDS_WRITTEN)


_COPYRIGHT = re.compile(r"^(?:©|\(c\)|copyright|حقوق)", re.IGNORECASE)


def is_story_end(line: str, norm: str) -> bool:
    """A wire story's closing line: copyright, desk initials or the agency's sign-off."""
    if len(line) > MAX_CHROME_CHARS:
        return False
    if _COPYRIGHT.match(line.strip()) or furniture.is_editor_initials(line):
        return True
    trailer = furniture.DESK_TRAILER.match(line) or furniture.AGENCY_STAMP.match(norm)
    return (trailer is not None and agency_named(trailer["agency"]) is not None) or (
        len(line.split()) <= 4 and agency_named(line) is not None
    )


def is_caption(line: str) -> bool:
    """A photo caption: a line ending with an agency credit in brackets and no full stop."""
    m = _CAPTION_CREDIT.search(line)
    if m is None or m.start() == 0 or len(line.split()) > MAX_CAPTION_WORDS:
        return False
    before = line[: m.start()].rstrip()
    return not before.endswith((".", "!", "؟", "?", "»", '"')) and trailing_credit(line) is not None


# Generic credits that name no agency: they still say where the story came from.
GENERIC_CREDITS = frozenset(("وكالات", "agencies", "agences"))


@cache
def _country_labels() -> frozenset[str]:
    from babel import Locale

    names = {
        name
        for language in ("ar", "en", "fr")
        for code, name in Locale.parse(language).territories.items()
        if len(code) == 2 and code.isalpha()
    }
    return frozenset(WHITESPACE.sub(" ", normalize_for_match(n)).strip() for n in names)


def is_country_label(norm: str) -> bool:
    """ "Saudi Arabia", "عُمان", "Émirats arabes unis": a country's name alone on a line, the
    section a page files its story under (CLDR's territory names, from babel)."""
    return WHITESPACE.sub(" ", norm).strip(" |/-–—>»›") in _country_labels()
