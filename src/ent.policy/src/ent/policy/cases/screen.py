"""The handlers' case screen (`@@cases` on /dossiers and its folders) and what the export
(`cases.export`) and REST `@cases` share with it: the filters, one catalog query, the bulk
decision, all or nothing.

Lists come from the catalog's metadata only (`case_reference`, `case_applicant_name`…):
a screen of 10,000 cases wakes no case. Who sees which case is the catalog's business
(`allowedRolesAndUsers`: the `CaseHandler` local role of the kind's folder, the applicant's
`Owner`); the kinds a person handles (`model.is_handler`) only narrow the query, and decide
whether the screen exists for them at all.
"""

from BTrees.IIBTree import IITreeSet
from BTrees.IIBTree import intersection
from BTrees.IIBTree import multiunion
from DateTime import DateTime
from ent.policy.cases.model import available_transitions
from ent.policy.cases.model import CaseRefused
from ent.policy.cases.model import cases_folder
from ent.policy.cases.model import decide
from ent.policy.cases.model import is_handler
from ent.policy.cases.model import KINDS
from ent.policy.cases.model import STATE_TITLES
from ent.policy.cases.model import STATES
from ent.policy.cases.model import TRANSITION_TITLES
from ent.policy.cases.model import TRANSITIONS
from ent.policy.dates import french_date
from ent.policy.dates import wall_clock
from ent.policy.feed import school_titles
from ent.policy.i18n import _
from plone import api
from plone.batching import Batch
from plone.protect import CheckAuthenticator
from Products.CMFCore.WorkflowCore import WorkflowException
from Products.Five.browser import BrowserView
from urllib.parse import urlencode
from zExceptions import NotFound
from zExceptions import Unauthorized
from zope.i18n import translate

import datetime
import transaction


CASE_TYPE = "Case"
PAGE_SIZE = 50
#: The screen's filters, kept in its URLs, its export link and the REST query.
FILTERS = ("source", "state", "school", "start", "end")


#: Bootstrap's colour of each status (white text: contrast 4.5:1 on each).
STATE_BADGES = {
    "received": "bg-secondary",
    "under_review": "bg-primary",
    "accepted": "bg-success",
    "refused": "bg-danger",
}


class CaseFilterError(ValueError):
    """A filter that means nothing (a state that does not exist, a date that is not one)."""


class BulkRefused(Exception):
    """A bulk decision refused before anything changed: `message` (an `ent` msgid) says
    which case and why; `status` is the HTTP answer REST gives (400, 403 for a non-handler)."""

    def __init__(self, message, status=400):
        super().__init__(message)
        self.message = message
        self.status = status


def handled_kinds(user=None, within=None) -> tuple:
    """The kinds of case `user` (the current user by default) handles; with `within` (a
    case folder), only those whose folder is inside it."""
    kinds = [kind for kind in KINDS if is_handler(kind, user)]
    if within is not None:
        base = "/".join(within.getPhysicalPath())
        kinds = [kind for kind in kinds if _path(cases_folder(kind)).startswith(base)]
    return tuple(kinds)


def _path(obj) -> str:
    return "/".join(obj.getPhysicalPath()) + "/"


def one_value(form, name) -> str:
    """The filter `name` of `form`, one text ("" when absent): a filter given twice means
    nothing."""
    value = form.get(name) or ""
    if not isinstance(value, str):
        raise CaseFilterError(_("case_filter_twice", default="Give the filter ${name} once.", mapping={"name": name}))
    return value.strip()


def parse_day(value, name) -> datetime.date | None:
    """`2026-11-29` (as `<input type="date">` sends it) → a date; "" → None."""
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(str(value).strip())
    except ValueError:
        raise CaseFilterError(
            _("case_filter_bad_date", default="The date ${name} is not a date (YYYY-MM-DD).", mapping={"name": name})
        ) from None


def case_query(form, kinds=None, applicant=None) -> dict:
    """The catalog query of the cases `form` filters (`FILTERS`), newest first: of `kinds`,
    or of `applicant` (a user id). Raises CaseFilterError for a filter that means nothing."""
    # The catalog keeps `created` to the minute: the id (its reference, numbered in order)
    # sorts the cases of one minute.
    query = {"portal_type": CASE_TYPE, "sort_on": ("created", "getId"), "sort_order": "descending"}
    if kinds is not None:
        query["case_kind"] = list(kinds)
    if applicant is not None:
        query["case_applicant"] = applicant
    source, state, school = (one_value(form, name) for name in ("source", "state", "school"))
    if source:
        query["case_source"] = source
    if state:
        if state not in STATES:
            raise CaseFilterError(
                _("case_filter_bad_state", default="There is no status ${state}.", mapping={"state": state})
            )
        query["review_state"] = state
    if school:
        query["case_school"] = school.upper()
    start, end = parse_day(one_value(form, "start"), "start"), parse_day(one_value(form, "end"), "end")
    # Days of the site's calendar: from the start's midnight to the midnight after the end.
    if start and end:
        query["created"] = {"query": (_midnight(start), _midnight(end, 1)), "range": "min:max"}
    elif start:
        query["created"] = {"query": _midnight(start), "range": "min"}
    elif end:
        query["created"] = {"query": _midnight(end, 1), "range": "max"}
    return query


