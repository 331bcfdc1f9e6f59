"""The schools finder page and a school's home page."""

from ent.policy.content.school import SECTIONS
from ent.policy.feed import site_items
from ent.policy.schools.finder import communes
from ent.policy.schools.finder import find_schools
from plone import api
from Products.Five.browser import BrowserView


SERVICE_LABELS = (
    ("catering", "Restauration"),
    ("boarding", "Internat"),
    ("segpa", "SEGPA"),
    ("ulis", "ULIS"),
)


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


class SchoolView(BrowserView):
    """A school's home: who it is, how to reach it, its latest news."""

    def services(self):
        return service_labels(self.context.services())

    def address_lines(self):
        lines = (self.context.address or "").splitlines()
        town = " ".join(part for part in (self.context.postal_code, self.context.commune) if part)
        return [line for line in lines + [town] if line]

    def latest_news(self, limit=5):
        """The school's latest news and the County's broadcasts to the school."""
        return site_items(self.context, b_size=limit)[:limit]

    def sections(self):
        """The school's sections the visitor may see, in their order."""
        wanted = [section_id for section_id, _, _ in SECTIONS]
        brains = api.content.find(context=self.context, depth=1, portal_type="Folder", sort_on="getObjPositionInParent")
        return [brain for brain in brains if brain.getId in wanted]
