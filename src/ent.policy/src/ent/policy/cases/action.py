"""The easyform action "Créer un dossier": a form's submission becomes a case (`create_case`).

Registered like easyform's own actions (`actions.zcml` there): an `ActionFactory` (the
action editor's "add" menu) and a supermodel `BaseHandler`, so that a form's actions model
says `<field name="case" type="ent.policy.cases.action.CreateCase"><kind>aid</kind></field>`.
Kind "aid": the form is an aid's (its parent); it refuses while the aid is not open, saying
when. Kind "support": the help desk's request form, the source being the form itself. Kind
"project": a project's registration form (`ent.policy.cases.projects.register`: school
staff only, while the project is open and has places).
Refusals are form errors (`FORM_ERROR_MARKER`): nothing is stored.
"""

from Acquisition import aq_inner
from Acquisition import aq_parent
from collective.easyform.actions import Action
from collective.easyform.actions import ActionFactory
from collective.easyform.api import get_context
from collective.easyform.api import get_schema
from collective.easyform.api import is_file_data
from collective.easyform.config import FORM_ERROR_MARKER
from collective.easyform.interfaces import IAction
from ent.policy.cases.errors import CaseRefused
from ent.policy.cases.projects import form_project
from ent.policy.cases.projects import register
from ent.policy.content.aid import IAid
from ent.policy.i18n import _
from plone import api
from plone.supermodel.exportimport import BaseHandler
from zope import schema
from zope.annotation.interfaces import IAnnotations
from zope.interface import implementer
from zope.schema import getFieldsInOrder
from zope.schema.interfaces import IChoice
from zope.schema.interfaces import ICollection

import logging


logger = logging.getLogger("ent.policy.cases")

#: The request annotation holding the case just made (the thanks page shows its reference).
CREATED_CASE = "ent.policy.cases.created"
#: A form field with this name gives the case its school (a UAI of `ent.policy.Schools`).
SCHOOL_FIELD = "school"
#: Fields that are not answers (collective.honeypot's field, when a form has it).
NOT_ANSWERS = ("honeypot",)
LOG_IN_FIRST = "Connectez-vous pour déposer une demande."


class ICreateCase(IAction):
    """Makes a case of each submission, for the County's handlers of its kind."""

    kind = schema.Choice(
        title=_("label_case_action_kind", default="Type de dossier"),
        description=_(
            "help_case_action_kind_project",
            default="« aid » : une demande d'aide (le formulaire est celui d'une aide) ; "
            "« support » : une demande d'assistance.",
        ),
        values=("aid", "support"),
        default="aid",
        required=True,
    )


def form_aid(form):
    """The aid a form belongs to, or None."""
    parent = aq_parent(aq_inner(form))
    return parent if IAid.providedBy(parent) else None


def closed_message(aid, now=None):
    """Why `aid` takes no application now (its window's sentence), or None if it is open."""
    window = aid.window_state(now)
    if window.is_open:
        return None
    return f"Les demandes pour cette aide ne sont pas ouvertes : {window.sentence[0].lower()}{window.sentence[1:]}."


def display_value(field, value, context):
    """An answer as the applicant saw it: a choice's title rather than its token."""
    if IChoice.providedBy(field):
        bound = field.bind(context)
        try:
            return bound.vocabulary.getTerm(value).title or value
        except (LookupError, AttributeError):
            return value
    if ICollection.providedBy(field) and IChoice.providedBy(getattr(field, "value_type", None)):
        return [display_value(field.value_type, item, context) for item in value or ()]
    return value


def answers_and_attachments(form, data):
    """(answers, attachments, school) of submitted `data`, in the form's field order."""
    answers = []
    attachments = []
    school = ""
    for name, field in getFieldsInOrder(get_schema(form)):
        if name in NOT_ANSWERS or name not in data:
            continue
        value = data[name]
        title = str(field.title or name)
        if is_file_data(value):
            attachments.append((name, title, value.filename, value.data, value.contentType))
            continue
        if value is None or not hasattr(field, "validate") or field.__class__.__name__ in ("Label", "RichLabel"):
            continue
        if name == SCHOOL_FIELD and isinstance(value, str):
            school = value
        answers.append((name, title, display_value(field, value, form)))
    return answers, attachments, school


@implementer(ICreateCase)
class CreateCase(Action):
    __doc__ = ICreateCase.__doc__

    def __init__(self, **kw):
        for name, field in ICreateCase.namesAndDescriptions():
            setattr(self, name, kw.pop(name, field.default))
        super().__init__(**kw)

    def onSuccess(self, fields, request):
        """Store the submission as a case; a dict of errors (FORM_ERROR_MARKER) if refused."""
        from ent.policy.cases.model import create_case

        form = get_context(self)
        if api.user.is_anonymous():
            return {FORM_ERROR_MARKER: LOG_IN_FIRST}
        kind = self.kind or "aid"
        source = form
        if kind == "aid":
            source = form_aid(form)
            if source is None:
                return {FORM_ERROR_MARKER: "Ce formulaire n'appartient à aucune aide."}
            refused = closed_message(source)
            if refused:
                return {FORM_ERROR_MARKER: refused}
        elif kind == "project":
            source = form_project(form)
            if source is None:
                return {FORM_ERROR_MARKER: "Ce formulaire n'appartient à aucun projet."}
        answers, attachments, school = answers_and_attachments(form, fields)
        try:
            if kind == "project":
                case = register(source, api.user.get_current(), answers, attachments, school=school)
            else:
                case = create_case(kind, source, api.user.get_current(), answers, attachments, school=school)
        except CaseRefused as refusal:
            return {FORM_ERROR_MARKER: str(refusal)}
        IAnnotations(request)[CREATED_CASE] = case
        logger.info("case %s made from %s", case.reference, form.absolute_url_path())
        return None


CreateCaseAction = ActionFactory(
    CreateCase,
    _("label_create_case_action", default="Créer un dossier"),
    "collective.easyform.AddDataSavers",
)
CreateCaseHandler = BaseHandler(CreateCase)
