"""What a page line is when it is not article text: labels, prompts, bylines, markers.

Every test here runs on a line's matching form (``normalize_for_match``: no diacritics,
tatweel or bidi controls, one alef, ASCII digits, lower case) and is anchored at the start, so
a long paragraph never pays for more than its head. Word lists (byline labels, section words,
share buttons, photo-credit labels) are package data (``data/furniture.json``).
"""

from __future__ import annotations

import re
from functools import cache

from streams.nlp import lexicon
from streams.nlp.arabic import normalize_for_match

__all__ = [
    "AGENCY_STAMP",
    "COPYRIGHT_HOLDER",
    "DESK_TRAILER",
    "MARKER",
    "SOURCE_LABEL",
    "TAG_LABEL",
    "author_bio",
    "byline_names",
    "is_boilerplate",
    "is_bracketed_credit",
    "is_continuation",
    "is_editor_initials",
    "is_photo_credit",
    "is_section_label",
    "live_time",
]

_SEP = r"\s*[:：]\s*|\s+[-–—]\s+|\s*[-–—]\s*$|\s*$"

_MARKERS = (
    r"اقرا\s+(?:ايضا|كذلك|المزيد)|(?:طالع|شاهد|تابع|انظر)\s+(?:ايضا|كذلك)"
    r"|(?:مواضيع|موضوعات|اخبار|مقالات|قصص|روابط)\s+(?:ذات\s+صل[ةه]|متعلق[ةه]|مرتبط[ةه]|اخري|مقترح[ةه])"
    r"|ذات\s+صل[ةه]|قد\s+(?:يهمك|يعجبك)(?:\s+ايضا)?|المزيد\s+من\s+(?:الاخبار|المقالات|الموضوعات)"
    r"|الاكثر\s+(?:قراء[ةه]|مشاهد[ةه]|تداولا|تفاعلا)"
    r"|read\s+(?:also|more)|also\s+read|see\s+also|more\s+(?:news|stories)|most\s+read"
    r"|related(?:\s+(?:articles|news|stories|posts|topics))?|you\s+may\s+also\s+like"
    r"|lire\s+(?:aussi|[ée]galement)|[àa]\s+lire\s+aussi|voir\s+aussi"
)
MARKER = re.compile(
    rf"^[\s»«>•*▪◄►\-–—]*(?:{_MARKERS})(?![^\W\d_])(?:\s*[:：\-–—]\s*(?P<rest>.*?)|[\s.…:]*)$"
)
TAG_LABEL = re.compile(
    r"^(?:(?:ال)?كلمات\s+(?:ال)?(?:دلالي[ةه]|مفتاحي[ةه]|دال[ةه]|البحث)|(?:ال)?وسوم|(?:ال)?هاشتاج|"
    r"(?:ال)?مواضيع|(?:ال)?موضوعات|tags?|keywords|topics|mots[\s-]cl[ée]s|th[eè]mes|sujets)"
    rf"(?:{_SEP})"
)
SOURCE_LABEL = re.compile(r"^(?:(?:ال)?مصدر(?:\s+الخبر)?|source)" rf"(?:{_SEP})")

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
            r"^(?:اضغط|انقر)\s+(?:هنا|علي)",
            r"(?:اضغط|انقر)\s+هنا$|click\s+here$|cliquez\s+ici$",
            r"^(?:للاشتراك|ل?لتحميل|لمتابع[ةه]|للمتابع[ةه])\s.*(?:هنا|الرابط)$",
            r"^our\s+standards|trust\s+principles",
            r"^(?:لمتابع[ةه]|ولمتابع[ةه]|انضم|انضموا)\s.*(?:قنا[ةه]|صفح[ةه]|حساب|تطبيق|عبر|مجموع[ةه])",
            r"^(?:follow\s+us|subscribe|sign\s+up|download\s+(?:the|our)\s+app|share\s+(?:this|on)|click\s+here)",
            r"^(?:suivez[-\s]nous|abonnez[-\s]vous|t[ée]l[ée]chargez|partagez|partager)",
            # share / print / font size / comments
            r"^(?:شارك|مشارك[ةه]|share)(?:\s+(?:الخبر|المقال|المقال[ةه]|القص[ةه]|هذا\s+\S+|عبر|علي)(?:\s+\S+)?)?$",
            r"^(?:طباع[ةه]|اطبع|print)(?:\s+(?:الخبر|المقال|المقال[ةه]|الصفح[ةه]))?$",
            r"^(?:a\s*[+-]?\s*){2,3}$|^(?:تكبير|تصغير|حجم)\s+الخط",
            r"^(?:التعليقات|تعليقات|اضف\s+تعليق|اترك\s+تعليقا|comments?)$",
            r"^(?:ارسل|ارسال)\s+(?:ل|الي)\s*صديق|^(?:حفظ|save)$",
            # advertising and copyright
            r"^(?:اعلان|اعلانات|مساح[ةه]\s+اعلاني[ةه]|advertisement|ads?|sponsored|محتوي\s+مدفوع|publicit[ée])$",
            r"(?:جميع|كل)\s+الحقوق\s+محفوظ[ةه]|حقوق\s+النشر|all\s+rights\s+reserved|copyright|©",
            r"^\(c\)\s",
            # navigation
            r"^(?:الرئيسي[ةه]|الصفح[ةه]\s+الرئيسي[ةه]|home|accueil)(?:\s*[>»›/|].*)?$",
            r"\s[>»›]\s.*\s[>»›]\s",
            # chrome that is not a resolvable date: reading time, relative time
            r"^(?:(?:اخر\s+)?تحديث\s*:?\s*)?منذ\s+\S+(?:\s+\S+)?$",
            r"^(?:وقت\s+القراء[ةه]|\d+\s+(?:دقيق[ةه]|دقائق)\s+(?:لل)?قراء[ةه]|\d+\s+min\s+read)",
        )
    )
)
_SOCIAL_TOKEN = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)?")


