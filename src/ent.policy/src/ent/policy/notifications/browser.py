"""`@@notifications-preferences` ("Mes notifications"): the logged-in person's choice, in
Classic UI. The link at the bottom of every notification mail leads here."""

from .preferences import CHOICES
from .preferences import get_preference
from .preferences import set_preference
from .preferences import TITLES
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
        title="Être prévenu(e) des nouvelles publications qui me concernent",
        description="Par courriel, à l'adresse de votre compte.",
        vocabulary=CHOICE_VOCABULARY,
        required=True,
    )


class PreferencesForm(form.Form):
    label = "Mes notifications"
    description = (
        "Quand une actualité, un événement, une annonce ou une page vous concernant est publié, "
        "l'ENT peut vous prévenir par courriel."
    )
    fields = field.Fields(IPreferencesForm)
    fields["notifications"].widgetFactory = RadioFieldWidget
    ignoreContext = False

    def getContent(self):
        return {"notifications": get_preference(api.portal.get(), api.user.get_current().getId())}

    @button.buttonAndHandler("Enregistrer", name="save")
    def handle_save(self, action):
        data, errors = self.extractData()
        if errors:
            self.status = self.formErrorsMessage
            return
        set_preference(api.portal.get(), api.user.get_current().getId(), data["notifications"])
        IStatusMessage(self.request).add("Vos préférences de notification sont enregistrées.", type="info")
        self.request.response.redirect(f"{self.context.absolute_url()}/@@notifications-preferences")
