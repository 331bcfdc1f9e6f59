"""Who is told: the members of the notified groups, with their e-mail addresses.

Directory groups are read with python-ldap directly, in a few searches: the group entries
(their `member` values), then the people, either by name (a few) or in one paged scan of the
people branch (many). PAS would look each person up on their own: minutes for the 61,000
members of `all-parent`. Plone's own groups (a site without directory, or groups made in
Plone) are read through PAS, where they are few. Deactivated accounts get nothing (the
directory plugin's user filter).

Directory groups hold people (`docs/directory.md`): a member that is not under the people
branch is ignored. Plone groups may hold groups: they are followed.
"""

from ent.policy.directory.config import current_config as directory_config
from ent.policy.directory.connection import bound_connection
from ent.policy.directory.paging import paged_search
from ent.policy.directory.shape import DEACTIVATED
from typing import NamedTuple

import ldap
import ldap.dn
import ldap.filter
import logging


logger = logging.getLogger("ent.policy.notifications")

#: Group entries, and people by name, are asked for this many at a time (filter length).
BATCH = 200
#: Beyond this many people, one paged scan of the people branch beats searches by name.
SCAN_ABOVE = 2000
#: Beyond this many candidates, `members_among` reads the whole groups instead.
CANDIDATES_BY_SEARCH = 200
#: Searches of whole groups and people may be long; this bounds each operation.
OPERATION_TIMEOUT = 300
GROUP_ID_ATTRIBUTE = "cn"


class Person(NamedTuple):
    id: str
    email: str
    fullname: str


def normalized_dn(dn: str) -> str:
    try:
        return ldap.dn.dn2str(ldap.dn.str2dn(dn)).lower()
    except ldap.DECODING_ERROR:
        return dn.lower()


def any_of(attribute, values):
    parts = "".join(f"({attribute}={ldap.filter.escape_filter_chars(v)})" for v in values)
    return f"(|{parts})"


class DirectoryGroups:
    """The directory of ENT_LDAP_*: group members and people, in bulk."""

    def __init__(self, config=None):
        self.config = config or directory_config()
        self.connection = None
        self.people_base = normalized_dn(self.config.users_base)
        self.people_filter = f"(&{self.config.users_filter}(!(description={DEACTIVATED})))"
        self.attributes = [self.config.login_attribute, self.config.email_attribute, self.config.fullname_attribute]

    @property
    def enabled(self):
        return self.config.enabled

    def connect(self):
        if self.connection is None:
            self.connection = bound_connection(self.config, OPERATION_TIMEOUT)
        return self.connection

    def close(self):
        if self.connection is not None:
            try:
                self.connection.unbind_s()
            except ldap.LDAPError:
                pass
            self.connection = None

    def search(self, base, query, attributes):
        """A paged one-level search: (dn, entry) of every match."""
        return paged_search(self.connect(), base, query, attributes, self.config.page_size, OPERATION_TIMEOUT)

    def person(self, entry):
        def first(name):
            for key, values in entry.items():
                if key.lower() == name.lower() and values:
                    return values[0].decode("utf-8", "replace")
            return ""

        return Person(
            first(self.config.login_attribute),
            first(self.config.email_attribute),
            first(self.config.fullname_attribute),
        )

    def group_members(self, group_ids) -> dict:
        """group id → normalized DNs of its people; groups unknown to the directory are absent."""
        members = {}
        ids = sorted(set(group_ids))
        for start in range(0, len(ids), BATCH):
            query = f"(&{self.config.groups_filter}{any_of(GROUP_ID_ATTRIBUTE, ids[start : start + BATCH])})"
            for _, entry in self.search(self.config.groups_base, query, [GROUP_ID_ATTRIBUTE, "member"]):
                group_id = entry[GROUP_ID_ATTRIBUTE][0].decode()
                dns = members.setdefault(group_id, set())
                for value in entry.get("member", ()):
                    dn = normalized_dn(value.decode("utf-8", "replace"))
                    if dn.endswith("," + self.people_base):
                        dns.add(dn)
        return members

    def people(self, dns) -> dict:
        """normalized DN → Person, for the active people among `dns`."""
        dns = set(dns)
        found = {}
        if len(dns) > SCAN_ABOVE:
            for dn, entry in self.search(self.config.users_base, self.people_filter, self.attributes):
                key = normalized_dn(dn)
                if key in dns:
                    found[key] = self.person(entry)
            return found
        by_rdn = {}
        for dn in dns:
            attribute, value, _ = ldap.dn.str2dn(dn)[0][0]
            by_rdn.setdefault(attribute, []).append(value)
        for attribute, values in by_rdn.items():
            values.sort()
            for start in range(0, len(values), BATCH):
                query = f"(&{self.people_filter}{any_of(attribute, values[start : start + BATCH])})"
                for dn, entry in self.search(self.config.users_base, query, self.attributes):
                    key = normalized_dn(dn)
                    if key in dns:
                        found[key] = self.person(entry)
        return found

    def people_by_id(self, user_ids) -> dict:
        """normalized DN → Person, for the active people with these user ids."""
        ids = sorted(set(user_ids))
        found = {}
        for start in range(0, len(ids), BATCH):
            query = f"(&{self.people_filter}{any_of(self.config.login_attribute, ids[start : start + BATCH])})"
            for dn, entry in self.search(self.config.users_base, query, self.attributes):
                found[normalized_dn(dn)] = self.person(entry)
        return found

    def groups_of(self, dn, group_ids) -> set:
        """Which of `group_ids` hold the person `dn` (one indexed search)."""
        query = (
            f"(&{self.config.groups_filter}(member={ldap.filter.escape_filter_chars(dn)})"
            f"{any_of(GROUP_ID_ATTRIBUTE, sorted(group_ids))})"
        )
        return {
            entry[GROUP_ID_ATTRIBUTE][0].decode()
            for _, entry in self.search(self.config.groups_base, query, [GROUP_ID_ATTRIBUTE])
        }


