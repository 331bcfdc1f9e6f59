"""1001 → 1002: audiences (news, events, pages, announcements)."""

from ent.policy import audience
from plone import api


def give_audiences(context):
    """Existing items get the audience that matches what they were: public if published."""
    catalog = api.portal.get_tool("portal_catalog")
    workflow_tool = api.portal.get_tool("portal_workflow")
    workflow_tool.updateRoleMappings()
    for brain in catalog.unrestrictedSearchResults(portal_type=["News Item", "Event", "Document", "Announcement"]):
        obj = brain._unrestrictedGetObject()
        if audience.stored_audience(obj) is None:
            state = workflow_tool.getInfoFor(obj, "review_state", None)
            obj.audience = [audience.PUBLIC] if state == audience.PUBLIC_STATE else audience.default_audience(obj)
        audience.sync_state(obj)
        obj.reindexObject()
    # A school's news listing now shows the County's broadcasts too.
    for brain in catalog.unrestrictedSearchResults(portal_type="School"):
        news = brain._unrestrictedGetObject().get("actualites")
        if news is not None and news.getLayout() == "summary_view":
            news.setLayout("ent-news")
