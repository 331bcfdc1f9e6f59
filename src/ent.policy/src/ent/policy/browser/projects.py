"""County projects: the section's listing (`@@projects`: each project with its state and its
places) and a project's page (`@@project_view`: its presentation, its dates and places, and
the way to register a class, for a school's staff)."""

from ent.policy.browser.aids import BADGES as AID_BADGES
from ent.policy.cases.aidforms import login_url
from ent.policy.cases.model import cases_folder
from ent.policy.cases.model import is_handler
from ent.policy.cases.projects import is_school_staff
from ent.policy.cases.projects import STAFF_ONLY
from ent.policy.content.aid import CLOSED
from ent.policy.content.aid import OPEN
from ent.policy.content.aid import UPCOMING
from ent.policy.content.project import FULL
from ent.policy.content.project import PROJECT_TYPE
from ent.policy.dates import french_day
from plone import api
from Products.Five.browser import BrowserView


#: The listing's order: what takes registrations first.
STATE_ORDER = {OPEN: 0, UPCOMING: 1, FULL: 2, CLOSED: 3}
BADGES = {**AID_BADGES, FULL: "bg-warning text-dark"}


class ProjectsView(BrowserView):
    """The projects of the section the reader may see, open ones first."""

    def projects(self):
        entries = []
        for brain in api.content.find(context=self.context, portal_type=PROJECT_TYPE, depth=1):
            project = brain.getObject()
            taken = project.taken()
            state = project.registration_state(taken=taken)
            entries.append(
                {
                    "title": project.Title(),
                    "url": project.absolute_url(),
                    "description": project.Description(),
                    "levels": ", ".join(project.levels or ()),
                    "state": state.state,
                    "label": state.label,
                    "sentence": project.window_state().sentence,
                    "places": project.places_sentence(taken) if state.state != CLOSED else "",
                    "badge": BADGES[state.state],
                    "draft": brain.review_state != "published",
                }
            )
        entries.sort(key=lambda entry: (STATE_ORDER[entry["state"]], entry["title"].lower()))
        return entries


class ProjectView(BrowserView):
    """A project's page."""

    def __call__(self):
        self.taken = self.context.taken()
        self.state = self.context.registration_state(taken=self.taken)
        self.window = self.context.window_state()
        return self.index()

    def badge(self):
        return BADGES[self.state.state]

    def places(self):
        return self.context.places_sentence(self.taken) if self.state.state != CLOSED else ""

    def levels(self):
        return ", ".join(self.context.levels or ())

    def opens(self):
        return french_day(self.context.opens)

    def closes(self):
        return french_day(self.context.closes)

    def anonymous(self):
        return api.user.is_anonymous()

    def staff(self):
        return is_school_staff()

    def staff_only(self):
        return STAFF_ONLY

    def form_url(self):
        form = self.context.registration_form()
        return form.absolute_url() if form is not None else None

    def login_url(self):
        form = self.context.registration_form()
        return login_url(form if form is not None else self.context)

    def handler(self):
        """May the reader see the registrations (the projects' managers)?"""
        return is_handler("project")

    def registrations_url(self):
        folder = cases_folder("project")
        return f"{folder.absolute_url()}/@@cases?source={api.content.get_uuid(self.context)}"

    def rich(self, name):
        value = getattr(self.context, name, None)
        return value.output_relative_to(self.context) if value is not None and value.raw else ""