class PloneGroups:
    """Plone's own groups (source_groups) and their users, through PAS."""

    def __init__(self, site):
        self.pas = site.acl_users
        self.source = getattr(self.pas, "source_groups", None)
        self._people = {}

    def known(self):
        return set(self.source.getGroupIds()) if self.source is not None else set()

    def members(self, group_id, seen=None) -> set:
        """User ids in the Plone group `group_id`, its groups followed."""
        if self.source is None:
            return set()
        seen = set() if seen is None else seen
        if group_id in seen:
            return set()
        seen.add(group_id)
        groups = self.known()
        users = set()
        try:
            member_ids = self.source.getGroupMembers(group_id)
        except KeyError:
            return users
        for member_id in member_ids:
            if member_id in groups:
                users |= self.members(member_id, seen)
            else:
                users.add(member_id)
        return users

    def person(self, user_id):
        if user_id not in self._people:
            user = self.pas.getUserById(user_id)
            if user is None:
                self._people[user_id] = None
            else:
                email = user.getProperty("email", "") or ""
                fullname = user.getProperty("fullname", "") or user_id
                self._people[user_id] = Person(user_id, email, fullname)
        return self._people[user_id]


class Recipients:
    """The people of some groups, from the directory and from Plone, for one run."""

    def __init__(self, site, directory=None):
        self.site = site
        self.directory = directory if directory is not None else DirectoryGroups()
        self.plone = PloneGroups(site)

    def close(self):
        if self.directory.enabled:
            self.directory.close()

    def members_by_group(self, group_ids) -> tuple:
        """(group id → user ids, user id → Person): every member of every group."""
        group_ids = set(group_ids)
        by_group = {group_id: set() for group_id in group_ids}
        people = {}
        if self.directory.enabled:
            dns_by_group = self.directory.group_members(group_ids)
            all_dns = set().union(*dns_by_group.values()) if dns_by_group else set()
            found = self.directory.people(all_dns)
            for group_id, dns in dns_by_group.items():
                for dn in dns:
                    person = found.get(dn)
                    if person is not None and person.id:
                        by_group[group_id].add(person.id)
                        people[person.id] = person
        for group_id in group_ids & self.plone.known():
            for user_id in self.plone.members(group_id):
                person = people.get(user_id) or self.plone.person(user_id)
                if person is not None:
                    by_group[group_id].add(user_id)
                    people[user_id] = person
        return by_group, people

    def people(self, user_ids) -> dict:
        """user id → Person, for people named one by one (a space's members): one directory
        search per BATCH ids, PAS for those the directory does not know."""
        user_ids = set(user_ids)
        found = {}
        if not user_ids:
            return found
        if self.directory.enabled:
            for person in self.directory.people_by_id(user_ids).values():
                if person.id in user_ids:
                    found[person.id] = person
        for user_id in user_ids - set(found):
            person = self.plone.person(user_id)
            if person is not None:
                found[user_id] = person
        return found

    def members_among(self, group_ids, candidates) -> dict:
        """user id → Person, for the `candidates` who belong to one of `group_ids`.

        Few candidates (those who chose `immediate`): a search each, whatever the size of
        the groups. Many: the whole groups are read once.
        """
        candidates = set(candidates)
        if not candidates or not group_ids:
            return {}
        if len(candidates) > CANDIDATES_BY_SEARCH:
            by_group, people = self.members_by_group(group_ids)
            members = set().union(*by_group.values())
            return {user_id: people[user_id] for user_id in members & candidates}
        found = {}
        if self.directory.enabled:
            for dn, person in self.directory.people_by_id(candidates).items():
                if self.directory.groups_of(dn, group_ids):
                    found[person.id] = person
        plone_groups = set(group_ids) & self.plone.known()
        if plone_groups:
            members = set().union(*(self.plone.members(g) for g in plone_groups))
            for user_id in (members & candidates) - set(found):
                person = self.plone.person(user_id)
                if person is not None:
                    found[user_id] = person
        return found
