"""People and organisations in English and French news, by the same rules as the Arabic ones.

People: a capitalised name after a title or role ("President", "Foreign Minister", "M.",
"Mme", "le ministre des Affaires étrangères"), demonyms and the role's complement skipped
("French President Emmanuel Macron", "le président algérien Abdelmadjid Tebboune"); a chain
of capitalised words that starts with a known given name; names from the data list of heads
of state and government. Organisations: a capitalised chain that holds a head noun ("Central
Bank of Egypt", "ministère de l'Intérieur", "Organisation des Nations unies") or a known name
or abbreviation from data. News agencies are left to the agency field.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from functools import cache

from streams.nlp.names import name_tables
from streams.nlp.wordlists import read_lines
from streams.records import Entity

__all__ = ["latin_agency_spans", "latin_entities"]

_TOKEN_RE = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ][A-Za-zÀ-ÖØ-öø-ÿ\-]*\.?|[’']")
_CONNECT = frozenset({"of", "for", "and", "de", "des", "du", "la", "l", "d", "et", "pour", "the"})
_PARTICLES = frozenset(
    {"bin", "ben", "al", "el", "Al", "El", "Abu", "Abou", "Ould", "ould", "Ibn", "ibn", "Abdel"}
)
# Lower-case words French writes inside organisation names.
_FRENCH_NAME_ADJECTIVES = frozenset(
    {
        "unies", "étrangères", "mondiale", "mondial", "international", "internationale",
        "centrale", "central", "nationale", "national", "arabe", "africaine", "africain",
        "européenne", "islamique", "populaire", "monétaire", "générale", "sécurité", "santé",
        "commerce", "développement", "affaires", "intérieur", "finances", "économie", "arabes",
    }
)  # fmt: skip
_ROLE_WORDS = frozenset(
    {
        "Foreign", "Affairs", "Finance", "Economy", "Interior", "Defence", "Defense", "Energy",
        "Health", "Trade", "Industry", "Justice", "Education", "Oil", "Planning", "Investment",
        "Tourism", "Transport", "Agriculture", "Water", "Culture", "Labour", "Labor", "State",
        "Information", "Housing", "Environment", "Youth", "Sports", "Affaires", "étrangères",
        "Intérieur", "Économie", "Finances", "Défense", "Santé", "Commerce", "Industrie",
        "Éducation", "Énergie", "Tourisme", "Transports", "Travail", "Communication", "Public",
        "Works", "General", "Staff", "Executive", "Deputy",
        "Acting", "former", "Former", "ancien", "Minister", "ministre", "Ministre", "Prime",
        "Vice", "President", "Ruler", "République", "Etat", "État", "Royaume", "Gouvernement",
        "Coopération", "Communauté", "Travaux", "Conseil", "Chief", "Officer", "Operating",
    }
)  # fmt: skip
# Role nouns that follow a name in apposition: "Ibrahima Sow, chercheur à ...", "Majid Al
# Suwaidi, Chief Operating Officer of ...".
_APPOSITIVE_ROLES = frozenset(
    {
        "Chief", "Executive", "Vice", "President", "Chairman", "Chairwoman", "Director",
        "Head", "Minister", "Governor", "Secretary", "Spokesman", "Spokeswoman", "Managing",
        "General", "Deputy", "Senior", "CEO", "chief", "head", "director", "spokesman",
        "spokeswoman", "analyst", "economist", "professor", "researcher", "chairman",
        "chercheur", "chercheuse", "directeur", "directrice", "ministre", "président",
        "présidente", "analyste", "économiste", "expert", "experte", "responsable",
        "professeur", "ambassadeur", "secrétaire", "conseiller", "conseillère", "gouverneur",
        "maire", "wali", "chef", "PDG", "porte-parole", "patron", "fondateur", "Ambassador",
        "Professor", "Adviser", "Advisor", "Founder", "Partner", "Economist", "Analyst",
    }
)  # fmt: skip
# French heads whose names go on in lower case: "Office des changes", "Chambre des
# représentants", "Centre marocain de conjoncture".
_FRENCH_HEADS = frozenset(
    {
        "Présidence", "présidence", "Office", "Chambre", "Centre", "Confédération",
        "Entreprise", "université", "Université", "Banque", "Société", "Commission", "Conseil",
        "Fonds", "Agence", "Organisation", "Union", "Ligue", "Fédération", "ministère",
        "Ministère", "Groupe", "Assemblée", "Institut", "Comité", "Cour", "Autorité",
    }
)  # fmt: skip
_FRENCH_ADJECTIVE_ENDINGS = (
    "al", "ale", "aux", "ien", "ienne", "iens", "ain", "aine", "ais", "aise", "ique", "aire",
    "el", "elle", "if", "ive", "ée", "ées", "és", "ois", "oise", "ixte", "ienne", "ère",
)  # fmt: skip
_CREDIT_RE = re.compile(
    r"(?:^|[(;\n])[ \t]*(?:Par|By|Reporting by|Editing by|Writing by|Additional reporting by"
    r"|Reportage|Édité par|Edité par)[ \t]+[^\n;)]{0,60}",
    re.MULTILINE,
)
_SENTENCE_STARTERS = frozenset(
    {"The", "A", "An", "In", "On", "At", "Le", "La", "Les", "L", "Un", "Une", "Des", "Du", "De",
     "This", "That", "But", "And", "Et", "Mais", "Selon", "According", "After", "Après",
     "Pour", "Avec", "Sans", "Pendant", "Depuis", "Dans", "Sur", "For", "With", "From", "To",
     "Under", "As", "While", "Since", "When", "If", "Si", "Quand", "Lors", "Chez"}
)  # fmt: skip
_MAX_NAME = 4
# Titles that only ever precede a person's name, so one word after them is a surname.
_PERSONAL_TITLES = frozenset(
    {"Mr", "Mr.", "Mrs", "Mrs.", "Ms", "Ms.", "M.", "Mme", "Mlle", "Dr", "Dr."}
)
# A family name with a lower-case article: "al-Kaabi", "el-Sisi".
_AL_NAME = re.compile(r"(?:al|el|ad|ash|as|az|an|ar|at)-[A-Z]")
_MAX_PHRASE = 6
_MAX_ORG = 9


@cache
def _latin_tables() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    from streams.nlp.places_latin import _table

    demonyms = frozenset(
        word
        for key, entries in _table().items()
        if len(key) == 1 and any(e.via == "demonym" for e in entries)
        for word in key
    )
    return (
        frozenset(read_lines("given_names_latin.txt")),
        frozenset(read_lines("org_heads_latin.txt")),
        demonyms,
    )


@cache
def _known_orgs() -> dict[tuple[str, ...], str]:
    """Known organisations keyed by the words this module's tokens give ("Moody", "'", "s")."""
    return {
        tuple(_TOKEN_RE.findall(" ".join(key))): kind
        for key, kind in name_tables().latin_known_orgs.items()
    }