def _midnight(day, days_after=0):
    return DateTime(wall_clock(day + datetime.timedelta(days=days_after), 0))


def find_cases(form, kinds=None, applicant=None, b_start=0, b_size=None, path=None):
    """The catalog's brains of the cases `form` filters, for the current user."""
    query = case_query(form, kinds=kinds, applicant=applicant)
    if path:
        query["path"] = path
    if b_size:
        # The catalog sorts only what the batch needs.
        query["b_start"], query["b_size"] = b_start, b_size
    return api.portal.get_tool("portal_catalog")(**query)


def state_title(state) -> str:
    return STATE_TITLES.get(state, state or "")


def case_row(brain, titles) -> dict:
    """A case as the screen, Mon ENT and REST show it: its brain's metadata only."""
    school = brain.case_school or ""
    return {
        "uid": brain.UID,
        "url": brain.getURL(),
        "reference": brain.case_reference,
        "created": brain.created,
        "date": french_date(brain.created),
        "modified": french_date(brain.modified),
        "applicant_name": brain.case_applicant_name,
        "source_title": brain.case_source_title,
        "school": school,
        "school_title": titles.get(school, school),
        "state": brain.review_state,
        "state_title": state_title(brain.review_state),
        "state_badge": STATE_BADGES.get(brain.review_state, "bg-secondary"),
    }


def _record_ids(catalog, index_name, value):
    """The catalog records holding `value` in the field index `index_name`."""
    found = catalog._catalog.getIndex(index_name)._index.get(value)
    if found is None:
        return IITreeSet()
    return IITreeSet([found]) if isinstance(found, int) else found


def values_of_kinds(index_name, kinds) -> list:
    """The values of `index_name` that at least one case of `kinds` holds, by set operations
    on the indexes: the screen's filters were one catalog query per school and per aid (about
    100 queries, most of a page's time with 10,000 cases). A handler sees every case of the
    kinds they handle (their role is on the kind's folder), so these are theirs to see; the
    index's own values are every case's, of any kind."""
    catalog = api.portal.get_tool("portal_catalog")
    of_kinds = multiunion([_record_ids(catalog, "case_kind", kind) for kind in kinds])
    index = catalog._catalog.getIndex(index_name)
    return [
        value
        for value in index.uniqueValues()
        if value and len(intersection(_record_ids(catalog, index_name, value), of_kinds))
    ]


def source_options(kinds) -> list:
    """(UID, title) of the aids and forms that have cases of `kinds`, by title."""
    catalog = api.portal.get_tool("portal_catalog")
    options = []
    for uid in values_of_kinds("case_source", kinds):
        brains = catalog(portal_type=CASE_TYPE, case_kind=list(kinds), case_source=uid, sort_limit=1)
        if len(brains):
            options.append((uid, brains[0].case_source_title or uid))
    return sorted(options, key=lambda option: option[1].lower())


def school_options(titles, kinds) -> list:
    """(UAI, name) of the schools the cases of `kinds` name (not those of another kind's
    cases: a support handler would learn which schools have aid cases)."""
    values = values_of_kinds("case_school", kinds)
    return sorted(((uai, titles.get(uai, uai)) for uai in values), key=lambda option: option[1].lower())


