"""News-agency credits and the datelines that carry them, in the shapes Arab newsrooms use.

A wire story opens with a dateline: a city, a date and the agency, in one of a few orders
("الرياض 14 مارس 2025 (واس) -", "الرباط في 12 مارس 2025 /ومع/ -", "بيروت، 3 تشرين الثاني
(رويترز) –", "القاهرة (أ ش أ) -", "14 مارس 2025 - الرياض:", "الجزائر - واج -", "عاجل | واس:",
"RIYADH, Nov 3 (SPA) --", "(AFP) -"). The head of a paragraph is cut at its separators
(dashes, bars, colons, an agency in brackets or slashes) and every piece before the text must
be a city (a few words), a date (any naming system, with or without a year) or an agency from
the registry (``data/agencies.json``); anything else means the paragraph is plain text.

An agency is only ever recognised in such a credit position, which is what lets abbreviations
that are also words or places (قنا، سبأ، بترا، وفا) be read as agencies without ever making
"قنا" in running text an agency.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache

from streams.nlp import lexicon
from streams.nlp.arabic import ascii_digits, normalize_for_match
from streams.nlp.datelines import DateFound, date_in_segment

__all__ = [
    "Lead",
    "agency_named",
    "credit_line",
    "find_lead",
    "infer_year",
    "place_date_line",
    "trailing_credit",
]

_NOT_LETTER = re.compile(r"[\W\d_]+")
# How far into a paragraph a dateline may reach, and how long its city may be.
_HEAD_CHARS = 220
_MAX_CITY_WORDS = 4
_MAX_CITY_CHARS = 45
_MIN_TEXT_CHARS = 15
# Separators between the parts of a dateline: a dash with a space on one side at least (a
# numeric date's "12-03-2025" has none), a bar, a colon, a double hyphen, or a hyphen gluing
# two words ("الرياض-واس").
_SEPARATOR = re.compile(
    r"\s*(?:--+|[–—]+|\|)\s*|\s+-\s*|(?<=[^\W\d_])-\s+|(?<=[^\W\d_])-(?=[^\W\d_])|\s*:\s+"
)
_BRACKET = re.compile(r"[(（]\s*(?P<a>[^()（）\n]{1,60}?)\s*[)）]|/\s*(?P<b>[^/\n]{1,40}?)\s*/")
_AFTER_CREDIT = re.compile(r"\s*(?:--+|[-–—:|]+)?\s*")
_CITY_WORD = re.compile(r"^[^\W\d_][^\W\d_'’.-]*$")
# Words a dateline may hold besides city, date and agency.
_FILLERS = frozenset(("في", "عاجل", "خاص", "متابعات", "breaking", "exclusive", "urgent"))
# Words no city name holds: a head made of them is a sentence, not a dateline.
_NOT_CITY = frozenset(
    normalize_for_match(w)
    for w in [
        "إن",
        "أن",
        "قال",
        "قالت",
        "أكد",
        "أعلن",
        "الذي",
        "التي",
        "من",
        "إلى",
        "عن",
        "مع",
        "هذا",
        "هذه",
        "كان",
        "كانت",
        "لم",
        "لن",
        "قد",
        "وقال",
        "the",
        "said",
        "says",
        "of",
        "to",
        "and",
        "a",
        "an",
        "is",
        "was",
        "he",
        "she",
        "it",
        "they",
        "we",
    ]
)


# Compared as written: folded, the preposition "على" would be the name "علي".
_NOT_CITY_AS_WRITTEN = frozenset(("على", "إلى"))


def _key(text: str) -> str:
    return _NOT_LETTER.sub("", normalize_for_match(text))


@cache
def _registry() -> dict[str, lexicon.AgencyEntry]:
    table: dict[str, lexicon.AgencyEntry] = {}
    for entry in lexicon.agencies():
        for name in (*entry.names, entry.code, entry.name):
            table.setdefault(_key(name), entry)
    return table


def agency_named(text: str) -> lexicon.AgencyEntry | None:
    """The registry agency ``text`` names as a whole ("واس", "(أ ف ب)", "Reuters"), or None."""
    key = _key(text)
    if not key:
        return None
    entry = _registry().get(key)
    if entry is None and key.startswith("وكاله"):
        entry = _registry().get(key[len("وكاله") :])
    return entry


@dataclass(frozen=True, slots=True)
class Lead:
    """A paragraph's dateline: what it says and where its agency credit stands."""

    date: DateFound | None
    city: str | None
    agency: lexicon.AgencyEntry | None
    agency_span: tuple[int, int] | None  # offsets of the credit text in the paragraph
    end: int  # where the paragraph's own text starts
    reporter: str | None = None  # "إسطنبول/ محمد شيخ يوسف/ الأناضول": the name between