def _cap(word: str) -> bool:
    return (word[:1].isupper() and not word.isupper()) or (word.isupper() and len(word) > 1)


def _adjacent(text: str, a: re.Match[str], b: re.Match[str]) -> bool:
    return not text[a.end() : b.start()].strip()


def _match(words: list[str], i: int, phrases: Collection[tuple[str, ...]]) -> int:
    """Length of the longest phrase of ``phrases`` starting at words[i] (0 if none)."""
    for size in range(min(_MAX_PHRASE, len(words) - i), 0, -1):
        if tuple(words[i : i + size]) in phrases:
            return size
    return 0


def _name_at(
    toks: list[re.Match[str]], text: str, i: int, titled: bool, personal: bool = False
) -> int:
    given, heads, _ = _latin_tables()
    words = [t.group() for t in toks]
    if i >= len(toks) or not _cap(words[i]) or words[i] in heads or words[i].isupper():
        return 0
    if not titled and words[i].rstrip(".") not in given:
        return 0
    n = 1
    while i + n < len(toks) and n < _MAX_NAME and _adjacent(text, toks[i + n - 1], toks[i + n]):
        word = words[i + n]
        if (
            word in _PARTICLES
            or _AL_NAME.match(word)
            or (_cap(word) and not word.isupper() and word not in heads and not word.endswith("."))
        ):
            n += 1
            continue
        if _cap(word) and word.endswith(".") and len(word) > 2:
            n += 1  # the name ends the sentence: "... said Ahmed Attaf."
            break
        break
    while n > 1 and words[i + n - 1] in _PARTICLES:
        n -= 1
    if n == 1 and words[i].rstrip(".") not in given and not personal:
        return 0  # one capitalised word after a role is too often "République", "Etat"
    if any(w in _ROLE_WORDS for w in words[i : i + n]):
        return 0
    return n


