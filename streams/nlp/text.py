"""The cleaned text every later stage indexes into, and its search form.

``clean_text`` keeps what a reader sees (letters as written, diacritics, Arabic-Indic digits,
Arabic punctuation, guillemets, emoji, Latin) and removes what only gets in the way: markup
left over from scraping, invisible controls, tatweel, presentation forms. Lines stay lines.

camel_tools' ``arclean`` map is not applied wholesale: its default deletes every character it
does not list (emoji, Latin beyond Latin-1 as in "Erdoğan", Cyrillic, €, °), it strips
diacritics (the search form's job), turns Arabic-Indic digits into ASCII and ، ؟ ؛ « » into
ASCII punctuation (later stages read them), and folds Persian/Urdu letters into Arabic ones
(which erases the very letters that identify those languages). The tables below take from it
exactly its folding of variant Arabic-script letters (applied to text that is not Persian or
Urdu) and its deletion of Quranic annotation marks.
"""

from __future__ import annotations

import html
import logging
import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

import regex
from camel_tools.utils.charmap import CharMapper
from camel_tools.utils.charsets import AR_DIAC_CHARSET
from camel_tools.utils.dediac import dediac_ar
from camel_tools.utils.normalize import (
    normalize_alef_ar,
    normalize_alef_maksura_ar,
    normalize_teh_marbuta_ar,
    normalize_unicode,
)

from streams.nlp.language import arabic_script_language

logger = logging.getLogger(__name__)

__all__ = ["clean_text", "normalize_text", "normalize_token"]

# Decoding an entity can reveal a tag or another entity (double-escaped HTML is common); each
# round peels one layer. Deeper nesting than this is not markup anyone meant.
_MAX_MARKUP_ROUNDS = 8


_BIDI_CONTROLS = (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))
_ZERO_WIDTH = (0x200B, 0x200C, 0x2060, 0xFEFF, 0x180E, *range(0x2061, 0x2065))
_SOFT_HYPHEN, _TATWEEL = 0x00AD, 0x0640
# Every space separator (category Zs) but the plain space.
_SPACES = (0x00A0, 0x1680, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000)
_LINE_BREAKS = (0x0B, 0x0C, 0x0D, 0x85, 0x2028, 0x2029)


def _char_table() -> dict[int, str | None]:
    """Code point -> replacement (None deletes). The zero-width joiner is not here: it is
    kept inside emoji sequences (see ``_STRAY_ZWJ``)."""
    table: dict[int, str | None] = dict.fromkeys([*range(0x20), 0x7F, *range(0x80, 0xA0)])
    del table[0x0A]
    table[0x09] = " "
    table.update(dict.fromkeys(_LINE_BREAKS, "\n"))
    table.update(dict.fromkeys([*_BIDI_CONTROLS, *_ZERO_WIDTH, _SOFT_HYPHEN, _TATWEEL]))
    table.update(dict.fromkeys(_SPACES, " "))
    # From arclean: Quranic annotation signs and other combining marks that are not the
    # diacritics dediac_ar knows (those stay until the search form), and Arabic format signs.
    arclean = CharMapper.builtin_mapper("arclean")
    for cp in [*range(0x0600, 0x0700), *range(0x08D3, 0x0900)]:
        ch = chr(cp)
        mapped = arclean(ch)
        category = unicodedata.category(ch)
        if category in ("Mn", "Me") and ch not in AR_DIAC_CHARSET and mapped == "":
            table[cp] = None
        elif category == "Cf" and cp not in table:
            table[cp] = mapped or None
    return table


def _fold_table() -> dict[int, str]:
    """arclean's folding of variant Arabic-script letters into the 28 standard ones."""
    arclean = CharMapper.builtin_mapper("arclean")
    standard = {chr(cp) for cp in range(0x0621, 0x064B)}
    table: dict[int, str] = {}
    for cp in range(0x0600, 0x0700):
        ch = chr(cp)
        mapped = arclean(ch)
        if (
            unicodedata.category(ch) == "Lo"
            and ch not in standard
            and mapped
            and all(c in standard for c in mapped)
        ):
            table[cp] = mapped
    return table


