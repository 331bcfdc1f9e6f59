"""Cases: making one from a request (`create_case`), deciding it (`decide`), its history.

Everything a request carries is checked before anything is stored (`CaseRefused`, a French
message for the person); the case, its attachments, the applicant's `Owner` role and the
"received" mail are one transaction: the mail leaves only if the case is stored.
"""

from .attachments import check_attachment
from .errors import CaseRefused
from .errors import ReasonRequired
from .mails import stage_mail
from AccessControl import Unauthorized
from AccessControl.SecurityManagement import getSecurityManager
from BTrees.OOBTree import OOBTree
from DateTime import DateTime
from ent.policy.dates import local
from ent.policy.groups import COUNTY_ADMINS
from ent.policy.groups import COUNTY_CASES
from ent.policy.groups import COUNTY_PROJECTS
from persistent.list import PersistentList
from persistent.mapping import PersistentMapping
from plone import api
from plone.dexterity.utils import addContentToContainer
from plone.dexterity.utils import createContent
from plone.namedfile.file import NamedBlobFile

import datetime
import hashlib
import json


__all__ = ["CaseRefused", "ReasonRequired"]

KINDS = ("aid", "support", "project")
STATES = ("received", "under_review", "accepted", "refused")
CLOSED_STATES = ("accepted", "refused")
STATE_TITLES = {
    "received": "Reçue",
    "under_review": "En cours d'instruction",
    "accepted": "Acceptée",
    "refused": "Refusée",
}
TRANSITIONS = ("review", "accept", "refuse", "reopen")
TRANSITION_TITLES = {
    "review": "Passer en instruction",
    "accept": "Accepter",
    "refuse": "Refuser",
    "reopen": "Rouvrir",
}
KIND_TITLES = {
    "aid": "Demande d'aide",
    "support": "Demande d'assistance",
    "project": "Inscription à un projet",
}
WORKFLOW = "ent_case_workflow"
HANDLER_ROLE = "CaseHandler"
HANDLE_PERMISSION = "ent.policy: Handle cases"
#: `/dossiers`, and the folder of each kind with the group that handles it.
ROOT = "dossiers"
ROOT_TITLE = "Dossiers"
FOLDERS = {
    "aid": ("aides", "Demandes d'aide", COUNTY_CASES),
    "support": ("assistance", "Demandes d'assistance", COUNTY_ADMINS),
    "project": ("projets", "Inscriptions aux projets", COUNTY_PROJECTS),
}
PREFIXES = {"aid": "A", "support": "S", "project": "P"}
#: A second identical request from the same person within this many seconds is refused.
DUPLICATE_SECONDS = 60
DUPLICATE_MESSAGE = (
    "Une demande identique vient d'être envoyée : elle a bien été reçue. "
    "Attendez la réponse avant d'en envoyer une autre."
)
REASON_MESSAGE = "Pour refuser une demande, indiquez le motif du refus : il est envoyé au demandeur."
#: Who reads the folders: any logged-in person (so that ent.policy.concealment lets an
#: applicant reach their case), the handlers; the cases themselves say who sees them.
FOLDER_VIEWERS = ("Authenticated", "Manager", HANDLER_ROLE)


def cases_folder(kind, portal=None):
    """The folder of the cases of `kind` ("aid", "support" or "project")."""
    portal = portal or api.portal.get()
    return portal[ROOT][FOLDERS[check_kind(kind)][0]]


def check_kind(kind):
    if kind not in KINDS:
        raise ValueError(f"{kind!r} is not a kind of case (one of: {', '.join(KINDS)})")
    return kind


def _lock_folder(folder):
    # No workflow on the folders: their permissions are set here.
    for permission in ("View", "Access contents information"):
        folder.manage_permission(permission, list(FOLDER_VIEWERS), acquire=0)
    folder.exclude_from_nav = True


