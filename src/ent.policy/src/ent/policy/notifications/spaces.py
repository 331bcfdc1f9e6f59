"""Items inside a collaborative space: told to the space's members, never to an audience.

A space's content has one workflow state (`ent_workspace_content_workflow`): nothing is
"published" there, so a post is announced when it is created. Its recipients are the
space's members as its roster holds them (`workspaces.membership.members`): the directory
groups stay groups, expanded in bulk by `recipients.Recipients` like an audience's; the
people named one by one are read by id. Whatever audience the item carries is ignored: it
must never reach anyone outside the space, not even by mail.
"""

from ent.policy.workspaces.content import containing_space
from ent.policy.workspaces.content import in_space
from ent.policy.workspaces.membership import members


#: The items of a space whose creation is told to its members: the blog's posts (news
#: items) and the space's events.
ANNOUNCED_TYPES = ("News Item", "Event")


def space_of(obj):
    """The space holding `obj` (or `obj` itself), or None."""
    return containing_space(obj)


def is_space_announcement(obj, event) -> bool:
    """The workflow's first event of an item created in a space (no transition yet)."""
    return getattr(event, "transition", None) is None and obj.portal_type in ANNOUNCED_TYPES and in_space(obj)


def space_recipients(space) -> tuple:
    """(group ids, user ids) of the space's members."""
    entries = members(space)
    groups = sorted(m.id for m in entries if m.kind == "group")
    people = sorted(m.id for m in entries if m.kind == "user")
    return groups, people
