"""A one-level search of the directory in pages (RFC 2696), for branches of any size."""

import ldap
import ldap.controls


def paged_search(connection, base, query, attributes, page_size, timeout=-1):
    """(dn, entry) of every entry under `base` that matches `query`, asked `page_size` at
    a time (search references are left out)."""
    control = ldap.controls.SimplePagedResultsControl(True, size=page_size, cookie="")
    while True:
        msgid = connection.search_ext(base, ldap.SCOPE_ONELEVEL, query, attributes, serverctrls=[control])
        _, data, _, controls = connection.result3(msgid, timeout=timeout)
        yield from ((dn, entry) for dn, entry in data if dn)
        cookies = [c.cookie for c in controls if c.controlType == ldap.controls.SimplePagedResultsControl.controlType]
        if not cookies or not cookies[0]:
            return
        control.cookie = cookies[0]
