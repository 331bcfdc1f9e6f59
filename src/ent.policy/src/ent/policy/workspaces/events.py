"""What happens when a space is added, and to what moves in or out of one."""

from AccessControl import getSecurityManager
from AccessControl import Unauthorized
from ent.policy.workspaces.content import containing_space
from ent.policy.workspaces.content import IWorkspace
from ent.policy.workspaces.membership import MANAGE_PERMISSION
from ent.policy.workspaces.membership import MANAGER
from ent.policy.workspaces.membership import roster
from ent.policy.workspaces.membership import set_roster_entry
from plone import api


def space_added(space, event):
    """The person who creates a space is its first manager; Plone's `Owner` role would
    outlive their membership and reach everything inside, so it goes."""
    creator = None
    for principal_id, roles in list((space.__ac_local_roles__ or {}).items()):
        if "Owner" in roles:
            creator = creator or principal_id
            rest = [r for r in roles if r != "Owner"]
            if rest:
                space.manage_setLocalRoles(principal_id, rest)
            else:
                space.manage_delLocalRoles([principal_id])
    # The Zope administrator (no account of the site) is no member.
    if creator and creator not in roster(space) and api.user.get(userid=creator) is not None:
        set_roster_entry(space, creator, MANAGER, reindex=False)
    # Being added, it has no content yet, and is indexed (queued) once added and named.
    space.reindexObject()


def content_moved(obj, event):
    """Content moved into or out of a space takes the workflow of its new place from its
    initial state: its former rights (a page published for everyone, moved into a space)
    must not stay on it. Copies get theirs when cloned (CMFCore); additions and removals are
    no moves."""
    if event.oldParent is None or event.newParent is None:
        return
    was_in = containing_space(event.oldParent) is not None
    is_in = containing_space(event.newParent) is not None
    if was_in == is_in:
        return
    # Zope dispatches the move to every item inside `obj` too: each restarts its own.
    workflows = api.portal.get_tool("portal_workflow")
    for workflow in workflows.getWorkflowsFor(obj):
        workflow.notifyCreated(obj)
    obj.reindexObject()


def guard_move(obj, event):
    """Only who may delete an item of a space moves, renames or removes it. A member holds
    `Delete objects` on the space itself (to delete their own items there), and Zope's
    paste and REST `@move` accept that right on the parent alone: a member moved others'
    posts (the whole blog) into a folder of their own, to delete it or move it into another
    space. The item's own right decides (its author, the space's editors and managers)."""
    if event.object is not obj or event.oldParent is None:
        return  # an item inside what moves (checked once, at the top), or an addition
    if IWorkspace.providedBy(obj):
        # The space itself: its members hold `Delete objects` on it (see above), so the
        # place's editors who are members only deleted or moved it: its managers decide.
        needed = MANAGE_PERMISSION
    elif containing_space(event.oldParent) is not None:
        needed = "Delete objects"
    else:
        return
    if not getSecurityManager().checkPermission(needed, obj):
        raise Unauthorized(f"You may not move or remove {obj.getId()!r}.")
