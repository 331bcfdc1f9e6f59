"""The people the directory import deactivated (`ent.policy.directory.provisioning`, a
`full` import: `description: ent:deactivated`), and since when.

Provisioning records no date of its own: the entry's `modifyTimestamp` (kept by the LDAP
server, no client may set it) is when it was last changed, which for a deactivated account
is its deactivation — an import changes an account only when it is in the file, and being
in the file reactivates it."""

from ent.policy.directory.config import current_config as directory_config
from ent.policy.directory.connection import bound_connection
from ent.policy.directory.paging import paged_search
from ent.policy.directory.shape import DEACTIVATED
from typing import NamedTuple

import datetime
import ldap


OPERATION_TIMEOUT = 300
STAMP = "modifyTimestamp"


class Leaver(NamedTuple):
    userid: str
    email: str
    fullname: str
    deactivated_at: datetime.datetime  # aware, UTC


def parse_stamp(value: str):
    """An LDAP GeneralizedTime (`20261130012345Z`, fractions allowed) as an aware datetime."""
    digits = value.strip().rstrip("Z").split(".")[0].split(",")[0]
    try:
        return datetime.datetime.strptime(digits[:14], "%Y%m%d%H%M%S").replace(tzinfo=datetime.UTC)
    except ValueError:
        return None


def deactivated_people(config=None) -> list:
    """Every deactivated person of the ENT's directory, oldest deactivation first; [] when
    the site has no directory. Raises ldap.LDAPError when the directory does not answer."""
    config = config or directory_config()
    if not config.enabled:
        return []
    names = (config.login_attribute, config.email_attribute, config.fullname_attribute)
    connection = bound_connection(config, OPERATION_TIMEOUT)
    try:
        query = f"(&{config.users_filter}(description={DEACTIVATED}))"
        found = []
        for _dn, entry in paged_search(
            connection, config.users_base, query, [*names, STAMP], config.page_size, OPERATION_TIMEOUT
        ):
            values = {key.lower(): value for key, value in entry.items()}

            def first(name, values=values):
                found_values = values.get(name.lower()) or [b""]
                return found_values[0].decode("utf-8", "replace")

            userid = first(config.login_attribute)
            stamp = parse_stamp(first(STAMP))
            if userid and stamp is not None:
                found.append(Leaver(userid, first(config.email_attribute), first(config.fullname_attribute), stamp))
    finally:
        try:
            connection.unbind_s()
        except ldap.LDAPError:
            pass
    found.sort(key=lambda leaver: leaver.deactivated_at)
    return found
