"""POST /@cases-purge (`{"dry_run": true}`): delete the closed cases past their retention.

Manager and Site Administrator only. The answer is the report of ent.policy.cases.purge.
"""

from ent.policy.cases.purge import purge
from ent.policy.services.jsonbody import json_object
from plone.protect.interfaces import IDisableCSRFProtection
from plone.restapi.services import Service
from zope.interface import alsoProvides


TRUE_WORDS = {"1", "true", "yes", "on"}


class CasesPurgePost(Service):
    def reply(self):
        alsoProvides(self.request, IDisableCSRFProtection)
        # JSON only, never form fields: a form of another site cannot send it (jsonbody).
        data = json_object(self.request)
        dry_run = data.get("dry_run", False)
        if not isinstance(dry_run, bool):
            dry_run = str(dry_run).lower() in TRUE_WORDS
        return purge(self.context, dry_run=dry_run)
