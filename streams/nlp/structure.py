"""Split one scraped news page into title, date, source, tags, body, related articles, boilerplate.

The page arrives as lines (the cleaner has already stripped HTML and invisible characters, but
raw text must not break anything). Each line is classified once, on a matching form that
ignores diacritics, tatweel, alef/ya spelling and digit script, by anchored, precompiled
patterns. Everything after a "read also" marker belongs to glued-on related articles, never to
the body.
"""

from __future__ import annotations

import logging
import re
from datetime import date, datetime

from streams.nlp.datelines import match_date_line, normalize_for_match
from streams.records import RelatedArticle, Structure

logger = logging.getLogger(__name__)

__all__ = ["is_title_like", "page_lines", "parse_structure"]

# Whitespace plus the invisible characters a raw page can carry at line ends.
_STRIP = (
    " \t\n\r\f\v\x1c\x1d\x1e\x1f\x85\xa0\u1680\u180e\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u200b\u200c\u200d\u200e\u200f\u2028\u2029\u202a\u202b\u202c"
    "\u202d\u202e\u202f\u205f\u2060\u2066\u2067\u2068\u2069\u3000\ufeff"
)

MAX_TITLE_WORDS = 25
MAX_TITLE_CHARS = 250
# Prompts, labels and navigation are short; a longer line is content even if it says "تابع".
MAX_CHROME_WORDS = 12
MAX_CHROME_CHARS = 140
MAX_TAG_LINE_CHARS = 500
_HEAD_CHARS = 60
MAX_TAG_WORDS = 4
MAX_TAG_CHARS = 40

_WS = re.compile(r"\s+")
_LEAD_SYMBOLS = re.compile(r"^[^\w(©]+")
_HAS_WORD = re.compile(r"[^\W_]")
_MARKUP_ONLY = re.compile(r"(?:<[^<>]{0,300}>|&#?\w{1,10};|\s)+")
# A line ending like a sentence is body text, not a headline.
_SENTENCE_END = re.compile(r"[.:،,;؛…]['\"”’»)\]]*$")

_SEP = r"\s*[:：]\s*|\s+[-–—]\s+|\s*[-–—]\s*$|\s*$"

_MARKERS = (
    r"اقرا\s+(?:ايضا|كذلك|المزيد)|(?:طالع|شاهد|تابع|انظر)\s+(?:ايضا|كذلك)"
    r"|(?:مواضيع|موضوعات|اخبار|مقالات|قصص|روابط)\s+(?:ذات\s+صل[ةه]|متعلق[ةه]|مرتبط[ةه]|اخري|مقترح[ةه])"
    r"|ذات\s+صل[ةه]|قد\s+(?:يهمك|يعجبك)(?:\s+ايضا)?|المزيد\s+من\s+(?:الاخبار|المقالات|الموضوعات)"
    r"|الاكثر\s+(?:قراء[ةه]|مشاهد[ةه]|تداولا|تفاعلا)"
    r"|read\s+(?:also|more)|also\s+read|see\s+also|more\s+(?:news|stories)|most\s+read"
    r"|related(?:\s+(?:articles|news|stories|posts|topics))?|you\s+may\s+also\s+like"
)
_MARKER = re.compile(
    rf"^[\s»«>•*▪◄►\-–—]*(?:{_MARKERS})(?![^\W\d_])(?:\s*[:：\-–—]\s*(?P<rest>.*?)|[\s.…:]*)$"
)
_TAG_LABEL = re.compile(
    r"^(?:(?:ال)?كلمات\s+(?:ال)?(?:دلالي[ةه]|مفتاحي[ةه])|(?:ال)?وسوم|tags?|keywords)"
    rf"(?:{_SEP})"
)
_SOURCE_LABEL = re.compile(r"^(?:(?:ال)?مصدر(?:\s+الخبر)?|source)" rf"(?:{_SEP})")
# A date line longer than a prompt (two labelled dates) still starts with its label.
_DATE_LABEL_HEAD = re.compile(r"^(?:تاريخ|نشر|اخر\s+تحديث|تحديث|published|updated|posted|last)")
_TAG_SPLIT = re.compile(r"\s*(?:[،,|/;؛•·]|\s[-–—]\s)\s*")
_TAG_SEPARATORS = frozenset("،,|/;؛•·-–—")
_VALUE_SEP = re.compile(r"[:：]|\s[-–—]\s|[-–—]\s*$")

