"""Split one scraped news page into title, date, agency, authors, tags, body, live entries,
related articles and boilerplate.

The page arrives as lines (the cleaner has already stripped HTML and invisible characters, but
raw text must not break anything). Each line is classified once, on a matching form that
ignores diacritics, tatweel, alef/ya spelling and digit script, by anchored, precompiled
patterns (``furniture``), and lands in exactly one place: title, body, related, boilerplate or
a metadata field (date, source, agency, authors, tags, live-entry times).

A "read also" marker followed by a headline and a paragraph that carries the article on
("وأضاف…") is an inline link: it goes to boilerplate and the article continues. Otherwise
everything after the marker belongs to glued-on related articles, never to the body.

The publication date comes from the page's date line, else from the body's dateline
("الرياض 14 مارس 2025 (واس) -"), else from a credit line, else from the message; a dateline
without a year takes it from the message's ``published_at``, a Hijri pair, or the most recent
such day before processing, and ``published_at_provenance`` says which.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, date, datetime

from streams.nlp import furniture
from streams.nlp.arabic import normalize_for_match
from streams.nlp.credits import (
    Lead,
    agency_named,
    credit_line,
    find_lead,
    infer_year,
    place_date_line,
    trailing_credit,
)
from streams.nlp.datelines import DateLine, match_date_line
from streams.nlp.lexicon import AgencyEntry
from streams.records import (
    AgencyCredit,
    LiveEntry,
    PublishedAtProvenance,
    PublishedFrom,
    RelatedArticle,
    Structure,
    YearFrom,
)

logger = logging.getLogger(__name__)

__all__ = ["article_text", "is_title_like", "page_lines", "parse_structure"]

# Whitespace plus the invisible characters a raw page can carry at line ends.
_STRIP = (
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
_HEAD_CHARS = 60
MAX_TAG_WORDS = 4
MAX_TAG_CHARS = 40

_WS = re.compile(r"\s+")
_LEAD_SYMBOLS = re.compile(r"^[^\w(©]+")
_HAS_WORD = re.compile(r"[^\W_]")
_MARKUP_ONLY = re.compile(r"(?:<[^<>]{0,300}>|&#?\w{1,10};|\s)+")
# A line ending like a sentence is body text, not a headline.
_SENTENCE_END = re.compile(r"[.:،,;؛…]['\"”’»)\]]*$")

# A date line longer than a prompt (two labelled dates) still starts with its label.
_DATE_LABEL_HEAD = re.compile(
    r"^(?:تاريخ|نشر|اخر\s+تحديث|تحديث|published|updated|posted|last|publi[ée])"
)
_LETTERS_ONLY = re.compile(r"[\W\d_]+")
_TAG_SPLIT = re.compile(r"\s*(?:[،,|/;؛•·]|\s[-–—]\s)\s*")
_TAG_SEPARATORS = frozenset("،,|/;؛•·-–—")
_VALUE_SEP = re.compile(r"[:：]|\s[-–—]\s|[-–—]\s*$")


def page_lines(text: str) -> list[str]:
    """The page's lines with surrounding whitespace and invisible characters stripped."""
    return [line.strip(_STRIP) for line in text.splitlines()]


def is_title_like(line: str) -> bool:
    """A headline: a short line of two or more words that does not end like a sentence."""
    words = len(line.split())
    return (
        2 <= words <= MAX_TITLE_WORDS
        and len(line) <= MAX_TITLE_CHARS
        and _SENTENCE_END.search(line) is None
    )


def _is_ignorable(line: str) -> bool:
    return not line or _HAS_WORD.search(line) is None or _MARKUP_ONLY.fullmatch(line) is not None


def _is_short(line: str) -> bool:
    return len(line) <= MAX_CHROME_CHARS and len(line.split()) <= MAX_CHROME_WORDS


def _value_after_label(line: str) -> str:
    m = _VALUE_SEP.search(line)
    return line[m.end() :].strip(_STRIP) if m else ""


def _split_tags(value: str) -> list[str]:
    tags = []
    for part in _TAG_SPLIT.split(value):
        tag = part.strip(_STRIP).lstrip("#").strip(_STRIP).strip(".")
        if tag and _HAS_WORD.search(tag):
            tags.append(tag)
    return tags


def _is_tag_like(line: str) -> bool:
    return (
        len(line) <= MAX_TAG_CHARS
        and len(line.split()) <= MAX_TAG_WORDS
        and _SENTENCE_END.search(line) is None
        and not line.endswith(("?", "؟", "!"))
    )


