"""Typed shapes of the records on every topic.

Records travel as plain dicts serialised with orjson (fast, and byte-identical between the
in-process chain and the workers); these TypedDicts document and type-check them. Their JSON
Schemas are package data in ``streams/schemas/`` (published as the repository's ``schemas/``),
enforced at the topic boundary by :func:`streams.codec.validate`.
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict

# The version every record is written with; the schemas' `$id` and `schema_version` enum name
# it (README: Schema changelog).
SCHEMA_VERSION = 2

StageStatus = Literal["ok", "skipped", "failed"]


class RawArticle(TypedDict):
    """What a producer sent to ``articles.raw``, after decoding (plain text becomes ``text``)."""

    id: str
    text: str
    url: NotRequired[str | None]
    source: NotRequired[str | None]
    published_at: NotRequired[str | None]
    meta: NotRequired[dict[str, Any]]


class RelatedArticle(TypedDict):
    title: str | None
    body: list[str]


class AgencyCredit(TypedDict):
    """The news agency a page credits. ``start``/``end`` index the article's clean text
    (title and body joined by newlines) when the credit stands in the body, so that later
    stages (places) can leave the credit alone; else None."""

    name: str
    abbreviation: str  # Latin code: SPA, WAM, MAP, AFP ...
    country: str  # ISO 3166 alpha-2 of the agency's home country
    matched: str  # the credit as written
    start: int | None
    end: int | None


PublishedFrom = Literal["page", "dateline", "credit", "hijri", "message"]
YearFrom = Literal["stated", "hijri", "message", "processing_time"]


class PublishedAtProvenance(TypedDict):
    """Where ``published_at`` came from and, for a dateline without a year, whence the year."""

    source: PublishedFrom | None
    year: YearFrom | None


class LiveEntry(TypedDict):
    time: str  # ISO 8601 datetime on the publication day, or a time of day when none is known
    text: str


class Structure(TypedDict):
    title: str | None
    published_at: str | None
    published_at_provenance: PublishedAtProvenance
    hijri: str | None  # the Hijri date the page gives (Umm al-Qura), YYYY-MM-DD
    source: str | None
    agency: AgencyCredit | None
    authors: list[str]
    tags: list[str]
    body: list[str]
    entries: list[LiveEntry]
    related: list[RelatedArticle]
    boilerplate: list[str]


class Text(TypedDict):
    clean: str
    normalized: str


class Sentence(TypedDict):
    text: str
    start: int
    end: int
    tokens: list[str]
    # Clitic segmentations aligned 1:1 with ``tokens``, per scheme (d3tok, atbtok, ...);
    # absent when the clitic sub-stage was skipped.
    segments: NotRequired[dict[str, list[str]]]


class StageRun(TypedDict):
    name: str
    status: StageStatus
    reason: str | None
    ms: float


class Provenance(TypedDict):
    version: str
    stages: list[StageRun]


class SegmentedArticle(TypedDict):
    id: str
    schema_version: int
    language: str | None
    url: str | None
    structure: Structure
    text: Text
    sentences: list[Sentence]
    meta: dict[str, Any]
    provenance: Provenance


class DateMention(TypedDict):
    text: str
    value: str
    relative: bool
    start: int
    end: int


class CountryEvidence(TypedDict):
    text: str
    start: int
    end: int
    # how the span names the country: name, city, demonym, institution
    via: str


class CountryMentions(TypedDict):
    code: str
    mentions: int
    evidence: list[CountryEvidence]


class Entity(TypedDict):
    text: str
    label: str
    start: int
    end: int
    source: str
    country: NotRequired[str | None]


class Keyword(TypedDict):
    term: str
    score: float


class Quote(TypedDict):
    speaker: str
    text: str
    start: int
    end: int


class EnrichedArticle(SegmentedArticle):
    dates: list[DateMention]
    countries: list[CountryMentions]
    entities: list[Entity]
    keywords: list[Keyword] | None
    quotes: list[Quote]
    fingerprint: str | None
    duplicate_of: str | None
    morphology: list[dict[str, Any]] | None
    dialect: dict[str, Any] | None
    sentiment: dict[str, Any] | None


class DeadLetter(TypedDict):
    schema_version: int
    key: str | None
    key_bytes: int | None
    key_sha256: str | None
    value_b64: str
    value_bytes: int
    value_sha256: str
    topic: str
    partition: int | None
    offset: int | None
    stage: str
    error_type: str
    reason: str
    time: str