_BOILERPLATE = re.compile(
    "|".join(
        (
            # follow / app / subscribe prompts
            r"^تابعونا(?![^\W\d_])",
            r"^تابع(?:وا|ي)?\s.*(?:تطبيق|الاخبار|احدث|عبر|قنا[ةه]|صفح[ةه]|حساب|جوجل|google|نيوز|news)"
            r"(?!.*[.!]$)",
            r"^(?:حمل|نزل|قم\s+بتحميل|تحميل|حملوا)\s+(?:ال)?تطبيق",
            r"^(?:اشترك|اشتركوا|اشتركي|سجل)\s.*(?:النشر[ةه]|القائم[ةه]|قنا[ةه]|البريد|مجانا|الان|"
            r"يوتيوب|تليجرام|تلغرام|واتساب)(?!.*[.!]$)",
            r"^(?:للمزيد|لمزيد)\s+من\s",
            r"^(?:اضغط|انقر)\s+هنا",
            r"^(?:follow\s+us|subscribe|sign\s+up|download\s+(?:the|our)\s+app|share\s+(?:this|on))",
            # share / print / font size / comments
            r"^(?:شارك|مشارك[ةه]|share)(?:\s+(?:الخبر|المقال|المقال[ةه]|القص[ةه]|هذا\s+\S+|عبر|علي)(?:\s+\S+)?)?$",
            r"^(?:طباع[ةه]|اطبع|print)(?:\s+(?:الخبر|المقال|المقال[ةه]|الصفح[ةه]))?$",
            r"^(?:a\s*[+-]?\s*){2,3}$|^(?:تكبير|تصغير|حجم)\s+الخط",
            r"^(?:التعليقات|تعليقات|اضف\s+تعليق|اترك\s+تعليقا|comments?)$",
            r"^(?:ارسل|ارسال)\s+(?:ل|الي)\s*صديق|^(?:حفظ|save)$",
            # advertising and copyright
            r"^(?:اعلان|اعلانات|مساح[ةه]\s+اعلاني[ةه]|advertisement|ads?|sponsored|محتوي\s+مدفوع)$",
            r"(?:جميع|كل)\s+الحقوق\s+محفوظ[ةه]|حقوق\s+النشر|all\s+rights\s+reserved|copyright|©",
            # navigation
            r"^(?:الرئيسي[ةه]|الصفح[ةه]\s+الرئيسي[ةه]|home)(?:\s*[>»›/|].*)?$",
            r"\s[>»›]\s.*\s[>»›]\s",
            # chrome that is not a resolvable date: reading time, relative time
            r"^(?:(?:اخر\s+)?تحديث\s*:?\s*)?منذ\s+\S+(?:\s+\S+)?$",
            r"^(?:وقت\s+القراء[ةه]|\d+\s+(?:دقيق[ةه]|دقائق)\s+(?:لل)?قراء[ةه]|\d+\s+min\s+read)",
        )
    )
)
_SOCIAL_TEXT = (
    "facebook twitter whatsapp telegram linkedin email e-mail mail x messenger pinterest "
    "reddit instagram youtube tiktok copy link share print "
    "فيسبوك فيس بوك تويتر اكس واتساب واتس اب آب تلغرام تليجرام تيليجرام لينكدإن لينكد إن "
    "انستغرام انستجرام إنستغرام يوتيوب تيك توك بريد إلكتروني البريد الإلكتروني ماسنجر "
    "نسخ الرابط مشاركة شارك عبر طباعة"
)
# A line made only of these is a row of share buttons.
_SOCIAL_WORDS = frozenset(normalize_for_match(w) for w in _SOCIAL_TEXT.split())
_SOCIAL_TOKEN = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)?")

# Agencies named in a dateline "(رويترز)" or on a line of their own; keys are letters only.
_AGENCIES = (
    "رويترز", "أ ف ب", "ا ف ب", "أ.ف.ب", "فرانس برس", "وكالة الصحافة الفرنسية",
    "وكالة الأنباء الفرنسية", "د ب أ", "د.ب.أ", "الوكالة الألمانية", "وام", "واس", "قنا", "كونا",
    "بنا", "العمانية", "سانا", "الأناضول", "وكالة الأناضول", "شينخوا", "سبوتنيك", "أ ش أ",
    "يو بي آي", "بترا", "وفا", "ومع", "واج", "وات", "سبأ", "سونا", "واع", "إرنا", "تاس",
    "أسوشيتد برس", "أ ب", "وكالات", "reuters", "afp", "ap", "dpa", "anadolu", "upi", "xinhua",
    "wam", "spa", "qna", "kuna", "associated press", "agencies",
)  # fmt: skip
_LETTERS_ONLY = re.compile(r"[\W\d_]+")