def ensure_case_folders(portal=None):
    """Create `/dossiers` and its folders if missing, and (again) their roles and rights.

    Called by the default profile (ent.policy.structure) and by the upgrade of existing sites."""
    from ent.policy.groups import county_groups
    from ent.policy.groups import ensure_groups

    portal = portal or api.portal.get()
    ensure_groups(county_groups())
    if ROOT not in portal.objectIds():
        root = createContent("CaseFolder", id=ROOT, title=ROOT_TITLE)
        root.description = "Les demandes faites au Département, chacune visible de son demandeur et de qui l'instruit."
        addContentToContainer(portal, root, checkConstraints=False)
    root = portal[ROOT]
    # Nothing of the portal's local roles (County editors, Insider…) reaches the cases.
    root.__ac_local_roles_block__ = True
    _lock_folder(root)
    for kind, (folder_id, title, group) in FOLDERS.items():
        if folder_id not in root.objectIds():
            folder = createContent("CaseFolder", id=folder_id, title=title)
            addContentToContainer(root, folder, checkConstraints=False)
        folder = root[folder_id]
        folder.case_kind = kind
        _lock_folder(folder)
        folder.manage_setLocalRoles(group, [HANDLER_ROLE])
        folder.reindexObject()
    root.reindexObject()
    root.reindexObjectSecurity()
    return root


