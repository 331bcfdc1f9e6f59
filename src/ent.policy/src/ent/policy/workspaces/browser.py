"""The pages of collaborative spaces: a space's own page and an `espaces` folder's page.

Both list what the catalog gives the reader (security by the catalog, never by a filter here):
a non-member never reaches a space's page (refused = missing), and an `espaces` folder lists only
the spaces the reader is on the roster of (`membership.my_spaces`), not every space a Manager
could open.
"""

from ent.policy.dates import french_date
from ent.policy.i18n import _
from ent.policy.workspaces import activity
from ent.policy.workspaces import membership
from ent.policy.workspaces.blog import BLOG_ID
from ent.policy.workspaces.content import ADD_PERMISSION
from ent.policy.workspaces.content import WORKSPACE_TYPE
from plone import api
from plone.app.contentmenu.view import ContentMenuProvider
from plone.app.layout.viewlets.common import ContentViewsViewlet
from Products.Five.browser import BrowserView
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile
from zope.i18n import translate


#: What a space's page shows of its content, in this order: (title, portal types).
SHELVES = (
    ("Folders", ("Folder",)),
    ("Pages", ("Document", "Link")),
    ("Files and images", ("File", "Image")),
    ("News", ("News Item",)),
    ("Events", ("Event",)),
)
ACTIVITY_KINDS = {
    "comment": _("activity_kind_comment", default="Comment"),
    "created": _("activity_kind_created", default="New"),
    "modified": _("activity_kind_modified", default="Changed"),
}
LATEST_POSTS = 5
SHELF_SIZE = 10


class WorkspaceView(BrowserView):
    """`@@workspace_view`: description, members, content, the blog's latest posts, activity."""

    @property
    def page_title(self):
        return self.context.Title()

    def role_title(self):
        role = membership.role_of(self.context)
        return membership.ROLE_TITLES.get(role) if role else None

    def members_count(self):
        return len(membership.roster(self.context))

    def may_manage(self):
        return membership.may_manage(self.context)

    def members_url(self):
        return f"{self.context.absolute_url()}/@@workspace-members"

    def may_add(self):
        return api.user.has_permission("Add portal content", obj=self.context)

    def blog(self):
        return self.context.get(BLOG_ID)

    def posts(self):
        blog = self.blog()
        if blog is None:
            return []
        brains = api.content.find(
            context=blog, portal_type="News Item", sort_on="created", sort_order="descending", sort_limit=LATEST_POSTS
        )[:LATEST_POSTS]
        return [self._entry(brain) for brain in brains]

    def shelves(self):
        """The space's own items (the blog's posts apart), by kind; empty kinds left out."""
        path = "/".join(self.context.getPhysicalPath())
        blog = self.blog()
        shelves = []
        for title, types in SHELVES:
            brains = api.content.find(
                path={"query": path, "depth": 1 if types == ("Folder",) else 3},
                portal_type=list(types),
                sort_on="modified",
                sort_order="descending",
                sort_limit=SHELF_SIZE,
            )
            blog_path = "/".join(blog.getPhysicalPath()) if blog is not None else None
            # The blog has its own section.
            items = [
                self._entry(brain)
                for brain in brains
                if blog_path is None or not (brain.getPath() + "/").startswith(blog_path + "/")
            ][:SHELF_SIZE]
            if items:
                shelves.append({"title": title, "entries": items})
        return shelves

    def activity(self):
        entries = activity.latest(self.context, limit=10)
        # The member sees what is new: Mon ENT's count starts again from this visit.
        activity.record_visit(self.context, newest=entries[0] if entries else None)
        return [
            {**entry._asdict(), "kind": translate(ACTIVITY_KINDS[entry.kind], context=self.request)}
            for entry in entries
        ]

    def _entry(self, brain):
        return {
            "title": brain.Title,
            "url": brain.getURL(),
            "description": brain.Description,
            "date": french_date(brain.created),
            "author": self._author(brain.Creator),
            "comments": getattr(brain, "total_comments", 0) or 0,
        }

    def _author(self, user_id):
        user = api.user.get(userid=user_id) if user_id else None
        return (user.getProperty("fullname") or user_id) if user is not None else user_id


class SpacesFolderView(BrowserView):
    """The page of an `espaces` folder: the spaces the reader belongs to, and "Créer un espace"."""

    page_title = "Espaces collaboratifs"

    def spaces(self):
        if api.user.is_anonymous():
            return []
        folder = "/".join(self.context.getPhysicalPath()) + "/"
        result = []
        for brain in membership.my_spaces():
            if not brain.getPath().startswith(folder):
                continue
            result.append({"title": brain.Title, "url": brain.getURL(), "description": brain.Description})
        return result

    def anonymous(self):
        return api.user.is_anonymous()

    def may_create(self):
        return api.user.has_permission(ADD_PERMISSION, obj=self.context)

    def add_url(self):
        return f"{self.context.absolute_url()}/++add++{WORKSPACE_TYPE}"


class ContentMenu(ContentMenuProvider):
    """Plone's toolbar menus, with no `aria-expanded=""` on a menu that opens nothing (a space's
    one-state workflow shows its state as such a menu: invalid ARIA for axe), and named by
    `aria-label` (the collapsed toolbar hides their labels)."""

    index = ViewPageTemplateFile("templates/contentmenu.pt")


class ContentViews(ContentViewsViewlet):
    """The toolbar's view/edit/contents links, named also by `aria-label`: at a phone's width
    the collapsed toolbar hides their labels and axe finds links without a name."""

    menu_template = ViewPageTemplateFile("templates/contentviews_menu.pt")