def _agency_key(text: str) -> str:
    return _LETTERS_ONLY.sub("", normalize_for_match(text))


_AGENCY_KEYS = frozenset(_agency_key(a) for a in _AGENCIES)
_OWN_LINE_AGENCY = re.compile(r"^[\s(\-–—]*(?P<name>[^()\-–—]{2,40}?)[\s)]*$")
_DATELINE = re.compile(
    r"^\s*(?:[^\s()\-–—:]{2,25}(?:\s[^\s()\-–—:]{2,25}){0,2}\s*)?[(（](?P<agency>[^()（）]{1,30})[)）]\s*[-–—:]"
)


def page_lines(text: str) -> list[str]:
    """The page's lines with surrounding whitespace and invisible characters stripped."""
    return [line.strip(_STRIP) for line in text.splitlines()]


def is_title_like(line: str) -> bool:
    """A headline: a short line of two or more words that does not end like a sentence."""
    words = len(line.split())
    return (
        2 <= words <= MAX_TITLE_WORDS
        and len(line) <= MAX_TITLE_CHARS
        and _SENTENCE_END.search(line) is None
    )


def _is_ignorable(line: str) -> bool:
    return not line or _HAS_WORD.search(line) is None or _MARKUP_ONLY.fullmatch(line) is not None


def _is_short(line: str) -> bool:
    return len(line) <= MAX_CHROME_CHARS and len(line.split()) <= MAX_CHROME_WORDS


def _value_after_label(line: str) -> str:
    m = _VALUE_SEP.search(line)
    return line[m.end() :].strip(_STRIP) if m else ""


def _is_boilerplate(norm: str) -> bool:
    if _BOILERPLATE.search(norm):
        return True
    words = _SOCIAL_TOKEN.findall(norm)
    return bool(words) and all(w in _SOCIAL_WORDS for w in words)


def _own_line_agency(line: str) -> str | None:
    m = _OWN_LINE_AGENCY.match(line)
    if m and _agency_key(m["name"]) in _AGENCY_KEYS:
        return m["name"].strip(_STRIP)
    return None


def _dateline_agency(paragraph: str) -> str | None:
    m = _DATELINE.match(paragraph)
    if m and _agency_key(m["agency"]) in _AGENCY_KEYS:
        return m["agency"].strip(_STRIP)
    return None


def _split_tags(value: str) -> list[str]:
    tags = []
    for part in _TAG_SPLIT.split(value):
        tag = part.strip(_STRIP).lstrip("#").strip(_STRIP).strip(".")
        if tag and _HAS_WORD.search(tag):
            tags.append(tag)
    return tags


def _is_tag_like(line: str) -> bool:
    return (
        len(line) <= MAX_TAG_CHARS
        and len(line.split()) <= MAX_TAG_WORDS
        and _SENTENCE_END.search(line) is None
        and not line.endswith(("?", "؟", "!"))
    )


def _valid_iso(value: str | None) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    for parse in (date.fromisoformat, datetime.fromisoformat):
        try:
            parse(value)
        except ValueError:
            continue
        return value
    return None