_CHARS = _char_table()
# str.translate looks up every character; clean text rarely holds any of these, so finding
# them first and replacing only them is several times faster on real articles.
_CHARS_BY_STR = {chr(cp): out or "" for cp, out in _CHARS.items()}
_CHARS_RE = re.compile("[" + "".join(re.escape(chr(cp)) for cp in sorted(_CHARS)) + "]+")
_FOLD = _fold_table()
_FOLDABLE = re.compile("[" + "".join(map(chr, sorted(_FOLD))) + "]")
# arclean maps Farsi yeh to alef maksura everywhere, which is a malformed letter inside a word
# ("ایران" -> "اىران"); inside a word it is a yeh.
_FARSI_YEH_MEDIAL = re.compile(r"ی(?=[\u064b-\u0652\u0670]*\w)")
_SURROGATE = re.compile("[\ud800-\udfff]")
# A zero-width joiner is kept only where it glues an emoji sequence (family, profession).
_STRAY_ZWJ = regex.compile(
    r"(?<!\p{Extended_Pictographic}[\uFE0F\p{EMod}]?)\u200d|\u200d(?!\p{Extended_Pictographic})"
)

_AMP_CHAIN = re.compile(r"&(?:(?:amp|AMP|#0*38|#[xX]0*26);)+")
_ENTITY = re.compile(r"&(?:#[0-9]{1,8}|#[xX][0-9a-fA-F]{1,8}|[A-Za-z][A-Za-z0-9]{1,31});")

_BLOCK_TAGS = (
    "address", "article", "aside", "blockquote", "body", "br", "caption", "center", "dd",
    "details", "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
    "frameset", "h1", "h2", "h3", "h4", "h5", "h6", "head", "header", "hgroup", "hr", "html",
    "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "tfoot",
    "thead", "title", "tr", "ul",
)  # fmt: skip
_SPACED_TAGS = (
    "audio", "button", "canvas", "embed", "iframe", "img", "input", "label", "object", "option",
    "picture", "select", "source", "svg", "td", "textarea", "th", "track", "video",
)  # fmt: skip
_INLINE_TAGS = (
    "a", "abbr", "area", "b", "base", "bdi", "bdo", "cite", "code", "col", "colgroup", "data",
    "del", "dfn", "em", "font", "i", "ins", "kbd", "link", "map", "mark", "meta", "meter",
    "noscript", "output", "param", "progress", "q", "rp", "rt", "ruby", "s", "samp", "small",
    "span", "strike", "strong", "style", "sub", "sup", "template", "time", "tt", "u", "var",
    "wbr",
)  # fmt: skip
_TAG_REPLACEMENT = {
    **{t: "" for t in _INLINE_TAGS},
    **{t: " " for t in _SPACED_TAGS},
    **{t: "\n" for t in _BLOCK_TAGS},
}
_TAG_NAMES = "|".join(sorted(_TAG_REPLACEMENT, key=len, reverse=True))
_TAG = re.compile(rf"</?({_TAG_NAMES})(?=[\s/>])[^<>]*>|<![A-Za-z][^<>]*>|<\?[^<>]*>", re.I)
# Comments and elements whose content is code, not text.
_CODE_OPEN = re.compile(r"<!--|<(script|style|noscript|template)(?=[\s/>])[^<>]*>", re.I)
_CODE_CLOSE = {
    name: re.compile(rf"</{name}\s*>", re.I) for name in ("script", "style", "noscript", "template")
}
_COMMENT_CLOSE = re.compile("-->")

_SPACE_RUN = re.compile(r" {2,}")
_LINE_EDGE = re.compile(r" ?\n ?")
_BLANK_RUN = re.compile(r"\n{3,}")


def _normalize_unicode(s: str) -> str:
    if unicodedata.is_normalized("NFKC", s):
        return s
    # camel_tools fixes two ligatures NFKC renders badly (the rial sign gets a Farsi yeh); its
    # per-character mapper is slow, so it runs only where those ligatures occur.
    if "\ufdfc" in s or "\ufdfd" in s:
        return str(normalize_unicode(s))
    return unicodedata.normalize("NFKC", s)


