"""How an address is written for matching: upper case, no accents, the usual abbreviations
expanded, so that "av. Jean-Jaurès", "AVENUE JEAN JAURES" and "Avenue jean jaures" are one
street (docs/sectoring.md).

The official file writes streets as `type_et_libelle` ("ALLEE JEAN JAURES"); people write
them as they like. Both go through `street_key` and meet on the same key.
"""

import re
import unicodedata


#: Abbreviations of a street's type (its first word), as people and the official file write
#: them, and the official spelling.
STREET_TYPES = {
    "AV": "AVENUE",
    "AVE": "AVENUE",
    "BD": "BOULEVARD",
    "BLD": "BOULEVARD",
    "BLVD": "BOULEVARD",
    "BOUL": "BOULEVARD",
    "R": "RUE",
    "PL": "PLACE",
    "IMP": "IMPASSE",
    "CH": "CHEMIN",
    "CHE": "CHEMIN",
    "CHEM": "CHEMIN",
    "ALL": "ALLEE",
    "RTE": "ROUTE",
    "SQ": "SQUARE",
    "QU": "QUAI",
    "PROM": "PROMENADE",
    "CRS": "COURS",
    "FG": "FAUBOURG",
    "FBG": "FAUBOURG",
    "PASS": "PASSAGE",
    "SENT": "SENTIER",
    "LOT": "LOTISSEMENT",
    "RES": "RESIDENCE",
}
#: Abbreviations inside a name (street or commune).
SAINTS = {"ST": "SAINT", "STE": "SAINTE"}

#: Apostrophes (straight and typographic), hyphens and dashes, dots, commas: word separators.
SEPARATORS = re.compile(r"['\u2019\u02bc`\-\u2010\u2011\u2012\u2013\u2014.,/;:()\"]")
SPACES = re.compile(r"\s+")


def fold(text) -> str:
    """Upper case, accents removed, punctuation as spaces, spaces collapsed:
    "Allée  Jean-Jaurès" → "ALLEE JEAN JAURES"."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c))
    # Ligatures NFKD leaves alone (French writes "œ", "æ").
    text = text.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE")
    text = SEPARATORS.sub(" ", text.upper())
    return SPACES.sub(" ", text).strip()


def _saints(words):
    return [SAINTS.get(word, word) for word in words]


def street_key(text) -> str:
    """The key of a street: `fold`, the first word's abbreviation expanded (AV → AVENUE,
    BD → BOULEVARD, R → RUE…), ST/STE → SAINT/SAINTE in the name. Particles (DE, DU, LA…)
    are kept: they are part of the official name."""
    words = fold(text).split()
    if not words:
        return ""
    first = STREET_TYPES.get(words[0], words[0])
    return " ".join([first, *_saints(words[1:])])


def commune_key(text) -> str:
    """The key of a commune's name: `fold`, ST/STE → SAINT/SAINTE
    ("St-Gaudens" → "SAINT GAUDENS")."""
    return " ".join(_saints(fold(text).split()))


#: A house number as people write it: "12", "12 bis", "12B", "12 ter" (the collège depends on
#: the number only).
HOUSE_NUMBER = re.compile(r"^\s*(\d{1,5})\s*(?:bis|ter|quater|quinquies|[a-z])?\s*$", re.IGNORECASE)


def house_number(text):
    """The house number of `text` as an int ("12 bis" → 12), None when empty; ValueError
    when it is not one ("douze", "-3"). The page and `@sectoring` read numbers with it."""
    text = (text or "").strip()
    if not text:
        return None
    match = HOUSE_NUMBER.match(text)
    if match is None:
        raise ValueError(text)
    return int(match.group(1))
