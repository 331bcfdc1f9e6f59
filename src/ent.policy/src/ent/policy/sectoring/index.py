"""The sectoring index: which collège serves an address, found by commune then street.

One persistent object on the portal (annotation `ent.sectoring`), built whole by the import
and swapped in one transaction: a lookup never sees half a file. A lookup reads one commune
(BTree by INSEE code), one street (BTree by `street_key`) and that street's few ranges; it
never scans the rows.
"""

from BTrees.OOBTree import OOBTree
from BTrees.OOBTree import OOTreeSet
from dataclasses import dataclass
from ent.policy.sectoring.normalize import commune_key
from ent.policy.sectoring.normalize import fold
from ent.policy.sectoring.normalize import SAINTS
from ent.policy.sectoring.normalize import street_key
from persistent import Persistent
from plone import api
from zope.annotation.interfaces import IAnnotations

import datetime
import re


ANNOTATION_KEY = "ent.sectoring"
PARITIES = ("odd", "even", "all")
INSEE_CODE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
POSTAL_CODE = re.compile(r"^\d{5}$")


@dataclass(frozen=True)
class Answer:
    """The answer to a lookup: `uai` when one collège serves the address, else the
    `candidates` and the `reason` (a machine word, see `SectoringIndex.lookup`)."""

    uai: str | None = None
    candidates: tuple = ()
    reason: str = "found"


@dataclass(frozen=True)
class Range:
    """One row of the official file: the numbers `first`..`last` of a street with their
    parity, served by the collège `uai`; `line` is the row's line in the imported file."""

    first: int
    last: int
    parity: str
    uai: str
    line: int = 0

    def serves(self, number: int) -> bool:
        if not self.first <= number <= self.last:
            return False
        if self.parity == "odd":
            return number % 2 == 1
        if self.parity == "even":
            return number % 2 == 0
        return True

    def overlaps(self, other) -> bool:
        """Some number is in both ranges (an odd and an even range never meet)."""
        low, high = max(self.first, other.first), min(self.last, other.last)
        if low > high:
            return False
        parities = {self.parity, other.parity} - {"all"}
        if len(parities) == 2:
            return False
        if not parities:
            return True
        remainder = 1 if parities == {"odd"} else 0
        return any(number % 2 == remainder for number in (low, low + 1) if number <= high)

    def as_tuple(self):
        return (self.first, self.last, self.parity, self.uai, self.line)


class Commune(Persistent):
    """A commune of the index: its name, postal codes, streets and their ranges."""

    def __init__(self, insee, name):
        self.insee = insee
        self.name = name
        self.key = commune_key(name)
        self.postal_codes = ()
        #: street key -> tuple of Range tuples
        self.streets = OOBTree()
        #: street key -> the street's name as the file writes it
        self.names = OOBTree()
        #: word of a street key -> street keys holding it (completion)
        self.words = OOBTree()
        #: the collège serving the whole commune (a row without street, or every row's)
        self.whole = None
        #: the rows without street (Range tuples)
        self.whole_rows = ()
        #: every collège serving part of the commune, sorted
        self.uais = ()

    @property
    def postal_code(self):
        return self.postal_codes[0] if self.postal_codes else ""

    def ranges(self, key):
        return tuple(Range(*item) for item in self.streets.get(key, ()))

    def streets_matching(self, text):
        """The street keys holding every word of `text` (as a word or the start of one)."""
        # The street type the person typed (or its abbreviation) is a word like the others;
        # "st" may be its first word ("st jean").
        wanted = [SAINTS.get(word, word) for word in street_key(text).split()]
        found = None
        for word in wanted:
            keys = set()
            for _word, street_keys in self.words.items(min=word, max=word + "\uffff"):
                keys.update(street_keys)
            found = keys if found is None else found & keys
            if not found:
                return []
        return sorted(found or ())


