"""The import of the official sectoring file ("carte scolaire", docs/sectoring.md).

The file is read whole, a new index is built from it, and that index replaces the old one
in one write: a refused file (unreadable, a column missing, a rejected row, no row for a
collège of the portal) changes nothing, and neither does a dry run. Rows naming a collège
that is not a school of the portal (the official file also holds lycées and other
départements) are left out and reported by UAI and name. Overlapping ranges that send an
address to two collèges are imported (the lookup gives both collèges) and reported with
both lines.
"""

from dataclasses import dataclass
from dataclasses import field
from ent.policy.csvfiles import ImportFileError
from ent.policy.csvfiles import table_rows
from ent.policy.sectoring.index import get_index
from ent.policy.sectoring.index import INSEE_CODE
from ent.policy.sectoring.index import POSTAL_CODE
from ent.policy.sectoring.index import SectoringIndex
from ent.policy.sectoring.index import set_index
from ent.policy.sectoring.normalize import fold
from ent.policy.sectoring.normalize import street_key
from ent.policy.sectoring.schools import portal_uais
from ent.policy.uai import InvalidUAI
from ent.policy.uai import normalize_uai

import datetime


REQUIRED_COLUMNS = (
    "code_insee", "com_name_upper", "type_et_libelle", "no_de_voie_debut", "no_de_voie_fin", "parite", "code_rne",
)  # fmt: skip
#: House numbers a row may name: the official file writes 9999 for "up to the end".
MAX_NUMBER = 99999
ALL_NUMBERS = (1, 9999)


class RowError(ValueError):
    """One row cannot be imported; the message says why."""


@dataclass
class SectoringReport:
    filename: str = ""
    dry_run: bool = False
    encoding: str = ""
    #: why the whole file was refused (nothing stored), or None
    refused: str | None = None
    stored: bool = False
    rows: int = 0
    created: int = 0
    updated: list = field(default_factory=list)
    unchanged: int = 0
    removed: int = 0
    rejected: list = field(default_factory=list)
    unknown_schools: dict = field(default_factory=dict)
    overlaps: list = field(default_factory=list)
    duplicates: list = field(default_factory=list)

    @property
    def ok(self):
        return self.refused is None

    def summary(self):
        if self.refused:
            return f"refused, nothing imported: {self.refused}"
        prefix = "dry run: would have " if self.dry_run else ""
        return (
            f"{prefix}created {self.created}, updated {len(self.updated)}, unchanged {self.unchanged}, "
            f"removed {self.removed} rows; rejected {len(self.rejected)}; "
            f"{sum(item['rows'] for item in self.unknown_schools.values())} rows for "
            f"{len(self.unknown_schools)} collège(s) not on the portal; {len(self.overlaps)} overlap(s)"
        )

    def as_dict(self):
        return {
            "filename": self.filename,
            "dry_run": self.dry_run,
            "encoding": self.encoding,
            "refused": self.refused,
            "stored": self.stored,
            "summary": self.summary(),
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "removed": self.removed,
            "rejected": self.rejected,
            "unknown_schools": sorted(self.unknown_schools.values(), key=lambda item: item["uai"]),
            "overlaps": self.overlaps,
            "duplicates": self.duplicates,
        }


def decode(data: bytes) -> tuple[bytes, str]:
    """The file as UTF-8 bytes and the encoding it was read in: UTF-8, else Windows-1252
    (Latin-1 as office software writes it)."""
    try:
        data.decode("utf-8-sig")
        return data, "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252").encode("utf-8"), "Latin-1 (Windows-1252)"
    except UnicodeDecodeError:
        return data.decode("latin-1").encode("utf-8"), "Latin-1 (ISO-8859-1)"


def number(row, name, default) -> int:
    text = row[name].strip()
    if not text:
        return default
    if not text.isdigit():
        raise RowError(f"{name} {text!r} is not a house number")
    value = int(text)
    if value > MAX_NUMBER:
        raise RowError(f"{name} {value} is out of range (0 to {MAX_NUMBER})")
    return value


def parity(text) -> str:
    """The official file writes "Tous les N°, de", "N° impairs, de", "N° pairs, de"…"""
    words = fold(text)
    if not words or "TOUS" in words or words in ("ALL", "T", "TOUS"):
        return "all"
    if "IMPAIR" in words or words in ("ODD", "I"):
        return "odd"
    if "PAIR" in words or words in ("EVEN", "P"):
        return "even"
    raise RowError(f"parite {text!r} is not odd, even or all (Tous les N°, N° impairs, N° pairs)")


