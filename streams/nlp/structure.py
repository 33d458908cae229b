"""Split one scraped news page into title, date, agency, authors, tags, body, live entries,
related articles and boilerplate.

The page arrives as lines (the cleaner has already stripped HTML and invisible characters, but
raw text must not break anything). Each line is classified once, on a matching form that
ignores diacritics, tatweel, alef/ya spelling and digit script, by anchored, precompiled
patterns (``furniture``, ``page_blocks``), and lands in exactly one place: title, body,
related, boilerplate or a metadata field (date, source, agency, authors, tags, live-entry
times). ``page_reader`` walks the lines; this module turns what it collected into the record.

The publication date comes from the page's date line, else from a "DATE - CITY" line, else
from the body's dateline ("الرياض 14 مارس 2025 (واس) -"), else from a credit line, else from
the message; a dateline
without a year takes it from the message's ``published_at``, a Hijri pair, or the most recent
such day before processing, and ``published_at_provenance`` says which.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime

from streams.nlp.credits import Lead, find_lead, infer_year, trailing_credit
from streams.nlp.lexicon import AgencyEntry
from streams.nlp.page_blocks import is_title_like, page_lines, valid_iso
from streams.nlp.page_reader import PageReader
from streams.records import (
    AgencyCredit,
    LiveEntry,
    PublishedAtProvenance,
    PublishedFrom,
    Structure,
    YearFrom,
)

logger = logging.getLogger(__name__)

__all__ = ["article_text", "is_title_like", "page_lines", "parse_structure"]


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


def _body_offset(page: PageReader, index: int) -> int:
    offset = len(page.title) + 1 if page.title else 0
    return offset + sum(len(p) + 1 for p in page.body[:index])


def _shift(page: PageReader, span: tuple[int, int]) -> tuple[int, int]:
    offset = _body_offset(page, 0)
    return offset + span[0], offset + span[1]


def _find_lead(page: PageReader) -> tuple[int, Lead] | None:
    for index, paragraph in enumerate(page.body[:2]):
        lead = find_lead(paragraph)
        if lead is not None:
            return index, lead
    return None


def _agency(page: PageReader, lead: tuple[int, Lead] | None) -> AgencyCredit | None:
    if lead is not None:
        index, found = lead
        if found.agency is not None and found.agency_span is not None:
            a, b = found.agency_span
            offset = _body_offset(page, index)
            return _agency_credit(found.agency, page.body[index][a:b], (offset + a, offset + b))
    if page.credit is not None and page.credit.agency is not None:
        a, b = page.credit.agency_span or (0, len(page.credit_text))
        # Moved into the body as its dateline paragraph, the credit is body[0].
        span = _shift(page, (a, b)) if page.credit_in_body else None
        return _agency_credit(page.credit.agency, page.credit_text[a:b], span)
    if page.source_agency is not None and page.source is not None:
        return _agency_credit(page.source_agency, page.source, None)
    if page.trailer_agency is not None:
        return _agency_credit(page.trailer_agency, page.trailer_agency.code, None)
    # A credit closing the last paragraph, or the first ("الجزائر - … (واج)").
    for index in sorted({len(page.body) - 1, 0}, reverse=True) if page.body else ():
        trailing = trailing_credit(page.body[index])
        if trailing is not None:
            entry, (a, b) = trailing
            offset = _body_offset(page, index)
            return _agency_credit(entry, page.body[index][a:b], (offset + a, offset + b))
    return None


def _with_year(value: str, year: int) -> str:
    return f"{year:04d}{value[4:]}"


def _reference(published_at: str | None, now: datetime | None) -> tuple[date, YearFrom]:
    message = valid_iso(published_at)
    if message is not None:
        return date.fromisoformat(message[:10]), "message"
    return (now or datetime.now(UTC)).date(), "processing_time"


def _published(
    page: PageReader, lead: Lead | None, published_at: str | None, now: datetime | None
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
    datelines = (("dateline", page.place_date), ("dateline", lead), ("credit", page.credit))
    for source, found in datelines:
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
    message = valid_iso(published_at)
    if message is not None:
        return message, None, {"source": "message", "year": "stated"}
    return None, None, {"source": None, "year": None}


def _credit_bylines(page: PageReader) -> None:
    """ "NAME/ AGENCY" above "CITY/ AGENCY" (Anadolu's form): of several credit lines naming
    the same agency without a date, all but the last name the reporter, not a city."""
    plain = [(lead, line) for lead, line in page.credits if lead.date is None and lead.city]
    if len(plain) < 2 or len({lead.agency for lead, _line in plain}) != 1:
        return
    for lead, _line in plain[:-1]:
        if lead.city and lead.city not in page.authors:
            page.authors.append(lead.city)
    page.credit, page.credit_text = plain[-1]


def _dateline_paragraph(page: PageReader) -> None:
    """ "أنقرة/ الأناضول" alone on the line before the first paragraph: the story's dateline
    paragraph, split from its text (Anadolu's form), so it stays in the body."""
    if page.credit is None or page.credit.date is not None or not page.credit.city:
        return
    index = page.credit_lines.get(page.credit_text)
    if index is None or page.first_body_line is None or page.title is None:
        return
    if page.next_content(index + 1) != page.first_body_line:
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
    page = PageReader(page_lines(text))
    page.parse()
    if not page.related:
        page.boilerplate.extend(page.markers)  # a marker that opened nothing is furniture
    _credit_bylines(page)
    _dateline_paragraph(page)
    lead = _find_lead(page)
    agency = _agency(page, lead)
    reporters = [found.reporter for found in (lead[1] if lead else None, page.credit) if found]
    page.authors.extend(r for r in reporters if r is not None and r not in page.authors)
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


def _entries(page: PageReader, published: str | None) -> list[LiveEntry]:
    day = published[:10] if published else None
    return [
        {"time": f"{day}T{time}" if day else time, "text": text}
        for _index, time, text in page.entries
    ]
