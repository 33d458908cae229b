"""Shapes that used to add a wrong country, or miss a right one."""

from __future__ import annotations

import pytest

from streams.nlp.countries import count_countries, find_entities, place_mentions_for


def _codes(text: str, language: str = "ar") -> set[str]:
    mentions = place_mentions_for(text, language)
    entities = find_entities(text, language)
    return {c["code"] for c in count_countries(text, mentions, entities)}


def _persons(text: str, language: str = "ar") -> list[str]:
    return [e["text"] for e in find_entities(text, language) if e["label"] == "PER"]


@pytest.mark.parametrize(
    ("given", "demonym"),
    [
        ("أحمد", "التونسي"),
        ("خالد", "المصري"),
        ("عادل", "المصري"),
        ("وليد", "اللبناني"),
        ("ياسر", "السوري"),
        ("سامي", "الليبي"),
    ],
)
def test_a_demonym_after_a_given_name_is_a_family_name(given: str, demonym: str) -> None:
    text = f"قال الكاتب {given} {demonym} إن الوضع صعب في بغداد."
    assert _codes(text) == {"IQ"}


@pytest.mark.parametrize(
    ("person", "country"),
    [
        ("محمد شياع السوداني", "IQ"),
        ("علي حسن الأردني", "EG"),
        ("خالد عمر اليمني", "SY"),
    ],
)
def test_a_demonym_ending_a_name_chain_is_a_family_name(person: str, country: str) -> None:
    place = {"IQ": "العراق", "EG": "مصر", "SY": "سوريا"}[country]
    text = f"قال الوزير {person} إن {place} بخير."
    assert _codes(text) == {country}


@pytest.mark.parametrize(
    "text",
    [
        "قال رئيس الوزراء العراقي محمد شياع السوداني إن الحكومة مستمرة.",
        "أكد الرئيس التونسي قيس سعيد أن الحكومة مستمرة.",
    ],
)
def test_a_demonym_after_a_title_still_counts(text: str) -> None:
    # The title's own demonym ("رئيس الوزراء العراقي") is evidence; only the name's is not.
    codes = _codes(text)
    assert "SD" not in codes
    assert codes <= {"IQ", "TN"} and codes


@pytest.mark.parametrize(
    "text",
    [
        "أكد الشعب المصري موقفه.",
        "انتشر الجيش السوداني في المدينة.",
        "وصل الوفد الليبي إلى العاصمة.",
    ],
)
def test_a_demonym_after_a_common_noun_counts(text: str) -> None:
    assert len(_codes(text)) == 1


def test_a_place_word_before_a_given_name_keeps_the_demonym() -> None:
    # "جيهان" is a given name, but after "ميناء" it is the port Ceyhan.
    assert "TR" in _codes("بلغت الصادرات عبر ميناء جيهان التركي 190 ألف برميل.")


@pytest.mark.parametrize(
    "text",
    [
        "قتل ثلاثة جنود على الحدود الشمالية للبلاد.",
        "عززت القوات انتشارها على الحدود الشمالية مع الجارة.",
        "زار صلاح الدين الأيوبي المدينة.",
        "افتتح شارع صلاح الدين بعد ترميمه.",
    ],
)
def test_region_names_that_are_common_phrases_need_a_marker(text: str) -> None:
    assert _codes(text) == set()


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("زار أمير منطقة الحدود الشمالية المستشفى.", "SA"),
        ("وقع انفجار في محافظة صلاح الدين.", "IQ"),
        ("هطلت أمطار في محافظة الوادي الجديد.", "EG"),
    ],
)
def test_region_names_count_after_a_region_marker(text: str, code: str) -> None:
    assert _codes(text) == {code}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("اشتباكات في مديرية المنصورة بعدن اليمنية.", {"YE"}),
        ("انقطعت الكهرباء في المنصورة وكريتر في عدن.", {"YE"}),
        ("سيطرت القوات على البريقة قرب عدن اليمنية.", {"YE"}),
        ("احتجاجات في المنصورة والقاهرة.", {"EG"}),
    ],
)
def test_a_shared_district_name_does_not_add_a_foreign_country(
    text: str, expected: set[str]
) -> None:
    assert _codes(text) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("The UK said on Monday it would respond.", "GB"),
        ("Ministers in the U.K. met on Monday.", "GB"),
        ("Britain said on Monday it would respond.", "GB"),
        ("British troops arrived on Monday.", "GB"),
        ("Ugandan troops arrived on Monday.", "UG"),
        ("Burundians voted on Monday.", "BI"),
        ("Rwandan officials met on Monday.", "RW"),
        ("Tanzanian police said on Monday.", "TZ"),
    ],
)
def test_english_names_and_demonyms(text: str, code: str) -> None:
    assert _codes(text, "en") == {code}


def test_english_demonyms_in_one_phrase() -> None:
    assert _codes("Ugandan and Burundian troops patrol the city.", "en") == {"UG", "BI"}


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Les soldats ougandais sont arrivés lundi.", "UG"),
        ("Les autorités burundaises ont réagi lundi.", "BI"),
        ("Une délégation rwandaise est arrivée lundi.", "RW"),
        ("Les autorités algériennes ont réagi lundi.", "DZ"),
        ("Les Marocaines ont voté lundi.", "MA"),
    ],
)
def test_french_demonyms_in_feminine_and_plural(text: str, code: str) -> None:
    assert _codes(text, "fr") == {code}


@pytest.mark.parametrize("word", ["UKRAINE", "UKIP", "Uk", "UKs"])
def test_uk_is_matched_as_a_whole_capitalised_word(word: str) -> None:
    assert "GB" not in _codes(f"The {word} report came out.", "en")


@pytest.mark.parametrize(
    "person", ["عادل المصري", "سامي الليبي", "أحمد التونسي", "خالد السوداني", "سعيد العراقي"]
)
def test_the_person_with_a_demonym_family_name_is_found(person: str) -> None:
    text = f"التقى {person} بالوزير في بغداد."
    assert person in _persons(text)
    assert _codes(text) == {"IQ"}


def test_rule_names_are_gazetteer_places() -> None:
    from streams.nlp.gazetteer import gazetteer, place_rules

    rules = place_rules()
    table = gazetteer()
    for name in rules.regions_needing_marker | rules.local_names_shared_abroad:
        words = tuple(name.split())
        assert any(e.words == words for e in table.by_first.get(words[0], ())), name
    assert rules.region_markers