def _name_start_after_title(
    toks: list[re.Match[str]], words: list[str], text: str, i: int, size: int
) -> int | None:
    """Where the name after the title words[i : i + size] starts, or None when what follows
    is no name: further titles, demonyms, role words and connectors are skipped ("French
    President", "le ministre des Affaires étrangères"), and one comma may stand before it."""
    tables = name_tables()
    given_names, _, demonyms = _latin_tables()
    start = i + size
    while start < len(toks) and (more := _match(words, start, tables.latin_titles)):
        start += more  # "Emir Sheikh Tamim", "Crown Prince Mohammed"
    while (
        start < len(toks)
        and (
            words[start] in demonyms
            or words[start] in _ROLE_WORDS
            or words[start] in _CONNECT
            or words[start] in ("’", "'")
        )
        and _adjacent(text, toks[start - 1], toks[start])
    ):
        start += 1
    if start >= len(toks):
        return None
    gap = text[toks[start - 1].end() : toks[start].start()].strip()
    if gap not in ("", ","):
        return None
    # "Chief Executive Officer of Nordwind Gas": after "of" comes the employer, unless a
    # comma or a known given name starts a name there ("ministre des Affaires étrangères
    # Ahmed Attaf").
    employer = (
        any(w in _CONNECT for w in words[i + size : start])
        and not gap
        and words[start] not in given_names
        and not _match(words, start, tables.latin_leaders)
    )
    return None if employer else start


def _people(toks: list[re.Match[str]], text: str) -> list[tuple[int, int]]:
    tables = name_tables()
    words = [t.group() for t in toks]
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(toks):
        size = _match(words, i, tables.latin_leaders)
        if size:
            spans.append((i, i + size))
            i += size
            continue
        size = _match(words, i, tables.latin_titles)
        start = i
        if size:
            after = _name_start_after_title(toks, words, text, i, size)
            if after is None:
                i += 1
                continue
            start = after
            leader = _match(words, start, tables.latin_leaders)
            if leader:
                spans.append((start, start + leader))
                i = start + leader
                continue
        personal = bool(size) and start == i + size and words[i] in _PERSONAL_TITLES
        n = _name_at(toks, text, start, titled=bool(size), personal=personal)
        if not n and not size:
            n = _appositive_name(toks, text, i)
        if n:
            spans.append((start, start + n))
            i = start + n
        else:
            i += 1
    return spans


def _appositive_name(toks: list[re.Match[str]], text: str, i: int) -> int:
    """A capitalised chain of two to four words followed by ", <role>": a person."""
    _, heads, demonyms = _latin_tables()
    words = [t.group() for t in toks]
    if words[i] in _SENTENCE_STARTERS or words[i] in demonyms:
        return 0
    n = 0
    while (
        i + n < len(toks)
        and n < _MAX_NAME
        and (
            words[i + n] in _PARTICLES
            or (_cap(words[i + n]) and not words[i + n].isupper() and words[i + n] not in heads)
        )
    ):
        if n and not _adjacent(text, toks[i + n - 1], toks[i + n]):
            break
        n += 1
    if n < 2 or i + n >= len(toks) or words[i + n] not in _APPOSITIVE_ROLES:
        return 0
    if text[toks[i + n - 1].end() : toks[i + n].start()].strip() != ",":
        return 0
    if any(w in _ROLE_WORDS or w in _SENTENCE_STARTERS for w in words[i : i + n]):
        return 0
    return n


