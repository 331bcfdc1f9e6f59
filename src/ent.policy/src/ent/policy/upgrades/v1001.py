"""1000 → 1001: schools and the County portal's structure."""

from ent.policy import structure
from plone import api


def create_structure(context):
    portal = api.portal.get()
    structure.create_structure(portal)
    api.portal.get_tool("portal_workflow").updateRoleMappings()
