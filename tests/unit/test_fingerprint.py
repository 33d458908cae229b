"""Near-duplicate fingerprints and the mapping-backed duplicate index."""

from __future__ import annotations

import itertools
import json
import re
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from streams.nlp.fingerprint import (
    BANDS,
    DEFAULT_THRESHOLD,
    MIN_TOKENS,
    NUM_HASHES,
    DuplicateIndex,
    Fingerprint,
    estimated_jaccard,
    fingerprint,
    unpack_signature,
)
from streams.nlp.places import fold_arabic

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "articles"

STORY = (
    "بحث وزيرا الخارجية الياباني تاكاشي إيوايا والأمريكي أنتوني بلينكن سلسلة من القضايا "
    "الإقليمية، بما في ذلك الأوضاع في الشرق الأوسط والعلاقات مع الصين والوضع في أوكرانيا. "
    "وذكرت وزارة الخارجية اليابانية في بيان نشرته اليوم الثلاثاء أن ذلك جاء خلال زيارة بلينكن "
    "الحالية لليابان ولقائه إيوايا لمناقشة سبل تعزيز العلاقات الثنائية والقضايا الإقليمية "
    "والدولية. وفي مستهل اللقاء، أعرب إيوايا عن تعازيه في وفاة الرئيس الأمريكي الأسبق جيمي "
    "كارتر ديسمبر الماضي، كما قدم تعازيه في ضحايا هجوم وقع بشاحنة في نيو أورلينز في الأول من "
    "يناير الجاري. وناقش الجانبان قضايا اقتصادية، من بينها استحواذ شركة نيبون ستيل اليابانية على "
    "شركة يونايتد ستيل الأمريكية، وأكدا أهمية تعزيز العلاقات الاقتصادية والاستثمارات اليابانية "
    "في الولايات المتحدة. وتطرق اللقاء إلى التنسيق المشترك بشأن كوريا الشمالية، حيث أدان "
    "الوزيران إطلاق كوريا الشمالية لصاروخ باليستي أمس. وفي ختام الاجتماع، شدد الجانبان على "
    "أهمية مواصلة العمل المشترك لتعزيز التحالف الياباني-الأمريكي."
)
# The same story re-published: another dateline, a few words changed, one clause added.
STORY_EDITED = "طوكيو (وكالات) - " + STORY.replace("سلسلة من القضايا", "عددا من الملفات").replace(
    "أعرب إيوايا", "عبر إيوايا"
).replace("وناقش الجانبان", "كما ناقش الطرفان").replace("أمس.", "أمس الاثنين في بحر اليابان.")
# Another story on the same topic, sharing names and stock phrases but not the text.
OTHER_STORY = (
    "بحث وزيرا الدفاع الياباني والأمريكي في طوكيو سبل تعزيز التحالف الياباني-الأمريكي في ظل "
    "التوترات المتزايدة في المنطقة، وذلك في اجتماع عقد اليوم الثلاثاء بحضور كبار القادة "
    "العسكريين. وأكد الوزيران أهمية رفع مستوى الجاهزية المشتركة وتوسيع التدريبات البحرية قرب "
    "جزر أوكيناوا، كما ناقشا خطط نقل قاعدة عسكرية أمريكية وتمويل تكاليف بقاء القوات. وتناول "
    "الاجتماع التهديدات الصاروخية من كوريا الشمالية والنشاط العسكري للصين في بحر الصين الشرقي، "
    "واتفق الجانبان على تعزيز تبادل المعلومات الاستخباراتية مع كوريا الجنوبية. وقال الوزير "
    "الأمريكي إن الولايات المتحدة ملتزمة بالدفاع عن اليابان، فيما أشار نظيره الياباني إلى أن "
    "بلاده سترفع إنفاقها الدفاعي خلال السنوات الخمس المقبلة."
)


def tokens(text: str) -> list[str]:
    return re.findall(r"\w+", fold_arabic(text))


def shingle_jaccard(a: list[str], b: list[str]) -> float:
    sa = set(zip(a, a[1:], a[2:], strict=False))
    sb = set(zip(b, b[1:], b[2:], strict=False))
    return len(sa & sb) / len(sa | sb)


def new_index(threshold: float = DEFAULT_THRESHOLD) -> DuplicateIndex:
    return DuplicateIndex({}, {}, threshold=threshold)