class _Page:
    """Mutable state of one parse; kept private so the public function stays pure."""

    def __init__(self) -> None:
        self.title: str | None = None
        self.title_decided = False
        self.published: str | None = None
        self.updated: str | None = None
        self.source: str | None = None
        self.agency_line: str | None = None
        self.source_pending = False
        self.tags: list[str] = []
        self.tag_keys: set[str] = set()
        self.tags_open = False
        self.body: list[str] = []
        self.related: list[RelatedArticle] = []
        self.boilerplate: list[str] = []
        self.in_related = False

    def add_tags(self, tags: list[str]) -> None:
        for tag in tags:
            key = tag.casefold()
            if key not in self.tag_keys:
                self.tag_keys.add(key)
                self.tags.append(tag)

    def start_related(self, inline_title: str) -> None:
        self.in_related = True
        self.tags_open = self.source_pending = False
        if inline_title:
            self.related.append({"title": inline_title, "body": []})

    def feed(self, line: str) -> None:
        if _is_ignorable(line):
            return
        short = _is_short(line)
        # Labels and markers are anchored at the start, so a long line only needs its head in
        # matching form; normalising whole paragraphs would dominate the parse time.
        head = line if short else line[:_HEAD_CHARS]
        # Leading emoji and bullets ("📲 تابعونا", "• طباعة") must not hide what a line is.
        norm = _LEAD_SYMBOLS.sub("", _WS.sub(" ", normalize_for_match(head)))
        if len(line) <= MAX_TITLE_CHARS:
            marker = _MARKER.match(norm)
            if marker is not None:
                self.start_related(_value_after_label(line) if marker["rest"] else "")
                return
        if self.in_related:
            self._feed_related(line, norm, short)
        else:
            self._feed_main(line, norm, short)

    def _chrome(self, line: str, norm: str, short: bool) -> bool:
        """Handle date, source, tag and boilerplate lines; True when the line was one."""
        # A tag line may list many tags, a date line may carry two labelled dates: both can
        # exceed the word limit of prompts, so only their character limits apply.
        if len(line) <= MAX_TAG_LINE_CHARS and _TAG_LABEL.match(norm):
            inline = _value_after_label(line)
            if not self.in_related:
                self.add_tags(_split_tags(inline))
                self.tags_open = not inline or inline[-1] in _TAG_SEPARATORS
            return True
        if len(line) <= MAX_CHROME_CHARS and _SOURCE_LABEL.match(norm):
            value = _value_after_label(line).rstrip(".")
            if not self.in_related and self.source is None:
                if value:
                    self.source = value
                else:
                    self.source_pending = True
            return True
        dateline = match_date_line(line) if short or _DATE_LABEL_HEAD.match(norm) else None
        if dateline is not None:
            if not self.in_related:
                if dateline.kind == "updated":
                    self.updated = self.updated or dateline.value
                else:
                    self.published = self.published or dateline.value
            return True
        if not short:
            return False
        if _is_boilerplate(norm):
            self.boilerplate.append(line)
            return True
        agency = _own_line_agency(line)
        if agency is not None:
            if not self.in_related and self.agency_line is None:
                self.agency_line = agency
            return True
        return False

    def _feed_main(self, line: str, norm: str, short: bool) -> None:
        if self.source_pending and short and len(line.split()) <= 6:
            self.source_pending = False
            self.source = line.rstrip(".")
            return
        self.source_pending = False
        if self._chrome(line, norm, short):
            return
        if self.tags_open:
            if _is_tag_like(line):
                self.add_tags(_split_tags(line))
                return
            self.tags_open = False
        if not self.title_decided:
            if len(line.split()) == 1 and short:
                # A lone word above the headline is a section label ("اقتصاد").
                self.boilerplate.append(line)
                return
            self.title_decided = True
            if is_title_like(line):
                self.title = line
                return
        if line == self.title:
            return  # pages often repeat the headline above the body
        self.body.append(line)

    def _feed_related(self, line: str, norm: str, short: bool) -> None:
        if self._chrome(line, norm, short):
            return
        if is_title_like(line):
            self.related.append({"title": line, "body": []})
        elif self.related:
            self.related[-1]["body"].append(line)
        else:
            self.related.append({"title": None, "body": [line]})


def parse_structure(
    text: str, *, published_at: str | None = None, source: str | None = None
) -> Structure:
    """Segment a page's text.

    ``published_at`` and ``source`` are the message's own fields, used only when the page
    names no date or outlet; an invalid ``published_at`` is dropped rather than guessed at.
    """
    page = _Page()
    for line in page_lines(text):
        page.feed(line)

    # The page's own "المصدر:" label outranks an agency dateline, which outranks a bare name.
    page_source = page.source
    if page_source is None and page.body:
        page_source = _dateline_agency(page.body[0])
    if page_source is None:
        page_source = page.agency_line
    if page_source is None and isinstance(source, str) and source.strip():
        page_source = source.strip()

    return {
        "title": page.title,
        "published_at": page.published or page.updated or _valid_iso(published_at),
        "source": page_source,
        "tags": page.tags,
        "body": page.body,
        "related": page.related,
        "boilerplate": page.boilerplate,
    }
