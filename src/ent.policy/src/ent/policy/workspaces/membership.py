"""The membership of a collaborative space: the one API (docs/workspaces.md).

The roster is the space's local roles: each entry is a person or a whole directory group
(`all-attee` is one entry, never its people) holding one of the roles of `ROLE_NAMES`.
Plone resolves a person's directory groups at each request, so joining or leaving a group
in the directory takes effect at the next log-in, and the catalog's security index
(allowedRolesAndUsers holds `user:all-attee`) finds the space for every member of it.
"""

from AccessControl.SecurityManagement import getSecurityManager
from ent.policy.workspaces.content import IWorkspace
from ent.policy.workspaces.content import WORKSPACE_TYPE
from plone import api
from typing import NamedTuple

import unicodedata


MEMBER = "member"
EDITOR = "editor"
MANAGER = "manager"
ROLES = (MEMBER, EDITOR, MANAGER)
#: The local role each membership role gives on the space (workflows ent_workspace_*).
ROLE_NAMES = {MEMBER: "WorkspaceMember", EDITOR: "WorkspaceEditor", MANAGER: "WorkspaceManager"}
_ROLE_OF_NAME = {name: role for role, name in ROLE_NAMES.items()}
ROLE_TITLES = {MEMBER: "Membre", EDITOR: "Éditeur", MANAGER: "Gestionnaire"}
MANAGE_PERMISSION = "ent.policy: Manage workspace members"
#: Plone's own groups: "every logged-in person" or the site's staff are no roster entry.
SPECIAL_GROUPS = ("AuthenticatedUsers", "Administrators", "Site Administrators", "Reviewers")
#: The catalog index of the roster's principals (my_spaces).
MEMBERS_INDEX = "workspace_members"


class MembershipRefused(ValueError):
    """A membership change that is not allowed; `str(exc)` is the French message."""


class Member(NamedTuple):
    id: str
    kind: str  # "user" or "group"
    role: str
    title: str


def roster(space) -> dict:
    """principal id → role, as stored (no directory lookup)."""
    found = {}
    for principal_id, local_roles in (getattr(space.aq_base, "__ac_local_roles__", None) or {}).items():
        roles = [_ROLE_OF_NAME[name] for name in local_roles if name in _ROLE_OF_NAME]
        if roles:
            found[principal_id] = max(roles, key=ROLES.index)
    return found


def _principal(principal_id):
    """(kind, title) of a person or group of the site's users (the directory included),
    or None."""
    if not principal_id or not isinstance(principal_id, str):
        return None
    if principal_id in SPECIAL_GROUPS:
        return None
    group = api.group.get(groupname=principal_id)
    if group is not None:
        return "group", group.getProperty("title") or principal_id
    user = api.user.get(userid=principal_id)
    if user is not None:
        return "user", user.getProperty("fullname") or principal_id
    return None


def _sortable(title: str) -> str:
    """ "Éditeurs" sorts with "editeurs", not after "z"."""
    return "".join(c for c in unicodedata.normalize("NFKD", title.lower()) if not unicodedata.combining(c))


def members(space) -> list:
    """The roster as `Member`s: managers first, then by title."""
    result = []
    for principal_id, role in roster(space).items():
        found = _principal(principal_id)
        kind, title = found if found is not None else ("user", principal_id)
        result.append(Member(principal_id, kind, role, title))
    result.sort(key=lambda m: (m.role != MANAGER, _sortable(m.title), m.id))
    return result


def _user(user=None):
    return user if user is not None else api.user.get_current()


def _principal_ids(user) -> list:
    """The ids under which `user` may be on a roster: their own and their groups'."""
    user_id = user.getId() if user is not None else None
    if not user_id:  # anonymous
        return []
    groups = getattr(user, "getGroups", lambda: ())() or ()
    return [user_id] + [group for group in groups if group and group not in SPECIAL_GROUPS]


def role_of(space, user=None):
    """The highest role `user` (default: the current one) holds on the space, directly or
    through their directory groups; None for a non-member."""
    user = _user(user)
    ids = _principal_ids(user)
    entries = roster(space)
    roles = [entries[i] for i in ids if i in entries]
    return max(roles, key=ROLES.index) if roles else None


