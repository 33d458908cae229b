"""Countries, people and organisations of a gold corpus against what the pipeline finds.

Run: ``python -m streams.evaluation.entities samples/wire``. Each article goes through the
real path (``codec.decode_raw`` -> ``segment`` -> ``enrich``, without CAMeL data-backed
stages) and its ``countries``/``entities`` are compared with the gold line's ``countries``,
``persons`` and ``orgs``. Figures are micro-averaged over articles.

Matching rules:

* countries: ISO codes, set against set per article.
* persons and organisations: names are compared in a normal form (diacritics and tatweel
  dropped, alef/alef maqsura/teh marbuta folded, Latin lower-cased, hyphens and punctuation
  as spaces), and a leading clitic و/ف/ب/ل/ك before an article ("والجيش", "للقوات") is
  read off. The found names of one article are first reduced the way gold writes them: a
  name whose words are a contiguous run of a longer found name of the same label counts
  as that name. A found name then matches a gold name when their word sequences are
  equal or one is a contiguous run of the other sharing at least two words; each gold
  name is matched at most once (token containment). An abbreviation found beside its full
  name ("PIF" with "Public Investment Fund", "HCR" with "UNHCR" when the data lists both as
  one organisation) is the same organisation and counts once, as gold writes it.
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from streams import codec
from streams.evaluation.gold import GoldArticle, load_gold
from streams.nlp.arabic import fold_arabic
from streams.pipeline import Resources, enrich, segment
from streams.records import EnrichedArticle

__all__ = ["Scores", "evaluate", "main", "match_names", "normal_name"]

FIELDS = ("countries", "persons", "orgs")
_LABELS = {"persons": "PER", "orgs": "ORG"}
_SPLIT_RE = re.compile(r"[\s\-‐–—_.,:;!?؟،؛'’\"«»()\[\]/]+")
_CLITIC_RE = re.compile(r"^(?:[وف]?[بلك]?|[وف])(?=ال)|^[وف]?ل(?=ل)")
_MAX_BYTES = 1 << 20
_SMALL_WORDS = frozenset({"of", "the", "and", "for", "de", "des", "du", "la", "le", "l", "d", "et"})


@dataclass
class Tally:
    true_positives: int = 0
    found: int = 0
    expected: int = 0

    @property
    def precision(self) -> float:
        return self.true_positives / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.expected if self.expected else 1.0


@dataclass
class Scores:
    # (field, language) -> tally; language "all" sums every language
    tallies: dict[tuple[str, str], Tally] = field(default_factory=lambda: defaultdict(Tally))
    misses: list[str] = field(default_factory=list)

    def add(self, name: str, language: str, hits: int, found: int, expected: int) -> None:
        for key in ((name, language), (name, "all")):
            tally = self.tallies[key]
            tally.true_positives += hits
            tally.found += found
            tally.expected += expected

    def table(self) -> str:
        languages = sorted({lang for _, lang in self.tallies} - {"all"})
        lines = [
            "| field | language | precision | recall | found | expected |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for name in FIELDS:
            for language in ("all", *languages):
                tally = self.tallies.get((name, language))
                if tally is None:
                    continue
                lines.append(
                    f"| {name} | {language} | {tally.precision:.3f} | {tally.recall:.3f} "
                    f"| {tally.found} | {tally.expected} |"
                )
        return "\n".join(lines)


def normal_name(name: str) -> tuple[str, ...]:
    """A name's comparison form: folded words, a leading clitic before an article cut."""
    words = [w for w in _SPLIT_RE.split(fold_arabic(name).lower()) if w]
    if words:
        words[0] = _CLITIC_RE.sub("", words[0]) if len(words[0]) > 4 else words[0]
        if words[0].startswith("ل") and not words[0].startswith("ال") and name.startswith("لل"):
            words[0] = "ا" + words[0]
    return tuple(words)


