"""Provisioning: people from a CSV into the directory, idempotently.

Columns (UTF-8, header row, comma or semicolon): `id` (the login), `last_name`,
`first_name`, `email`, `profile` (a profile of docs/domain.md), `uais` (the person's schools,
separated by `|` or spaces; empty for County staff), `children` (for parents: the ids of
their children, separated by `|` or spaces).

An account is created or updated, and put in exactly the groups its profile and schools
call for (`{uai}-{profile}`, `all-{profile}`; a principal also in `{uai}-editors`). With
`full=True` the file is the whole population: accounts absent from it are deactivated
(they can no longer log in; their content and memberships stay) for the school-year
rollover. A bad row is rejected with its line and reason while the good rows go in.
"""

from .paging import paged_search
from .shape import DEACTIVATED
from .shape import hash_password
from .shape import person_entry
from .shape import PROFILE_ATTRIBUTE
from .shape import Shape
from dataclasses import dataclass
from dataclasses import field
from ent.policy.csvfiles import table_rows
from ent.policy.groups import county_group
from ent.policy.groups import is_school_editors_group
from ent.policy.groups import PROFILES
from ent.policy.groups import school_editors_group
from ent.policy.groups import school_group
from ent.policy.groups import SCHOOL_PROFILES
from ent.policy.uai import InvalidUAI
from ent.policy.uai import normalize_uai

import ldap
import ldap.modlist
import re


COLUMNS = ("id", "last_name", "first_name", "email", "profile", "uais", "children")
REQUIRED = ("id", "last_name", "profile")
UID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
SEPARATORS = re.compile(r"[|\s]+")


@dataclass
class Person:
    line: int
    uid: str
    first_name: str
    last_name: str
    email: str
    profile: str
    uais: tuple
    children: tuple

    def groups(self) -> set:
        groups = {county_group(self.profile)}
        for uai in self.uais:
            groups.add(school_group(uai, self.profile))
            if self.profile == "principal":
                groups.add(school_editors_group(uai))
        return groups


@dataclass
class ProvisioningReport:
    dry_run: bool = False
    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    deactivated: list = field(default_factory=list)
    rejected: list = field(default_factory=list)

    def summary(self):
        prefix = "dry run: would have " if self.dry_run else ""
        return (
            f"{prefix}created {len(self.created)}, updated {len(self.updated)}, "
            f"deactivated {len(self.deactivated)}, rejected {len(self.rejected)} "
            f"(unchanged {len(self.unchanged)})"
        )


def parse_people(data: bytes, report: ProvisioningReport) -> dict:
    """The valid people of the file by uid; bad rows go to report.rejected."""
    people = {}
    for line, values, row, problem in table_rows(data, REQUIRED, expected=COLUMNS):
        if problem:
            report.rejected.append((line, row[0] if row else "", problem))
            continue
        try:
            person = parse_person(line, values)
            if person.uid in people:
                raise ValueError(f"id {person.uid} is already on line {people[person.uid].line}")
        except ValueError as error:
            report.rejected.append((line, values.get("id", ""), str(error)))
            continue
        people[person.uid] = person
    return people


def parse_person(line, values) -> Person:
    uid = values.get("id", "").lower()
    if not UID_PATTERN.match(uid):
        raise ValueError(f"id={values.get('id', '')!r} is not a login (letters, digits, '.', '-', '_')")
    profile = values.get("profile", "").lower()
    if profile not in PROFILES:
        raise ValueError(f"profile={values.get('profile', '')!r} is not one of {', '.join(PROFILES)}")
    if not values.get("last_name"):
        raise ValueError("last_name is empty")
    email = values.get("email", "")
    if email and not EMAIL_PATTERN.match(email):
        raise ValueError(f"email={email!r} is not an e-mail address")
    try:
        uais = tuple(sorted({normalize_uai(u) for u in SEPARATORS.split(values.get("uais", "")) if u}))
    except InvalidUAI as error:
        raise ValueError(str(error)) from None
    if profile in SCHOOL_PROFILES and not uais:
        raise ValueError(f"a {profile} belongs to at least one school: uais is empty")
    if profile == "county" and uais:
        raise ValueError("County staff belong to no school: uais must be empty")
    children = tuple(sorted({c.lower() for c in SEPARATORS.split(values.get("children", "")) if c}))
    if children and profile != "parent":
        raise ValueError(f"only parents have children (profile is {profile})")
    return Person(line, uid, values.get("first_name", ""), values["last_name"], email, profile, uais, children)