def decide_all(uids, transition, reason=""):
    """Fire `transition` on every case of `uids` as the current user, or on none.

    Every case is checked first (found, handled by the user, the transition possible from its
    state, a reason for a refusal); then `model.decide` on each, inside a savepoint: a
    refusal there rolls back what the others did, and the mails they staged (the outbox's
    savepoint drops them). Raises BulkRefused naming the case. Returns the cases.
    """
    if transition not in TRANSITIONS:
        raise BulkRefused(
            _("case_bulk_bad_transition", default="There is no change of status ${name}.", mapping={"name": transition})
        )
    uids = [uid for uid in uids or () if uid]
    if not uids:
        raise BulkRefused(_("case_bulk_none", default="Tick at least one case."))
    if transition == "refuse" and not (reason or "").strip():
        raise BulkRefused(_("case_bulk_no_reason", default="Nothing was changed: a refusal needs a reason."))
    catalog = api.portal.get_tool("portal_catalog")
    cases = []
    for uid in dict.fromkeys(uids):
        brains = catalog(portal_type=CASE_TYPE, UID=uid)
        if not len(brains):
            raise BulkRefused(
                _(
                    "case_bulk_missing",
                    default="Nothing was changed: there is no case ${uid} for you.",
                    mapping={"uid": uid},
                )
            )
        case = brains[0].getObject()
        reference = case.reference
        if not is_handler(case):
            raise BulkRefused(
                _(
                    "case_bulk_not_handler",
                    default="Nothing was changed: you do not handle the case ${reference}.",
                    mapping={"reference": reference},
                ),
                status=403,
            )
        if transition not in available_transitions(case):
            state = api.content.get_state(case)
            raise BulkRefused(
                _(
                    "case_bulk_impossible",
                    default="Nothing was changed: the case ${reference} is « ${state} », "
                    "its status cannot change that way.",
                    mapping={"reference": reference, "state": state_title(state)},
                )
            )
        cases.append(case)
    savepoint = transaction.savepoint()
    for case in cases:
        try:
            decide(case, transition, reason=reason)
        except (CaseRefused, Unauthorized, WorkflowException) as error:
            savepoint.rollback()
            raise BulkRefused(
                _(
                    "case_bulk_refused",
                    default="Nothing was changed: the case ${reference} was refused (${why}).",
                    mapping={"reference": case.reference, "why": str(error)},
                ),
                status=403 if isinstance(error, Unauthorized) else 400,
            ) from None
    return cases


class CasesView(BrowserView):
    """`@@cases`: the cases the handler handles under this folder, filtered, 50 a page,
    newest first, with the bulk change of status."""

    page_title = _("cases_title", default="Cases")
    #: What the pages' links keep of the request (plone.batching's batch navigation).
    batch_keys = FILTERS

    def __call__(self):
        self.kinds = handled_kinds(within=self.context)
        if not self.kinds:
            # Anyone else finds no screen here, as for every refused page.
            raise NotFound("cases")
        # The table of cases takes the page's whole width (no portlet columns).
        self.request.set("disable_plone.leftcolumn", True)
        self.request.set("disable_plone.rightcolumn", True)
        form = self.request.form
        # What the form shows and the links keep (a filter given twice is the query's 400).
        self.filters = {name: form[name].strip() for name in FILTERS if isinstance(form.get(name), str)}
        self.error = None
        if self.request.method == "POST" and form.get("form.buttons.decide"):
            CheckAuthenticator(self.request)
            try:
                cases = decide_all(form.get("cases") or [], form.get("transition"), form.get("reason") or "")
            except BulkRefused as refused:
                self.error = translate(refused.message, context=self.request)
                self.request.response.setStatus(refused.status)
            else:
                message = _("case_bulk_done", default="${count} case(s) changed.", mapping={"count": len(cases)})
                api.portal.show_message(message, request=self.request)
                self.request.response.redirect(self.screen_url())
                return ""
        self.titles = school_titles()
        try:
            b_start = max(int(form.get("b_start", 0)), 0)
        except ValueError:
            b_start = 0
        try:
            brains = find_cases(
                form,
                kinds=self.kinds,
                b_start=b_start,
                b_size=PAGE_SIZE,
                path="/".join(self.context.getPhysicalPath()),
            )
        except CaseFilterError as error:
            self.error = translate(error.args[0], context=self.request)
            self.request.response.setStatus(400)
            brains = []
        self.batch = Batch(brains, PAGE_SIZE, b_start)
        return self.index()

    def rows(self):
        return [case_row(brain, self.titles) for brain in self.batch]

    def source_options(self):
        return source_options(self.kinds)

    def school_options(self):
        return school_options(self.titles, self.kinds)

    def state_options(self):
        return [(state, state_title(state)) for state in STATES]

    def transition_options(self):
        return [(transition, TRANSITION_TITLES[transition]) for transition in TRANSITIONS]

    def query_string(self):
        query = {name: value for name, value in self.filters.items() if value}
        return urlencode(query)

    def screen_url(self):
        query = self.query_string()
        base = f"{self.context.absolute_url()}/@@cases"
        return f"{base}?{query}" if query else base

    def export_url(self, format):
        query = self.query_string()
        return f"{self.context.absolute_url()}/@@cases-export?format={format}" + (f"&{query}" if query else "")
