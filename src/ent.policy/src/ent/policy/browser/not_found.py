"""The 404 page: the same for a missing page and one the reader may not view, and it
offers to log in and come back (a parent opening a mail's link while logged out)."""

from ent.policy.i18n import _
from plone.base.utils import safe_text
from Products.CMFPlone.browser.exceptions import ExceptionView
from urllib.parse import urlencode


class NotFoundView(ExceptionView):
    page_title = _("Page not found")

    def login_url(self):
        """The site's log-in form, back to the address asked for afterwards."""
        portal_url = self.__parent__.portal_url()
        came_from = safe_text(self.request.get("ACTUAL_URL", ""))
        return f"{portal_url}/login?{urlencode({'came_from': came_from})}"