def is_member(space, user=None) -> bool:
    return role_of(space, user) is not None


def may_manage(space, user=None) -> bool:
    """Whether `user` (default: the current one) may change the roster: the space's
    managers, the site's Managers and administrators."""
    if user is None:
        return bool(getSecurityManager().checkPermission(MANAGE_PERMISSION, space))
    return bool(api.user.has_permission(MANAGE_PERMISSION, user=user, obj=space))


def my_spaces(user=None) -> list:
    """The catalog brains of the spaces `user` is on the roster of (themselves or through a
    group), by title; not every space a Manager may view."""
    current = user is None
    user = _user(user)
    ids = _principal_ids(user)
    if not ids:
        return []
    catalog = api.portal.get_tool("portal_catalog")
    query = {"portal_type": WORKSPACE_TYPE, MEMBERS_INDEX: ids, "sort_on": "sortable_title"}
    # Another person's spaces (notifications, Mon ENT of a test): the roster decides, not the
    # current user's rights.
    search = catalog.searchResults if current else catalog.unrestrictedSearchResults
    return list(search(**query))


def _check_space(space):
    if not IWorkspace.providedBy(space):
        raise MembershipRefused("Ce contenu n'est pas un espace collaboratif.")


def _check_role(role):
    if role not in ROLES:
        raise MembershipRefused(
            f"Rôle inconnu : « {role} ». Choisissez parmi : {', '.join(ROLE_TITLES[r] for r in ROLES)}."
        )


def _check_manager(space):
    _check_space(space)
    if not may_manage(space):
        raise MembershipRefused("Vous ne pouvez pas gérer les membres de cet espace.")


def _check_keeps_a_manager(space, principal_id, new_role):
    entries = roster(space)
    if entries.get(principal_id) != MANAGER or new_role == MANAGER:
        return
    if sum(1 for role in entries.values() if role == MANAGER) <= 1:
        raise MembershipRefused(
            "Un espace garde au moins un gestionnaire : nommez-en un autre avant de retirer celui-ci."
        )


def _changed(space):
    """Make a roster change effective at once: the space's and its content's security
    indexes (search, listings, REST) and the roster index (my_spaces)."""
    space.reindexObjectSecurity()
    space.reindexObject(idxs=[MEMBERS_INDEX])


def set_roster_entry(space, principal_id, role, reindex=True):
    """Write one entry with no check (setup, demo, the space's creator); role None removes."""
    current = [r for r in space.get_local_roles_for_userid(principal_id) if r not in _ROLE_OF_NAME]
    if role is None:
        if current:
            space.manage_setLocalRoles(principal_id, current)
        else:
            space.manage_delLocalRoles([principal_id])
    else:
        space.manage_setLocalRoles(principal_id, current + [ROLE_NAMES[role]])
    if reindex:
        _changed(space)


def add_member(space, principal_id, role=MEMBER):
    """Put a person or a directory group on the roster with `role`."""
    _check_manager(space)
    _check_role(role)
    found = _principal(principal_id)
    if found is None:
        raise MembershipRefused(f"Personne ni groupe inconnu : « {principal_id} ».")
    if principal_id in roster(space):
        raise MembershipRefused(f"« {found[1]} » est déjà membre de cet espace : changez son rôle.")
    set_roster_entry(space, principal_id, role)
    return Member(principal_id, found[0], role, found[1])


def _check_on_roster(space, principal_id):
    if principal_id not in roster(space):
        raise MembershipRefused(f"« {principal_id} » n'est pas membre de cet espace.")


def set_role(space, principal_id, role):
    """Change the role of an entry of the roster."""
    _check_manager(space)
    _check_role(role)
    _check_on_roster(space, principal_id)
    _check_keeps_a_manager(space, principal_id, role)
    set_roster_entry(space, principal_id, role)


def remove_member(space, principal_id):
    """Take an entry off the roster: its people no longer find the space, at once."""
    _check_manager(space)
    _check_on_roster(space, principal_id)
    _check_keeps_a_manager(space, principal_id, None)
    set_roster_entry(space, principal_id, None)
