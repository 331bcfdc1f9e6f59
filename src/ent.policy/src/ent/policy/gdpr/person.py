"""Where a person's data lies in the site, found by their user id: one place that the export
and the erasure both read, so that what is exported is what is erased.

A form's row is the person's by its recorded sender (`gdpr.submitter`), or, for a row
saved before senders were recorded, by the e-mail it holds (`form_rows`).

Everything is found unrestricted (an administrator's export, or the person's own data in
places they may no longer see, e.g. a space they left)."""

from Acquisition import aq_base
from ent.policy.logins.throttle import account_key
from ent.policy.logins.throttle import PLUGIN_ID as THROTTLE_ID
from ent.policy.workspaces.membership import MEMBERS_INDEX
from plone import api


#: Types that are a person's submissions, not content they authored for others.
SUBMISSION_TYPES = ("Case",)
COMMENT_TYPE = "Discussion Item"


def catalog():
    return api.portal.get_tool("portal_catalog")


def authored(userid):
    """The items the person created (the catalog's `Creator`), comments and cases apart."""
    found = []
    for brain in catalog().unrestrictedSearchResults(Creator=userid, sort_on="created"):
        if brain.portal_type in SUBMISSION_TYPES or brain.portal_type == COMMENT_TYPE:
            continue
        obj = brain._unrestrictedGetObject()
        if obj is not None:
            found.append(obj)
    return found


def comments(userid):
    found = []
    for brain in catalog().unrestrictedSearchResults(portal_type=COMMENT_TYPE, Creator=userid, sort_on="created"):
        comment = brain._unrestrictedGetObject()
        if comment is not None:
            found.append(comment)
    return found


def cases(userid):
    """The person's cases: `create_case` makes the applicant their only creator."""
    found = []
    for brain in catalog().unrestrictedSearchResults(portal_type="Case", Creator=userid, sort_on="created"):
        case = brain._unrestrictedGetObject()
        if case is not None and getattr(case, "applicant", "") == userid:
            found.append(case)
    return found


def form_rows(userid, email=""):
    """(form, action name, row key, row) of the rows forms saved for the person: a row whose
    sender was recorded (`gdpr.submitter`: the logged-in person who sent it) is theirs when
    that is their id, whatever e-mail it holds; a row with no record (saved before the
    records existed) is theirs when it holds their e-mail, which its sender typed. A row
    saved anonymously has no record either: it too is matched by its e-mail."""
    from ent.policy.gdpr.submitter import senders

    email = (email or "").strip().lower()
    found = []
    for brain in catalog().unrestrictedSearchResults(portal_type="EasyForm"):
        form = brain._unrestrictedGetObject()
        storage = getattr(aq_base(form), "_inputStorage", None) or {}
        records = senders(form) or {}
        for name, rows in storage.items():
            for key, row in rows.items():
                sender = records.get((name, key))
                if sender:
                    mine = sender == userid
                else:
                    mine = bool(email) and str(row.get("email", "")).strip().lower() == email
                if mine:
                    found.append((form, name, key, row))
    return found


def spaces(userid):
    """(space, role) of the spaces whose roster names the person."""
    from ent.policy.workspaces.membership import roster

    found = []
    for brain in catalog().unrestrictedSearchResults(portal_type="Workspace", **{MEMBERS_INDEX: userid}):
        space = brain._unrestrictedGetObject()
        role = roster(space).get(userid)
        if role:
            found.append((space, role))
    return found


def space_visits(userid, site):
    from ent.policy.workspaces.activity import get_store

    store = get_store(site)
    if store is None:
        return {}
    return dict(store.visits.items(min=(userid, ""), max=(userid, "\uffff")))


def notification_preference(userid, site):
    from ent.policy.notifications.store import get_store

    store = get_store(site)
    return store.preferences.get(userid) if store is not None else None


def login_record(userid, site):
    """The failed log-ins counted against the person's login, if any (kept minutes)."""
    plugin = site.acl_users.get(THROTTLE_ID)
    if plugin is None:
        return None
    return plugin.records.get(account_key(userid))


def account(userid):
    """The person as the site knows them now (None once the directory has deactivated them)."""
    user = api.user.get(userid=userid)
    if user is None:
        return None
    return {
        "userid": userid,
        "fullname": user.getProperty("fullname", "") or "",
        "email": user.getProperty("email", "") or "",
        "groups": sorted(g.getId() for g in api.group.get_groups(user=user) if g.getId() != "AuthenticatedUsers"),
    }
