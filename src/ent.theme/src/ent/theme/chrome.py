"""Who sees Plone's back office: its toolbar (and the body classes that make room for it)
and the authors of an item ("par …") only for people who may edit something here.

Our rule, without knowing the ENT's groups (ent.policy.groups spells them; the theme does
not import the policy): a person may edit when they have an editing permission on the
page's item or on its navigation root (the County portal or their school's site). That is
every Manager and Site Administrator (County admins), and whoever holds Editor,
Contributor or Reviewer there, directly or through a school's editors group. Parents,
pupils, and teachers without those roles do not.
"""

from AccessControl import getSecurityManager
from Acquisition import aq_base
from Acquisition import aq_inner
from plone import api
from plone.app.layout.globals.context import ContextState
from plone.app.layout.viewlets import content
from plone.app.layout.viewlets.content import DocumentBylineViewlet
from plone.app.layout.viewlets.toolbar import ToolbarViewletManager
from plone.memoize.view import memoize
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile
from zope.annotation.interfaces import IAnnotations
from zope.globalrequest import getRequest

import os


MAY_EDIT_KEY = "ent.theme.may_edit"
EDITING_PERMISSIONS = (
    "Modify portal content",
    "Add portal content",
    "Review portal content",
    "Manage portal",
)


def may_edit(context) -> bool:
    """Whether the current person may edit on `context` or on its navigation root.

    Asked by the toolbar, the byline and the contributors of one page: up to ten permission
    checks each, every one through the local roles of the whole acquisition chain; the
    answer is kept for the rest of the request (for that person and that object)."""
    security = getSecurityManager()
    user = security.getUser()
    if user is None or user.getUserName() == "Anonymous User":
        return False
    context = aq_inner(context)
    request = getRequest()
    if request is None:
        return _may_edit(security, context)
    memo = IAnnotations(request).setdefault(MAY_EDIT_KEY, {})
    path = getattr(aq_base(context), "getPhysicalPath", None) and context.getPhysicalPath()
    key = (user.getId(), id(aq_base(context)), path)
    if key not in memo:
        memo[key] = _may_edit(security, context)
    return memo[key]


def _may_edit(security, context):
    places = [context]
    try:
        root = api.portal.get_navigation_root(context)
    except Exception:  # an odd context (a tool, a temporary object): the context alone decides
        root = None
    if root is not None and root is not context:
        places.append(root)
    return any(security.checkPermission(permission, place) for place in places for permission in EDITING_PERMISSIONS)


class EntContextState(ContextState):
    """`plone_context_state` on the theme's layer: the toolbar, and its `plone-toolbar-*`
    body classes (plone_layout asks the same method), only for people who may edit."""

    @memoize
    def is_toolbar_visible(self):
        return super().is_toolbar_visible() and may_edit(self.context)


class EntBylineViewlet(DocumentBylineViewlet):
    """The dates stay for every reader; the authors only for people who may edit."""

    def show_about(self):
        return may_edit(self.context) and super().show_about()


class EntContributorsViewlet(DocumentBylineViewlet):
    index = ViewPageTemplateFile("document_contributors.pt", _prefix=os.path.dirname(content.__file__))

    def render(self):
        return super().render() if may_edit(self.context) else ""


class EntToolbar(ToolbarViewletManager):
    """Plone's toolbar manager, which works its viewlets out (the content views, the actions
    and workflow menus) and the personal bar even when the toolbar is hidden: its template
    defines them before its condition. For people who may not edit, nothing is worked out."""

    def update(self):
        if self.context_state.is_toolbar_visible():
            super().update()
        else:
            self.viewlets = []

    def render(self):
        return super().render() if self.context_state.is_toolbar_visible() else ""