def _is_city(segment: str) -> bool:
    # "صفاقس (تونس)": a city with its country in brackets.
    words = re.sub(r"[،,()]", " ", segment).split()
    return (
        0 < len(words) <= _MAX_CITY_WORDS
        and len(segment) <= _MAX_CITY_CHARS
        and all(_CITY_WORD.match(w) for w in words)
        and not any(normalize_for_match(w) in _NOT_CITY for w in words)
        and not any(w in _NOT_CITY_AS_WRITTEN for w in words)
    )


def _date_part(segment: str) -> DateFound | None:
    found = date_in_segment(segment)
    if found is None:
        return None
    city_words = [w for w in found.leftover if w not in _FILLERS]
    if len(city_words) > _MAX_CITY_WORDS or any(
        not w.isalpha() or w in _NOT_CITY for w in city_words
    ):
        return None
    return found


_MAX_AGENCY_WORDS = 4
_HAS_DIGIT = re.compile(r"\d")


def _trailing_agency(text: str) -> tuple[str, str] | None:
    """ "CITY DATE AGENCY" / "CITY, DATE, AGENCY": the segment without its closing agency
    name, and the name; None when the segment does not end with one."""
    words = text.split()
    for count in range(min(_MAX_AGENCY_WORDS, len(words) - 1), 0, -1):
        credit = " ".join(words[-count:])
        if not _HAS_DIGIT.search(credit) and agency_named(credit) is not None:
            rest = text[: text.rfind(words[-count])].rstrip(" ،,")
            if rest and not rest.endswith(("(", "/")):
                return rest, credit
    return None


def _leading_agency(text: str) -> int | None:
    """ "سانا استقبل الرئيس…" after "دمشق-": where the text starts when ``text`` opens with
    an agency's name and no separator after it."""
    words = list(re.finditer(r"\S+", text[:80]))
    for count in range(min(_MAX_AGENCY_WORDS, len(words) - 1), 0, -1):
        end = words[count - 1].end()
        if not _HAS_DIGIT.search(text[:end]) and agency_named(text[:end]) is not None:
            return end
    return None


def _place(text: str) -> bool:
    """ "خان يونس" after "غزة -": a second place in a dateline, not a reporter's name."""
    from streams.nlp.places import gazetteer_entities  # the gazetteer is built on first use

    return any(e["end"] - e["start"] >= len(text.strip()) for e in gazetteer_entities(text))


class _Head:
    """The parts of a dateline head read so far; each kind at most once."""

    def __init__(self) -> None:
        self.date: DateFound | None = None
        self.city: str | None = None
        self.agency: lexicon.AgencyEntry | None = None
        self.agency_span: tuple[int, int] | None = None
        self.reporter: str | None = None

    def take(self, segment: str, start: int) -> bool:
        text = segment.strip(" ،,-–—:|")
        if not text:
            return True
        # "وكالة الأناضول" is one name, not a reporter "وكالة" before the credit "الأناضول".
        whole = len(text) <= 60 and agency_named(text) is not None
        split = None if whole else _trailing_agency(text)
        if split is not None and self.agency is None:
            # "رام الله 10-8-2025 وفا", "Riyadh, March 20, 2025, SPA": the credit closes the
            # segment with no separator of its own.
            rest, credit = split
            offset = segment.find(text)
            if self._take_one(rest, start + offset):
                return self._take_one(credit, start + offset + text.rfind(credit))
            return False
        return self._take_one(text, start + segment.find(text))

    def _take_one(self, text: str, start: int) -> bool:
        if normalize_for_match(text) in _FILLERS:
            return True
        entry = agency_named(text) if len(text) <= 60 else None
        if entry is not None:
            if self.agency is not None:
                # "وكالة الأنباء الكويتية (كونا)": a name and its abbreviation credit once.
                return entry == self.agency
            self.agency = entry
            self.agency_span = (start, start + len(text))
            return True
        found = _date_part(text)
        if found is not None:
            if self.date is not None:
                return False
            self.date = found
            if found.leftover and self.city is None:
                self.city = text  # "الرياض 14 مارس 2025": the city is written with its date
            return True
        if _is_city(text) and self.city is None:
            self.city = text
            return True
        if _is_city(text) and self.reporter is None and self.agency is None and not _place(text):
            # "أنقرة - أحمد بوز - الأناضول:": a name between the city and the agency is the
            # reporter's; ``lead`` only accepts it when the agency does follow.
            self.reporter = text
            return True
        return False

    def lead(self, end: int) -> Lead | None:
        if self.date is None and self.agency is None:
            return None
        if self.reporter is not None and self.agency is None:
            return None
        return Lead(self.date, self.city, self.agency, self.agency_span, end, self.reporter)


