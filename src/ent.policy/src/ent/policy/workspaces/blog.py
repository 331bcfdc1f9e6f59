"""A space's blog and its comments (plone.app.discussion), moderated by the space's managers.

Every new space gets a `blog` folder; its posts are News Items that take comments. Discussion is
on for the site (registry: anonymous comments off, moderation on) but off for every type: only a
post of a space's blog turns it on for itself (`allow_discussion`). Comments inside a space follow
`ent_workspace_comment_workflow`: Plone's comment review with the space's managers
(`WorkspaceManager`) as reviewers; a published comment acquires View from its post, so it is
seen by the space's members only, in search too.
"""

from AccessControl import getSecurityManager
from ent.policy.i18n import _
from ent.policy.interfaces import IEntPolicyLayer
from ent.policy.workspaces.content import containing_space
from ent.policy.workspaces.content import in_space
from plone import api
from plone.app.discussion.interfaces import IComment
from plone.app.discussion.interfaces import IConversation
from plone.base.interfaces import IWorkflowChain
from plone.base.interfaces.constrains import ENABLED
from plone.base.interfaces.constrains import ISelectableConstrainTypes
from plone.restapi.interfaces import ISerializeToJson
from plone.restapi.serializer.discussion import ConversationSerializer
from Products.CMFCore.interfaces import IWorkflowTool
from Products.CMFPlone.workflow import ToolWorkflowChain
from zope.component import adapter
from zope.i18n import translate
from zope.interface import implementer


BLOG_ID = "blog"
POST_TYPE = "News Item"
COMMENT_WORKFLOW = "ent_workspace_comment_workflow"


def create_blog(space):
    """The space's `blog` folder (its posts: News Items), made once."""
    if BLOG_ID in space.objectIds():
        return space[BLOG_ID]
    with api.env.adopt_roles(["Manager"]):
        blog = api.content.create(
            container=space,
            type="Folder",
            id=BLOG_ID,
            title=translate(_("title_space_blog", default="Blog"), context=api.env.getRequest()),
            safe_id=False,
        )
    constraints = ISelectableConstrainTypes(blog)
    constraints.setConstrainTypesMode(ENABLED)
    constraints.setLocallyAllowedTypes([POST_TYPE])
    constraints.setImmediatelyAddableTypes([POST_TYPE])
    blog.reindexObject()
    return blog


def setup_blogs(portal=None) -> int:
    """A blog in every space that lacks one (upgrade 1008); returns how many were made."""
    catalog = api.portal.get_tool("portal_catalog")
    made = 0
    for brain in catalog.unrestrictedSearchResults(portal_type="Workspace"):
        space = brain._unrestrictedGetObject()
        if BLOG_ID not in space.objectIds():
            create_blog(space)
            made += 1
    return made


def space_added(space, event):
    create_blog(space)


def is_post(item) -> bool:
    """A News Item in a space's blog."""
    space = containing_space(item)
    if space is None or getattr(item, "portal_type", None) != POST_TYPE:
        return False
    blog = space.get(BLOG_ID)
    return blog is not None and item.aq_parent.aq_base is blog.aq_base


def post_added(item, event):
    """A blog post takes comments; nothing else does."""
    if is_post(item):
        item.allow_discussion = True


@adapter(IComment, IWorkflowTool)
@implementer(IWorkflowChain)
def comment_workflow_chain(comment, tool):
    if in_space(comment):
        return (COMMENT_WORKFLOW,)
    return ToolWorkflowChain(comment, tool)


class _ViewableComments:
    """A conversation whose threads are the comments the reader may view."""

    def __init__(self, conversation):
        self._conversation = conversation

    def getThreads(self, *args, **kwargs):
        check = getSecurityManager().checkPermission
        return (t for t in self._conversation.getThreads(*args, **kwargs) if check("View", t["comment"]))

    def __getattr__(self, name):
        return getattr(self._conversation, name)


@implementer(ISerializeToJson)
@adapter(IConversation, IEntPolicyLayer)
class ViewableConversationSerializer(ConversationSerializer):
    """REST `@comments` lists the comments the reader may view: plone.restapi lists them all,
    a comment waiting for moderation included (Plone's own page shows it only to reviewers)."""

    def __init__(self, context, request):
        super().__init__(_ViewableComments(context), request)
