"""The page reader: one pass over a page's lines, each classified once and placed in exactly
one of title, body, related, boilerplate or a metadata field (date, source, agency, authors,
tags, live-entry times); ``structure`` turns what it collected into the record.

A "read also" marker followed by a headline and a paragraph that carries the article on
("وأضاف…"), or by the story's own tag line or closing trailer, is an inline link: it goes to
boilerplate and the article continues. Otherwise everything after the marker belongs to
glued-on related articles, never to the body, and their own dates, bylines and tags go to
boilerplate.
"""

from __future__ import annotations

from streams.nlp import furniture
from streams.nlp.arabic import normalize_for_match
from streams.nlp.credits import Lead, agency_named, credit_line, place_date_line
from streams.nlp.datelines import DateLine, match_date_line
from streams.nlp.lexicon import AgencyEntry
from streams.nlp.page_blocks import (
    DATE_LABEL_HEAD,
    DIGIT,
    GENERIC_CREDITS,
    HEAD_CHARS,
    LEAD_SYMBOLS,
    LETTERS_ONLY,
    MAX_CAPTION_WORDS,
    MAX_CHROME_CHARS,
    MAX_LABEL_WORDS,
    MAX_TAG_LINE_CHARS,
    MAX_TITLE_CHARS,
    SENTENCE_END,
    STRIP,
    TAG_SEPARATORS,
    WHITESPACE,
    is_caption,
    is_country_label,
    is_ignorable,
    is_short,
    is_story_end,
    is_tag_like,
    is_title_like,
    place_byline,
    split_tags,
    value_after_label,
)
from streams.records import RelatedArticle

__all__ = ["PageReader"]


class PageReader:
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

    def next_content(self, i: int) -> int:
        while i < len(self.lines) and is_ignorable(self.lines[i]):
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
        if is_ignorable(line):
            return i + 1
        short = is_short(line)
        # Labels and markers are anchored at the start, so a long line only needs its head in
        # matching form; normalising whole paragraphs would dominate the parse time.
        head = line if short else line[:HEAD_CHARS]
        # Leading emoji and bullets ("📲 تابعونا", "• طباعة") must not hide what a line is.
        norm = LEAD_SYMBOLS.sub("", WHITESPACE.sub(" ", normalize_for_match(head)))
        if len(line) <= MAX_TITLE_CHARS:
            marker = furniture.MARKER.match(norm)
            if marker is not None:
                return self._read_also(i, value_after_label(line) if marker["rest"] else "")
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
        k = self.next_content(i + 1)
        if not inline_title:
            while (
                k < len(self.lines)
                and is_title_like(self.lines[k])
                and not self._is_marker(k)
                and len(heads) < 2
            ):
                heads.append(k)
                k = self.next_content(k + 1)
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
        norm = LEAD_SYMBOLS.sub("", normalize_for_match(self.lines[k][:HEAD_CHARS]))
        return furniture.MARKER.match(norm) is not None

    def _main_chrome_follows(self, k: int) -> bool:
        """Whether the article's own tag line or end-of-story trailer ("© AFP", "(النهاية)",
        desk initials, the agency's sign-off) comes after line ``k`` before any other "read
        also" marker: then what follows the link is still the article."""
        for line in self.lines[k:]:
            if is_ignorable(line):
                continue
            norm = LEAD_SYMBOLS.sub("", normalize_for_match(line[:HEAD_CHARS]))
            if furniture.MARKER.match(norm):
                return False
            if furniture.TAG_LABEL.match(norm) or is_story_end(line, norm):
                return True
        return False

    def _chrome(self, line: str, norm: str, short: bool, i: int) -> bool:
        """Handle date, source, tag, byline, credit and boilerplate lines; True when it was one."""
        # A tag line may list many tags, a date line may carry two labelled dates: both can
        # exceed the word limit of prompts, so only their character limits apply.
        main = not self.in_related
        if len(line) <= MAX_TAG_LINE_CHARS and furniture.TAG_LABEL.match(norm):
            inline = value_after_label(line)
            if main:
                self.add_tags(split_tags(inline))
                self.tags_open = not inline or inline[-1] in TAG_SEPARATORS
            return True
        if len(line) <= MAX_CHROME_CHARS and furniture.SOURCE_LABEL.match(norm):
            value = value_after_label(line).rstrip(".")
            if main and self.source is None:
                if value:
                    self._set_source(value)
                else:
                    self.source_pending = True
            return True
        dateline = match_date_line(line) if short or DATE_LABEL_HEAD.match(norm) else None
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
        if len(line.split()) <= MAX_CAPTION_WORDS and (
            is_caption(line) or (self.body and furniture.is_bracketed_credit(line))
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
            holder = furniture.COPYRIGHT_HOLDER.match(line.strip())
            entry = agency_named(holder["holder"]) if holder else None
            if main and entry is not None and self.trailer_agency is None:
                self.trailer_agency = entry  # "© 2025 AFP": the story's agency
            self.boilerplate.append(line)
            return True
        if LETTERS_ONLY.sub("", norm) in GENERIC_CREDITS:
            if main and self.generic_credit is None:
                self.generic_credit = line.strip(STRIP + "()-–—")
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
        trailer = furniture.DESK_TRAILER.match(line) or furniture.AGENCY_STAMP.match(norm)
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
            if is_tag_like(line):
                self.add_tags(split_tags(line))
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
            names = place_byline(line)
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
        k = self.next_content(i + 1)
        return k < len(self.lines) and not is_title_like(self.lines[k])

    def _outlet_line(self, line: str, i: int) -> bool:
        """ "الشروق أونلاين" between the headline and the date or byline: the outlet's name."""
        if len(line.split()) > MAX_LABEL_WORDS or SENTENCE_END.search(line) or DIGIT.search(line):
            return False
        k = self.next_content(i + 1)
        if k >= len(self.lines):
            return False
        after = self.lines[k]
        norm = normalize_for_match(after)
        return is_short(after) and (
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
        k = self.next_content(i + 1)
        if k >= len(self.lines) or not is_title_like(self.lines[k]):
            return False
        if furniture.is_section_label(norm) or is_country_label(norm):
            return True
        # An outlet's name or a label above the headline: a short line, then a longer one.
        words = len(line.split())
        return words <= MAX_LABEL_WORDS and len(self.lines[k].split()) >= words + 3

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