def _brackets(head: str) -> list[re.Match[str]]:
    # Tried at every opening, so "فبراير/شباط 2025 /أ ش أ/" still finds the agency's slashes.
    found = (_BRACKET.match(head, i) for i, ch in enumerate(head) if ch in "(（/")
    return [m for m in found if m is not None]


def _bracket_lead(paragraph: str, head: str) -> Lead | None:
    for m in _brackets(head):
        inner = m["a"] if m["a"] is not None else m["b"]
        entry = agency_named(inner)
        if entry is None:
            continue
        parts = _Head()
        pos = 0
        for sep in _SEPARATOR.finditer(head, 0, m.start()):
            if not parts.take(head[pos : sep.start()], pos):
                return None
            pos = sep.end()
        if not parts.take(head[pos : m.start()], pos) or parts.agency is not None:
            return None
        inner_start = m.start("a") if m["a"] is not None else m.start("b")
        parts.agency, parts.agency_span = entry, (inner_start, inner_start + len(inner))
        end = _AFTER_CREDIT.match(paragraph, m.end())
        text_start = end.end() if end else m.end()
        if len(paragraph) - text_start < _MIN_TEXT_CHARS:
            return None
        return parts.lead(text_start)
    return None


def _dash_lead(paragraph: str, head: str) -> Lead | None:
    parts = _Head()
    pos = 0
    best: Lead | None = None
    for count, sep in enumerate(_SEPARATOR.finditer(head), 1):
        if count > 3 or not parts.take(head[pos : sep.start()], pos):
            break
        pos = sep.end()
        if len(paragraph) - pos >= _MIN_TEXT_CHARS:
            best = parts.lead(pos) or best
    if best is None and pos and parts.agency is None and (parts.city or parts.date):
        # "دمشق-سانا استقبل…", "بغداد - واع وجه…": the agency's name runs into the text.
        end = _leading_agency(paragraph[pos:])
        if end is not None and len(paragraph) - pos - end >= _MIN_TEXT_CHARS:
            parts.take(paragraph[pos : pos + end], pos)
            after = _AFTER_CREDIT.match(paragraph, pos + end)
            return parts.lead(after.end() if after else pos + end)
    return best


# Anadolu's "إسطنبول/ محمد شيخ يوسف/ الأناضول:": slash-separated parts closed by a colon.
_SLASH_HEAD = re.compile(r"^(?P<head>[^:/\n]{2,60}/[^:\n]{2,120}?)\s*:\s+")
_SLASH = re.compile(r"\s*/\s*")


def _slash_lead(paragraph: str, head: str) -> Lead | None:
    m = _SLASH_HEAD.match(head)
    if m is None or len(paragraph) - m.end() < _MIN_TEXT_CHARS:
        return None
    parts = _Head()
    pos = 0
    for sep in _SLASH.finditer(head, 0, m.end("head")):
        if not parts.take(head[pos : sep.start()], pos):
            return None
        pos = sep.end()
    if not parts.take(head[pos : m.end("head")], pos) or parts.agency is None:
        return None
    return parts.lead(m.end())


_MAX_BARE_WORDS = 16


def _bare_lead(paragraph: str, head: str) -> Lead | None:
    """ "الرياض 14 مارس 2025 واس التقى…": city, date and agency with no punctuation at all;
    accepted only when a date precedes the agency's name."""
    for m in _WORD_RUN.finditer(head):
        if m.start() == 0:
            continue
        if len(head[: m.start()].split()) > _MAX_BARE_WORDS:
            return None
        for words in (3, 2, 1):
            span = _words_at(head, m.start(), words)
            entry = agency_named(head[m.start() : span]) if span else None
            if entry is None or span is None:
                continue
            found = _date_part(head[: m.start()])
            if found is None:
                return None
            end = _AFTER_CREDIT.match(paragraph, span)
            return Lead(found, None, entry, (m.start(), span), end.end() if end else span)
    return None


