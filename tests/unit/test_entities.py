"""People and organisations found by rules, in Arabic, English and French; countries of entities."""

from __future__ import annotations

import pytest

from streams.nlp.countries import count_countries, find_entities, place_mentions_for
from streams.nlp.entities_latin import latin_entities
from streams.nlp.quotes import find_quotes


def _found(text: str, label: str) -> list[str]:
    return [e["text"] for e in find_entities(text, "ar", find_quotes(text)) if e["label"] == label]


def _latin(text: str, label: str) -> list[str]:
    return [e["text"] for e in latin_entities(text) if e["label"] == label]


@pytest.mark.parametrize(
    ("text", "persons"),
    [
        ("استقبل الرئيس المصري عبد الفتاح السيسي الوفد", ["عبد الفتاح السيسي"]),
        ("قال وزير الخارجية الأردني أيمن الصفدي إن", ["أيمن الصفدي"]),
        ("وقال المتحدث باسم وزارة الخارجية القطرية ماجد الأنصاري إن", ["ماجد الأنصاري"]),
        ("والتقى ولي العهد الأمير محمد بن سلمان", ["محمد بن سلمان"]),
        ("التقى الشيخ تميم بن حمد آل ثاني أمير قطر", ["تميم بن حمد آل ثاني"]),
        ("وأكد الدكتور خالد بن عبد الله الفالح أن", ["خالد بن عبد الله الفالح"]),
        ("وأوضح د. سامي العلي أن", ["سامي العلي"]),
        ("قال اللواء يحيى رسول إن", ["يحيى رسول"]),
        ("وقال رئيس الوزراء نواف سلام إن", ["نواف سلام"]),
        ("وزار السيد محمد بوخاري الموقع", ["محمد بوخاري"]),
        ("رئيس جمهورية كينيا وليام روتو", ["وليام روتو"]),
        ("وقال خالد الحربي إن السوق مستقرة", ["خالد الحربي"]),  # a quote's speaker
        ("وأوضح عزان بن سعيد الحارثي أن الطلب قوي", ["عزان بن سعيد الحارثي"]),
        ("ويرى ترامب أن الاتفاق ممكن", ["ترامب"]),  # data list of leaders
        ("التقى نظيره الفرنسي جان نويل بارو", ["جان نويل بارو"]),
        ("وقال ممثل البرنامج، السيد لوران بوفيه، إن", ["لوران بوفيه"]),
        ("قال وزير الخارجية الأردني، أيمن الصفدي، إن", ["أيمن الصفدي"]),
        ("استقبل رئيس الجمهورية العماد جوزاف عون الوفد", ["جوزاف عون"]),
        ("التقى الأمير فيصل بن فرحان بن عبدالله وزير الخارجية", ["فيصل بن فرحان بن عبدالله"]),
    ],
)
def test_arabic_people(text: str, persons: list[str]) -> None:
    assert _found(text, "PER") == persons


@pytest.mark.parametrize(
    "text",
    [
        "وأكد الوزير حرص المملكة على التعاون",  # a verbal noun, not a name
        "قال الرئيس إن الاتفاق قريب",
        "وقال مصدر مسؤول إن",  # no name in the speaker
        "أمل كبير في التوصل إلى اتفاق",  # a given name that is also a common word
        "هبط في مطار محمد الخامس",  # a facility named after a person
        "ويستقبل الرئيس يستمع إلى",
        "كتب: محمود الزاهي",  # a byline
        "(تصوير: علي المرزوق)",
        "بحث الوزير تعزيز التعاون",
        "وغاب المهاجم بغداد بلحاج لأسباب بدنية",  # no name starts at a verb or a place
        "واتفق الرئيسان ويترأسان الاجتماع",
        "قال الوزير، إن الأمر",
    ],
)
def test_arabic_non_people(text: str) -> None:
    assert _found(text, "PER") == []


