"""Which countries an article is about and who is in it: the pure functions the enrich stage calls.

* :func:`place_mentions_for` - every span naming a country (name, city or governorate,
  demonym, institution) in an Arabic, English or French text; English and French articles are
  also scanned for Arabic names, since they quote Arabic.
* :func:`find_entities` - places (LOC, ``"source": "gazetteer"``) with their country, and
  people and organisations found by rules (PER/ORG, ``"source": "rules"``).
* :func:`count_countries` - ISO 3166-1 alpha-2 codes with their mention counts and evidence
  spans. Every place entity with a country contributes; a demonym inside a person's name
  ("محمد شياع السوداني") does not.
"""

from __future__ import annotations

from collections.abc import Iterable

from streams.nlp.entities import agency_spans, arabic_entities
from streams.nlp.entities_latin import latin_agency_spans, latin_entities
from streams.nlp.places import PlaceMention, place_entities, place_mentions, rank_countries
from streams.nlp.places_latin import latin_place_mentions
from streams.records import CountryMentions, Entity, Quote

__all__ = [
    "LANGUAGES",
    "count_countries",
    "find_entities",
    "place_entities",
    "place_mentions_for",
]

LANGUAGES = ("ar", "en", "fr")
_LATIN = ("en", "fr")


class UnsupportedLanguage(ValueError):
    """The article is in a language these rules do not cover."""


def _check(language: str | None) -> str:
    if language not in LANGUAGES:
        raise UnsupportedLanguage(
            f"countries and entities cover {', '.join(LANGUAGES)}; "
            f"the article language is {language or 'unknown'}"
        )
    return language


def place_mentions_for(text: str, language: str | None) -> list[PlaceMention]:
    """Spans naming a country, in text order; none inside a news agency's name: the agency's
    country does not count by itself ("وكالة الأنباء السعودية", "Saudi Press Agency")."""
    agencies = agency_spans(text)
    found = list(place_mentions(text))
    if _check(language) in _LATIN:
        agencies += latin_agency_spans(text)
        found = sorted([*latin_place_mentions(text), *found], key=lambda m: (m.start, m.end))
    return [m for m in found if not any(s <= m.start and m.end <= e for s, e in agencies)]


def find_entities(
    text: str,
    language: str | None,
    quotes: Iterable[Quote] = (),
    mentions: Iterable[PlaceMention] | None = None,
) -> list[Entity]:
    """Places, people and organisations of ``text``, ordered by start then end. ``mentions``:
    the article's place mentions when the caller has them (the countries step uses them too)."""
    if mentions is None:
        mentions = place_mentions_for(text, language)
    places = place_entities(mentions, text)
    if language in _LATIN:
        people_orgs = latin_entities(text, places) + arabic_entities(text, quotes, places)
    else:
        people_orgs = arabic_entities(text, quotes, places)
    return sorted(places + people_orgs, key=lambda e: (e["start"], e["end"]))


def count_countries(
    text: str, mentions: Iterable[PlaceMention], entities: Iterable[Entity] = ()
) -> list[CountryMentions]:
    """Countries with mention counts and evidence, most mentioned first, then by code."""
    persons = [(e["start"], e["end"]) for e in entities if e["label"] == "PER"]
    kept = [m for m in mentions if not any(s <= m.start and m.end <= e for s, e in persons)]
    return rank_countries(text, kept)