def test_fingerprint_shape() -> None:
    fp = fingerprint(tokens(STORY))
    assert len(fp.signature) == NUM_HASHES and len(fp.bands) == BANDS
    assert all(re.fullmatch(r"b\d+:[0-9a-f]{16}", b) for b in fp.bands)
    assert re.fullmatch(r"[0-9a-f]{32}", fp.exact)
    assert fingerprint(tokens(STORY)) == fp  # stable: same input, same fingerprint
    json.dumps(fp.as_dict())


def test_small_edits_are_a_duplicate() -> None:
    a, b = tokens(STORY), tokens(STORY_EDITED)
    assert shingle_jaccard(a, b) > 0.7
    assert estimated_jaccard(fingerprint(a).signature, fingerprint(b).signature) > 0.6
    index = new_index()
    assert index.check_and_add("a", fingerprint(a)) is None
    assert index.check_and_add("b", fingerprint(b)) == "a"


def test_same_topic_different_story_is_not_a_duplicate() -> None:
    a, b = tokens(STORY), tokens(OTHER_STORY)
    assert shingle_jaccard(a, b) < 0.1
    assert estimated_jaccard(fingerprint(a).signature, fingerprint(b).signature) < 0.3
    index = new_index()
    assert index.check_and_add("a", fingerprint(a)) is None
    assert index.check_and_add("b", fingerprint(b)) is None


def test_same_id_again_is_not_its_own_duplicate() -> None:
    index = new_index()
    fp = fingerprint(tokens(STORY))
    assert index.check_and_add("a", fp) is None
    assert index.check_and_add("a", fp) is None
    assert index.check_and_add("b", fp) == "a"


def test_the_earliest_duplicate_wins() -> None:
    index = new_index()
    assert index.check_and_add("first", fingerprint(tokens(STORY))) is None
    assert index.check_and_add("second", fingerprint(tokens(STORY_EDITED))) == "first"
    assert index.check_and_add("third", fingerprint(tokens(STORY_EDITED))) == "first"


def test_short_texts_match_only_exactly() -> None:
    short = tokens("انفجار في العاصمة")
    assert len(short) < MIN_TOKENS
    fp = fingerprint(short)
    assert fp.signature == [] and fp.bands == []
    index = new_index()
    assert index.check_and_add("a", fp) is None
    assert index.check_and_add("b", fingerprint(short)) == "a"
    assert index.check_and_add("c", fingerprint(tokens("انفجار في المدينة"))) is None


def test_state_is_json_serialisable() -> None:
    bands: dict[str, str] = {}
    signatures: dict[str, list[int]] = {}
    index = DuplicateIndex(bands, signatures)
    index.check_and_add("a", fingerprint(tokens(STORY)))
    index.check_and_add("b", fingerprint(tokens(OTHER_STORY)))
    restored = DuplicateIndex(json.loads(json.dumps(bands)), json.loads(json.dumps(signatures)))
    assert restored.check_and_add("c", fingerprint(tokens(STORY_EDITED))) == "a"


@pytest.mark.parametrize("threshold", [0.5, 0.7, 0.9])
def test_exact_match_ignores_threshold(threshold: float) -> None:
    index = new_index(threshold)
    fp = fingerprint(tokens(OTHER_STORY))
    index.check_and_add("x", fp)
    assert index.check_and_add("y", Fingerprint(fp.exact)) == "x"


_VOCAB = [f"كلمة{i}" for i in range(3000)]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from(_VOCAB), min_size=MIN_TOKENS, max_size=300),
    st.lists(st.sampled_from(_VOCAB), min_size=MIN_TOKENS, max_size=300),
)
def test_random_different_texts_are_not_duplicates(a: list[str], b: list[str]) -> None:
    if shingle_jaccard(a, b) >= 0.3:
        return  # hypothesis found genuinely overlapping texts; nothing to claim
    index = new_index()
    index.check_and_add("a", fingerprint(a))
    assert index.check_and_add("b", fingerprint(b)) is None


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=8), max_size=200))
def test_an_article_is_a_duplicate_of_itself_under_a_new_id(words: list[str]) -> None:
    index = new_index()
    index.check_and_add("old", fingerprint(words))
    assert index.check_and_add("new", fingerprint(list(words))) == "old"


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="samples not present")
def test_samples_only_the_declared_pairs_are_duplicates() -> None:
    """Files named ``*-a.txt`` / ``*-b.txt`` with one stem are the samples' near-duplicates."""
    from streams.nlp.structure import parse_structure
    from streams.nlp.text import clean_text

    bodies = {}
    for path in sorted(SAMPLES.glob("*.txt")):
        structure = parse_structure(clean_text(path.read_text(encoding="utf-8")))
        bodies[path.name] = tokens("\n".join(structure["body"]))

    def stem(name: str) -> str | None:
        m = re.fullmatch(r"\d+-(.+)-[ab]\.txt", name)
        return m.group(1) if m else None

    declared = {
        frozenset((a, b))
        for a, b in itertools.combinations(bodies, 2)
        if stem(a) is not None and stem(a) == stem(b)
    }
    found = set()
    for a, b in itertools.combinations(bodies, 2):
        index = new_index()
        index.check_and_add(a, fingerprint(bodies[a]))
        if index.check_and_add(b, fingerprint(bodies[b])) == a:
            found.add(frozenset((a, b)))
    assert declared, "the samples declare no near-duplicate pair"
    assert found == declared