def _valid_iso(value: str | None) -> str | None:
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


_MAX_LABEL_WORDS = 3
_CAPTION_CREDIT = re.compile(r"[(（][^()（）]{1,40}[)）]\s*$")
_MAX_CAPTION_WORDS = 30


_DIGIT = re.compile(r"\d")
# "عمّان: سليم الخطيب", "Beirut: Jane Roe": a city, a colon and a two- to four-word name on
# a line of its own between the headline and the body (Asharq Al-Awsat's byline).
_L = r"(?:[^\W\d_]|[\u064b-\u065f\u0670\u0640])+"  # a word, diacritics and tatweel included
_PLACE_BYLINE = re.compile(rf"^(?P<place>{_L}(?:\s{_L})?)\s*:\s*(?P<name>{_L}(?:[\s.'-]+{_L}){{1,3}})$")


def _place_byline(line: str) -> list[str] | None:
    m = _PLACE_BYLINE.match(line.strip(_STRIP))
    if m is None or normalize_for_match(m["place"]) in _NOT_PLACE_WORDS:
        return None
    return [m["name"]]


# Words before a colon that make a line a label or a quotation, not "CITY: NAME".
_NOT_PLACE_WORDS = frozenset(
    normalize_for_match(w)
    for w in ("عاجل", "قال", "قالت", "المصدر", "خاص", "تحديث", "breaking", "update", "urgent")
)


_COPYRIGHT = re.compile(r"^(?:©|\(c\)|copyright|حقوق)", re.IGNORECASE)


def _is_story_end(line: str, norm: str) -> bool:
    """A wire story's closing line: copyright, desk initials or the agency's sign-off."""
    if len(line) > MAX_CHROME_CHARS:
        return False
    if _COPYRIGHT.match(line.strip()) or furniture.is_editor_initials(line):
        return True
    trailer = furniture.DESK_TRAILER.match(line)
    return (trailer is not None and agency_named(trailer["agency"]) is not None) or (
        len(line.split()) <= 4 and agency_named(line) is not None
    )


def _is_caption(line: str) -> bool:
    """A photo caption: a line ending with an agency credit in brackets and no full stop."""
    m = _CAPTION_CREDIT.search(line)
    if m is None or m.start() == 0 or len(line.split()) > _MAX_CAPTION_WORDS:
        return False
    before = line[: m.start()].rstrip()
    return not before.endswith((".", "!", "؟", "?", "»", '"')) and trailing_credit(line) is not None


# Generic credits that name no agency: they still say where the story came from.
_GENERIC_CREDITS = frozenset(("وكالات", "agencies", "agences"))


