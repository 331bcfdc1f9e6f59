"""The Aid: a local aid of the County (who may get it, how much, when to apply, how).

Aids live in `/aides` only: their add permission (`ent.policy: Add Aid`) is given to
Managers alone on the site, and to the County's editors (Contributor) and Site
Administrators on the aids section (`ent.policy.structure.setup_aids_section`, which also
marks it `IAidsSection`). Each aid holds its application form, `formulaire` (an EasyForm
made from a ready template on creation: `ent.policy.cases.forms`). Its application window
(`opens`, `closes`, whole days of the site's calendar, both included) says whether it takes
applications now: `window_state`.
"""

from ent.policy.dates import french_day
from ent.policy.dates import local
from ent.policy.i18n import _
from plone.app.textfield import RichText
from plone.autoform import directives
from plone.dexterity.content import Container
from plone.supermodel import model
from typing import NamedTuple
from z3c.form.browser.checkbox import CheckBoxFieldWidget
from zope import schema
from zope.interface import implementer
from zope.interface import Interface
from zope.interface import Invalid
from zope.interface import invariant

import datetime


AID_TYPE = "Aid"
ADD_PERMISSION = "ent.policy: Add Aid"
#: Who adds aids in the aids section.
ADDERS = ("Manager", "Site Administrator", "Contributor")
#: The id of an aid's application form (an EasyForm inside the aid).
FORM_ID = "formulaire"
OPEN = "open"
UPCOMING = "upcoming"
CLOSED = "closed"
#: French label of each window state (badges of the listing).
STATE_LABELS = {OPEN: "Ouverte", UPCOMING: "À venir", CLOSED: "Clôturée"}


class IAidsSection(Interface):
    """Marker of the County's aids section (`/aides`): the one place where aids are added."""


class ClosesBeforeOpens(Invalid):
    __doc__ = "An aid's closing date cannot come before its opening date."


class IAid(model.Schema):
    """A local aid of the County. Its summary is its description (plone.basic)."""

    directives.widget(beneficiaries=CheckBoxFieldWidget)
    beneficiaries = schema.List(
        title=_("label_aid_beneficiaries", default="Bénéficiaires"),
        description=_("help_aid_beneficiaries", default="Qui peut demander cette aide."),
        value_type=schema.Choice(vocabulary="ent.policy.beneficiaries"),
        required=True,
        default=[],
    )
    eligibility = RichText(title=_("label_aid_eligibility", default="Conditions d'éligibilité"), required=False)
    amount = schema.TextLine(
        title=_("label_aid_amount", default="Montant"),
        description=_("help_aid_amount", default="Par exemple : « 150 € par élève et par an »."),
        required=False,
    )
    opens = schema.Date(
        title=_("label_aid_opens", default="Ouverture des demandes"),
        description=_("help_aid_opens", default="Premier jour où une demande peut être déposée."),
        required=True,
    )
    closes = schema.Date(
        title=_("label_aid_closes", default="Clôture des demandes"),
        description=_("help_aid_closes", default="Dernier jour où une demande peut être déposée."),
        required=True,
    )
    documents = RichText(title=_("label_aid_documents", default="Pièces à fournir"), required=False)
    contact = schema.Text(
        title=_("label_aid_contact", default="Contact"),
        description=_("help_aid_contact", default="Service, téléphone, adresse électronique."),
        required=False,
    )

    @invariant
    def closes_after_opens(data):
        opens = getattr(data, "opens", None)
        closes = getattr(data, "closes", None)
        if opens and closes and closes < opens:
            raise ClosesBeforeOpens(
                f"La clôture des demandes ({closes:%d/%m/%Y}) ne peut précéder leur ouverture ({opens:%d/%m/%Y})."
            )


class Window(NamedTuple):
    """Whether an aid takes applications (`state`: open, upcoming, closed) and when, in French."""

    state: str
    sentence: str

    @property
    def label(self):
        return STATE_LABELS[self.state]

    @property
    def is_open(self):
        return self.state == OPEN


def today(now=None) -> datetime.date:
    """The site's calendar day of `now` (any date shape of ent.policy.dates; default: now)."""
    return local(now or datetime.datetime.now(datetime.UTC)).date()


def aid_window(opens, closes, now=None) -> Window:
    """The window of an aid open from `opens` to `closes` (days, both included)."""
    day = today(now)
    if opens and day < opens:
        return Window(UPCOMING, f"Ouvre le {french_day(opens)}")
    if closes and day > closes:
        return Window(CLOSED, f"Clôturée depuis le {french_day(closes)}")
    if closes:
        return Window(OPEN, f"Ouverte jusqu'au {french_day(closes)}")
    return Window(OPEN, "Ouverte")


@implementer(IAid)
class Aid(Container):
    """A local aid (see the module)."""

    def window_state(self, now=None) -> Window:
        """Whether the aid takes applications at `now` (default: now), and a French sentence."""
        return aid_window(self.opens, self.closes, now)

    def application_form(self):
        """The aid's form (an EasyForm), or None if an editor removed it."""
        return self.get(FORM_ID)