@cache
def _social_words() -> frozenset[str]:
    return frozenset(normalize_for_match(w) for w in lexicon.furniture("social_words"))


# "تابعوا الرأي على تيليغرام", "Follow Reuters on X": a follow prompt names a network last.
_FOLLOW = re.compile(
    r"^(?:تابع(?:وا|ونا|ي)?|follow|suivez)\s.*\s(?:علي|عبر|في|on|sur)\s+(?P<net>.+)$"
)
# A share label before the networks: "شارك الخبر: فيسبوك - تويتر".
_SHARE_LABEL = re.compile(
    r"^(?:شارك|مشارك[ةه]|share|partager)(?:\s+(?:الخبر|المقال|المقال[ةه]|this|article|sur|on))?\s*[:：]?"
)
_ROW_SEPARATOR = re.compile(r"\s*[|•·]\s*")


def _all_social(text: str) -> bool:
    social = _social_words()
    words = _SOCIAL_TOKEN.findall(text)
    # "فيسبوك وإكس": the last network glued to "و".
    return bool(words) and all(w in social or (w[:1] == "و" and w[1:] in social) for w in words)


def is_boilerplate(norm: str) -> bool:
    """A prompt, share row, copyright or navigation line (``norm`` in matching form)."""
    if _BOILERPLATE.search(norm):
        return True
    follow = _FOLLOW.match(norm)
    if follow is not None and _all_social(follow["net"]):
        return True
    label = _SHARE_LABEL.match(norm)
    if label is not None and label.end() < len(norm) and _all_social(norm[label.end() :]):
        return True
    pieces = [p for p in _ROW_SEPARATOR.split(norm) if p]
    if len(pieces) > 1 and all(_is_row_piece(p) for p in pieces):
        return True  # "طباعة | A+ | A-"
    return _all_social(norm)


_FONT_BUTTON = re.compile(r"a\s*[+-]|[+-]\s*a|a")


def _is_row_piece(piece: str) -> bool:
    return (
        _BOILERPLATE.search(piece) is not None
        or _all_social(piece)
        or _FONT_BUTTON.fullmatch(piece) is not None
    )


def _alternation(words: tuple[str, ...]) -> str:
    folded = sorted({normalize_for_match(w) for w in words}, key=len, reverse=True)
    return "|".join(r"\s+".join(map(re.escape, w.split())) for w in folded)


@cache
def _photo_credit() -> re.Pattern[str]:
    labels = _alternation(lexicon.furniture("photo_credit_labels"))
    return re.compile(rf"^[(\[]?\s*(?:{labels})(?:\s*[:：\-–—|(]|\s*[)\]]?$)")


