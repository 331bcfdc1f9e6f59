"""An aid's application form: made from the ready template when the aid is created, shown
with the aid's window, prefilled from the directory for the logged-in person.

The template is two supermodel files (`forms/aid_form.xml`, the fields; `forms/aid_actions.xml`,
the "Créer un dossier" action): each aid gets its own copy (`formulaire`), which County
editors adapt in easyform's field editor; a new aid starts again from the template. The
defaults are easyform's own TDefault expressions calling `@@applicant` (visible and
changeable in the field editor).
"""

from AccessControl.SecurityManagement import getSecurityManager
from Acquisition import aq_inner
from collective.easyform.api import get_actions
from collective.easyform.browser.view import EasyFormForm
from collective.easyform.browser.view import EasyFormFormWrapper
from collective.easyform.serializer import SerializeToJson as EasyFormSerializer
from ent.policy.cases.action import CreateCase
from ent.policy.cases.action import CREATED_CASE
from ent.policy.cases.action import form_aid
from ent.policy.cases.formtemplate import create_form_from_template
from ent.policy.cases.projects import form_project
from ent.policy.cases.projects import refusal as project_refusal
from ent.policy.cases.projects import staff_school
from ent.policy.content.aid import FORM_ID
from ent.policy.content.project import CLOSED
from ent.policy.content.project import Registration
from ent.policy.directory.family import family_of
from ent.policy.directory.family import NOBODY
from pathlib import Path
from plone import api
from plone.memoize.view import memoize
from Products.Five.browser import BrowserView
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile
from urllib.parse import urlencode
from zope.annotation.interfaces import IAnnotations
from zope.globalrequest import getRequest
from zope.interface import provider
from zope.schema import getFieldsInOrder
from zope.schema.interfaces import IVocabularyFactory
from zope.schema.vocabulary import SimpleTerm
from zope.schema.vocabulary import SimpleVocabulary

import html


FORMS = Path(__file__).parent / "forms"
AID_FIELDS = (FORMS / "aid_form.xml").read_text(encoding="utf-8")
AID_ACTIONS = (FORMS / "aid_actions.xml").read_text(encoding="utf-8")
AID_FORM_TITLE = "Formulaire de demande"
SUBMIT_LABEL = "Déposer ma demande"


def create_aid_form(aid, event=None):
    """Give a new aid its application form from the ready template."""
    create_form_from_template(
        aid, FORM_ID, AID_FORM_TITLE, AID_FIELDS, AID_ACTIONS, SUBMIT_LABEL, "Demande enregistrée"
    )


def makes_cases(form) -> bool:
    """Whether a form has the "Créer un dossier" action (aid and support forms)."""
    try:
        return any(isinstance(action, CreateCase) for _name, action in getFieldsInOrder(get_actions(form)))
    except Exception:  # a model an editor broke: easyform shows its own error
        return False


FAMILY_KEY = "ent.policy.cases.family"


def current_family():
    """The logged-in person's names and children, read once per request."""
    if api.user.is_anonymous():
        return NOBODY
    user_id = api.user.get_current().getId()
    request = getRequest()
    cache = IAnnotations(request) if request is not None else {}
    if cache.get(FAMILY_KEY, (None,))[0] != user_id:
        cache[FAMILY_KEY] = (user_id, family_of(user_id))
    return cache[FAMILY_KEY][1]


@provider(IVocabularyFactory)
def applicant_children(context=None):
    """The logged-in parent's children, from the directory (`ent.policy.applicant_children`)."""
    if api.user.is_anonymous():
        return SimpleVocabulary([])
    return SimpleVocabulary([SimpleTerm(child.id, child.id, child.fullname) for child in current_family().children])