class _Page:
    """Mutable state of one parse; kept private so the public function stays pure."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.title: str | None = None
        self.title_decided = False
        self.date_line: DateLine | None = None
        self.updated_line: DateLine | None = None
        self.source: str | None = None
        self.generic_credit: str | None = None
        self.source_pending = False
        self.credit: Lead | None = None  # a line that is only a dateline or credit
        self.credit_text = ""
        self.credits: list[tuple[Lead, str]] = []
        self.credit_lines: dict[str, int] = {}  # credit line -> its index in ``lines``
        self.place_date: Lead | None = None  # "DATE - CITY" on its own line
        self.trailer_agency: AgencyEntry | None = None  # "--(بترا) ع ا/ف ق"
        self.first_body_line: int | None = None
        self.credit_in_body = False
        self.source_agency: AgencyEntry | None = None
        self.authors: list[str] = []
        self.tags: list[str] = []
        self.tag_keys: set[str] = set()
        self.tags_open = False
        self.body: list[str] = []
        self.entries: list[tuple[int, str, str]] = []  # body index, time, text
        self.pending_time: str | None = None
        self.pending_line = ""  # the time's own line, furniture if no text follows it
        self.related: list[RelatedArticle] = []
        self.boilerplate: list[str] = []
        self.in_related = False
        self.markers: list[str] = []  # marker lines that opened a related section

    def add_tags(self, tags: list[str]) -> None:
        for tag in tags:
            key = tag.casefold()
            if key not in self.tag_keys:
                self.tag_keys.add(key)
                self.tags.append(tag)

    def start_related(self, inline_title: str) -> None:
        self.in_related = True
        self.tags_open = self.source_pending = False
        if inline_title:
            self.related.append({"title": inline_title, "body": []})

    def _next_content(self, i: int) -> int:
        while i < len(self.lines) and _is_ignorable(self.lines[i]):
            i += 1
        return i

    def parse(self) -> None:
        i = 0
        while i < len(self.lines):
            i = self.feed(i)
        if self.pending_time is not None:
            self.boilerplate.append(self.pending_line)

    def feed(self, i: int) -> int:
        line = self.lines[i]
        if _is_ignorable(line):
            return i + 1
        short = _is_short(line)
        # Labels and markers are anchored at the start, so a long line only needs its head in
        # matching form; normalising whole paragraphs would dominate the parse time.
        head = line if short else line[:_HEAD_CHARS]
        # Leading emoji and bullets ("📲 تابعونا", "• طباعة") must not hide what a line is.
        norm = _LEAD_SYMBOLS.sub("", _WS.sub(" ", normalize_for_match(head)))
        if len(line) <= MAX_TITLE_CHARS:
            marker = furniture.MARKER.match(norm)
            if marker is not None:
                return self._read_also(i, _value_after_label(line) if marker["rest"] else "")
        if self.in_related:
            self._feed_related(line, norm, short)
        else:
            self._feed_main(line, norm, short, i)
        return i + 1

    def _read_also(self, i: int, inline_title: str) -> int:
        """A "read also" marker at line ``i``: an inline link, or the start of related."""
        if self.in_related:
            self.start_related(inline_title)
            return i + 1
        heads: list[int] = []
        k = self._next_content(i + 1)
        if not inline_title:
            while (
                k < len(self.lines)
                and is_title_like(self.lines[k])
                and not self._is_marker(k)
                and len(heads) < 2
            ):
                heads.append(k)
                k = self._next_content(k + 1)
        inline = (bool(inline_title) or len(heads) == 1) and (
            k < len(self.lines)
            and (furniture.is_continuation(self.lines[k]) or self._main_chrome_follows(k))
        )
        if inline:
            self.boilerplate.extend([self.lines[i], *(self.lines[h] for h in heads)])
            return k
        if not inline_title and not heads and (k >= len(self.lines) or self._is_marker(k)):
            self.boilerplate.append(self.lines[i])  # a marker with nothing after it
            return i + 1
        self.start_related(inline_title)
        self.markers.append(self.lines[i])
        return i + 1

    def _is_marker(self, k: int) -> bool:
        norm = _LEAD_SYMBOLS.sub("", normalize_for_match(self.lines[k][:_HEAD_CHARS]))
        return furniture.MARKER.match(norm) is not None

    def _main_chrome_follows(self, k: int) -> bool:
        """Whether the article's own tag line or end-of-story trailer ("© AFP", "(النهاية)",
        desk initials, the agency's sign-off) comes after line ``k`` before any other "read
        also" marker: then what follows the link is still the article."""
        for line in self.lines[k:]:
            if _is_ignorable(line):
                continue
            norm = _LEAD_SYMBOLS.sub("", normalize_for_match(line[:_HEAD_CHARS]))
            if furniture.MARKER.match(norm):
                return False
            if furniture.TAG_LABEL.match(norm) or _is_story_end(line, norm):
                return True
        return False

    def _chrome(self, line: str, norm: str, short: bool, i: int) -> bool:
        """Handle date, source, tag, byline, credit and boilerplate lines; True when it was one."""
        # A tag line may list many tags, a date line may carry two labelled dates: both can
        # exceed the word limit of prompts, so only their character limits apply.
        main = not self.in_related
        if len(line) <= MAX_TAG_LINE_CHARS and furniture.TAG_LABEL.match(norm):
            inline = _value_after_label(line)
            if main:
                self.add_tags(_split_tags(inline))
                self.tags_open = not inline or inline[-1] in _TAG_SEPARATORS
            return True
        if len(line) <= MAX_CHROME_CHARS and furniture.SOURCE_LABEL.match(norm):
            value = _value_after_label(line).rstrip(".")
            if main and self.source is None:
                if value:
                    self._set_source(value)
                else:
                    self.source_pending = True
            return True
        dateline = match_date_line(line) if short or _DATE_LABEL_HEAD.match(norm) else None
        if dateline is not None:
            if main:
                if dateline.kind == "updated":
                    self.updated_line = self.updated_line or dateline
                else:
                    self.date_line = self.date_line or dateline
            return True
        if short:
            place_date = place_date_line(line)
            if place_date is not None:
                if main and self.place_date is None:
                    self.place_date = place_date
                return True
        if len(line.split()) <= _MAX_CAPTION_WORDS and (
            _is_caption(line) or (self.body and furniture.is_bracketed_credit(line))
        ):
            self.boilerplate.append(line)  # a picture's caption or credit inside the body
            return True
        if not short and len(line) > MAX_TITLE_CHARS:
            return False
        return self._short_chrome(line, norm, short, main, i)

    def _short_chrome(self, line: str, norm: str, short: bool, main: bool, i: int) -> bool:
        names = furniture.byline_names(line, norm)
        if names is not None:
            if main:
                self.authors.extend(n for n in names if n not in self.authors)
            return True
        bio = furniture.author_bio(line)
        if bio is not None:
            if main and bio and bio not in self.authors:
                self.authors.append(bio)
            elif not bio:
                self.boilerplate.append(line)
            return True
        if not short:
            return False
        if furniture.is_photo_credit(norm) or furniture.is_boilerplate(norm):
            self.boilerplate.append(line)
            return True
        if _LETTERS_ONLY.sub("", norm) in _GENERIC_CREDITS:
            if main and self.generic_credit is None:
                self.generic_credit = line.strip(_STRIP + "()-–—")
            return True
        # An agency's name alone ("APS", "واس") is a credit before it is a desk's initials.
        credit = credit_line(line)
        if credit is not None:
            if main:
                self.credits.append((credit, line))
                self.credit_lines.setdefault(line, i)
                if self.credit is None:
                    self.credit, self.credit_text = credit, line
            return True
        trailer = furniture.DESK_TRAILER.match(line)
        entry = agency_named(trailer["agency"]) if trailer else None
        if entry is not None:
            if main and self.trailer_agency is None:
                self.trailer_agency = entry
            self.boilerplate.append(line)
            return True
        if furniture.is_editor_initials(line):
            self.boilerplate.append(line)
            return True
        return False

    def _set_source(self, value: str) -> None:
        self.source = value
        lead = credit_line(value)
        if lead is not None and lead.agency is not None:
            self.source_agency = lead.agency

    def _feed_main(self, line: str, norm: str, short: bool, i: int) -> None:
        if self.source_pending and short and len(line.split()) <= 6:
            self.source_pending = False
            self._set_source(line.rstrip("."))
            return
        self.source_pending = False
        if self._chrome(line, norm, short, i):
            return
        if self.tags_open:
            if _is_tag_like(line):
                self.add_tags(_split_tags(line))
                return
            self.tags_open = False
        if not self.title_decided:
            if self._section_label(line, norm, short, i):
                self.boilerplate.append(line)
                return
            self.title_decided = True
            if is_title_like(line):
                self.title = line
                return
        if line == self.title:
            self.boilerplate.append(line)  # pages often repeat the headline above the body
            return
        if self.title is not None and not self.body and short:
            names = _place_byline(line)
            if names is not None and self._paragraph_follows(i):
                self.authors.extend(n for n in names if n not in self.authors)
                return
            if self._outlet_line(line, i):
                self.boilerplate.append(line)
                return
        if self.first_body_line is None:
            self.first_body_line = i
        self._body_line(line)

    def _paragraph_follows(self, i: int) -> bool:
        k = self._next_content(i + 1)
        return k < len(self.lines) and not is_title_like(self.lines[k])

    def _outlet_line(self, line: str, i: int) -> bool:
        """ "الشروق أونلاين" between the headline and the date or byline: the outlet's name."""
        if len(line.split()) > _MAX_LABEL_WORDS or _SENTENCE_END.search(line) or _DIGIT.search(line):
            return False
        k = self._next_content(i + 1)
        if k >= len(self.lines):
            return False
        after = self.lines[k]
        norm = normalize_for_match(after)
        return _is_short(after) and (
            match_date_line(after) is not None
            or place_date_line(after) is not None
            or furniture.byline_names(after, norm) is not None
            or credit_line(after) is not None
        )

    def _section_label(self, line: str, norm: str, short: bool, i: int) -> bool:
        if not short:
            return False
        if len(line.split()) == 1:
            return True  # a lone word above the headline is a section label ("اقتصاد")
        k = self._next_content(i + 1)
        if k >= len(self.lines) or not is_title_like(self.lines[k]):
            return False
        if furniture.is_section_label(norm):
            return True
        # An outlet's name or a label above the headline: a short line, then a longer one.
        words = len(line.split())
        return words <= _MAX_LABEL_WORDS and len(self.lines[k].split()) >= words + 3

    def _body_line(self, line: str) -> None:
        live = furniture.live_time(line) if self.title_decided else None
        if live is not None:
            time, text = live
            if text is None:
                if self.pending_time is not None:
                    self.boilerplate.append(self.pending_line)  # a time with no text
                self.pending_time = time  # the entry's text is the next paragraph
                self.pending_line = line
                return
            self.body.append(line)
            self.entries.append((len(self.body) - 1, time, text))
            return
        self.body.append(line)
        if self.pending_time is not None:
            self.entries.append((len(self.body) - 1, self.pending_time, line))
            self.pending_time = None

    def _feed_related(self, line: str, norm: str, short: bool) -> None:
        placed = len(self.boilerplate)
        if self._chrome(line, norm, short, -1):
            if len(self.boilerplate) == placed:
                # A glued article's own date, byline, tags or credit: furniture of the page.
                self.boilerplate.append(line)
            return
        if is_title_like(line):
            self.related.append({"title": line, "body": []})
        elif self.related:
            self.related[-1]["body"].append(line)
        else:
            self.related.append({"title": None, "body": [line]})