def is_photo_credit(norm: str) -> bool:
    """ "الصورة: رويترز", "(صورة أرشيفية)", "Photo: AFP"."""
    return _photo_credit().match(norm) is not None


@cache
def _byline() -> re.Pattern[str]:
    labels = _alternation(lexicon.furniture("byline_labels"))
    # A label, then a colon, a dash or a space, then the names; "by" alone needs a space.
    return re.compile(
        rf"^[(\[*•\-–—\s]*(?P<label>{labels})(?:\s*[:：\-–—]\s*|\s+)(?P<names>\S.*?)[)\]]?$"
    )


_NAME_SPLIT = re.compile(r"\s*(?:[،,;؛&]|\s(?:and|et|و)\s)\s*")
_AND_SPLIT = re.compile(r"\s+و(?=\S)")
_TRAILING_PLACE = re.compile(
    r"\s+(?:in|à|from|depuis|من|في)\s+\S.*$|\s+[-–—/|]\s+\S+(?:\s+\S+)?$|\s+للنشر[ةه]\s+العربي[ةه].*$"
)
_MAX_BYLINE_WORDS = 14
_MAX_CREDIT_WORDS = 30
_MAX_NAME_WORDS = 5


# Honorifics a byline may put before a name ("بقلم: د. منجي الحامدي*", "By Dr. Jane Roe").
_HONORIFIC = re.compile(
    r"^(?:(?:د|أ\.?\s?د|ا\.?\s?د|م|dr|pr|prof)\.\s*|(?:الدكتور[ةه]?|الدكتوره|الاستاذ[ةه]?|الأستاذ[ةه]?"
    r"|المهندس[ةه]?|الشيخ|السيد[ةه]?|dr|prof|professeur|docteur)\s+)",
    re.IGNORECASE,
)


def _clean_name(name: str) -> str:
    name = name.strip(" .:-–—*")
    while True:
        stripped = _HONORIFIC.sub("", name, count=1)
        if stripped == name or not stripped:
            return name
        name = stripped.strip(" .:-–—*")


def _split_names(text: str) -> list[str]:
    names: list[str] = []
    for part in _NAME_SPLIT.split(text):
        pieces = _AND_SPLIT.split(part)
        # "أحمد علي ومحمد حسن": two names only when each side is a full name.
        if len(pieces) > 1 and all(len(p.split()) >= 2 for p in pieces):
            names.extend(pieces)
        else:
            names.append(part)
    return [n for n in map(_clean_name, names) if n]


# Credit chains: "Reporting by A; Editing by B", "(تغطية صحفية أ - إعداد ب - تحرير ج)".
_BYLINE_PIECES = re.compile(r"\s*[;؛]\s*|\s+[-–—]\s+(?=\S)")


def _pieces(line: str) -> list[str]:
    pieces: list[str] = []
    for piece in _BYLINE_PIECES.split(line):
        if pieces and _LABEL_ONLY().fullmatch(normalize_for_match(pieces[-1].strip(" (["))):
            pieces[-1] = pieces[-1] + ": " + piece  # "كتبت - منى السيد": the label, then names
        else:
            pieces.append(piece)
    return pieces


@cache
def _LABEL_ONLY() -> re.Pattern[str]:
    return re.compile(rf"(?:{_alternation(lexicon.furniture('byline_labels'))})")


_PHOTOGRAPHER = re.compile(r"^(?:تصوير|عدس[ةه]|photo\s+by|photographer)(?![^\W\d_])")
# "(تصوير: كريم جمال) جانب من الزحام": a bracketed credit with the caption after it.
_BRACKETED_LEAD = re.compile(r"^\s*[(\[][^()\[\]]{1,80}[)\]]\s*\S")


def is_bracketed_credit(line: str) -> bool:
    """ "(تصوير: محمد السماني)", "(Photo: AFP) caption…": a photo or byline credit in
    brackets, alone or heading a caption, which inside a body is a picture's furniture."""
    stripped = line.strip()
    if not stripped.startswith(("(", "[")):
        return False
    close = max(stripped.find(")"), stripped.find("]"))
    inner = normalize_for_match(stripped[1:close]) if close > 0 else ""
    if not inner:
        return False
    if is_photo_credit(inner) or _PHOTOGRAPHER.match(inner):
        return True
    # A writer's credit in brackets closing a story is a byline; with text after, a caption.
    return _byline().match(inner) is not None and bool(stripped[close + 1 :].strip())


