"""The schools finder page and a school's home page."""

from DateTime import DateTime
from ent.policy.browser.home import HomeMixin
from ent.policy.browser.navigation import listed_for_reader
from ent.policy.browser.navigation import sees_inactive_content
from ent.policy.content.school import SECTIONS
from ent.policy.i18n import _
from ent.policy.schools.finder import communes
from ent.policy.schools.finder import find_schools
from plone import api
from Products.Five.browser import BrowserView
from zope.i18n import translate


SERVICE_LABELS = (
    ("catering", "Restauration"),
    ("boarding", "Internat"),
    ("segpa", "SEGPA"),
    ("ulis", "ULIS"),
)


def visible_children(container, wanted=None):
    """{"title", "url"} of the items of `container` (those named in `wanted`, if given) that
    the catalog would list for the current reader, in the container's order: those they may
    view, within their publication dates unless they may see inactive content.

    A school's home asks this of two small folders on every view: reading the few items is
    several times cheaper than a catalog query (ExtendedPathIndex, the roles and dates
    filters, the position sort), which weighed a tenth of the page (docs/benchmarks.md)."""
    now = DateTime()
    inactive = sees_inactive_content()
    found = []
    for item_id in container.objectIds():
        if wanted is not None and item_id not in wanted:
            continue
        item = container.get(item_id)
        if item is not None and listed_for_reader(item, now, inactive):
            found.append({"title": item.Title(), "url": item.absolute_url()})
    return found


def service_labels(services: dict) -> list[str]:
    labels = [label for key, label in SERVICE_LABELS if services.get(key)]
    if services.get("priority_education"):
        labels.append(services["priority_education"])
    return labels


class SchoolsFinderView(BrowserView):
    """Every school, filterable by commune and by name (anonymous)."""

    def __call__(self):
        self.commune = self.request.form.get("commune", "").strip()
        self.q = self.request.form.get("q", "").strip()
        self.schools = find_schools(commune=self.commune, q=self.q)
        self.communes = communes()
        return self.index()

    def services(self, school):
        return service_labels(school["services"])


class OldSchoolsDirectoryLink(BrowserView):
    """`@@schools-directory`, the finder's name before 1004: a permanent redirect, filters kept."""

    def __call__(self):
        url = f"{self.context.absolute_url()}/@@schools-finder"
        query = self.request.get("QUERY_STRING", "")
        if query:
            url = f"{url}?{query}"
        self.request.response.redirect(url, status=301, lock=True)
        return ""


class SchoolView(HomeMixin, BrowserView):
    """A school's home: who it is, its news and the County's broadcasts to it, its events,
    how to reach it, its spaces, and the ways back to the County portal and to Mon ENT."""

    NEWS_COUNT = 5
    EVENTS_COUNT = 4

    def __call__(self):
        self.hide_portlets()
        return self.index()

    def services(self):
        return service_labels(self.context.services())

    def address_lines(self):
        lines = (self.context.address or "").splitlines()
        town = " ".join(part for part in (self.context.postal_code, self.context.commune) if part)
        return [line for line in lines + [town] if line]

    def news(self):
        """The school's latest news and the County's broadcasts to the school."""
        return self.latest_news(self.NEWS_COUNT)

    def events(self):
        """The school's next events and the County's meant for it."""
        return self.upcoming_events(self.EVENTS_COUNT)

    def logo(self):
        """The logo's scale (`<img>` attributes), or None."""
        if not self.context.logo:
            return None
        scale = api.content.get_view("images", self.context, self.request).scale("logo", scale="thumb")
        if scale is None:
            return None
        alt = translate(
            _("alt_school_logo", default="Logo of ${school}", mapping={"school": self.context.Title()}),
            context=self.request,
        )
        return {"src": scale.url, "width": scale.width, "height": scale.height, "alt": alt}

    def phone_link(self):
        return "tel:" + "".join(char for char in self.context.phone or "" if char.isdigit() or char == "+")

    def spaces(self):
        """The items of the school's `espaces` folder the reader may view, in their order."""
        folder = self.context.get("espaces")
        if folder is None or not api.user.has_permission("View", obj=folder):
            return None
        return visible_children(folder)

    def spaces_url(self):
        folder = self.context.get("espaces")
        return folder.absolute_url() if folder is not None else None

    def section_url(self, section_id):
        section = self.context.get(section_id)
        return section.absolute_url() if section is not None else None

    def sections(self):
        """The school's sections the visitor may see, in their order."""
        return visible_children(self.context, {section_id for section_id, _title, _view in SECTIONS})

    def has_accent(self):
        """Whether the school has its own accent colour (ent.theme sets it as `--ent-accent`
        on every page of the school; else the County's main colour is used)."""
        return bool(self.context.accent_color)

    def county_url(self):
        return api.portal.get().absolute_url()

    def mon_ent_url(self):
        return f"{self.context.absolute_url()}/@@mon-ent"

    def login_url(self):
        """For a visitor: the log-in form, after which a person lands on Mon ENT."""
        return f"{self.context.absolute_url()}/login"

    def anonymous(self):
        return api.user.is_anonymous()