def article_text(structure: Structure) -> str:
    """The article's clean text as the later stages index it: title and body, one a line."""
    title = structure["title"]
    return "\n".join(([title] if title else []) + structure["body"])


def _agency_credit(entry: AgencyEntry, matched: str, span: tuple[int, int] | None) -> AgencyCredit:
    return {
        "name": entry.name,
        "abbreviation": entry.code,
        "country": entry.country,
        "matched": matched,
        "start": span[0] if span else None,
        "end": span[1] if span else None,
    }


def _body_offset(page: _Page, index: int) -> int:
    offset = len(page.title) + 1 if page.title else 0
    return offset + sum(len(p) + 1 for p in page.body[:index])


def _shift(page: _Page, span: tuple[int, int]) -> tuple[int, int]:
    offset = _body_offset(page, 0)
    return offset + span[0], offset + span[1]


def _find_lead(page: _Page) -> tuple[int, Lead] | None:
    for index, paragraph in enumerate(page.body[:2]):
        lead = find_lead(paragraph)
        if lead is not None:
            return index, lead
    return None


def _agency(page: _Page, lead: tuple[int, Lead] | None) -> AgencyCredit | None:
    if lead is not None:
        index, found = lead
        if found.agency is not None and found.agency_span is not None:
            a, b = found.agency_span
            offset = _body_offset(page, index)
            return _agency_credit(found.agency, page.body[index][a:b], (offset + a, offset + b))
    if page.credit is not None and page.credit.agency is not None:
        a, b = page.credit.agency_span or (0, len(page.credit_text))
        span = (a, b) if page.credit_in_body else None  # the credit is body[0]
        return _agency_credit(page.credit.agency, page.credit_text[a:b], span and _shift(page, span))
    if page.source_agency is not None and page.source is not None:
        return _agency_credit(page.source_agency, page.source, None)
    if page.trailer_agency is not None:
        return _agency_credit(page.trailer_agency, page.trailer_agency.code, None)
    if page.body:
        trailing = trailing_credit(page.body[-1])
        if trailing is not None:
            entry, (a, b) = trailing
            offset = _body_offset(page, len(page.body) - 1)
            return _agency_credit(entry, page.body[-1][a:b], (offset + a, offset + b))
    return None


