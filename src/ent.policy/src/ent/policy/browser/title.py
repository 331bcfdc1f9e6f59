"""The page's <title>: each page its own, not the site's name alone.

Plone's title viewlet names the context: every view of the portal or of a school's home
(Mon ENT, the log-in form, the search, the 404…) would be titled by the site's name only.
The view's own title comes first: its `page_title`, else the form's label (not an edit
form's, whose item's title says more), else the title of a Plone view known by name.
"""

from plone.app.layout.viewlets.common import TitleViewlet
from plone.base.utils import safe_text
from z3c.form.interfaces import IEditForm
from zope.i18n import translate
from zope.i18nmessageid import MessageFactory

import html


PMF = MessageFactory("plone")

PLONE_VIEW_TITLES = {
    "search": PMF("heading_search_results", default="Search results"),
    "sitemap": PMF("label_site_map", default="Site map"),
    "contact-info": PMF("heading_contact_form", default="Contact form"),
    "accessibility-info": PMF("heading_accessibility_info", default="Accessibility"),
}


def view_title(view):
    """The view's own title, or None."""
    title = getattr(view, "page_title", None)
    if callable(title):
        title = title()
    if not title:
        form = getattr(view, "form_instance", view)
        if not IEditForm.providedBy(form):
            title = getattr(view, "label", None)
    if not title:
        title = PLONE_VIEW_TITLES.get(getattr(view, "__name__", None))
    return title or None


class EntTitleViewlet(TitleViewlet):
    @property
    def page_title(self):
        own = view_title(self.view)
        if own:
            return html.escape(safe_text(translate(own, context=self.request)), quote=False)
        return super().page_title
