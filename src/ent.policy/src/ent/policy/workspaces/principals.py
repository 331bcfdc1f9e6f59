"""The search of people and groups a space's managers may add (`@@workspace-members`,
REST `@workspace-principals`).

It asks PAS, so the directory plugin (`ent.policy.directory.plugin`) decides what a search
is: at least 3 characters, no wildcard or filter syntax, one page of at most
`ENT_LDAP_SEARCH_LIMIT` entries from the directory. This module cuts again to `LIMIT`
(the screen shows 20) and looks up titles only for what it shows: nothing here lists the
directory, and a group is found as one entry, never through its members.
"""

from ent.policy.directory.plugin import searchable
from ent.policy.workspaces.membership import SPECIAL_GROUPS
from plone import api
from typing import NamedTuple


#: Most people and groups one search shows.
LIMIT = 20


class Principal(NamedTuple):
    id: str
    kind: str  # "user" | "group"
    title: str


def is_search(text) -> bool:
    """Whether `text` is a search the directory answers (3 characters or more, no syntax)."""
    return isinstance(text, str) and searchable(text)


def search(text, limit=LIMIT) -> list[Principal]:
    """People and groups whose login, name, group id or group title starts with `text`:
    at most `limit`, groups first, then by title; [] for anything that is not a search."""
    if not is_search(text):
        return []
    text = text.strip().rstrip("*")
    acl_users = api.portal.get_tool("acl_users")
    user_ids, group_ids = [], []
    # PAS ANDs the criteria of one call: one call per field, each bounded by the plugins.
    for criteria in ({"login": text}, {"fullname": text}):
        for info in acl_users.searchUsers(max_results=limit, **criteria):
            if info["id"] not in user_ids:
                user_ids.append(info["id"])
    # The directory's people are searched by prefix (the plugin adds `*`), its groups only as
    # given (pas.plugins.ldap's upstream search): ask for the prefix; Plone's own groups
    # (the test sites') match by substring, without it.
    for criteria in ({"id": f"{text}*"}, {"title": f"{text}*"}, {"id": text}, {"title": text}):
        for info in acl_users.searchGroups(max_results=limit, **criteria):
            if info["id"] not in group_ids and info["id"] not in SPECIAL_GROUPS:
                group_ids.append(info["id"])
    found = [Principal(group_id, "group", group_title(group_id)) for group_id in group_ids[:limit]]
    found += [Principal(user_id, "user", user_title(user_id)) for user_id in user_ids[: limit - len(found)]]
    return sorted(found, key=lambda principal: (principal.kind != "group", principal.title.lower()))[:limit]


def user_title(user_id) -> str:
    user = api.user.get(userid=user_id)
    return (user and user.getProperty("fullname")) or user_id


def group_title(group_id) -> str:
    group = api.group.get(groupname=group_id)
    return (group and group.getProperty("title")) or group_id
