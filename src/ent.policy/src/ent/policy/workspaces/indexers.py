"""Catalog index of the roster: the spaces of a person (membership.my_spaces)."""

from ent.policy.workspaces.content import IWorkspace
from ent.policy.workspaces.membership import roster
from plone.indexer import indexer


@indexer(IWorkspace)
def workspace_members(space):
    return sorted(roster(space))