def byline_names(line: str, norm: str) -> list[str] | None:
    """Author names of a byline line ("كتب: أحمد علي", "Reporting by X; Editing by Y"), or
    None when the line is not one."""
    if len(line.split()) > _MAX_CREDIT_WORDS or line.rstrip().endswith((".", "؟", "?", "!")):
        return None
    if _BRACKETED_LEAD.match(line):
        return None  # a caption headed by its credit, not a byline
    names: list[str] = []
    # Credit chains: several labels in one line, each with its names.
    for piece in _pieces(line):
        if len(piece.split()) > _MAX_BYLINE_WORDS:
            return None
        m = _byline().match(normalize_for_match(piece.strip()))
        if m is None:
            if names:
                continue
            return None
        raw = piece.strip(" ()[]*•-–—")
        # The label's length in the original: skip as many words as the label has.
        label_words = len(m["label"].split())
        rest = raw.split(None, label_words)[-1] if len(raw.split()) > label_words else ""
        rest = rest.lstrip(":：-–— ")
        rest = _TRAILING_PLACE.sub("", rest)
        found = [n for n in _split_names(rest) if len(n.split()) <= _MAX_NAME_WORDS]
        if not found:
            return None
        names.extend(found)
    return names or None


@cache
def _roles() -> re.Pattern[str]:
    roles = _alternation(lexicon.furniture("author_roles"))
    return re.compile(rf"^\*+\s*(?P<name>.*?)\s*(?:[،,-]\s*)?(?:{roles})(?![^\W\d_])")


def author_bio(line: str) -> str | None:
    """ "* محمد الأحمد كاتب سعودي": the name ('' when the bio names nobody), or None."""
    if not line.lstrip().startswith("*") or len(line.split()) > _MAX_BYLINE_WORDS:
        return None
    m = _roles().match(normalize_for_match(line.strip()))
    if m is None:
        return None
    words = len(m["name"].split())
    return " ".join(line.strip().lstrip("* ").split()[:words]) if words else ""


@cache
def _section_words() -> frozenset[str]:
    return frozenset(normalize_for_match(w) for w in lexicon.furniture("section_words"))


def is_section_label(norm: str) -> bool:
    """ "أخبار مصر", "اقتصاد | أسواق", "World news": a section label above a headline."""
    words = [w for w in re.split(r"[\s|/>»›،,-]+", norm) if w]
    return 0 < len(words) <= 3 and words[0] in _section_words()


_CONNECTIVES = frozenset(
    normalize_for_match(w)
    for w in [
        "كما",
        "من",
        "جهته",
        "جهتها",
        "بدوره",
        "بدورها",
        "إلى",
        "ذلك",
        "في",
        "غضون",
        "المقابل",
        "السياق",
        "سياق",
        "صعيد",
        "أما",
        "يذكر",
        "يشار",
        "جدير",
        "he",
        "she",
        "they",
        "it",
        "but",
        "and",
        "also",
        "meanwhile",
        "however",
        "il",
        "elle",
        "ils",
        "mais",
        "par",
        "ailleurs",
    ]
)
# What follows a glued و/ف when a paragraph carries an article on: reporting verbs (both
# genders), prepositions and particles ("وأضاف", "وقالت", "وفي", "ومن", "وكان").
_AFTER_CONJUNCTION = frozenset(
    normalize_for_match(w)
    for w in [
        "قال",
        "أضاف",
        "أكد",
        "أشار",
        "أوضح",
        "تابع",
        "لفت",
        "ذكر",
        "بين",
        "شدد",
        "اعتبر",
        "رأى",
        "أفاد",
        "نقل",
        "أعرب",
        "دعا",
        "طالب",
        "أعلن",
        "قالت",
        "أضافت",
        "أكدت",
        "أشارت",
        "أوضحت",
        "تابعت",
        "لفتت",
        "ذكرت",
        "بينت",
        "شددت",
        "اعتبرت",
        "رأت",
        "أفادت",
        "نقلت",
        "أعربت",
        "دعت",
        "طالبت",
        "أعلنت",
        "في",
        "من",
        "على",
        "عن",
        "بحسب",
        "حسب",
        "وفق",
        "وفقا",
        "كان",
        "كانت",
        "يأتي",
        "تأتي",
        "يشير",
        "تشير",
        "يذكر",
        "يشار",
        "يعد",
        "تعد",
        "بعد",
        "قبل",
        "خلال",
        "مع",
        "أمام",
        "إلى",
        "أن",
        "إن",
        "لكن",
        "لم",
        "لا",
        "قد",
        "هو",
        "هي",
        "هذا",
        "هذه",
        "ذلك",
        "تلك",
        "كل",
        "بين",
        "أيضا",
    ]
)


