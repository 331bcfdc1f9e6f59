"""The Project: a County project for pupils, a call for participation to which a school's
staff register a class.

Projects live in `/projets` only (permission `ent.policy: Add Project`, given there by
`ent.policy.structure.setup_projects_section`, which also marks the section
`IProjectsSection`), like aids in `/aides`. Each project holds its registration form,
`inscription` (an EasyForm made from a ready template on creation:
`ent.policy.cases.projects`). Registrations are taken between `opens` and `closes` (whole
days of the site's calendar, both included: `ent.policy.content.aid.aid_window`) and while
places are left (`limit` classes; none = no limit): `registration_state`.
"""

from ent.policy.content.aid import aid_window
from ent.policy.content.aid import CLOSED
from ent.policy.content.aid import OPEN
from ent.policy.content.aid import UPCOMING
from ent.policy.dates import french_day
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
from zope.schema.vocabulary import SimpleTerm
from zope.schema.vocabulary import SimpleVocabulary


PROJECT_TYPE = "Project"
ADD_PERMISSION = "ent.policy: Add Project"
#: Who adds projects in the projects section.
ADDERS = ("Manager", "Site Administrator", "Contributor")
#: The id of a project's registration form (an EasyForm inside the project).
FORM_ID = "inscription"
#: Registrations while places are left (the window is open but the limit is reached).
FULL = "full"
STATE_LABELS = {OPEN: "Ouvert", UPCOMING: "À venir", CLOSED: "Clôturé", FULL: "Complet"}
#: The collège's levels.
LEVELS = (("6e", "6e"), ("5e", "5e"), ("4e", "4e"), ("3e", "3e"))
LEVELS_VOCABULARY = SimpleVocabulary([SimpleTerm(value, value, title) for value, title in LEVELS])


class IProjectsSection(Interface):
    """Marker of the County's projects section (`/projets`): the one place where projects are added."""


class ClosesBeforeOpens(Invalid):
    __doc__ = "A project's closing date cannot come before its opening date."


class IProject(model.Schema):
    """A County project for pupils. Its summary is its description (plone.basic)."""

    text = RichText(
        title=_("label_project_text", default="Présentation"),
        description=_("help_project_text", default="Le projet, son déroulement, ce qu'il apporte aux élèves."),
        required=False,
    )
    directives.widget(levels=CheckBoxFieldWidget)
    levels = schema.List(
        title=_("label_project_levels", default="Niveaux concernés"),
        value_type=schema.Choice(vocabulary=LEVELS_VOCABULARY),
        required=True,
        default=[],
    )
    opens = schema.Date(
        title=_("label_project_opens", default="Ouverture des inscriptions"),
        description=_("help_project_opens", default="Premier jour où une classe peut être inscrite."),
        required=True,
    )
    closes = schema.Date(
        title=_("label_project_closes", default="Clôture des inscriptions"),
        description=_("help_project_closes", default="Dernier jour où une classe peut être inscrite."),
        required=True,
    )
    limit = schema.Int(
        title=_("label_project_limit", default="Nombre de classes"),
        description=_(
            "help_project_limit",
            default="Au-delà, le formulaire n'accepte plus d'inscription. Vide : pas de limite.",
        ),
        required=False,
        min=1,
    )
    contact = schema.Text(
        title=_("label_project_contact", default="Contact"),
        description=_("help_project_contact", default="Service, téléphone, adresse électronique."),
        required=False,
    )

    @invariant
    def closes_after_opens(data):
        opens = getattr(data, "opens", None)
        closes = getattr(data, "closes", None)
        if opens and closes and closes < opens:
            raise ClosesBeforeOpens(
                f"La clôture des inscriptions ({closes:%d/%m/%Y}) ne peut précéder leur ouverture ({opens:%d/%m/%Y})."
            )


class Registration(NamedTuple):
    """Whether a project takes registrations (`state`: open, upcoming, closed, full), in French."""

    state: str
    sentence: str

    @property
    def label(self):
        return STATE_LABELS[self.state]

    @property
    def is_open(self):
        return self.state == OPEN


def places_sentence(limit, taken) -> str:
    left = max(limit - taken, 0)
    if left == 0:
        return f"Complet : les {limit} places sont prises" if limit > 1 else "Complet : la place est prise"
    return f"{left} place restante sur {limit}" if left == 1 else f"{left} places restantes sur {limit}"


@implementer(IProject)
class Project(Container):
    """A County project (see the module)."""

    #: Places taken, written with each registration in the same transaction: two
    #: registrations at once both write it, one conflicts and is retried (then sees the other).
    registrations_taken = 0

    def window_state(self, now=None) -> Registration:
        """The registration window alone (the aids' window, with the projects' sentences)."""
        state = aid_window(self.opens, self.closes, now).state
        if state == UPCOMING:
            return Registration(state, f"Inscriptions à partir du {french_day(self.opens)}")
        if state == CLOSED:
            return Registration(state, f"Inscriptions closes depuis le {french_day(self.closes)}")
        return Registration(state, f"Inscriptions ouvertes jusqu'au {french_day(self.closes)}")

    def taken(self) -> int:
        """Places taken: the project's registrations that are not refused (the catalog)."""
        from ent.policy.cases.projects import count_registrations

        return count_registrations(self)

    def places_left(self, taken=None):
        """Places left, None without a limit."""
        if not self.limit:
            return None
        taken = self.taken() if taken is None else taken
        return max(self.limit - taken, 0)

    def registration_state(self, now=None, taken=None) -> Registration:
        """Whether the project takes registrations at `now`: its window, then its places."""
        window = self.window_state(now)
        if not window.is_open:
            return window
        if self.limit:
            taken = self.taken() if taken is None else taken
            if taken >= self.limit:
                return Registration(FULL, places_sentence(self.limit, taken))
        return window

    def places_sentence(self, taken=None):
        """ "3 places restantes sur 5", "Complet…"; "" without a limit."""
        if not self.limit:
            return ""
        return places_sentence(self.limit, self.taken() if taken is None else taken)

    def registration_form(self):
        """The project's form (an EasyForm), or None if an editor removed it."""
        return self.get(FORM_ID)