def row_values(row) -> dict:
    """The values of one row, checked; raise RowError."""
    insee = row["code_insee"].strip().upper()
    if not INSEE_CODE.match(insee):
        raise RowError(f"code_insee {insee!r} is not an INSEE code (5 characters, e.g. 31555)")
    # The commune as people write it ("Bagnères-de-Luchon") when the file has it.
    commune = row.get("libelle_commune", "").strip() or row["com_name_upper"].strip()
    if not commune:
        raise RowError("com_name_upper is empty")
    try:
        uai = normalize_uai(row["code_rne"])
    except InvalidUAI as error:
        raise RowError(f"code_rne: {error}") from None
    first = number(row, "no_de_voie_debut", ALL_NUMBERS[0])
    last = number(row, "no_de_voie_fin", ALL_NUMBERS[1])
    if first > last:
        raise RowError(f"no_de_voie_debut {first} is after no_de_voie_fin {last}")
    postal_code = row.get("code_postal", "").strip()
    return {
        "insee": insee,
        "commune_name": commune,
        "postal_code": postal_code if POSTAL_CODE.match(postal_code) else "",
        "street": row["type_et_libelle"].strip(),
        "first": first,
        "last": last,
        "parity": parity(row["parite"]),
        "uai": uai,
    }


def import_sectoring(data: bytes, filename="", dry_run=False, portal=None) -> SectoringReport:
    """Import the official sectoring file `data` (CSV bytes); see the module's docstring."""
    report = SectoringReport(filename=filename, dry_run=dry_run)
    try:
        index = _build(data, report, portal)
    except ImportFileError as error:
        report.refused = str(error)
        return report
    if report.refused or dry_run:
        return report
    if not (report.created or report.updated or report.removed) and get_index(portal) is not None:
        # The same file again: nothing to swap (an import is idempotent).
        return report
    set_index(index, portal)
    report.stored = True
    return report


def _build(data, report, portal):
    """The new index (finished unless the file is refused), the report filled in."""
    data, report.encoding = decode(data or b"")
    known = portal_uais()
    index = SectoringIndex(source=report.filename, imported=datetime.datetime.now(datetime.UTC))
    index.encoding = report.encoding
    #: (insee, street key, first, last, parity) -> (line, uai) of this file
    seen = {}
    #: (insee, street key) -> the street's ranges so far, for overlaps
    streets = {}
    for line, row, _raw, problem in table_rows(data, REQUIRED_COLUMNS):
        report.rows += 1
        if problem:
            report.rejected.append({"line": line, "reason": problem})
            continue
        try:
            values = row_values(row)
        except RowError as error:
            report.rejected.append({"line": line, "reason": str(error)})
            continue
        if values["uai"] not in known:
            entry = report.unknown_schools.setdefault(
                values["uai"],
                {"uai": values["uai"], "name": row.get("appellation_officielle", ""), "rows": 0, "lines": []},
            )
            entry["rows"] += 1
            if len(entry["lines"]) < 10:
                entry["lines"].append(line)
            continue
        key = street_key(values["street"])
        identity = (values["insee"], key, values["first"], values["last"], values["parity"])
        if identity in seen and seen[identity][1] == values["uai"]:
            report.duplicates.append({"line": line, "same_as": seen[identity][0]})
            continue
        item = index.add(line=line, **values)
        for other in streets.setdefault(identity[:2], []):
            if other.uai != item.uai and other.overlaps(item):
                report.overlaps.append(
                    {
                        "lines": [other.line, line],
                        "insee": values["insee"],
                        "commune": values["commune_name"],
                        "street": values["street"],
                        "uais": [other.uai, item.uai],
                        "message": f"line {other.line} ({other.uai}) and line {line} ({item.uai}) both serve "
                        f"numbers {max(other.first, item.first)} to {min(other.last, item.last)} of "
                        f"{values['street'] or 'the whole commune'}, {values['commune_name']}",
                    }
                )
        streets[identity[:2]].append(item)
        seen.setdefault(identity, (line, values["uai"]))
    if report.rows == 0:
        raise ImportFileError("the file has a header but no row")
    if report.rejected:
        report.refused = (
            f"{len(report.rejected)} row(s) rejected (see their lines): fix them and import the file again; "
            "nothing was imported"
        )
        return index
    if not len(index):
        report.refused = "no row names a collège of the portal (see unknown_schools): nothing was imported"
        return index
    index.finish()
    _compare(index, get_index(portal), report)
    return index


def _compare(index, old, report):
    """Count the rows created, updated (another collège), unchanged and removed since the
    current index."""
    before = {}
    if old is not None:
        for insee, key, item in old.ranges():
            before[(insee, key, item.first, item.last, item.parity)] = item.uai
    for insee, key, item in index.ranges():
        identity = (insee, key, item.first, item.last, item.parity)
        previous = before.pop(identity, None)
        if previous is None:
            report.created += 1
        elif previous == item.uai:
            report.unchanged += 1
        else:
            report.updated.append({"line": item.line, "insee": insee, "street": key, "from": previous, "to": item.uai})
    report.removed = len(before)
