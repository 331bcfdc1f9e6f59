"""Erasure: a person the directory deactivated more than the retention delay ago
(registry `ent.gdpr.retention_days`, 92 days — three months — by default) is anonymised:

- their user id leaves the content they authored (creators, owner, local roles, the
  workflow history's actor) and their comments (author's id, name and address);
- their submissions (cases with their attachments; the forms' rows they sent, with the
  record of who sent them, and rows saved before such records that hold their address),
  notification preference, space visits, roster entries and failed log-in count are
  deleted.

What `ent.policy.gdpr.person` finds is what is erased: a second run finds nothing left and
changes nothing. `ent-gdpr purge` (ent.server) calls `purge` through `POST @gdpr-purge`."""

from . import person
from .leavers import deactivated_people
from .submitter import forget as forget_sender
from Acquisition import aq_base
from ent.policy.dates import local_iso
from ent.policy.workspaces.membership import MEMBERS_INDEX
from plone import api

import datetime
import logging


logger = logging.getLogger("ent.policy.gdpr")

RETENTION_RECORD = "ent.gdpr.retention_days"
DEFAULT_RETENTION_DAYS = 92
#: The creator of an item whose only author was erased: no login can be spelled so
#: (`ent.policy.directory.provisioning.UID_PATTERN`).
ERASED = "(anonyme)"
KINDS = (
    "content",
    "comments",
    "cases",
    "form_submissions",
    "spaces",
    "space_visits",
    "notification_preference",
    "failed_logins",
)


class RetentionRefused(ValueError):
    """A retention delay that is not a whole number of days ≥ 0; `str()` is the French line."""


def check_retention(days) -> int:
    try:
        value = int(days)
        if value != float(days):
            raise ValueError
    except (TypeError, ValueError):
        raise RetentionRefused(f"Délai de conservation invalide : {days!r} (un nombre entier de jours).") from None
    if value < 0:
        raise RetentionRefused(f"Le délai de conservation ne peut pas être négatif : {value} jour(s).")
    return value


def retention_days() -> int:
    value = api.portal.get_registry_record(RETENTION_RECORD, default=None)
    return check_retention(DEFAULT_RETENTION_DAYS if value is None else value)


def _forget_in_history(obj, userid):
    history = getattr(aq_base(obj), "workflow_history", None)
    if not history:
        return
    for workflow_id, entries in list(history.items()):
        if any(entry.get("actor") == userid for entry in entries):
            history[workflow_id] = tuple(
                dict(entry, actor="") if entry.get("actor") == userid else entry for entry in entries
            )


def _anonymise_item(obj, userid, site_owner):
    # Never empty: Plone adds whoever touches an item without creators as its creator.
    obj.setCreators(tuple(creator for creator in obj.listCreators() if creator != userid) or (ERASED,))
    if userid in (getattr(aq_base(obj), "__ac_local_roles__", None) or {}):
        obj.manage_delLocalRoles([userid])
    owner = obj.getOwnerTuple()
    if owner and owner[1] == userid and site_owner is not None:
        obj.changeOwnership(site_owner)
    _forget_in_history(obj, userid)
    # Named indexes: a plain reindexObject() calls notifyModified, which would add the
    # current user as a creator and change the modification date.
    obj.reindexObject(idxs=["Creator"])
    obj.reindexObjectSecurity()


def _anonymise_comment(comment, userid):
    comment.creator = None
    comment.author_username = None
    comment.author_name = None
    comment.author_email = None
    if userid in (getattr(aq_base(comment), "__ac_local_roles__", None) or {}):
        comment.manage_delLocalRoles([userid])
    conversation = comment.__parent__
    commentators = getattr(conversation, "_commentators", None)
    if commentators is not None and userid in commentators:
        del commentators[userid]
    comment.reindexObject(idxs=["Creator"])
    item = getattr(conversation, "__parent__", None)
    if item is not None:
        item.reindexObject(idxs=["commentators"])


