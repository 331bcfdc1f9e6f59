"""The home pages: the County portal's (`@@ent-home`, the site root's view) and its settings.

What the County home shows is chosen by editors, without code: the cards are the portal's
sections themselves (their titles and descriptions edited as any folder's), and the "home
page" settings (registry records `ent.home.*`, `@@ent-home-controlpanel`) choose which
sections and in which order, the introduction, how many news items and events. Every list
is a catalog query made as the reader: what they may not view is not there.
"""

from ent.policy.audience import PUBLISHED_STATES
from ent.policy.dates import french_date
from ent.policy.dates import french_datetime
from ent.policy.dates import is_set
from ent.policy.dates import local
from ent.policy.feed import origin_title
from ent.policy.feed import school_titles
from ent.policy.feed import site_events
from ent.policy.feed import site_items
from ent.policy.i18n import _
from ent.policy.schools.finder import communes
from ent.policy.structure import SCHOOLS_FOLDER
from plone import api
from plone.app.registry.browser.controlpanel import ControlPanelFormWrapper
from plone.app.registry.browser.controlpanel import RegistryEditForm
from plone.z3cform import layout
from Products.Five.browser import BrowserView
from z3c.form.interfaces import IErrorViewSnippet
from zope import schema
from zope.component import getMultiAdapter
from zope.interface import Interface
from zope.interface import Invalid


SETTINGS_PREFIX = "ent.home"
#: The services' sections shown on a new site, in this order.
DEFAULT_SECTIONS = ("aides", "sectorisation", "culture-loisirs", "projets", "aide-formation", "espaces")
#: The icon of each section's card (Bootstrap Icons served by Plone's icon resolver); a
#: section an editor adds gets the folder's.
SECTION_ICONS = {
    "actualites": "newspaper",
    "colleges": "building",
    "aides": "piggy-bank",
    "sectorisation": "geo-alt",
    "culture-loisirs": "palette",
    "projets": "lightbulb",
    "aide-formation": "life-preserver",
    "espaces": "people",
}
DEFAULT_ICON = "folder"
#: French month names for the events' date badges (the site's only language).
MONTHS = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")


def unknown_sections(section_ids):
    """The message for ids that name no first-level item of the County portal, or None."""
    portal = api.portal.get()
    unknown = [section_id for section_id in section_ids or () if section_id not in portal.objectIds()]
    if not unknown:
        return None
    return _(
        "error_home_unknown_sections",
        default="No section of the portal has the id ${ids}. The sections are: ${available}.",
        mapping={"ids": ", ".join(unknown), "available": ", ".join(portal.objectIds())},
    )


class IHomeSettings(Interface):
    """The County home's settings (registry, prefix `ent.home`)."""

    intro = schema.Text(
        title=_("label_home_intro", default="Introduction"),
        description=_("help_home_intro", default="The text under the portal's name at the top of the home page."),
        required=False,
        default="Le portail du Département pour les collégiens, leurs familles et les équipes des collèges.",
    )
    sections = schema.List(
        title=_("label_home_sections", default="Services shown"),
        description=_(
            "help_home_sections",
            default="One section per line, by its id (the end of its address, e.g. aides), in the order of the"
            " page. Each card shows the section's title and description, edited on the section itself.",
        ),
        value_type=schema.TextLine(),
        required=False,
        # Checked by the form (unknown_sections): registry fields take no constraint.
        default=list(DEFAULT_SECTIONS),
    )
    news_count = schema.Int(
        title=_("label_home_news_count", default="Number of news items"),
        required=True,
        min=1,
        max=12,
        default=6,
    )
    events_count = schema.Int(
        title=_("label_home_events_count", default="Number of upcoming events"),
        required=True,
        min=1,
        max=10,
        default=4,
    )
    show_finder = schema.Bool(
        title=_("label_home_show_finder", default="Show the schools finder"),
        required=False,
        default=True,
    )


def home_settings() -> dict:
    """The home's settings; a record missing (a site before the upgrade) gives its default."""
    registry = api.portal.get_tool("portal_registry")
    return {
        name: registry.get(f"{SETTINGS_PREFIX}.{name}", field.default)
        for name, field in schema.getFieldsInOrder(IHomeSettings)
    }


def lead_image(brain, scale="preview"):
    """The URL, width and height of a news item's lead image scale, or None (no image).

    From the catalog's `image_scales` (no object loaded; the URL names the scale's unique
    version, so browsers may keep it), else from `getIcon` (the item has an image).
    """
    scales = getattr(brain, "image_scales", None) or {}
    image = (scales.get("image") or [None])[0]
    if not image:
        # Metadata made before the image was set: the image view finds the scale.
        if getattr(brain, "getIcon", False):
            return {"src": f"{brain.getURL()}/@@images/image/{scale}", "width": None, "height": None}
        return None
    chosen = (image.get("scales") or {}).get(scale) or image
    return {
        "src": f"{brain.getURL()}/{chosen['download']}",
        "width": chosen.get("width"),
        "height": chosen.get("height"),
    }