def _answer_value(value):
    if isinstance(value, (list, tuple, set, frozenset)):
        return tuple(str(item) for item in value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value
    return "" if value is None else str(value)


def fingerprint(source_uid, answers, files) -> str:
    """What makes two requests the same: the source, the answers, the attachments' bytes."""
    text = json.dumps(
        [source_uid, [[name, value] for name, _label, value in answers], [[n, f, d] for n, f, d in files]],
        default=str,
        ensure_ascii=False,
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _is_duplicate(applicant_id, source_uid, print_):
    catalog = api.portal.get_tool("portal_catalog")
    since = DateTime() - DUPLICATE_SECONDS / 86400.0
    for brain in catalog.unrestrictedSearchResults(
        portal_type="Case",
        case_applicant=applicant_id,
        case_source=source_uid,
        created={"query": since, "range": "min"},
    ):
        if getattr(brain._unrestrictedGetObject(), "fingerprint", None) == print_:
            return True
    return False


def _next_reference(folder, kind, now) -> str:
    """`A-2026-00042`: a number per kind and year. Two requests at once write the same
    counter: one conflicts and is retried by the publisher, so numbers are never shared."""
    counters = getattr(folder, "case_counters", None)
    if counters is None:
        counters = folder.case_counters = OOBTree()
    year = local(now).year
    number = counters.get(year, 0) + 1
    counters[year] = number
    return f"{PREFIXES[kind]}-{year}-{number:05d}"


def _user_id(applicant):
    return applicant.getId() if hasattr(applicant, "getId") else str(applicant)


def create_case(kind, source, applicant, answers, attachments=(), school=""):
    """Store the request of `applicant` on `source` as a case; return it.

    `answers`: (name, label, value); `attachments`: (name, label, filename, data, content_type)
    — the content type given is ignored, the bytes say what a file is. Raises CaseRefused
    (nothing stored, no mail) for a refused attachment or an identical request within
    DUPLICATE_SECONDS."""
    check_kind(kind)
    applicant_id = _user_id(applicant)
    if not applicant_id:
        raise CaseRefused("Connectez-vous pour envoyer une demande.")
    member = api.user.get(userid=applicant_id) or applicant
    answers = [(str(name), str(label), _answer_value(value)) for name, label, value in answers]
    files = []
    for name, label, filename, data, _given_type in attachments:
        data = bytes(data or b"")
        content_type = check_attachment(filename, data)
        files.append((str(name), str(label), filename or str(name), data, content_type))
    source_uid = api.content.get_uuid(source) if source is not None else ""
    print_ = fingerprint(source_uid, answers, [(n, f, hashlib.sha256(d).hexdigest()) for n, _l, f, d, _t in files])
    if _is_duplicate(applicant_id, source_uid, print_):
        raise CaseRefused(DUPLICATE_MESSAGE)

    # Checked: now stored, as the system (nobody may add a case by hand).
    now = datetime.datetime.now(datetime.UTC)
    folder = cases_folder(kind)
    reference = _next_reference(folder, kind, now)
    source_title = source.Title() if source is not None else ""
    case = createContent("Case", id=reference.lower(), title=f"{reference} — {source_title or KIND_TITLES[kind]}")
    case.reference = reference
    case.kind = kind
    case.source_uid = source_uid
    case.source_title = source_title
    case.applicant = applicant_id
    case.applicant_name = (member.getProperty("fullname", "") if hasattr(member, "getProperty") else "") or applicant_id
    case.applicant_email = (member.getProperty("email", "") if hasattr(member, "getProperty") else "") or ""
    case.school = school or ""
    case.fingerprint = print_
    case.answers = PersistentList(answers)
    case.attachments = PersistentMapping()
    for name, label, filename, data, content_type in files:
        case.attachments[name] = {
            "label": label,
            "filename": filename,
            "content_type": content_type,
            "size": len(data),
            "file": NamedBlobFile(data=data, filename=filename, contentType=content_type),
        }
    case = addContentToContainer(folder, case, checkConstraints=False)
    # The applicant alone holds Owner, whoever ran this code.
    for principal, _roles in case.get_local_roles():
        case.manage_delLocalRoles([principal])
    case.manage_setLocalRoles(applicant_id, ["Owner"])
    case.setCreators([applicant_id])
    user = api.portal.get().acl_users.getUserById(applicant_id)
    if user is not None:
        case.changeOwnership(user)
    case.reindexObject()
    case.reindexObjectSecurity()
    stage_mail(case, "received")
    return case


def state_of(case) -> str:
    return api.content.get_state(obj=case, default="")


def is_handler(kind_or_case, user=None) -> bool:
    """May `user` (the current one by default) decide cases of this kind, or this case?"""
    if isinstance(kind_or_case, str):
        try:
            obj = cases_folder(kind_or_case)
        except KeyError:
            # A site not upgraded yet has no folder for a newer kind: nobody handles it there.
            return False
    else:
        obj = kind_or_case
    if user is None:
        return bool(getSecurityManager().checkPermission(HANDLE_PERMISSION, obj))
    return bool(api.user.has_permission(HANDLE_PERMISSION, user=user, obj=obj))


def available_transitions(case) -> list:
    """The transitions the current user may fire on `case`, in the workflow's order."""
    workflow = api.portal.get_tool("portal_workflow")
    ids = {t["id"] for t in workflow.getTransitionsFor(case)}
    return [t for t in TRANSITIONS if t in ids]


def decide(case, transition, reason=""):
    """Fire `transition` on `case` as the current user, `reason` as its comment.

    Raises Unauthorized for someone who does not handle the case, CaseRefused for a refusal
    without a reason or a transition the case's state does not allow. The applicant's mail
    is staged by the transition itself (`tell_applicant`)."""
    if transition not in TRANSITIONS:
        raise CaseRefused("Cette décision n'existe pas.")
    if not is_handler(case):
        raise Unauthorized("Seuls les instructeurs de ce dossier peuvent le faire avancer.")
    reason = (reason or "").strip()
    if transition == "refuse" and not reason:
        raise ReasonRequired(REASON_MESSAGE)
    if transition not in available_transitions(case):
        state = STATE_TITLES.get(state_of(case), state_of(case))
        raise CaseRefused(f"Ce dossier est « {state} » : « {TRANSITION_TITLES[transition]} » n'est pas possible.")
    api.content.transition(obj=case, transition=transition, comment=reason)
    return state_of(case)


def require_reason(case, event):
    """Before a transition of a case: `refuse` needs its reason, whoever asks (the case's
    page, plone.restapi's @workflow, content_status_modify)."""
    transition = event.transition
    if transition is None or transition.id != "refuse":
        return
    if not str((event.kwargs or {}).get("comment") or "").strip():
        raise ReasonRequired(REASON_MESSAGE)


def tell_applicant(case, event):
    """After a transition of a case: the applicant's mail, sent if the decision commits."""
    if event.transition is None or event.new_state is None:
        return
    stage_mail(case, event.new_state.id, (event.kwargs or {}).get("comment") or "")


def _actor_name(user_id, names):
    if user_id not in names:
        user = api.user.get(userid=user_id) if user_id else None
        names[user_id] = (user.getProperty("fullname", "") if user is not None else "") or user_id or ""
    return names[user_id]


def history(case) -> list:
    """Each step of `case`, oldest first: state, state_title, actor, actor_name, date, reason."""
    steps = []
    names = {}
    for entry in (getattr(case, "workflow_history", None) or {}).get(WORKFLOW, ()):
        state = entry.get("review_state", "")
        when = entry.get("time")
        steps.append(
            {
                "state": state,
                "state_title": STATE_TITLES.get(state, state),
                "action": entry.get("action") or "",
                "actor": entry.get("actor") or "",
                "actor_name": _actor_name(entry.get("actor") or "", names),
                "date": when.asdatetime() if hasattr(when, "asdatetime") else when,
                "reason": entry.get("comments") or "",
            }
        )
    return steps


def closed_at(case):
    """When `case` was last closed (accepted or refused), None while it is open."""
    if state_of(case) not in CLOSED_STATES:
        return None
    steps = history(case)
    return steps[-1]["date"] if steps else None