def erase_person(site, userid, email="", dry_run=False) -> dict:
    """Anonymise `userid` (see the module); return what was (or, dry, would be) changed, by kind."""
    with api.env.adopt_roles(["Manager"]):
        found = {
            "content": person.authored(userid),
            "comments": person.comments(userid),
            "cases": person.cases(userid),
            "form_submissions": person.form_rows(userid, email),
            "spaces": person.spaces(userid),
            "space_visits": list(person.space_visits(userid, site)),
        }
        preference = person.notification_preference(userid, site)
        login = person.login_record(userid, site)
        counts = {kind: len(found[kind]) for kind in found}
        counts["notification_preference"] = int(preference is not None)
        counts["failed_logins"] = int(login is not None)
        if dry_run or not any(counts.values()):
            return counts
        site_owner = site.getOwner()
        for obj in found["content"]:
            _anonymise_item(obj, userid, site_owner)
        for comment in found["comments"]:
            _anonymise_comment(comment, userid)
        for case in found["cases"]:
            case.aq_parent.manage_delObjects([case.getId()])
        for form, name, key, _row in found["form_submissions"]:
            del form._inputStorage[name][key]
            forget_sender(form, name, key)
        for space, _role in found["spaces"]:
            if userid in (getattr(aq_base(space), "__ac_local_roles__", None) or {}):
                space.manage_delLocalRoles([userid])
            space.reindexObjectSecurity()
            space.reindexObject(idxs=[MEMBERS_INDEX])
        if found["space_visits"]:
            from ent.policy.workspaces.activity import get_store

            visits = get_store(site).visits
            for key in found["space_visits"]:
                del visits[key]
        if preference is not None:
            from ent.policy.notifications.store import get_store

            del get_store(site).preferences[userid]
        if login is not None:
            from ent.policy.logins.throttle import account_key
            from ent.policy.logins.throttle import PLUGIN_ID

            del site.acl_users[PLUGIN_ID].records[account_key(userid)]
    logger.info("gdpr: %s anonymised: %s", userid, counts)
    return counts


def purge(site, now=None, dry_run=False, retention=None, leavers=None) -> dict:
    """Anonymise every person deactivated before `now` − the retention delay (`retention`
    days, default the registry's); nothing with `dry_run`. `leavers`: the deactivated people
    (default: the directory's, `leavers.deactivated_people`). Returns the report; raises
    RetentionRefused for a negative delay before anything is read or written."""
    days = retention_days() if retention is None else check_retention(retention)
    now = now or datetime.datetime.now(datetime.UTC)
    cutoff = now - datetime.timedelta(days=days)
    leavers = list(deactivated_people() if leavers is None else leavers)
    due = [leaver for leaver in leavers if leaver.deactivated_at <= cutoff]
    people = []
    totals = dict.fromkeys(KINDS, 0)
    for leaver in due:
        counts = erase_person(site, leaver.userid, leaver.email, dry_run=dry_run)
        if any(counts.values()):
            people.append({"userid": leaver.userid, "deactivated": local_iso(leaver.deactivated_at), **counts})
            for kind in KINDS:
                totals[kind] += counts[kind]
    verb = "seraient anonymisée(s)" if dry_run else "anonymisée(s)"
    return {
        "dry_run": bool(dry_run),
        "retention_days": days,
        "deactivated_before": local_iso(cutoff),
        "deactivated": len(leavers),
        "due": len(due),
        "erased": len(people),
        "people": people,
        "totals": totals,
        "summary": (
            f"{len(people)} personne(s) désactivée(s) depuis plus de {days} jours {verb} "
            f"({totals['content']} contenu(s), {totals['comments']} commentaire(s), "
            f"{totals['cases']} dossier(s), {totals['form_submissions']} inscription(s)); "
            f"{len(due) - len(people)} sans plus rien à effacer."
        ),
    }