class ApplicantDefaults(BrowserView):
    """What a form knows of the logged-in person: `context/@@applicant/email` in a field's
    default (TDefault). Empty for anonymous people."""

    @property
    @memoize
    def member(self):
        return None if api.user.is_anonymous() else api.user.get_current()

    def _property(self, name):
        return (self.member.getProperty(name, "") or "") if self.member is not None else ""

    @property
    def fullname(self):
        return self._property("fullname")

    @property
    def family(self):
        return current_family()

    @property
    def first_name(self):
        if self.family.first_name or self.family.last_name:
            return self.family.first_name
        # Without a directory: Plone's full name, "first name last name".
        parts = self.fullname.split(" ", 1)
        return parts[0] if len(parts) == 2 else ""

    @property
    def last_name(self):
        if self.family.last_name:
            return self.family.last_name
        parts = self.fullname.split(" ", 1)
        return parts[-1] if parts else ""

    @property
    def email(self):
        return self._property("email")

    @property
    def children(self):
        return self.family.children

    @property
    def child(self):
        # Prefilled only when there is no choice to make.
        return self.children[0].id if len(self.children) == 1 else None

    @property
    def staff_school(self):
        # A school's staff member registering a class: their school, if they have one only.
        return staff_school()

    @property
    def school(self):
        uais = {child.uai for child in self.children if child.uai}
        return uais.pop() if len(uais) == 1 else None


class CaseForm(EasyFormForm):
    """easyform's form, for forms that make cases: the aid's window before anything is
    filled, nothing but a log-in link for anonymous people, the case's reference after."""

    def update(self):
        self.window = None
        self.aid = form_aid(aq_inner(self.context))
        self.project = form_project(aq_inner(self.context))
        if self.aid is not None:
            self.window = self.aid.window_state()
        elif self.project is not None:
            # Closed, not open yet, full, or not for this person: said, and no form.
            self.window = self.project.registration_state()
            refused = project_refusal(self.project) if self.window.is_open else None
            if refused:
                self.window = Registration(CLOSED, refused)
        super().update()
        case = IAnnotations(self.request).get(CREATED_CASE)
        if self.thanksPage and case is not None:
            what = "inscription" if self.project is not None else "demande"
            self.thanksPrologue = (
                f'<p class="ent-case-created">Votre {what} est enregistrée sous le numéro '
                f"<strong>{html.escape(case.reference)}</strong>. "
                f'<a href="{html.escape(case.absolute_url())}">Suivre ce dossier</a> '
                "(aussi dans Mon ENT, « Mes démarches »).</p>"
            )

    @property
    def label(self):
        # Which aid this is a request for, whatever the form's own title.
        if self.aid is not None and not self.thanksPage:
            return f"Demande — {self.aid.Title()}"
        if self.project is not None and not self.thanksPage:
            return f"Inscription — {self.project.Title()}"
        return super().label


class CaseFormView(EasyFormFormWrapper):
    """The form's page (easyform's `view`, on the ENT layer): forms that make cases send
    anonymous people to log in and come back; the others are easyform's, unchanged."""

    form = CaseForm
    index = ViewPageTemplateFile("templates/case_form_layout.pt")

    def __call__(self):
        if makes_cases(self.context) and api.user.is_anonymous():
            self.request.response.redirect(login_url(self.context))
            return ""
        return super().__call__()

    @property
    def window(self):
        """The aid's window (an aid's form, not its thanks page), else None."""
        if getattr(self.form_instance, "thanksPage", False):
            return None
        return getattr(self.form_instance, "window", None)

    @property
    def shows_form(self):
        # A closed or upcoming aid's form is not shown (a post would be refused anyway);
        # its thanks page is.
        return self.window is None or self.window.is_open or self.form_instance.thanksPage

    def aid_url(self):
        aid = form_aid(aq_inner(self.context)) or form_project(aq_inner(self.context))
        return aid.absolute_url() if aid is not None else api.portal.get().absolute_url()

    @property
    def is_project(self):
        return form_project(aq_inner(self.context)) is not None


def login_url(context):
    """The log-in page, coming back to `context`."""
    portal_url = api.portal.get().absolute_url()
    return f"{portal_url}/login?{urlencode({'came_from': context.absolute_url()})}"


#: collective.easyform's permission, by the title Zope checks.
DOWNLOAD_SAVED_INPUT = "collective.easyform: Download Saved Input"


class EasyFormToJson(EasyFormSerializer):
    """REST GET of a form. collective.easyform 5.0.2 asks plone.api for its permission by id,
    which it does not know: every form answered 500 to everyone, listing the site's
    permissions. The saved data (a session's registrations) stay with who may read them."""

    def __call__(self, version=None, include_items=True):
        result = super(EasyFormSerializer, self).__call__(version, include_items)
        if getSecurityManager().checkPermission(DOWNLOAD_SAVED_INPUT, self.context):
            self.serializeSavedData(result)
        return result
