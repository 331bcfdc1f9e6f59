"""GET /@gdpr-export[?user=ID]: the ZIP of a person's data (ent.policy.gdpr.export).

Without `user`, the caller's own data; another person's for site administrators only:
anyone else gets 403 with one line, whether that person exists or not."""

from ent.policy.gdpr.export import export_person
from ent.policy.gdpr.export import ExportRefused
from plone import api
from plone.restapi.services import Service

import json


class GdprExportGet(Service):
    def render(self):
        userid = self.request.form.get("user") or api.user.get_current().getId()
        try:
            export = export_person(userid if isinstance(userid, str) else "")
        except ExportRefused as refused:
            self.request.response.setStatus(403)
            self.request.response.setHeader("Content-Type", "application/json")
            return json.dumps({"error": {"type": "Forbidden", "message": str(refused)}})
        return export.response_body(self.request.response)
