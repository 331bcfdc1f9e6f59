"""The help centre (`/aide-formation`, view `@@help-centre`) and an FAQ page (`@@faq`).

The help centre lists what the section holds as the reader may view it (catalog queries,
security by the catalog): a search restricted to the section (results on the same page, a
plain GET form), the guides (Documents), the FAQs, the upcoming training sessions (Events)
with their registration form, and the support request form for people logged in.
"""

from DateTime import DateTime
from ent.policy.audience import PUBLISHED_STATES
from ent.policy.dates import french_datetime
from ent.policy.helpdesk import faq_intro
from ent.policy.helpdesk import faq_questions
from ent.policy.helpdesk import FAQ_VIEW
from ent.policy.helpdesk import matching_questions
from ent.policy.helpdesk import registration_form
from ent.policy.helpdesk import SUPPORT_FORM
from plone import api
from Products.Five.browser import BrowserView
from urllib.parse import urlencode


#: Search results shown (the section is small; a longer list says "refine your search").
RESULTS_LIMIT = 30
EVENTS_LIMIT = 10


def is_faq(obj):
    return obj.getLayout() == FAQ_VIEW


def text_of(obj):
    text = getattr(obj, "text", None)
    return text.output if text is not None else ""


def question_url(faq_url, anchor):
    """An FAQ's question, open (without JavaScript: the page opens the one asked for)."""
    return f"{faq_url}?{urlencode({'question': anchor})}#{anchor}"


class HelpCentreView(BrowserView):
    """The section's page (its title is the section's: editors name it)."""

    def __call__(self):
        self.terms = (self.request.form.get("SearchableText") or "").strip()
        documents = [brain.getObject() for brain in self._documents()]
        # A Document is an FAQ by its view: there are few of them, read once each.
        self.faqs = [doc for doc in documents if is_faq(doc)]
        self.guides = [doc for doc in documents if not is_faq(doc)]
        return self.index()

    def _catalog(self, **query):
        return api.portal.get_tool("portal_catalog").searchResults(
            path="/".join(self.context.getPhysicalPath()), **query
        )

    def _documents(self):
        return self._catalog(
            portal_type="Document", review_state=list(PUBLISHED_STATES), sort_on="getObjPositionInParent"
        )

    def guide_entries(self):
        return [
            {"url": doc.absolute_url(), "title": doc.Title(), "description": doc.Description()} for doc in self.guides
        ]

    def faq_entries(self):
        return [
            {
                "url": faq.absolute_url(),
                "title": faq.Title(),
                "questions": [
                    {"url": question_url(faq.absolute_url(), q["anchor"]), "question": q["question"]}
                    for q in faq_questions(text_of(faq))
                ],
            }
            for faq in self.faqs
        ]

    def sessions(self):
        """The training sessions not over yet, soonest first."""
        now = DateTime()
        entries = []
        for brain in self._catalog(
            portal_type="Event",
            review_state=list(PUBLISHED_STATES),
            end={"query": now, "range": "min"},
            sort_on="start",
            sort_limit=EVENTS_LIMIT,
        )[:EVENTS_LIMIT]:
            event = brain.getObject()
            form = registration_form(event)
            entries.append(
                {
                    "url": brain.getURL(),
                    "title": brain.Title,
                    "description": brain.Description,
                    "start": french_datetime(brain.start),
                    "location": getattr(event, "location", "") or "",
                    "register_url": self.register_url(form),
                }
            )
        return entries

    def results(self):
        """What the search found in the section; an FAQ found also says which of its
        questions hold the words (links to their anchors)."""
        if not self.terms:
            return []
        entries = []
        for brain in self._catalog(SearchableText=self.terms, sort_limit=RESULTS_LIMIT)[:RESULTS_LIMIT]:
            entry = {"url": brain.getURL(), "title": brain.Title, "description": brain.Description, "questions": []}
            if brain.portal_type == "Document":
                doc = brain.getObject()
                if is_faq(doc):
                    entry["questions"] = [
                        {"url": question_url(entry["url"], q["anchor"]), "question": q["question"]}
                        for q in matching_questions(faq_questions(text_of(doc)), self.terms)
                    ]
            entries.append(entry)
        return entries

    def register_url(self, form):
        """The registration form, or the log-in form back to it for a visitor who may not
        view it (registration is for people logged in)."""
        if form is None:
            return ""
        if api.user.has_permission("View", obj=form):
            return form.absolute_url()
        if api.user.is_anonymous():
            return self.login_url(form.absolute_url())
        return ""

    def support_url(self):
        form = self.context.get(SUPPORT_FORM)
        return form.absolute_url() if form is not None else ""

    def is_anonymous(self):
        return api.user.is_anonymous()

    def login_url(self, came_from=None):
        """The log-in form, back to `came_from` (the support form) afterwards."""
        came_from = came_from or self.support_url() or self.context.absolute_url()
        return f"{api.portal.get().absolute_url()}/login?{urlencode({'came_from': came_from})}"


class FAQView(BrowserView):
    """An FAQ: the Document's questions (its headings) as disclosure widgets, each with an
    anchor the search results link to."""

    def intro(self):
        return faq_intro(text_of(self.context))

    def questions(self):
        wanted = self.request.form.get("question")
        return [{**q, "open": q["anchor"] == wanted} for q in faq_questions(text_of(self.context))]