def _with_year(value: str, year: int) -> str:
    return f"{year:04d}{value[4:]}"


def _reference(published_at: str | None, now: datetime | None) -> tuple[date, YearFrom]:
    message = _valid_iso(published_at)
    if message is not None:
        return date.fromisoformat(message[:10]), "message"
    return (now or datetime.now(UTC)).date(), "processing_time"


def _published(
    page: _Page, lead: Lead | None, published_at: str | None, now: datetime | None
) -> tuple[str | None, str | None, PublishedAtProvenance]:
    """published_at, hijri and their provenance."""
    line = page.date_line or page.updated_line
    if line is not None:
        value = line.value
        line_year: YearFrom = "hijri" if line.year_from_hijri else "stated"
        if not line.year_known:
            ref, line_year = _reference(published_at, now)
            month_day = (int(value[5:7]), int(value[8:10]))
            value = _with_year(value, infer_year(month_day, ref))
        return value, line.hijri, {"source": "page", "year": line_year}
    for source, found in (("dateline", page.place_date), ("dateline", lead), ("credit", page.credit)):
        if found is None or found.date is None:
            continue
        dated = found.date
        hijri = "{:04d}-{:02d}-{:02d}".format(*dated.hijri) if dated.hijri else None
        from_: PublishedFrom = source  # type: ignore[assignment]
        if dated.day is not None:
            year: YearFrom = "hijri" if dated.year_from_hijri else "stated"
            value = dated.day.isoformat() + (dated.time or "")
            return value, hijri, {"source": from_, "year": year}
        ref, year = _reference(published_at, now)
        day = date(infer_year(dated.month_day, ref), *dated.month_day)
        return day.isoformat() + (dated.time or ""), hijri, {"source": from_, "year": year}
    message = _valid_iso(published_at)
    if message is not None:
        return message, None, {"source": "message", "year": "stated"}
    return None, None, {"source": None, "year": None}


