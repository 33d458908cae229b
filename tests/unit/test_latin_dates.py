"""English and French date mentions resolved against the publication date."""

from __future__ import annotations

import pytest

from streams.nlp.dates import extract_dates

# A Wednesday.
PUBLISHED = "2025-11-12T10:00:00+01:00"


def values(text: str, published_at: str | None = PUBLISHED) -> list[tuple[str, str]]:
    return [(m["text"], m["value"]) for m in extract_dates(text, published_at)]


@pytest.mark.parametrize(
    ("text", "mention", "value"),
    [
        # days around publication
        ("Prices rose yesterday in Riyadh.", "yesterday", "2025-11-11"),
        ("The talks resume today.", "today", "2025-11-12"),
        ("Markets open tomorrow.", "tomorrow", "2025-11-13"),
        ("He arrived the day before yesterday.", "the day before yesterday", "2025-11-10"),
        ("It was announced the day before.", "the day before", "2025-11-11"),
        ("Le ministre est arrivé hier à Tunis.", "hier", "2025-11-11"),
        ("Le sommet s'ouvre demain.", "demain", "2025-11-13"),
        ("Il avait parlé avant-hier.", "avant-hier", "2025-11-10"),
        ("La veille, les prix avaient chuté.", "La veille", "2025-11-11"),
        ("Le conseil se réunit aujourd'hui.", "aujourd'hui", "2025-11-12"),
        # weekdays
        ("The minister said on Tuesday that talks went well.", "on Tuesday", "2025-11-11"),
        ("Officials met last Tuesday in Doha.", "last Tuesday", "2025-11-11"),
        ("Officials met last Wednesday in Doha.", "last Wednesday", "2025-11-05"),
        ("The vote is due next Monday.", "next Monday", "2025-11-17"),
        ("Le président a reçu mardi son homologue.", "mardi", "2025-11-11"),
        ("Mardi dernier, le port a rouvert.", "Mardi dernier", "2025-11-11"),
        ("Le vote aura lieu jeudi prochain.", "jeudi prochain", "2025-11-13"),
        # months
        ("Exports fell last March.", "last March", "2025-03"),
        ("Exports fell last December.", "last December", "2024-12"),
        ("The plant opens next March.", "next March", "2026-03"),
        ("The port will be ready by March.", "by March", "2026-03"),
        ("The port will be ready by December.", "by December", "2025-12"),
        ("Les ventes ont chuté en novembre dernier.", "novembre dernier", "2024-11"),
        ("Le port sera prêt d'ici mars.", "d'ici mars", "2026-03"),
        ("La récolte débute en janvier.", "en janvier", "2026-01"),
        ("The law took effect in June.", "in June", "2025-06"),
        ("Talks are planned for early December.", "early December", "2025-12"),
        ("The meeting on March 3 was cancelled.", "March 3", "2025-03-03"),
        ("La réunion du 12 avril a été reportée.", "12 avril", "2025-04-12"),
        # periods and counts
        ("Sales doubled last year.", "last year", "2024"),
        ("Growth will slow next year.", "next year", "2026"),
        ("Rates rose this month.", "this month", "2025-11"),
        ("Talks resume next week.", "next week", "2025-W47"),
        ("L'an dernier, le déficit a baissé.", "L'an dernier", "2024"),
        ("La semaine prochaine, le parlement vote.", "La semaine prochaine", "2025-W47"),
        ("Cette année, la saison est bonne.", "Cette année", "2025"),
        ("The ship left three days ago.", "three days ago", "2025-11-09"),
        ("Il y a deux semaines, le port a fermé.", "Il y a deux semaines", "2025-W44"),
        ("The plant opens in two years.", "in two years", "2027"),
        ("Le chantier finira dans trois mois.", "dans trois mois", "2026-02"),
        # full dates (read by dateparser)
        ("The deal was signed on March 3, 2025.", "March 3, 2025", "2025-03-03"),
        ("Il a été signé le 3 mars 2025 à Rabat.", "le 3 mars 2025", "2025-03-03"),
        ("Signed on 1st November 2023 in Tripoli.", "1st November 2023", "2023-11-01"),
        ("Prices peaked in March 2024.", "March 2024", "2024-03"),
    ],
)
def test_english_and_french_mentions(text: str, mention: str, value: str) -> None:
    assert (mention, value) in values(text)


@pytest.mark.parametrize(
    "text",
    [
        "They may 5 times reconsider the plan.",  # "may" the verb
        "The troops will march 20 kilometres.",  # "march" the verb
        "Ten people were injured.",
    ],
)
def test_lower_case_english_words_are_not_months(text: str) -> None:
    assert values(text) == []


def test_relative_mentions_need_a_publication_date() -> None:
    assert values("The minister spoke yesterday and on March 3, 2025.", None) == [
        ("March 3, 2025", "2025-03-03")
    ]


def test_latin_and_arabic_mentions_in_one_text() -> None:
    text = "وقال الوزير أمس إن الاتفاق سيوقع الشهر المقبل.\nThe minister spoke yesterday."
    assert values(text) == [
        ("أمس", "2025-11-11"),
        ("الشهر المقبل", "2025-12"),
        ("yesterday", "2025-11-11"),
    ]
