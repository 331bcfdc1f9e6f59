"""`@@notifications-preferences` ("Mes notifications"): the logged-in person's choice, in
Classic UI. The link at the bottom of every notification mail leads here."""

from .preferences import CHOICES
from .preferences import get_preference
from .preferences import set_preference
from .preferences import TITLES
from ent.policy.i18n import _
from plone import api
from Products.statusmessages.interfaces import IStatusMessage
from z3c.form import button
from z3c.form import field
from z3c.form import form
from z3c.form.browser.radio import RadioFieldWidget
from zope import schema
from zope.interface import Interface
from zope.schema.vocabulary import SimpleTerm
from zope.schema.vocabulary import SimpleVocabulary


CHOICE_VOCABULARY = SimpleVocabulary([SimpleTerm(choice, choice, TITLES[choice]) for choice in CHOICES])


class IPreferencesForm(Interface):
    notifications = schema.Choice(
        title=_("Tell me about new publications meant for me"),
        description=_("By email, at the address of your account."),
        vocabulary=CHOICE_VOCABULARY,
        required=True,
    )


class PreferencesForm(form.Form):
    label = _("My notifications")
    description = _(
        "When a news item, an event, an announcement or a page meant for you is published, "
        "the ENT can tell you by email."
    )
    fields = field.Fields(IPreferencesForm)
    fields["notifications"].widgetFactory = RadioFieldWidget
    ignoreContext = False

    def getContent(self):
        return {"notifications": get_preference(api.portal.get(), api.user.get_current().getId())}

    @button.buttonAndHandler(_("Save"), name="save")
    def handle_save(self, action):
        data, errors = self.extractData()
        if errors:
            self.status = self.formErrorsMessage
            return
        set_preference(api.portal.get(), api.user.get_current().getId(), data["notifications"])
        IStatusMessage(self.request).add(_("Your notification preferences are saved."), type="info")
        self.request.response.redirect(f"{self.context.absolute_url()}/@@notifications-preferences")