def _normalize_chars(s: str) -> str:
    s = s.replace("\r\n", "\n")
    if "\u200d" in s:
        s = _STRAY_ZWJ.sub("", s)
    # Compose first: hamza and madda above must join their letters before leftover combining
    # marks are deleted. Deleting a control can in turn put a mark next to a letter it composes
    # with, hence the loop (it ends: each round deletes or composes something).
    s = _replace_chars(_normalize_unicode(s))
    while not unicodedata.is_normalized("NFKC", s):
        s = _replace_chars(_normalize_unicode(s))
    return s


def _replace_run(match: re.Match[str]) -> str:
    return "".join([_CHARS_BY_STR[ch] for ch in match.group()])


def _replace_chars(s: str) -> str:
    return _CHARS_RE.sub(_replace_run, s)


def _strip_code_blocks(s: str) -> str:
    parts: list[str] = []
    pos = 0
    unclosed: set[str] = set()
    while (opening := _CODE_OPEN.search(s, pos)) is not None:
        parts.append(s[pos : opening.start()])
        kind = (opening.group(1) or "--").lower()
        closing = None
        if kind not in unclosed:
            closer = _COMMENT_CLOSE if kind == "--" else _CODE_CLOSE[kind]
            closing = closer.search(s, opening.end())
        if closing is None:
            # Nothing closes this one, so nothing closes a later one either: searching again
            # would make hostile input quadratic. Only the opening goes.
            unclosed.add(kind)
            pos = opening.end()
        else:
            parts.append("" if kind == "--" else "\n")
            pos = closing.end()
    parts.append(s[pos:])
    return "".join(parts)


def _strip_markup(s: str) -> str:
    if "&" in s:
        s = _AMP_CHAIN.sub("&", s)
        s = _ENTITY.sub(lambda m: html.unescape(m.group()), s)
    if "<" in s:
        s = _strip_code_blocks(s)
        s = _TAG.sub(_tag_replacement, s)
    return s


def _tag_replacement(match: re.Match[str]) -> str:
    name = match.group(1)
    return _TAG_REPLACEMENT.get(name.lower(), "") if name else ""


def _tidy_whitespace(s: str) -> str:
    # The substring tests are much cheaper than a regex scan and usually find nothing to do.
    if "  " in s:
        s = _SPACE_RUN.sub(" ", s)
    if " \n" in s or "\n " in s:
        s = _LINE_EDGE.sub("\n", s)
    if "\n\n\n" in s:
        s = _BLANK_RUN.sub("\n\n", s)
    return s.strip(" \n")


def _fold_letters(s: str) -> str:
    if _FOLDABLE.search(s) is None or arabic_script_language(s) != "ar":
        return s
    if "ی" in s:
        s = _FARSI_YEH_MEDIAL.sub("ي", s)
    return s.translate(_FOLD)


def clean_text(text: str) -> str:
    """The cleaned form of raw article text; idempotent, never raises on a ``str``."""
    try:
        text.encode("utf-8")
        s = text
    except UnicodeEncodeError:  # lone surrogates, e.g. from JSON "\ud800" escapes
        s = _SURROGATE.sub("\ufffd", text)
    s = _normalize_chars(s)
    for _ in range(_MAX_MARKUP_ROUNDS):
        if "<" not in s and "&" not in s:
            break
        stripped = _strip_markup(s)
        if stripped == s:
            break
        s = _normalize_chars(stripped)
    else:
        logger.debug("markup nested deeper than %d rounds left as is", _MAX_MARKUP_ROUNDS)
    return _fold_letters(_tidy_whitespace(s))


_SEARCH_FORM: tuple[Callable[[str], str], ...] = (
    dediac_ar,
    normalize_alef_ar,
    normalize_alef_maksura_ar,
    normalize_teh_marbuta_ar,
    str.lower,
)


def normalize_text(clean: str) -> str:
    """The search form of a cleaned text: no diacritics, one alef, ya for alef maksura, ha for
    teh marbuta, lower-case Latin. Same length per character except where lower() expands."""
    s = clean
    for step in _SEARCH_FORM:
        s = step(s)
    return s


@lru_cache(maxsize=1 << 16)
def normalize_token(token: str) -> str:
    """``normalize_text`` for one token, cached: news vocabulary repeats across articles."""
    return normalize_text(token)
