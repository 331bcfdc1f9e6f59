"""The shape of the ENT directory: where people and groups live and what they carry.

People are `inetOrgPerson` entries under the people branch, named by `uid` (the login);
their profile is `employeeType`. Groups are `groupOfNames` under the groups branch, named by
`cn`, which is the group id of `ent.policy.groups`. The one place that spells a DN.
"""

from dataclasses import dataclass
from ent.policy.groups import check_profile

import base64
import hashlib
import os


PERSON_CLASSES = (b"top", b"person", b"organizationalPerson", b"inetOrgPerson")
GROUP_CLASSES = (b"top", b"groupOfNames")
#: A groupOfNames needs at least one member: empty groups hold this placeholder.
EMPTY_MEMBER = "cn=nobody"
PROFILE_ATTRIBUTE = "employeeType"
#: Accounts deactivated by provisioning (school-year rollover) carry this value in
#: `description`; the directory's user filter leaves them out, so they cannot log in.
DEACTIVATED = "ent:deactivated"


@dataclass(frozen=True)
class Shape:
    base: str
    people: str
    groups: str

    @classmethod
    def from_base(cls, base, people=None, groups=None):
        return cls(base=base, people=people or f"ou=people,{base}", groups=groups or f"ou=groups,{base}")

    def person_dn(self, uid: str) -> str:
        return f"uid={uid},{self.people}"

    def group_dn(self, group_id: str) -> str:
        return f"cn={group_id},{self.groups}"

    def branches(self):
        """The base entry and the two branches, as (dn, attributes) for LDIF."""
        top = self.base.split(",", 1)[0]
        kind, value = top.split("=", 1)
        base_entry = {"objectClass": [b"top", b"dcObject", b"organization"], "o": [b"ENT"], kind: [value.encode()]}
        return [
            (self.base, base_entry),
            (
                self.people,
                {"objectClass": [b"top", b"organizationalUnit"], "ou": [self.people.split(",")[0][3:].encode()]},
            ),
            (
                self.groups,
                {"objectClass": [b"top", b"organizationalUnit"], "ou": [self.groups.split(",")[0][3:].encode()]},
            ),
        ]


def hash_password(password: str) -> bytes:
    """An {SSHA} hash, as slapd checks it."""
    salt = os.urandom(8)
    digest = hashlib.sha1(password.encode("utf-8") + salt).digest()
    return b"{SSHA}" + base64.b64encode(digest + salt)


def person_entry(uid, first_name, last_name, email, profile, password_hash=None, deactivated=False):
    entry = {
        "objectClass": list(PERSON_CLASSES),
        "uid": [uid.encode()],
        "cn": [f"{first_name} {last_name}".strip().encode()],
        "sn": [(last_name or uid).encode()],
        "givenName": [first_name.encode()] if first_name else [],
        "mail": [email.encode()] if email else [],
        PROFILE_ATTRIBUTE: [check_profile(profile).encode()],
        "userPassword": [password_hash] if password_hash else [],
        "description": [DEACTIVATED.encode()] if deactivated else [],
    }
    return {name: values for name, values in entry.items() if values}


def group_entry(group_id, title, member_dns):
    members = sorted(member_dns) or [EMPTY_MEMBER]
    return {
        "objectClass": list(GROUP_CLASSES),
        "cn": [group_id.encode()],
        "description": [title.encode()],
        "member": [dn.encode() for dn in members],
    }