# --- bounded state -----------------------------------------------------------------------

DAY = 86_400_000
NOW = 1_780_000_000_000  # ms, mid-2026


class RecordingTable(dict[str, list[Any]]):
    """A dict that records deletions, as a Faust table sends them as changelog tombstones."""

    def __init__(self) -> None:
        super().__init__()
        self.tombstones: list[str] = []

    def __delitem__(self, key: str) -> None:
        self.tombstones.append(key)
        super().__delitem__(key)


def _distinct(n: int) -> Fingerprint:
    return fingerprint(tokens(f"مقال رقم {n} " + " ".join(f"كلمة{n}x{i}" for i in range(12))))


def test_entries_older_than_the_window_are_evicted_with_their_band_keys() -> None:
    table = RecordingTable()
    index = DuplicateIndex({}, table, window_ms=14 * DAY)
    assert index.check_and_add("old", fingerprint(tokens(STORY)), seen_at=NOW - 20 * DAY) is None
    assert index.check_and_add("recent", _distinct(1), seen_at=NOW - 13 * DAY) is None
    assert len(index) == 2
    # An article 14 days after "old": "old" leaves the index, "recent" stays.
    assert index.check_and_add("new", _distinct(2), seen_at=NOW) is None
    assert table.tombstones == ["old"] and set(table) == {"recent", "new"}
    assert "old" not in index.bands.values()
    # The evicted story is no longer an original: its edited copy is now the first.
    assert index.check_and_add("edited", fingerprint(tokens(STORY_EDITED)), seen_at=NOW) is None
    assert index.evicted == 1


def test_past_the_count_the_oldest_entries_are_evicted() -> None:
    table = RecordingTable()
    index = DuplicateIndex({}, table, max_entries=100)
    for n in range(250):
        index.check_and_add(f"a{n}", _distinct(n), seen_at=NOW + n)
    assert len(table) == 100 and index.evicted == 150
    assert set(table) == {f"a{n}" for n in range(150, 250)}
    assert set(index.bands.values()) <= set(table)
    assert len(index.bands) == 100 * (BANDS + 1)


def test_a_claimed_far_future_time_does_not_evict_everything() -> None:
    index = DuplicateIndex({}, RecordingTable(), window_ms=14 * DAY)
    now = time.time_ns() // 1_000_000
    index.check_and_add("a", _distinct(1), seen_at=now)
    index.check_and_add("b", _distinct(2), seen_at=now + 1000 * 365 * DAY)
    assert len(index) == 2


def test_a_tombstone_from_elsewhere_forgets_the_article() -> None:
    table = RecordingTable()
    index = DuplicateIndex({}, table)
    index.check_and_add("a", fingerprint(tokens(STORY)), seen_at=NOW)
    # Another worker evicted it: its tombstone arrives before the table applies it.
    index.observe("a", None)
    table.pop("a")
    assert index.bands == {}
    assert index.check_and_add("b", fingerprint(tokens(STORY_EDITED)), seen_at=NOW) is None


def test_entries_in_the_earlier_formats_are_still_read() -> None:
    fp = fingerprint(tokens(STORY))
    signatures: dict[str, list[Any]] = {
        "numbers": [NOW, *fp.signature, fp.exact],
        "no-exact": [NOW + 1, *fingerprint(tokens(STORY_EDITED)).signature],
    }
    index = DuplicateIndex({}, signatures)
    for article_id, stored in signatures.items():
        index.observe(article_id, stored)
    assert index.check_and_add("new", fingerprint(tokens(STORY_EDITED)), seen_at=NOW + 2) == (
        "numbers"
    )
    packed = signatures["new"]
    assert len(packed) == 3 and len(packed[1]) == 684
    assert unpack_signature(packed[1]) == fingerprint(tokens(STORY_EDITED)).signature