_INITIALS = r"[^\W\d_]{1,3}(?:\s*[./]+\s*[^\W\d_]{1,3}|\s[^\W\d_]{1,3}){0,8}\.?"
_END_WORD = r"[(\[-–—]*\s*(?:النهاي[ةه]|انتهي|end|enditem|fin)\s*[)\]-–—]*"
_EDITOR_INITIALS = re.compile(rf"^(?:{_END_WORD}\s*)?{_INITIALS}$|^{_END_WORD}$", re.IGNORECASE)
# "--(بترا) ع ا/ف ق", "(Petra) R.A./ H.F.", "- واس -": an agency's sign-off with its desk's
# initials; the caller checks that the brackets hold an agency.
DESK_TRAILER = re.compile(
    rf"^[-–—\s]*[(\[/]\s*(?P<agency>[^()\[\]/]{{1,40}}?)\s*[)\]/]\s*(?:{_INITIALS})?\s*$"
)


# "© 2025 AFP", "(c) Reuters 2025", "Copyright Xinhua": who holds the story's rights.
COPYRIGHT_HOLDER = re.compile(
    r"^(?:©|\(c\)|copyright)\s*(?:\d{4}\s*)?(?P<holder>[^\d©]{2,40}?)[\s.,]*(?:\d{4})?\.?$",
    re.IGNORECASE,
)
# KUNA's closing stamp "KUNA 051012 GMT Jan 25": the agency, a day-hour-minute group, a zone.
AGENCY_STAMP = re.compile(
    r"^(?P<agency>[^\W\d_]{2,10})\s+\d{6}\s*(?:gmt|utc)(?:\s+[^\W\d_]{3,9}\.?\s+\d{1,4})?$"
)


def is_editor_initials(line: str) -> bool:
    """ "ع.م", "ب ص/ع ش/ح ح", "mk/ab", "(النهاية)", "Enditem": the desk's sign-off closing a
    wire story."""
    return len(line) <= 30 and _EDITOR_INITIALS.match(normalize_for_match(line.strip())) is not None


def is_continuation(line: str) -> bool:
    """Whether a paragraph carries on an article ("وأضاف…", "من جهته،…") rather than opening
    one: after an inline "read also" link, such a paragraph means the article continues.
    In Latin script only a connective word counts ("He said…", "Meanwhile…")."""
    words = normalize_for_match(line).split()
    if not words:
        return False
    first = words[0].strip("،,")
    if first in _CONNECTIVES:
        return True
    return len(first) > 2 and first[0] in "وف" and first[1:] in _AFTER_CONJUNCTION


_LIVE_TIME = re.compile(
    r"^(?P<H>[01]?\d|2[0-3])[:.](?P<M>[0-5]\d)\s*(?P<ap>ص|م|am|pm|صباحا|مساء)?"
    r"(?:\s*(?:بتوقيت\s+\S+|gmt|utc|ت\.\s?غ))?\s*(?:[-–—|:]\s*(?P<text>\S.*))?$"
)


def live_time(line: str) -> tuple[str, str | None] | None:
    """ "10:45 - نص" / "10:45": the entry's time ("10:45:00") and its text (None when the time
    stands alone and the text is the next paragraph)."""
    line = line.strip()
    norm = normalize_for_match(line)
    m = _LIVE_TIME.match(norm)
    if m is None:
        return None
    hh, mm = int(m["H"]), int(m["M"])
    if m["ap"] in ("م", "pm", "مساء") and hh < 12:
        hh += 12
    elif m["ap"] in ("ص", "am", "صباحا") and hh == 12:
        hh = 0
    text = None
    if m["text"]:
        # Folding keeps lengths unless diacritics were dropped; then the folded text it is.
        text = line[m.start("text") :].strip() if len(norm) == len(line) else m["text"]
    return f"{hh:02d}:{mm:02d}:00", text
