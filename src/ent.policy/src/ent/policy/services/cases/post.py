"""POST /@cases `{"cases": [uid…], "transition": "accept", "reason": "…"}`: change the status
of several cases at once, all or nothing (ent.policy.cases.screen.decide_all).

200 with the changed cases; 400 with a message naming the case and the reason on bad input
(not a list, an unknown transition, a refusal without a reason, a state that forbids it);
403 for a case the person does not handle; 401 anonymous.
"""

from ent.policy.cases.screen import BulkRefused
from ent.policy.cases.screen import decide_all
from ent.policy.cases.screen import state_title
from plone import api
from plone.protect.interfaces import IDisableCSRFProtection
from plone.restapi.deserializer import json_body
from plone.restapi.services import Service
from zExceptions import Unauthorized
from zope.i18n import translate
from zope.interface import alsoProvides


class CasesPost(Service):
    def reply(self):
        if api.user.is_anonymous():
            raise Unauthorized("Log in to handle cases.")
        # A JSON body cannot be posted across sites without CORS: no authenticator here.
        alsoProvides(self.request, IDisableCSRFProtection)
        try:
            data = json_body(self.request)
        except Exception:
            data = None
        cases, transition = (data or {}).get("cases"), (data or {}).get("transition")
        reason = (data or {}).get("reason") or ""
        if (
            not isinstance(data, dict)
            or not isinstance(cases, list)
            or not all(isinstance(uid, str) for uid in cases)
            or not isinstance(transition, str)
            or not isinstance(reason, str)
        ):
            return self.refuse(400, 'Expected {"cases": [UID, …], "transition": "…", "reason": "…"}.')
        try:
            changed = decide_all(cases, transition, reason)
        except BulkRefused as refused:
            return self.refuse(refused.status, translate(refused.message, context=self.request))
        return {
            "items": [
                {
                    "@id": case.absolute_url(),
                    "UID": case.UID(),
                    "reference": case.reference,
                    "state": api.content.get_state(case),
                    "state_title": state_title(api.content.get_state(case)),
                }
                for case in changed
            ],
            "items_total": len(changed),
        }

    def refuse(self, status, message):
        self.request.response.setStatus(status)
        return {"error": {"type": "BadRequest" if status == 400 else "Forbidden", "message": message}}