def _contains(longer: tuple[str, ...], shorter: tuple[str, ...]) -> bool:
    n = len(shorter)
    return any(longer[i : i + n] == shorter for i in range(len(longer) - n + 1))


def _same(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    if a == b:
        return True
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    return len(short) >= 2 and _contains(long_, short)


def _initials(form: tuple[str, ...]) -> str:
    return "".join(w[0] for w in form if w not in _SMALL_WORDS)


def _aliases() -> list[set[tuple[str, ...]]]:
    from streams.nlp.wordlists import read_table, split_values

    return [
        {normal_name(n) for n in split_values(names)}
        for _kind, names in read_table("known_orgs.tsv", 2)
    ]


def _abbreviates(short: tuple[str, ...], longer: tuple[str, ...]) -> bool:
    if len(short) != 1 or len(longer) < 2:
        return False
    if short[0] == _initials(longer):
        return True
    return any(short in group and longer in group for group in _aliases())


def reduce_found(names: Iterable[str]) -> list[tuple[str, ...]]:
    """Found names without those that are a contiguous run of a longer found name, or its
    abbreviation."""
    forms = sorted({normal_name(n) for n in names} - {()}, key=len, reverse=True)
    kept: list[tuple[str, ...]] = []
    for form in forms:
        if not any(_contains(longer, form) or _abbreviates(form, longer) for longer in kept):
            kept.append(form)
    return kept


def match_names(found: Iterable[str], expected: Iterable[str]) -> tuple[int, int, int]:
    """(matches, found, expected) for one article's names under the rules above."""
    reduced = reduce_found(found)
    gold = [normal_name(n) for n in expected]
    used = [False] * len(gold)
    hits = 0
    for form in reduced:
        for index, target in enumerate(gold):
            if not used[index] and _same(form, target):
                used[index] = True
                hits += 1
                break
    return hits, len(reduced), len(gold)


def enriched(article: GoldArticle, resources: Resources) -> EnrichedArticle:
    """The record the pipeline's decode -> segment -> enrich path makes of a gold article."""
    raw = codec.decode_raw(article.message, None, max_bytes=_MAX_BYTES)
    return enrich(segment(raw, resources), resources)


def evaluate(folder: Path) -> Scores:
    """Scores of every gold article of ``folder``."""
    scores = Scores()
    resources = Resources(chain=())
    for article in load_gold(folder):
        record = enriched(article, resources)
        expected = article.expected
        language = str(expected.get("language") or record["language"] or "?")
        found_codes = {c["code"] for c in record["countries"]}
        gold_codes = set(expected.get("countries") or ())
        scores.add(
            "countries",
            language,
            len(found_codes & gold_codes),
            len(found_codes),
            len(gold_codes),
        )
        for missing in sorted(gold_codes - found_codes):
            scores.misses.append(f"{article.file}: countries missed {missing}")
        for extra in sorted(found_codes - gold_codes):
            scores.misses.append(f"{article.file}: countries extra {extra}")
        for name, label in _LABELS.items():
            found = [e["text"] for e in record["entities"] if e["label"] == label]
            hits, n_found, n_expected = match_names(found, expected.get(name) or ())
            scores.add(name, language, hits, n_found, n_expected)
            gold_forms = [normal_name(g) for g in expected.get(name) or ()]
            for form in reduce_found(found):
                if not any(_same(form, g) for g in gold_forms):
                    scores.misses.append(f"{article.file}: {name} extra {' '.join(form)}")
            found_forms = reduce_found(found)
            for gold_name, form in zip(expected.get(name) or (), gold_forms, strict=True):
                if not any(_same(f, form) for f in found_forms):
                    scores.misses.append(f"{article.file}: {name} missed {gold_name}")
    return scores


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    verbose = "-v" in args
    folders = [a for a in args if a != "-v"] or ["samples/wire"]
    scores = evaluate(Path(folders[0]))
    print(scores.table())
    if verbose:
        print("\n".join(scores.misses))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
