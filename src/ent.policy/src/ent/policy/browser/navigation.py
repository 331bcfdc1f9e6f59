"""The menu's first level read from the navigation root's folder, not from the catalog.

Plone's `portal_tabs_view` (Products.CMFPlone.browser.navigation.CatalogNavigationTabs)
finds the sections of the menu with a catalog query at every page: the navigation root's
children of the displayed types, not excluded, not its default page, that the reader may
view within their dates, in folder order. The boolean and keyword indexes that query goes
through (`exclude_from_nav`, `is_default_page`, `portal_type`, `allowedRolesAndUsers`)
are sets the size of the site: on a parent's news item it was 5 % of the page
(docs/caching.md, "Measures"), and it grows with the County's content.

A County's or a school's root holds a dozen sections: reading them is cheaper and answers the
same (tested against Plone's view for every kind of reader, `tests/portal/…`). The view
falls back to Plone's query when the site is set up in a way this does not cover: tabs
sorted on anything but the folder's order, or a navigation root that asks for its own query
(`getCustomNavQuery`).
"""

from Acquisition import aq_inner
from DateTime import DateTime
from plone import api
from plone.base.defaultpage import get_default_page
from plone.base.interfaces import INavigationSchema
from plone.base.navigationroot import get_navigation_root_object
from plone.base.utils import pretty_title_or_id
from plone.registry.interfaces import IRegistry
from Products.CMFCore.utils import getToolByName
from Products.CMFPlone.browser.navigation import CatalogNavigationTabs
from Products.CMFPlone.browser.navigation import get_view_url
from zope.component import getMultiAdapter
from zope.component import getUtility


class EntNavigationTabs(CatalogNavigationTabs):
    def topLevelTabs(self, actions=None, category="portal_tabs"):
        context = aq_inner(self.context)
        settings = getUtility(IRegistry).forInterface(INavigationSchema, prefix="plone", check=False)
        root = get_navigation_root_object(context, api.portal.get())
        if (
            not settings.generate_tabs
            or settings.sort_tabs_on != "getObjPositionInParent"
            or settings.sort_tabs_reversed
            or getattr(context, "getCustomNavQuery", None) is not None
            or root is None
        ):
            return super().topLevelTabs(actions=actions, category=category)
        if actions is None:
            actions = getMultiAdapter((context, self.request), name="plone_context_state").actions(category)
        result = []
        for action in actions:
            data = action.copy()
            data["name"] = data["title"]
            self.customize_entry(data)
            result.append(data)
        member = getToolByName(context, "portal_membership").getAuthenticatedMember().id
        context_path = "/".join(context.getPhysicalPath())
        for item in self.sections(root, settings, context_path):
            remote = getattr(item, "remoteUrl", None)
            if remote and member != item.Creator():
                # As Plone: a Link's target, except for its author (who may want to edit it).
                url = remote
            else:
                _, url = get_view_url(item)
            data = {
                "name": pretty_title_or_id(context, item),
                "id": item.getId(),
                "url": url,
                "description": item.Description(),
                "review_state": api.content.get_state(item, None),
            }
            self.customize_entry(data, item)
            result.append(data)
        return result

    @staticmethod
    def sections(root, settings, context_path):
        """The children of `root` the catalog query would find, in folder order."""
        displayed = set(settings.displayed_types)
        states = set(settings.workflow_states_to_show or ()) if settings.filter_on_workflow else None
        default_page = get_default_page(root)
        now = DateTime()
        inactive = sees_inactive_content()
        for item_id in root.contentIds():
            if item_id == default_page:
                continue
            item = root.get(item_id)
            if item is None or getattr(item, "portal_type", None) not in displayed:
                continue
            if not settings.nonfolderish_tabs and not getattr(item, "isPrincipiaFolderish", False):
                continue
            if getattr(item, "exclude_from_nav", False) and not (
                # As Plone: an excluded section shows while the reader is inside it, if the
                # site shows excluded items at all.
                settings.show_excluded_items and context_path.startswith("/".join(item.getPhysicalPath()))
            ):
                continue
            if states is not None and api.content.get_state(item, None) not in states:
                continue
            if listed_for_reader(item, now, inactive):
                yield item


def sees_inactive_content() -> bool:
    """Whether the catalog shows the reader items outside their publication dates: it asks
    "Access inactive portal content" on itself (the site), not on each item."""
    return api.user.has_permission("Access inactive portal content", obj=api.portal.get_tool("portal_catalog"))


def listed_for_reader(item, now, inactive: bool) -> bool:
    """Whether the catalog would list `item` for the reader: they may view it, and it is
    within its publication dates unless `inactive` (sees_inactive_content())."""
    if not api.user.has_permission("View", obj=item):
        return False
    return inactive or item.effective() <= now <= item.expires()
