"""A parent's children, as the directory links them: the parent's `seeAlso` DNs.

`ent.policy.directory.provisioning` writes `seeAlso` (the children's DNs) on the entries of
imported parents; the demo directory does the same (`ent.server.ldif`). A child's school is
the school of its `{uai}-student` group. Read with python-ldap directly, two or three small
searches, when a form is shown to a parent: no PAS look-up per child.
"""

from ent.policy.directory.config import current_config
from ent.policy.directory.connection import bound_connection
from ent.policy.directory.shape import DEACTIVATED
from ent.policy.groups import school_of_group
from typing import NamedTuple

import ldap
import ldap.dn
import ldap.filter
import logging


logger = logging.getLogger("ent.policy.directory")
TIMEOUT = 5


class Child(NamedTuple):
    id: str
    fullname: str
    #: The UAI of the child's school, "" if the directory does not say.
    uai: str


def _connect(config):
    return bound_connection(config, TIMEOUT)


def _first(entry, name):
    for key, values in entry.items():
        if key.lower() == name.lower() and values:
            return values[0].decode("utf-8", "replace")
    return ""


class Family(NamedTuple):
    """A person's names as the directory spells them (`sn`, `givenName`) and children."""

    last_name: str
    first_name: str
    children: list


NOBODY = Family("", "", [])


def children_of(user_id, config=None) -> list:
    """The children (`Child`) of the parent `user_id`, by name; [] without a directory, for
    anyone who is not a linked parent, or when the directory does not answer."""
    return family_of(user_id, config).children


def family_of(user_id, config=None) -> Family:
    """The names and children of `user_id`; empty without a directory, for anyone it does not
    know, or when it does not answer."""
    config = config or current_config()
    if not config.enabled or not user_id:
        return NOBODY
    connection = None
    try:
        connection = _connect(config)
        login = ldap.filter.escape_filter_chars(user_id)
        found = connection.search_st(
            config.users_base,
            ldap.SCOPE_ONELEVEL,
            f"({config.login_attribute}={login})",
            ["seeAlso", "sn", "givenName"],
            timeout=TIMEOUT,
        )
        if not found:
            return NOBODY
        person = found[0][1]
        dns = [value.decode() for value in person.get("seeAlso", ())]
        children = []
        for dn in dns:
            try:
                entries = connection.search_st(
                    dn,
                    ldap.SCOPE_BASE,
                    f"(&{config.users_filter}(!(description={DEACTIVATED})))",
                    [config.login_attribute, config.fullname_attribute],
                    timeout=TIMEOUT,
                )
            except ldap.NO_SUCH_OBJECT:
                continue
            for child_dn, entry in entries:
                groups = connection.search_st(
                    config.groups_base,
                    ldap.SCOPE_ONELEVEL,
                    f"(&{config.groups_filter}(member={ldap.filter.escape_filter_chars(child_dn)}))",
                    ["cn"],
                    timeout=TIMEOUT,
                )
                uai = ""
                for _gdn, group in groups:
                    school = school_of_group(_first(group, "cn"))
                    if school and school[1] == "student":
                        uai = school[0]
                        break
                child_id = _first(entry, config.login_attribute)
                children.append(Child(child_id, _first(entry, config.fullname_attribute) or child_id, uai))
        children.sort(key=lambda child: (child.fullname, child.id))
        return Family(_first(person, "sn"), _first(person, "givenName"), children)
    except ldap.LDAPError as error:
        logger.warning("family of %s not read from the directory: %s", user_id, error)
        return NOBODY
    finally:
        if connection is not None:
            try:
                connection.unbind_s()
            except ldap.LDAPError:
                pass
