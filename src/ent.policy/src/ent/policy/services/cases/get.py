"""GET /@cases: the cases of the person asking, batched like @search (services/batching.py).

A handler gets the cases of the kinds they handle, filtered by `source`, `state`, `school`,
`start`, `end` (ent.policy.cases.screen); `mine=1` (and anyone who handles nothing) gets
their own cases; anonymous: 401.
"""

from ent.policy.cases.screen import CaseFilterError
from ent.policy.cases.screen import find_cases
from ent.policy.cases.screen import handled_kinds
from ent.policy.cases.screen import state_title
from ent.policy.dates import local_iso
from ent.policy.services.batching import batch_window
from ent.policy.services.batching import batched
from plone import api
from plone.restapi.services import Service
from zExceptions import BadRequest
from zExceptions import Unauthorized
from zope.i18n import translate


def case_summary(brain) -> dict:
    """A case from its catalog metadata."""
    return {
        "@id": brain.getURL(),
        "@type": brain.portal_type,
        "UID": brain.UID,
        "reference": brain.case_reference,
        "kind": brain.case_kind,
        "state": brain.review_state,
        "state_title": state_title(brain.review_state),
        "created": local_iso(brain.created),
        "modified": local_iso(brain.modified),
        "source_title": brain.case_source_title,
        "school": brain.case_school or "",
        "applicant_name": brain.case_applicant_name,
    }


class CasesGet(Service):
    def reply(self):
        if api.user.is_anonymous():
            raise Unauthorized("Log in to see your cases.")
        form = self.request.form
        user = api.user.get_current()
        kinds = handled_kinds(user)
        mine = str(form.get("mine", "")).lower() in ("1", "true", "yes")
        # The catalog sorts only up to the batch asked for.
        b_start, b_size = batch_window(form)
        try:
            if mine or not kinds:
                brains = find_cases(form, applicant=user.getId(), b_start=b_start, b_size=b_size)
            else:
                brains = find_cases(form, kinds=kinds, b_start=b_start, b_size=b_size)
        except CaseFilterError as error:
            raise BadRequest(translate(error.args[0], context=self.request)) from None
        return batched(self.request, brains, case_summary)
