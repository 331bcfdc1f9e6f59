"""The County's local aids: the aids section's listing (`@@aids`, filtered by beneficiary)
and an aid's page (`@@aid_view`: its fields, its window, the way to its form)."""

from ent.policy.cases.aidforms import login_url
from ent.policy.content.aid import AID_TYPE
from ent.policy.content.aid import CLOSED
from ent.policy.content.aid import OPEN
from ent.policy.content.aid import UPCOMING
from ent.policy.dates import french_day
from ent.policy.vocabularies.beneficiaries import BENEFICIARIES
from ent.policy.vocabularies.beneficiaries import BENEFICIARY_TITLES
from plone import api
from Products.Five.browser import BrowserView
from urllib.parse import urlencode


#: The listing's order: what can be applied for first.
STATE_ORDER = {OPEN: 0, UPCOMING: 1, CLOSED: 2}
BADGES = {OPEN: "bg-success", UPCOMING: "bg-info text-dark", CLOSED: "bg-secondary"}


def beneficiary_titles(aid):
    return [BENEFICIARY_TITLES.get(value, value) for value in aid.beneficiaries or ()]


class AidsView(BrowserView):
    """The aids of the section the reader may see, open ones first; `?beneficiary=` filters."""

    def __call__(self):
        wanted = self.request.form.get("beneficiary", "")
        self.beneficiary = wanted if wanted in BENEFICIARY_TITLES else ""
        return self.index()

    def filters(self):
        base = self.context.absolute_url()
        choices = [("", "Toutes les aides")] + list(BENEFICIARIES)
        return [
            {
                "title": title,
                "url": f"{base}?{urlencode({'beneficiary': value})}" if value else base,
                "current": value == self.beneficiary,
            }
            for value, title in choices
        ]

    def aids(self):
        entries = []
        for brain in api.content.find(context=self.context, portal_type=AID_TYPE, depth=1):
            aid = brain.getObject()
            if self.beneficiary and self.beneficiary not in (aid.beneficiaries or ()):
                continue
            window = aid.window_state()
            entries.append(
                {
                    "title": aid.Title(),
                    "url": aid.absolute_url(),
                    "description": aid.Description(),
                    "beneficiaries": beneficiary_titles(aid),
                    "amount": aid.amount,
                    "state": window.state,
                    "label": window.label,
                    "sentence": window.sentence,
                    "badge": BADGES[window.state],
                    "draft": brain.review_state != "published",
                }
            )
        entries.sort(key=lambda entry: (STATE_ORDER[entry["state"]], entry["title"].lower()))
        return entries

    def beneficiary_title(self):
        return BENEFICIARY_TITLES.get(self.beneficiary, "")


class AidView(BrowserView):
    """An aid's page."""

    def __call__(self):
        self.window = self.context.window_state()
        return self.index()

    def beneficiaries(self):
        return beneficiary_titles(self.context)

    def opens(self):
        return french_day(self.context.opens)

    def closes(self):
        return french_day(self.context.closes)

    def badge(self):
        return BADGES[self.window.state]

    def anonymous(self):
        return api.user.is_anonymous()

    def form_url(self):
        form = self.context.application_form()
        return form.absolute_url() if form is not None else None

    def login_url(self):
        form = self.context.application_form()
        return login_url(form if form is not None else self.context)

    def rich(self, name):
        value = getattr(self.context, name, None)
        return value.output_relative_to(self.context) if value is not None and value.raw else ""