def _organisations(
    toks: list[re.Match[str]], text: str
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    _, heads, demonyms = _latin_tables()
    words = [t.group().rstrip(".") if t.group() != "M." else t.group() for t in toks]
    orgs: list[tuple[int, int]] = []
    agencies: list[tuple[int, int]] = []
    i = 0
    while i < len(toks):
        known = _known_orgs()
        size = _match(words, i, known)
        kind = known.get(tuple(words[i : i + size])) if size else None
        chain = _chain(toks, words, text, i, heads, demonyms)
        if chain > max(size, 1) and any(w in heads for w in words[i : i + chain]):
            size, kind = chain, "org"
        if size:
            (agencies if kind == "agency" else orgs).append((i, i + size))
            i += size
        else:
            i += 1
    return orgs, agencies


def _next_content(words: list[str], k: int) -> str:
    """The first word from k on that is not a connector or an apostrophe."""
    while k < len(words) and (words[k] in _CONNECT or words[k] in ("’", "'")):
        k += 1
    return words[k] if k < len(words) else ""


def _chain(
    toks: list[re.Match[str]],
    words: list[str],
    text: str,
    i: int,
    heads: frozenset[str],
    demonyms: frozenset[str],
) -> int:
    """Length of the capitalised chain (with connectors) starting at token i."""
    if not (_cap(words[i]) or words[i] in heads) or words[i] in _SENTENCE_STARTERS:
        return 0
    n = 1
    while i + n < len(toks) and n < _MAX_ORG and _adjacent(text, toks[i + n - 1], toks[i + n]):
        word = words[i + n]
        if word in ("’", "'"):
            n += 1
            continue
        if _cap(word) or word in heads or word in _FRENCH_NAME_ADJECTIVES or word in demonyms:
            n += 1
            if toks[i + n - 1].group().endswith("."):
                break
            continue
        french = any(w in _FRENCH_HEADS for w in words[i : i + n])
        if word in ("and", "et") and (
            words[i + n - 1] in heads or _next_content(words, i + n + 1) in heads
        ):
            break  # "Kuwait Petroleum Corporation and Saudi Aramco": two organisations
        if (
            french
            and word.islower()
            and word.isalpha()
            and words[i + n - 1] in ("’", "'", *_CONNECT)
        ):
            n += 1  # "de l'électricité et du gaz"
            continue
        if word in _CONNECT and i + n + 1 < len(toks):
            nxt = words[i + n + 1]
            if (
                _cap(nxt)
                or nxt in ("l", "la", "’", "'")
                or (french and nxt in _CONNECT)
                or nxt in _FRENCH_NAME_ADJECTIVES
                or (french and nxt.isalpha() and nxt.islower() and len(nxt) > 3)
            ):
                n += 2 if french and nxt.islower() and nxt not in ("l", "la") else 1
                continue
        if french and word.islower() and word.rstrip("s").endswith(_FRENCH_ADJECTIVE_ENDINGS):
            n += 1
            continue
        break
    while n > 1 and (words[i + n - 1] in _CONNECT or words[i + n - 1] in ("’", "'")):
        n -= 1
    return n


def latin_agency_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the news agencies an English or French text credits ("Saudi Press Agency")."""
    toks = list(_TOKEN_RE.finditer(text))
    return [(toks[a].start(), toks[b - 1].end()) for a, b in _organisations(toks, text)[1]]


def latin_entities(text: str, places: list[Entity] | None = None) -> list[Entity]:
    """Persons (PER) and organisations (ORG) of an English or French text, in text order."""
    toks = list(_TOKEN_RE.finditer(text))
    place_spans = [(p["start"], p["end"]) for p in places or ()]
    orgs, agencies = _organisations(toks, text)
    found: list[Entity] = []
    for label, spans in (("ORG", orgs), ("PER", _people(toks, text))):
        for a, b in spans:
            start, end = toks[a].start(), toks[b - 1].end()
            if (
                text[end - 1] == "."
                and end - start > 3
                and not text[start:end].endswith(("M.", "Jr."))
            ):
                end -= 1
            if any(s <= start and end <= e for s, e in place_spans):
                continue
            found.append(
                Entity(text=text[start:end], label=label, start=start, end=end, source="rules")
            )
    blocked = [(toks[a].start(), toks[b - 1].end()) for a, b in agencies]
    credits = [(m.start(), m.end()) for m in _CREDIT_RE.finditer(text)]
    found = [
        e
        for e in found
        if e["label"] != "PER" or not any(e["start"] < b and a < e["end"] for a, b in credits)
    ]
    chosen: list[Entity] = []
    for entity in sorted(found, key=lambda e: (e["start"], -(e["end"] - e["start"]))):
        if (chosen and entity["start"] < chosen[-1]["end"]) or any(
            entity["start"] < e and s < entity["end"] for s, e in blocked
        ):
            continue
        chosen.append(entity)
    return chosen