@pytest.mark.parametrize(
    ("text", "orgs"),
    [
        ("أعلنت وزارة الخارجية الأردنية أن", ["وزارة الخارجية الأردنية"]),
        ("رفع البنك المركزي المصري الفائدة", ["البنك المركزي المصري"]),
        ("قالت شركة أرامكو السعودية", ["شركة أرامكو السعودية"]),
        (
            "ودعا صندوق النقد الدولي ومنظمة الصحة العالمية",
            ["صندوق النقد الدولي", "منظمة الصحة العالمية"],
        ),
        ("انتشر الجيش اللبناني", ["الجيش اللبناني"]),
        ("أعلنت حركة حماس", ["حركة حماس"]),
        ("قررت أوبك+ خفض الإنتاج", ["أوبك+"]),
        ("وزارة الخارجية والمغتربين", ["وزارة الخارجية والمغتربين"]),
        ("المؤسسة العامة لنقل وتوزيع الكهرباء", ["المؤسسة العامة لنقل وتوزيع الكهرباء"]),
        ("رئيس مجلس إدارة المؤسسة الوطنية للنفط", ["المؤسسة الوطنية للنفط"]),
        ("وفي الأمم المتحدة", ["الأمم المتحدة"]),
        ("حذرت هيئة أسواق المال", ["هيئة أسواق المال"]),
        ("نفذته شركة تشاينا ميرشانتس بتمويل", ["شركة تشاينا ميرشانتس"]),
        ("وقعت شركة أرامكو اتفاقية", ["شركة أرامكو"]),
        ("درس في جامعة الملك سعود بالرياض", ["جامعة الملك سعود"]),
        ("مؤسسة محمد بن راشد آل مكتوم للمعرفة", ["مؤسسة محمد بن راشد آل مكتوم للمعرفة"]),
        ("أعلنت بلدية دبي", ["بلدية دبي"]),
        ("وقالت شرطة دبي", ["شرطة دبي"]),
        ("سوق أبوظبي للأوراق المالية", ["سوق أبوظبي للأوراق المالية"]),
        ("الاتحاد السعودي لكرة القدم", ["الاتحاد السعودي لكرة القدم"]),
    ],
)
def test_arabic_organisations(text: str, orgs: list[str]) -> None:
    assert _found(text, "ORG") == orgs


@pytest.mark.parametrize(
    "text",
    [
        "تحسنت حركة المرور في المدينة",  # traffic
        "توجه الناخبون إلى صندوق الاقتراع",
        "وقعت شركة صينية العقد",  # an unnamed company
        "قالت الشركة الجديدة",
        "ذكرت وكالة الأنباء السعودية (واس)",  # agencies are the agency field's
        "نقلت رويترز",
        "أشاد الجهاز الفني للفريق",  # the coaching staff
        "سيولة الجهاز المصرفي",
    ],
)
def test_arabic_non_organisations(text: str) -> None:
    assert _found(text, "ORG") == []


@pytest.mark.parametrize(
    ("text", "persons"),
    [
        ("Egyptian Foreign Minister Badr Abdelatty said.", ["Badr Abdelatty"]),
        ("French President Emmanuel Macron met", ["Emmanuel Macron"]),
        ("Le président algérien Abdelmadjid Tebboune a reçu", ["Abdelmadjid Tebboune"]),
        (
            "Le président de la République, M. Abdelmadjid Tebboune, a reçu",
            ["Abdelmadjid Tebboune"],
        ),
        ("Majid Al Suwaidi, Chief Operating Officer of Dubai Airports, said", ["Majid Al Suwaidi"]),
        ("Pour Ibrahima Sow, chercheur à l'université", ["Ibrahima Sow"]),
        ("le ministre des Travaux publics, M. Lakhdar Mansouri, a", ["Lakhdar Mansouri"]),
        ("Qatar's Emir Sheikh Tamim bin Hamad Al Thani received", ["Tamim bin Hamad Al Thani"]),
        ("Chief Executive Saad Sherida al-Kaabi said", ["Saad Sherida al-Kaabi"]),
        ("Mr. Smith declined to comment.", ["Smith"]),
        ("M. Attaf a déclaré", ["Attaf"]),
        ("Ahmed Hassan said on Monday", ["Ahmed Hassan"]),
    ],
)
def test_latin_people(text: str, persons: list[str]) -> None:
    assert _latin(text, "PER") == persons


