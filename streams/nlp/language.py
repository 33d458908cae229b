"""Language of an article's main text.

Script counting decides the common case (Arabic news) without a model; ``langdetect`` is
consulted only when the Arabic script does not dominate. Persian and Urdu share the Arabic
script, so they are told apart by letters that Arabic does not use.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from typing import Any, Literal

logger = logging.getLogger(__name__)

# Enough text to be sure of the script and of langdetect's answer; a whole long article adds
# cost and no certainty.
_SAMPLE_CHARS = 8000
_LANGDETECT_CHARS = 2000

# The share of letters that must be Arabic-script for the text to count as Arabic-script. News
# in Arabic carries Latin names, acronyms and URLs; a third of Latin letters is still Arabic.
_ARABIC_SCRIPT_SHARE = 0.5

_ARABIC_SCRIPT_RUN = re.compile(
    "[\u0620-\u064a\u066e-\u06d3\u06d5\u06ee\u06ef\u06fa-\u06ff"
    "\u0750-\u077f\u08a0-\u08c9\ufb50-\ufdfb\ufe70-\ufefc]+"
)
_LETTER_RUN = re.compile(r"[^\W\d_]+")

# Letters Persian and Urdu write and Arabic does not. Farsi yeh (ی) and keheh (ک) are left out on
# purpose: Arabic typed on a Persian keyboard is full of them, so they prove nothing alone.
_PERSIAN_LETTERS = "پچژگ"
_URDU_LETTERS = "ٹڈڑںےہ"
_PERSIAN_FORMS = "یک"
_ARABIC_FORMS = "يكة"
# At least this many distinctive letters, and this share of the Arabic-script letters: an Arabic
# article quoting one Persian name must stay Arabic. Real Persian runs near 3 %, Urdu above that.
_MIN_DISTINCTIVE = 2
_MIN_DISTINCTIVE_SHARE = 0.005

ArabicScriptLanguage = Literal["ar", "fa", "ur"]


def _run_length(pattern: re.Pattern[str], text: str) -> int:
    return sum(map(len, pattern.findall(text)))


def _count(text: str, letters: str) -> int:
    return sum(text.count(letter) for letter in letters)


def arabic_script_language(text: str, arabic_letters: int | None = None) -> ArabicScriptLanguage:
    """Which Arabic-script language a text that is known to be in that script is written in.

    ``arabic_letters`` is the count of Arabic-script letters when the caller has it already.
    """
    if arabic_letters is None:
        arabic_letters = _run_length(_ARABIC_SCRIPT_RUN, text)
    floor = max(_MIN_DISTINCTIVE, _MIN_DISTINCTIVE_SHARE * arabic_letters)
    if _count(text, _URDU_LETTERS) >= floor:
        return "ur"
    persian = _count(text, _PERSIAN_LETTERS)
    if persian >= floor:
        return "fa"
    # A short Persian text may hold a single distinctive letter; its yeh/kaf forms then decide.
    if persian and _count(text, _PERSIAN_FORMS) > 3 * _count(text, _ARABIC_FORMS):
        return "fa"
    return "ar"


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the main language of ``text``; None when it holds no letter at all."""
    sample = text[:_SAMPLE_CHARS]
    # Removing the Arabic script first leaves little for the slower any-letter pattern to scan.
    rest = _ARABIC_SCRIPT_RUN.sub("", sample)
    arabic = len(sample) - len(rest)
    other = _run_length(_LETTER_RUN, rest)
    if arabic + other == 0:
        return None
    if arabic >= _ARABIC_SCRIPT_SHARE * (arabic + other):
        return arabic_script_language(sample, arabic)
    return _langdetect(sample[:_LANGDETECT_CHARS])


@lru_cache(maxsize=1)
def _detector_factory() -> Any:
    # Imported on first need: loading the profiles costs a fraction of a second that pure
    # Arabic streams should never pay. The seed makes its sampling, hence its answer, repeatable.
    from langdetect import DetectorFactory

    DetectorFactory.seed = 0
    return DetectorFactory


def _langdetect(sample: str) -> str | None:
    from langdetect import detect
    from langdetect.lang_detect_exception import LangDetectException

    _detector_factory()
    try:
        code = detect(sample)
    except LangDetectException as exc:
        logger.debug("langdetect found no language: %s", exc)
        return None
    # langdetect says zh-cn / zh-tw; the record carries ISO 639-1 only.
    return str(code).split("-", 1)[0]