def news_entry(brain, titles):
    effective = brain.effective if is_set(brain.effective) else None
    return {
        "url": brain.getURL(),
        "title": brain.Title,
        "description": brain.Description,
        "origin": brain.origin,
        "origin_title": origin_title(brain.origin, titles),
        "date": french_date(effective) if effective else "",
        "iso": local(effective).isoformat() if effective else "",
        "draft": brain.review_state not in PUBLISHED_STATES,
        "image": lead_image(brain),
    }


def event_entry(brain):
    start = local(brain.start) if brain.start else None
    end = local(brain.end) if brain.end else None
    return {
        "url": brain.getURL(),
        "title": brain.Title,
        "description": brain.Description,
        "day": f"{start.day}" if start else "",
        "month": MONTHS[start.month - 1] if start else "",
        "when": french_datetime(start) if start else "",
        "iso": start.isoformat() if start else "",
        "until": french_datetime(end) if end and start and end.date() != start.date() else "",
        "location": getattr(brain, "location", "") or "",
    }


class HomeMixin:
    """What both homes show: the site's latest news and its upcoming events."""

    def latest_news(self, limit):
        titles = school_titles()
        return [news_entry(brain, titles) for brain in site_items(self.context, b_size=limit)[:limit]]

    def upcoming_events(self, limit):
        return [event_entry(brain) for brain in site_events(self.context, limit)]

    def hide_portlets(self):
        # The home pages use the whole width, at 390 px as at 1366 px.
        self.request.set("disable_plone.leftcolumn", True)
        self.request.set("disable_plone.rightcolumn", True)


class CountyHomeView(HomeMixin, BrowserView):
    """The County portal's home: alerts (viewlet), news, services, events, schools finder."""

    def __call__(self):
        self.hide_portlets()
        self.settings = home_settings()
        return self.index()

    def portal(self):
        return api.portal.get()

    def news(self):
        return self.latest_news(self.settings["news_count"])

    def events(self):
        return self.upcoming_events(self.settings["events_count"])

    def services(self):
        """The sections chosen in the settings, in their order, that the reader may view."""
        wanted = [section_id for section_id in self.settings["sections"] or () if section_id]
        if not wanted:
            return []
        portal_path = "/".join(self.context.getPhysicalPath())
        brains = api.content.find(path={"query": portal_path, "depth": 1}, getId=wanted)
        found = {brain.getId: brain for brain in brains}
        icons = api.content.get_view("iconresolver", self.context, self.request)
        return [
            {
                "id": section_id,
                "url": found[section_id].getURL(),
                "title": found[section_id].Title,
                "description": found[section_id].Description,
                "icon": decorative(icons.tag(SECTION_ICONS.get(section_id, DEFAULT_ICON), tag_class="ent-card-icon")),
            }
            for section_id in wanted
            if section_id in found
        ]

    def news_url(self):
        return f"{self.context.absolute_url()}/actualites"

    def finder(self):
        """The schools finder's address and communes, or None if the reader may not view it."""
        if not self.settings["show_finder"]:
            return None
        folder = self.context.get(SCHOOLS_FOLDER)
        if folder is None or not api.user.has_permission("View", obj=folder):
            return None
        return {"action": f"{folder.absolute_url()}/@@schools-finder", "communes": communes()}

    def can_edit_home(self):
        return api.user.has_permission("Modify portal content", obj=self.context)


def decorative(svg: str) -> str:
    """An inline icon beside its text: hidden from screen readers, not focusable."""
    return svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1)


class HomeControlPanelForm(RegistryEditForm):
    schema = IHomeSettings
    schema_prefix = SETTINGS_PREFIX
    label = _("heading_home_settings", default="Home page")
    description = _(
        "help_home_settings",
        default="What the County portal's home page shows. The cards' titles and descriptions are those of"
        " the sections: edit them on each section.",
    )

    def extractData(self, setErrors=True):
        data, errors = super().extractData(setErrors=setErrors)
        message = None if errors else unknown_sections(data.get("sections"))
        if message is not None:
            widget = self.widgets["sections"]
            error = getMultiAdapter(
                (Invalid(message), self.request, widget, widget.field, self, self.context), IErrorViewSnippet
            )
            error.update()
            if setErrors:
                widget.error = error
                self.widgets.errors += (error,)
            errors += (error,)
        return data, errors


HomeControlPanelView = layout.wrap_form(HomeControlPanelForm, ControlPanelFormWrapper)
