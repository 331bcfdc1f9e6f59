"""POST /@gdpr-purge (`{"dry_run": true, "retention_days": N}`): anonymise the people the
directory deactivated longer ago than the retention delay (ent.policy.gdpr.erasure.purge).

Manager and Site Administrator only. A negative or malformed delay: 400 with one line,
nothing read or written. The answer is the purge's report."""

from ent.policy.gdpr.erasure import purge
from ent.policy.gdpr.erasure import RetentionRefused
from ent.policy.services.jsonbody import json_object
from plone.protect.interfaces import IDisableCSRFProtection
from plone.restapi.services import Service
from zope.interface import alsoProvides

import ldap


TRUE_WORDS = {"1", "true", "yes", "on"}


class GdprPurgePost(Service):
    def reply(self):
        alsoProvides(self.request, IDisableCSRFProtection)
        # JSON only, never form fields: a form of another site cannot send it (jsonbody).
        data = json_object(self.request)
        dry_run = data.get("dry_run", False)
        if not isinstance(dry_run, bool):
            dry_run = str(dry_run).lower() in TRUE_WORDS
        retention = data.get("retention_days")
        try:
            return purge(self.context, dry_run=dry_run, retention=retention)
        except RetentionRefused as refused:
            self.request.response.setStatus(400)
            return {"error": {"type": "BadRequest", "message": str(refused)}}
        except ldap.LDAPError as error:
            self.request.response.setStatus(503)
            return {"error": {"type": "DirectoryUnavailable", "message": f"Annuaire indisponible : {error}"}}
