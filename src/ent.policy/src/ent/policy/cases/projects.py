"""Registrations of classes to County projects: cases of the kind `project` (`P-2026-00001`,
in `/dossiers/projets`, handled by `county-projects`).

A project's form is made from the ready template (`forms/project_form.xml`,
`forms/project_actions.xml`) when the project is created, as an aid's. Its action "Créer un
dossier" (kind `project`) calls `register`: only a school's staff (teachers, principals,
other staff: `ent.policy.groups.SCHOOL_STAFF_PROFILES`) may register, while the window is
open and places are left. Places are counted from the project's registrations that are not
refused, and the count is written on the project in the transaction that stores the case:
two registrations at once both write it, one conflicts, the publisher retries it, and the
retry sees the other's case.
"""

from Acquisition import aq_inner
from Acquisition import aq_parent
from ent.policy.cases.errors import CaseRefused
from ent.policy.cases.formtemplate import create_form_from_template
from ent.policy.content.project import FORM_ID
from ent.policy.content.project import IProject
from ent.policy.groups import school_of_group
from ent.policy.groups import SCHOOL_STAFF_PROFILES
from pathlib import Path
from plone import api


FORMS = Path(__file__).parent / "forms"
PROJECT_FIELDS = (FORMS / "project_form.xml").read_text(encoding="utf-8")
PROJECT_ACTIONS = (FORMS / "project_actions.xml").read_text(encoding="utf-8")
PROJECT_FORM_TITLE = "Inscription d'une classe"
SUBMIT_LABEL = "Inscrire la classe"
KIND = "project"
#: The states of a registration that hold a place (a refused one frees it).
HOLDING_STATES = ("received", "under_review", "accepted")
STAFF_ONLY = (
    "Les inscriptions sont réservées aux personnels des collèges (enseignants, direction, "
    "personnels de vie scolaire et d'administration)."
)

OWN_SCHOOL = "Choisissez votre collège : vous ne pouvez inscrire qu'une classe d'un collège où vous travaillez."


def form_project(form):
    """The project a form belongs to, or None."""
    parent = aq_parent(aq_inner(form))
    return parent if IProject.providedBy(parent) else None


def create_project_form(project, event=None):
    """Give a new project its registration form from the ready template."""
    create_form_from_template(
        project, FORM_ID, PROJECT_FORM_TITLE, PROJECT_FIELDS, PROJECT_ACTIONS, SUBMIT_LABEL, "Inscription enregistrée"
    )


def count_registrations(project) -> int:
    """The project's registrations that hold a place (not refused), whoever asks."""
    catalog = api.portal.get_tool("portal_catalog")
    return len(
        catalog.unrestrictedSearchResults(
            portal_type="Case",
            case_kind=KIND,
            case_source=api.content.get_uuid(project),
            review_state=list(HOLDING_STATES),
        )
    )


def staff_schools(user=None) -> list:
    """The UAIs of the schools where `user` (the current one by default) is on the staff."""
    if user is None:
        if api.user.is_anonymous():
            return []
        user = api.user.get_current()
    schools = []
    for group in user.getGroups() or ():
        found = school_of_group(group)
        if found is not None and found[1] in SCHOOL_STAFF_PROFILES and found[0] not in schools:
            schools.append(found[0])
    return schools


def is_school_staff(user=None) -> bool:
    return bool(staff_schools(user))


def refusal(project, user=None, now=None):
    """Why `user` may not register a class to `project` now (a French sentence), or None."""
    if user is None and api.user.is_anonymous():
        return "Connectez-vous pour inscrire une classe."
    if not is_school_staff(user):
        return STAFF_ONLY
    state = project.registration_state(now)
    if not state.is_open:
        return f"Ce projet ne prend pas d'inscription : {state.sentence[0].lower()}{state.sentence[1:]}."
    return None


def register(project, applicant, answers, attachments=(), school=""):
    """Register a class of `applicant` (a member) to `project`: the case, or CaseRefused
    (nothing stored) when they are not school staff, the window is closed or no place is left.

    The place is taken by writing the count on the project in this transaction (see the
    module): what `CreateCase` and the demo call."""
    from ent.policy.cases.model import create_case

    reason = refusal(project, applicant)
    if reason:
        raise CaseRefused(reason)
    schools = staff_schools(applicant)
    school = (school or "").upper() or (schools[0] if len(schools) == 1 else "")
    if school not in schools:
        raise CaseRefused(OWN_SCHOOL)
    taken = count_registrations(project)
    # Written even without a limit: the conflict is what serialises two registrations.
    project.registrations_taken = taken + 1
    return create_case(KIND, project, applicant, answers, attachments, school=school)


def staff_school():
    """The current person's school when they are on the staff of exactly one (a default)."""
    schools = staff_schools()
    return schools[0] if len(schools) == 1 else None