class DirectoryWriter:
    """The LDAP connection provisioning writes through: people and groups read once, written in few operations."""

    def __init__(self, uri, bind_dn, password, shape: Shape, timeout=10):
        self.shape = shape
        self.connection = ldap.initialize(uri)
        self.connection.set_option(ldap.OPT_NETWORK_TIMEOUT, timeout)
        self.connection.set_option(ldap.OPT_REFERRALS, 0)
        self.connection.simple_bind_s(bind_dn, password)

    def search(self, base, query, attributes):
        return paged_search(self.connection, base, query, attributes, page_size=1000)

    def people(self) -> dict:
        attributes = ["uid", "cn", "sn", "givenName", "mail", PROFILE_ATTRIBUTE, "description", "seeAlso"]
        return {
            entry["uid"][0].decode(): (dn, entry)
            for dn, entry in self.search(self.shape.people, "(objectClass=inetOrgPerson)", attributes)
        }

    def groups(self) -> dict:
        return {
            entry["cn"][0].decode(): (dn, {member.decode() for member in entry.get("member", [])})
            for dn, entry in self.search(self.shape.groups, "(objectClass=groupOfNames)", ["cn", "member"])
        }


def wanted_entry(person: Person, shape: Shape):
    entry = person_entry(person.uid, person.first_name, person.last_name, person.email, person.profile)
    if person.children:
        entry["seeAlso"] = [shape.person_dn(child).encode() for child in person.children]
    return entry


def child_problem(person, people, existing):
    """Why a parent's children cannot be linked, or None: they must be students."""
    for child in person.children:
        if child in people:
            profile = people[child].profile
        elif child in existing:
            profile = existing[child][1].get(PROFILE_ATTRIBUTE, [b""])[0].decode()
        else:
            return f"child {child} is neither in this file nor in the directory"
        if profile != "student":
            return f"child {child} is a {profile}, not a student"
    return None


def provision(
    directory: DirectoryWriter, data: bytes, full=False, dry_run=False, initial_password=None
) -> ProvisioningReport:
    """Apply the people of `data` (CSV bytes) to the directory; return what changed."""
    report = ProvisioningReport(dry_run=dry_run)
    people = parse_people(data, report)
    existing = directory.people()
    for uid, person in list(people.items()):
        problem = child_problem(person, people, existing)
        if problem:
            report.rejected.append((person.line, uid, problem))
            del people[uid]
    report.rejected.sort()

    for uid, person in sorted(people.items()):
        dn = directory.shape.person_dn(uid)
        wanted = wanted_entry(person, directory.shape)
        if uid not in existing:
            report.created.append(uid)
            if initial_password:
                wanted["userPassword"] = [hash_password(initial_password)]
            if not dry_run:
                directory.connection.add_s(dn, ldap.modlist.addModlist(wanted))
            continue
        current = existing[uid][1]
        # Reappearing in an import reactivates a deactivated account.
        owned = ("cn", "sn", "givenName", "mail", PROFILE_ATTRIBUTE, "description", "seeAlso")
        before = {name: sorted(current.get(name, [])) for name in owned}
        after = {name: sorted(wanted.get(name, [])) for name in owned}
        if before == after:
            report.unchanged.append(uid)
            continue
        report.updated.append(uid)
        if not dry_run:
            directory.connection.modify_s(dn, ldap.modlist.modifyModlist(before, after))

    if full:
        for uid, (dn, entry) in sorted(existing.items()):
            if uid in people or DEACTIVATED.encode() in entry.get("description", []):
                continue
            report.deactivated.append(uid)
            if not dry_run:
                directory.connection.modify_s(dn, [(ldap.MOD_REPLACE, "description", [DEACTIVATED.encode()])])

    if not dry_run:
        write_groups(directory, people)
    return report


def write_groups(directory, people):
    """Give the people of the file exactly the groups their profile and schools call for.

    People not in the file keep their memberships; `{uai}-editors` are only added to,
    since principals also delegate editing by hand.
    """
    from .shape import EMPTY_MEMBER
    from .shape import group_entry
    from ent.policy.groups import county_groups
    from ent.policy.groups import school_groups

    groups = directory.groups()
    in_file = {directory.shape.person_dn(uid) for uid in people}
    wanted = {}
    for uid, person in people.items():
        for group_id in person.groups():
            wanted.setdefault(group_id, set()).add(directory.shape.person_dn(uid))
    titles = county_groups()
    for person in people.values():
        for uai in person.uais:
            titles.update(school_groups(uai))
    for group_id in set(wanted) | {g for g, (_, members) in groups.items() if members & in_file}:
        dn, before = groups.get(group_id, (None, set()))
        before = before - {EMPTY_MEMBER}
        keep = before if is_school_editors_group(group_id) else before - in_file
        after = keep | wanted.get(group_id, set())
        if dn is None:
            entry = group_entry(group_id, titles.get(group_id, group_id), after)
            directory.connection.add_s(directory.shape.group_dn(group_id), ldap.modlist.addModlist(entry))
            continue
        if before == after:
            continue
        changes = []
        if after - before:
            changes.append((ldap.MOD_ADD, "member", [m.encode() for m in sorted(after - before)]))
        if before - after:
            changes.append((ldap.MOD_DELETE, "member", [m.encode() for m in sorted(before - after)]))
        if not after:
            changes.append((ldap.MOD_ADD, "member", [EMPTY_MEMBER.encode()]))
        elif EMPTY_MEMBER in groups[group_id][1]:
            changes.append((ldap.MOD_DELETE, "member", [EMPTY_MEMBER.encode()]))
        directory.connection.modify_s(dn, changes)
