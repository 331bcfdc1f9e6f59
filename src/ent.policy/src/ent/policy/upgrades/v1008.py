"""1007 → 1008 (issue #14): collaborative spaces.

The type `Workspace` and its three workflows (the space, what is inside it, its comments),
the roster's roles and permissions, the catalog index `workspace_members`; plone.app.discussion
(Plone 6.2 no longer installs it) with the ENT's settings, which are set one by one: importing
our whole registry step would put back every record an administrator changed. Then the
`espaces` folders (County and schools) take spaces, and every space gets its blog.
Each step may run again: it changes nothing then.
"""

from ent.policy.workspaces.blog import setup_blogs
from ent.policy.workspaces.content import setup_spaces_sections
from plone import api
from Products.CMFPlone.utils import get_installer


PROFILE = "profile-ent.policy:default"
STEPS = ("rolemap", "typeinfo", "workflow", "catalog")
DISCUSSION = "plone.app.discussion.interfaces.IDiscussionSettings."
#: profiles/default/registry/discussion.xml
DISCUSSION_SETTINGS = {
    "globally_enabled": True,
    "anonymous_comments": False,
    "moderation_enabled": True,
    "moderator_notification_enabled": False,
    "user_notification_enabled": False,
}


def collaborative_spaces(context):
    """Spaces, their workflows, roles and index; comments; the espaces folders; the blogs."""
    portal = api.portal.get()
    installer = get_installer(portal)
    if not installer.is_product_installed("plone.app.discussion"):
        installer.install_product("plone.app.discussion")
    for name, value in DISCUSSION_SETTINGS.items():
        api.portal.set_registry_record(DISCUSSION + name, value)
    setup = api.portal.get_tool("portal_setup")
    for step in STEPS:
        setup.runImportStepFromProfile(PROFILE, step, run_dependencies=False)
    setup_spaces_sections(portal)
    setup_blogs(portal)
