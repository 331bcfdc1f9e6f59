"""Import of the official list of schools (the CSV format of colleges-haute-garonne.csv).

Idempotent: a school is found by its UAI; a changed row updates it, an identical row
changes nothing. A whole-file problem (empty, not UTF-8, not CSV, missing columns) raises
`ImportFileError` before anything changes; a bad row is rejected with its line number
and reason while the good rows go in. Each row is checked in full before the site is
touched, so that no school is left half-changed.
"""

from dataclasses import dataclass
from dataclasses import field
from ent.policy.content.school import find_school_by_uai
from ent.policy.content.school import INSEE_CODE
from ent.policy.content.school import POSTAL_CODE
from ent.policy.content.school import PRIORITY_EDUCATION
from ent.policy.csvfiles import ImportFileError
from ent.policy.csvfiles import table_rows
from ent.policy.hardening.urls import is_safe_url
from ent.policy.uai import InvalidUAI
from ent.policy.uai import normalize_uai
from pathlib import Path
from plone import api
from zope.lifecycleevent import modified

import re


PACKAGED_SCHOOLS = Path(__file__).resolve().parent.parent / "data" / "colleges-haute-garonne.csv"
REQUIRED_COLUMNS = ("uai", "name")
KNOWN_COLUMNS = (
    "uai", "name", "address_1", "address_2", "address_3", "postal_code", "insee_code", "commune",
    "phone", "website", "email", "catering", "boarding", "segpa", "ulis", "priority_education",
    "latitude", "longitude", "status",
)  # fmt: skip
OPEN_STATUS = "OUVERT"
TRUE_VALUES = {"1", "true", "oui", "yes", "o"}
FALSE_VALUES = {"0", "false", "non", "no", "n", ""}
#: Fields of the School type that the import owns; any other field is left as it is.
IMPORTED_FIELDS = (
    "title", "address", "postal_code", "commune", "insee_code", "phone", "email", "website",
    "catering", "boarding", "segpa", "ulis", "priority_education", "latitude", "longitude",
)  # fmt: skip


class RowError(ValueError):
    """One row cannot be imported; the message says why."""


@dataclass
class Rejected:
    line: int
    uai: str
    reason: str

    def as_dict(self):
        return {"line": self.line, "uai": self.uai, "reason": self.reason}


@dataclass
class ImportReport:
    dry_run: bool = False
    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    rejected: list = field(default_factory=list)

    def summary(self):
        prefix = "dry run: would have " if self.dry_run else ""
        return (
            f"{prefix}created {len(self.created)}, updated {len(self.updated)}, "
            f"unchanged {len(self.unchanged)}, rejected {len(self.rejected)}"
        )

    def as_dict(self):
        return {
            "dry_run": self.dry_run,
            "summary": self.summary(),
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": [item.as_dict() for item in self.rejected],
        }


def read_rows(data: bytes):
    """(line number, {column: value}) for each row, or (line, RowError, row) for a row of
    the wrong length; raise ImportFileError for the file."""
    rows = []
    for line, values, row, problem in table_rows(data, REQUIRED_COLUMNS):
        rows.append((line, RowError(problem), row) if problem else (line, None, values))
    if not rows:
        raise ImportFileError("the file has a header but no school")
    return rows


def _flag(row, name):
    value = row.get(name, "").lower()
    if value in TRUE_VALUES:
        return True
    if value in FALSE_VALUES:
        return False
    raise RowError(f"{name}={row[name]!r} is not 0 or 1")


def _coordinate(row, name, limit):
    raw = row.get(name, "")
    if not raw:
        return None
    try:
        value = float(raw.replace(",", "."))
    except ValueError:
        raise RowError(f"{name}={raw!r} is not a number") from None
    if not -limit <= value <= limit:
        raise RowError(f"{name}={raw!r} is out of range")
    return value


def school_values(row: dict) -> tuple[str, dict]:
    """Check one row in full; return (UAI, School field values) or raise RowError."""
    try:
        uai = normalize_uai(row.get("uai", ""))
    except InvalidUAI as error:
        raise RowError(str(error)) from None
    status = row.get("status", OPEN_STATUS).upper()
    if status and status != OPEN_STATUS:
        raise RowError(f"status={row['status']!r}: only open schools ({OPEN_STATUS}) are imported")
    name = row.get("name", "")
    if not name:
        raise RowError("the name is empty")
    postal_code = row.get("postal_code", "")
    if postal_code and not POSTAL_CODE.fullmatch(postal_code):
        raise RowError(f"postal_code={postal_code!r} is not 5 digits")
    insee = row.get("insee_code", "")
    if insee and not INSEE_CODE.fullmatch(insee):
        raise RowError(f"insee_code={insee!r} is not an INSEE code")
    email = row.get("email", "")
    if email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
        raise RowError(f"email={email!r} is not an e-mail address")
    website = row.get("website", "")
    if website and not (re.match(r"https?://\S+$", website) and is_safe_url(website)):
        raise RowError(f"website={website!r} is not an http(s) address")
    priority = row.get("priority_education", "").upper()
    if priority and priority not in PRIORITY_EDUCATION:
        raise RowError(
            f"priority_education={row['priority_education']!r} is not one of {', '.join(PRIORITY_EDUCATION)}"
        )
    address = "\n".join(row[name] for name in ("address_1", "address_2", "address_3") if row.get(name))
    values = {
        "title": name,
        "address": address or None,
        "postal_code": postal_code or None,
        "commune": row.get("commune") or None,
        "insee_code": insee or None,
        "phone": row.get("phone") or None,
        "email": email or None,
        "website": website or None,
        "catering": _flag(row, "catering"),
        "boarding": _flag(row, "boarding"),
        "segpa": _flag(row, "segpa"),
        "ulis": _flag(row, "ulis"),
        "priority_education": priority or None,
        "latitude": _coordinate(row, "latitude", 90),
        "longitude": _coordinate(row, "longitude", 180),
    }
    return uai, values


def changes(school, values: dict) -> dict:
    return {name: value for name, value in values.items() if getattr(school, name, None) != value}


def import_schools(container, data: bytes, dry_run: bool = False) -> ImportReport:
    """Import the schools of `data` (CSV bytes) into `container` (the schools folder)."""
    report = ImportReport(dry_run=dry_run)
    seen = {}
    for line, problem, row in read_rows(data):
        uai_cell = row[0] if problem is not None and row else (row or {}).get("uai", "")
        if problem is not None:
            report.rejected.append(Rejected(line, uai_cell, str(problem)))
            continue
        try:
            uai, values = school_values(row)
            if uai in seen:
                raise RowError(f"UAI {uai} is already on line {seen[uai]}")
            seen[uai] = line
            brain = find_school_by_uai(uai)
            if brain is None and uai.lower() in container.objectIds():
                raise RowError(f"{container.absolute_url_path()}/{uai.lower()} exists and is not the school {uai}")
        except RowError as error:
            report.rejected.append(Rejected(line, row.get("uai", ""), str(error)))
            continue
        if brain is None:
            report.created.append(uai)
            if not dry_run:
                create_school(container, uai, values)
            continue
        school = brain._unrestrictedGetObject()
        diff = changes(school, values)
        if not diff:
            report.unchanged.append(uai)
            continue
        report.updated.append(uai)
        if not dry_run:
            for name, value in diff.items():
                setattr(school, name, value)
            modified(school)
    return report


def create_school(container, uai, values):
    school = api.content.create(container=container, type="School", id=uai.lower(), uai=uai, **values)
    api.content.transition(obj=school, transition="publish")
    return school