def _credit_bylines(page: _Page) -> None:
    """ "NAME/ AGENCY" above "CITY/ AGENCY" (Anadolu's form): of several credit lines naming
    the same agency without a date, all but the last name the reporter, not a city."""
    plain = [(lead, line) for lead, line in page.credits if lead.date is None and lead.city]
    if len(plain) < 2 or len({lead.agency for lead, _line in plain}) != 1:
        return
    for lead, _line in plain[:-1]:
        if lead.city and lead.city not in page.authors:
            page.authors.append(lead.city)
    page.credit, page.credit_text = plain[-1]


def _dateline_paragraph(page: _Page) -> None:
    """ "أنقرة/ الأناضول" alone on the line before the first paragraph: the story's dateline
    paragraph, split from its text (Anadolu's form), so it stays in the body."""
    if page.credit is None or page.credit.date is not None or not page.credit.city:
        return
    index = page.credit_lines.get(page.credit_text)
    if index is None or page.first_body_line is None or page.title is None:
        return
    if page._next_content(index + 1) != page.first_body_line:
        return
    page.body.insert(0, page.credit_text)
    page.entries = [(k + 1, time, text) for k, time, text in page.entries]
    page.credit_in_body = True


def parse_structure(
    text: str,
    *,
    published_at: str | None = None,
    source: str | None = None,
    now: datetime | None = None,
) -> Structure:
    """Segment a page's text.

    ``published_at`` and ``source`` are the message's own fields, used only when the page
    names no date or outlet (an invalid ``published_at`` is dropped rather than guessed at);
    ``published_at`` and then ``now`` (default: the current time) also give the year of a
    dateline written without one.
    """
    page = _Page(page_lines(text))
    page.parse()
    if not page.related:
        page.boilerplate.extend(page.markers)  # a marker that opened nothing is furniture
    _credit_bylines(page)
    _dateline_paragraph(page)
    lead = _find_lead(page)
    agency = _agency(page, lead)
    for credit, line in page.credits:
        # A second agency credit ("(رويترز)" under a SPA dateline) fills no field: furniture.
        used = agency is not None and agency["matched"] in line
        if not used and credit.city not in page.authors and line not in page.body:
            page.boilerplate.append(line)
    value, hijri, provenance = _published(page, lead[1] if lead else None, published_at, now)

    # The page's own "المصدر:" label outranks an agency credit, which outranks a bare name.
    page_source = page.source
    if page_source is None and agency is not None:
        page_source = agency["matched"]
    if page_source is None:
        page_source = page.generic_credit
    if page_source is None and isinstance(source, str) and source.strip():
        page_source = source.strip()

    return {
        "title": page.title,
        "published_at": value,
        "published_at_provenance": provenance,
        "hijri": hijri,
        "source": page_source,
        "agency": agency,
        "authors": page.authors,
        "tags": page.tags,
        "body": page.body,
        "entries": _entries(page, value),
        "related": page.related,
        "boilerplate": page.boilerplate,
    }


def _entries(page: _Page, published: str | None) -> list[LiveEntry]:
    day = published[:10] if published else None
    return [
        {"time": f"{day}T{time}" if day else time, "text": text}
        for _index, time, text in page.entries
    ]
