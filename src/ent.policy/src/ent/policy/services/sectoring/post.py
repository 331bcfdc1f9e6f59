"""POST /@sectoring-import[?dry_run=1]: import the official sectoring file (County admins).

The file is the body (Content-Type: text/csv) or the field `file` of a multipart form. The
answer is the import's report (ent.policy.sectoring.importer); a refused file answers 400
with the report and its reason in `error`, and changes nothing.
"""

from ent.policy.sectoring.importer import import_sectoring
from plone.protect.interfaces import IDisableCSRFProtection
from plone.restapi.services import Service
from zope.interface import alsoProvides


TRUE_WORDS = {"1", "true", "yes", "on"}


class SectoringImportPost(Service):
    def uploaded(self):
        """(bytes, file name) of the multipart field `file`, else of the body."""
        upload = self.request.form.get("file")
        if upload is not None and hasattr(upload, "read"):
            upload.seek(0)
            return upload.read(), getattr(upload, "filename", "") or ""
        return self.request.get("BODY") or b"", self.request.form.get("filename", "")

    def reply(self):
        alsoProvides(self.request, IDisableCSRFProtection)
        data, filename = self.uploaded()
        dry_run = str(self.request.form.get("dry_run", "")).lower() in TRUE_WORDS
        report = import_sectoring(data, filename or "upload.csv", dry_run=dry_run, portal=self.context)
        answer = report.as_dict()
        if not report.ok:
            self.request.response.setStatus(400)
            answer["error"] = {"type": "ImportFileError", "message": report.refused}
        return answer