@pytest.mark.parametrize(
    "text",
    [
        "Reporting by Leila Farouk; Editing by Karim Mansour",
        "Par Karim Bennani",
        "le président de la République a reçu",
    ],
)
def test_latin_non_people(text: str) -> None:
    assert _latin(text, "PER") == []


@pytest.mark.parametrize(
    ("text", "orgs"),
    [
        ("The Central Bank of Egypt raised rates", ["Central Bank of Egypt"]),
        (
            "L'Organisation des Nations unies et le ministère de l'Intérieur",
            ["Organisation des Nations unies", "ministère de l'Intérieur"],
        ),
        ("selon l'Office des changes a indiqué", ["Office des changes"]),
        (
            "la Confédération générale des entreprises du Maroc a",
            ["Confédération générale des entreprises du Maroc"],
        ),
        ("Moody's rated the bond", ["Moody's"]),
        (
            "Kuwait Petroleum Corporation and Saudi Aramco attended",
            ["Kuwait Petroleum Corporation", "Saudi Aramco"],
        ),
        (
            "la Société tunisienne de l'électricité et du gaz a",
            ["Société tunisienne de l'électricité et du gaz"],
        ),
        (
            "membres de l'Union africaine et de la Ligue des Etats arabes.",
            ["Union africaine", "Ligue des Etats arabes"],
        ),
        ("the International Monetary Fund said", ["International Monetary Fund"]),
    ],
)
def test_latin_organisations(text: str, orgs: list[str]) -> None:
    assert _latin(text, "ORG") == orgs


def test_entities_index_the_text_and_carry_their_source() -> None:
    text = "قال وزير الخارجية الأردني أيمن الصفدي في عمان إن البنك المركزي المصري رفع الفائدة"
    entities = find_entities(text, "ar", find_quotes(text))
    assert {(e["label"], e["source"]) for e in entities} == {
        ("PER", "rules"),
        ("ORG", "rules"),
        ("LOC", "gazetteer"),
    }
    for e in entities:
        assert text[e["start"] : e["end"]] == e["text"]


def test_an_arabic_quote_inside_a_french_article_is_found() -> None:
    text = "Le ministre a répondu en arabe. وقال محمد العتيبي إن «الاتفاق نهائي». Fin."
    quotes = find_quotes(text)
    assert [q["text"] for q in quotes] == ["الاتفاق نهائي"]
    assert "محمد العتيبي" in [e["text"] for e in find_entities(text, "fr", quotes)]


def test_a_demonym_inside_a_persons_name_does_not_count() -> None:
    text = "قال رئيس الوزراء العراقي محمد شياع السوداني إن بغداد"
    entities = find_entities(text, "ar", find_quotes(text))
    countries = count_countries(text, place_mentions_for(text, "ar"), entities)
    assert [c["code"] for c in countries] == ["IQ"]


def test_english_and_french_countries() -> None:
    text = (
        "RABAT (Reuters) - Morocco and the Egyptian minister met in Cairo; "
        "les Algériens et la Tunisie."
    )
    codes = {c["code"] for c in count_countries(text, place_mentions_for(text, "en"))}
    assert codes == {"MA", "EG", "DZ", "TN"}


@pytest.mark.parametrize(
    "text",
    ["Latin American markets", "in the Indian Ocean", "dans le golfe d'Oman", "New Mexico"],
)
def test_latin_phrases_that_hold_a_country_name_without_meaning_it(text: str) -> None:
    assert count_countries(text, place_mentions_for(text, "en")) == []


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("ذكرت وكالة الأنباء السعودية أن الاجتماع عقد", "ar"),
        ("نقلت وكالة أنباء الإمارات (وام) الخبر", "ar"),
        ("The meeting was held, the Saudi Press Agency said.", "en"),
    ],
)
def test_an_agency_credit_does_not_count_its_country(text: str, language: str) -> None:
    assert place_mentions_for(text, language) == []


def test_other_languages_are_refused_with_a_reason() -> None:
    with pytest.raises(ValueError, match="the article language is de"):
        place_mentions_for("Berlin", "de")