class SectoringIndex(Persistent):
    """The sectoring of the County, built by `add` then `finish`, read by `lookup`."""

    def __init__(self, source="", imported=None):
        self.source = source
        self.imported = imported or datetime.datetime.now(datetime.UTC)
        self.encoding = ""
        self.rows = 0
        self._communes = OOBTree()

    # Building

    def add(self, insee, commune_name, postal_code, street, first, last, parity, uai, line=0):
        """Add one row; `street` empty means the whole commune. Returns the Range."""
        commune = self._communes.get(insee)
        if commune is None:
            commune = self._communes[insee] = Commune(insee, commune_name)
        if postal_code and postal_code not in commune.postal_codes:
            commune.postal_codes = tuple(sorted((*commune.postal_codes, postal_code)))
        item = Range(first, last, parity, uai, line)
        self.rows += 1
        key = street_key(street)
        if not key:
            commune.whole_rows = (*commune.whole_rows, item.as_tuple())
            return item
        commune.streets[key] = (*commune.streets.get(key, ()), item.as_tuple())
        if key not in commune.names:
            commune.names[key] = " ".join(fold(street).split()) or key
            for word in set(key.split()):
                if word not in commune.words:
                    commune.words[word] = OOTreeSet()
                commune.words[word].insert(key)
        return item

    def finish(self):
        """Compute each commune's collèges and the one serving all of it, if any."""
        for commune in self._communes.values():
            uais = {Range(*item).uai for item in commune.whole_rows}
            whole_rows = set(uais)
            for ranges in commune.streets.values():
                uais.update(item[3] for item in ranges)
            commune.uais = tuple(sorted(uais))
            if len(whole_rows) == 1:
                commune.whole = next(iter(whole_rows))
            elif len(uais) == 1:
                commune.whole = commune.uais[0]
        return self

    # Reading

    def __len__(self):
        return self.rows

    def commune(self, insee):
        return self._communes.get((insee or "").strip().upper())

    def ranges(self):
        """Every (insee, street key, Range): for the import's comparison, not for lookups."""
        for insee, commune in self._communes.items():
            for item in commune.whole_rows:
                yield insee, "", Range(*item)
            for key, ranges in commune.streets.items():
                for item in ranges:
                    yield insee, key, Range(*item)

    def _commune_entry(self, commune):
        return {"insee": commune.insee, "name": commune.name, "postal_code": commune.postal_code}

    def communes(self) -> list:
        """Every commune, sorted by name: {insee, name, postal_code}."""
        entries = [self._commune_entry(commune) for commune in self._communes.values()]
        return sorted(entries, key=lambda entry: (commune_key(entry["name"]), entry["insee"]))

    def find_communes(self, text, limit=10) -> list:
        """The communes whose name starts with `text` (first) or contains it, or whose INSEE
        code or postal code is `text` (or starts with it)."""
        text = (text or "").strip()
        if not text:
            return []
        wanted = commune_key(text)
        if not wanted:
            return []
        starts, contains = [], []
        for commune in self._communes.values():
            if (
                commune.key.startswith(wanted)
                or commune.insee.startswith(wanted)
                or any(code.startswith(wanted) for code in commune.postal_codes)
            ):
                starts.append(commune)
            elif wanted in commune.key:
                contains.append(commune)
        ordered = sorted(starts, key=lambda c: (c.key, c.insee)) + sorted(contains, key=lambda c: (c.key, c.insee))
        return [self._commune_entry(commune) for commune in ordered[:limit]]

    def find_streets(self, insee, text, limit=10) -> list:
        """The names of the commune's streets holding every word of `text` (a word or the
        start of one): "jaures" finds "ALLEE JEAN JAURES"; those starting with it first."""
        commune = self.commune(insee)
        if commune is None or not (text or "").strip():
            return []
        keys = commune.streets_matching(text)
        wanted = street_key(text)
        keys.sort(key=lambda key: (not key.startswith(wanted), key))
        return [commune.names[key] for key in keys[:limit]]

    def lookup(self, insee, street, number) -> Answer:
        """The collège serving `number` `street` in the commune `insee` (`number` an int or
        None). Never raises for what a person typed; the reasons:

        - "found": one collège serves the address;
        - "whole-commune": one collège serves the whole commune;
        - "unknown-commune": the commune is not in the sectoring (no candidates);
        - "unknown-street": no such street (or none given): the commune's collèges;
        - "no-number": the street is split between collèges: the street's collèges;
        - "out-of-range": no range of the street holds the number: the street's collèges;
        - "ambiguous": two collèges serve the address (overlapping rows): both.
        """
        commune = self.commune(insee if isinstance(insee, str) else "")
        if commune is None:
            return Answer(None, (), "unknown-commune")
        street = street if isinstance(street, str) else ""
        number = number if isinstance(number, int) and number >= 0 else None
        key = street_key(street)
        ranges = commune.ranges(key) if key else ()
        if key and not ranges:
            # "Jean Jaurès" without its type: the one street holding those words, if only one.
            matching = commune.streets_matching(street)
            if len(matching) == 1:
                ranges = commune.ranges(matching[0])
        if not ranges:
            if commune.whole:
                return Answer(commune.whole, (), "whole-commune")
            return Answer(None, commune.uais, "unknown-street")
        street_uais = tuple(sorted({item.uai for item in ranges}))
        if number is None:
            if len(street_uais) == 1:
                return Answer(street_uais[0], (), "found")
            return Answer(None, street_uais, "no-number")
        serving = tuple(sorted({item.uai for item in ranges if item.serves(number)}))
        if len(serving) == 1:
            return Answer(serving[0], (), "found")
        if serving:
            return Answer(None, serving, "ambiguous")
        return Answer(None, street_uais, "out-of-range")


def get_index(portal=None):
    """The portal's sectoring index, or None before the first import."""
    portal = portal if portal is not None else api.portal.get()
    return IAnnotations(portal).get(ANNOTATION_KEY)


def set_index(index, portal=None):
    """Swap in `index` (finished) as the portal's sectoring: one write, one transaction."""
    portal = portal if portal is not None else api.portal.get()
    IAnnotations(portal)[ANNOTATION_KEY] = index
    return index
