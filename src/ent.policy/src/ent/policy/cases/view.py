"""A case's page (`@@case_view`) and its attachments (`@@case-attachment/<name>`).

The applicant sees what they sent, its state and history; a handler also sees the decision
form. Who may open the page at all is the workflow's business (View: Manager, CaseHandler,
Owner), and anyone else gets the 404 of a missing page (ent.policy.concealment)."""

from .attachments import SHOWN_TYPES
from .model import available_transitions
from .model import CaseRefused
from .model import decide
from .model import history
from .model import is_handler
from .model import KIND_TITLES
from .model import state_of
from .model import STATE_TITLES
from .model import TRANSITION_TITLES
from AccessControl import Unauthorized
from ent.policy.dates import french_date
from ent.policy.dates import french_datetime
from plone import api
from plone.namedfile.utils import stream_data
from plone.protect import CheckAuthenticator
from Products.CMFPlone.utils import safe_text
from Products.Five.browser import BrowserView
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile
from Products.statusmessages.interfaces import IStatusMessage
from urllib.parse import quote
from zExceptions import NotFound
from zope.interface import implementer
from zope.publisher.interfaces import IPublishTraverse

import datetime


#: The look of each state (Bootstrap's colours).
STATE_CLASSES = {
    "received": "bg-secondary",
    "under_review": "bg-info text-dark",
    "accepted": "bg-success",
    "refused": "bg-danger",
}
BUTTON_CLASSES = {
    "review": "btn-outline-primary",
    "accept": "btn-success",
    "refuse": "btn-danger",
    "reopen": "btn-outline-secondary",
}


def shown_value(value) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(str(item) for item in value)
    if isinstance(value, datetime.datetime):
        return french_datetime(value)
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def file_size(size) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} Mo".replace(".", ",")
    return f"{max(1, round(size / 1024))} ko"


class CaseView(BrowserView):
    template = ViewPageTemplateFile("templates/case_view.pt")
    error = ""
    reason = ""

    @property
    def page_title(self):
        return f"Demande n° {self.context.reference}"

    def __call__(self):
        if self.request.method == "POST" and self.request.form.get("transition"):
            done = self.handle_decision()
            if done:
                self.request.response.redirect(self.context.absolute_url())
                return ""
        return self.template()

    def handle_decision(self) -> bool:
        CheckAuthenticator(self.request)
        transition = self.request.form.get("transition", "")
        self.reason = safe_text(self.request.form.get("reason", "")).strip()
        try:
            decide(self.context, transition, self.reason)
        except Unauthorized:
            self.error = "Seuls les instructeurs de ce dossier peuvent le faire avancer."
            return False
        except CaseRefused as refused:
            self.error = str(refused)
            self.request.response.setStatus(400)
            return False
        IStatusMessage(self.request).add(
            f"Dossier {self.context.reference} : « {STATE_TITLES[state_of(self.context)]} ». Le demandeur est prévenu par courriel.",
            type="info",
        )
        return True

    def handler(self) -> bool:
        return is_handler(self.context)

    def is_applicant(self) -> bool:
        return api.user.get_current().getId() == self.context.applicant

    def state(self):
        state = state_of(self.context)
        return {"id": state, "title": STATE_TITLES.get(state, state), "class": STATE_CLASSES.get(state, "bg-secondary")}

    def kind_title(self):
        return KIND_TITLES.get(self.context.kind, "")

    def submitted(self):
        return french_datetime(self.context.created())

    def answers(self):
        return [{"label": label, "value": shown_value(value)} for _name, label, value in self.context.answers or ()]

    def attachments(self):
        base = f"{self.context.absolute_url()}/@@case-attachment/"
        return [
            {
                "label": item.get("label") or name,
                "filename": item.get("filename") or name,
                "size": file_size(item.get("size") or 0),
                "url": base + quote(name),
            }
            for name, item in (self.context.attachments or {}).items()
        ]

    def steps(self):
        """The history, newest last. The applicant reads "the County" for a handler's step:
        a decision is the County's, not one agent's."""
        handler = self.handler()
        steps = []
        for step in history(self.context):
            if handler:
                who = step["actor_name"]
            elif step["actor"] == self.context.applicant:
                who = "Vous"
            else:
                who = "Les services du Département"
            steps.append(
                {
                    **step,
                    "who": who,
                    "when": french_datetime(step["date"]),
                    "class": STATE_CLASSES.get(step["state"], "bg-secondary"),
                }
            )
        return steps

    def transitions(self):
        if not self.handler():
            return []
        return [
            {"id": t, "title": TRANSITION_TITLES[t], "class": BUTTON_CLASSES[t]}
            for t in available_transitions(self.context)
        ]

    def school_title(self):
        uai = self.context.school
        if not uai:
            return ""
        school = api.portal.get()["colleges"].get(uai.lower()) if "colleges" in api.portal.get().objectIds() else None
        return f"{school.Title()} ({uai})" if school is not None else uai

    def french_date(self, value):
        return french_date(value)


@implementer(IPublishTraverse)
class CaseAttachment(BrowserView):
    """`@@case-attachment/<name>`: the file, always as a download, never shown as a page."""

    name = None

    def publishTraverse(self, request, name):
        if self.name is None:
            self.name = name
            return self
        raise NotFound(name)

    def __call__(self):
        item = self.context.attachment(self.name) if self.name else None
        if item is None:
            raise NotFound(self.name or "")
        blob = item["file"]
        content_type = item.get("content_type")
        response = self.request.response
        response.setHeader("Content-Type", content_type if content_type in SHOWN_TYPES else "application/octet-stream")
        filename = item.get("filename") or self.name
        ascii_name = filename.encode("ascii", "replace").decode("ascii").replace('"', "").replace("?", "_")
        response.setHeader(
            "Content-Disposition", f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
        )
        response.setHeader("X-Content-Type-Options", "nosniff")
        response.setHeader("Cache-Control", "private, no-store")
        response.setHeader("Content-Length", str(blob.getSize()))
        return stream_data(blob)


class NoPloneHistory(BrowserView):
    """Plone's history pages (`@@contenthistory`, `@@contenthistorypopup`,
    `@@versions_history_form`, `@@history`), for a case: its page shows its history, where a
    handler's step is the County's to the applicant; Plone's named the agent."""

    def __call__(self):
        raise NotFound(self.__name__)