_WORD_RUN = re.compile(r"(?<!\S)\S")


def _words_at(head: str, start: int, count: int) -> int | None:
    m = re.match(rf"\S+(?:\s+\S+){{{count - 1}}}", head[start:])
    return start + m.end() if m else None


# KUNA's "الكويت - 5 - 3 (كونا) --": day and month as bare numbers between dashes.
_NUMERIC_DAY_MONTH = re.compile(
    r"^(?P<city>[^\d]+?)\s*[-–—]\s*(?P<d>\d{1,2})\s*[-–—]\s*(?P<m>\d{1,2})\s*$"
)


def _numeric_lead(paragraph: str, head: str) -> Lead | None:
    for m in _brackets(head):
        inner = m["a"] if m["a"] is not None else m["b"]
        entry = agency_named(inner)
        if entry is None:
            continue
        pre = _NUMERIC_DAY_MONTH.match(ascii_digits(head[: m.start()]))
        if pre is None or not _is_city(pre["city"].strip()):
            return None
        month, day = int(pre["m"]), int(pre["d"])
        try:
            date(2024, month, day)
        except ValueError:
            return None
        found = DateFound(None, (month, day), None, None, [pre["city"]], False)
        inner_start = m.start("a") if m["a"] is not None else m.start("b")
        end = _AFTER_CREDIT.match(paragraph, m.end())
        return Lead(
            found,
            pre["city"].strip(),
            entry,
            (inner_start, inner_start + len(inner)),
            end.end() if end else m.end(),
        )
    return None


def find_lead(paragraph: str) -> Lead | None:
    """The dateline heading ``paragraph``, or None when it opens with plain text."""
    head = paragraph[:_HEAD_CHARS]
    return (
        _bracket_lead(paragraph, head)
        or _numeric_lead(paragraph, head)
        or _dash_lead(paragraph, head)
        or _slash_lead(paragraph, head)
        or _bare_lead(paragraph, head)
    )


_CREDIT_PIECES = re.compile(r"[()（）/]")


def credit_line(line: str) -> Lead | None:
    """A line that is only a credit, with its city and date if any ("الرياض في 14 مارس 2025
    (واس)", "- واس", "أنقرة/ الأناضول")."""
    lead = _line_parts(line)
    return lead if lead is not None and lead.agency is not None else None


def place_date_line(line: str) -> Lead | None:
    """A line that is only a date and a city, with no agency ("04 فيفري 2025 - وهران",
    "الجزائر في 12 مارس 2025", "Nouakchott, 14 octobre 2025"): the page's own dateline."""
    lead = _line_parts(line)
    # A yearless "5 جوان" after a label is a headline's date more often than a dateline.
    if lead is None or lead.agency is not None or lead.date is None or lead.date.day is None:
        return None
    if not lead.city:
        return None
    return lead


def _line_parts(line: str) -> Lead | None:
    if len(line) > _HEAD_CHARS:
        return None
    parts = _Head()
    pos = 0
    pieces = list(_SEPARATOR.finditer(line)) + list(_CREDIT_PIECES.finditer(line))
    for sep in sorted(pieces, key=lambda m: m.start()):
        if sep.start() < pos:
            continue
        if not parts.take(line[pos : sep.start()], pos):
            return None
        pos = sep.end()
    if not parts.take(line[pos:], pos):
        return None
    return parts.lead(len(line))


_TRAILING = re.compile(r"[(（]\s*(?P<a>[^()（）\n]{1,40}?)\s*[)）][\s.]*$")


def trailing_credit(paragraph: str) -> tuple[lexicon.AgencyEntry, tuple[int, int]] | None:
    """An agency credited in brackets at the end of a paragraph ("... الأسبوع المقبل. (واس)")."""
    m = _TRAILING.search(paragraph[-60:])
    if m is None:
        return None
    entry = agency_named(m["a"])
    if entry is None:
        return None
    offset = len(paragraph) - len(paragraph[-60:])
    return entry, (offset + m.start("a"), offset + m.end("a"))


def infer_year(month_day: tuple[int, int], reference: date) -> int:
    """The year of the most recent such day not after ``reference`` (a day of slack for zones)."""
    month, day = month_day
    for year in (reference.year, reference.year - 1, reference.year - 2, reference.year - 4):
        try:
            candidate = date(year, month, day)
        except ValueError:  # 29 February
            continue
        if (candidate - reference).days <= 1:
            return year
    return reference.year
