"""POST /@schools-import[?dry_run=true]: import the official list of schools.

The body is the CSV file itself (Content-Type: text/csv). The answer is the import report;
a file that cannot be imported as a whole gives 400 with its message and changes nothing.
"""

from ent.policy.csvfiles import ImportFileError
from ent.policy.schools.importer import import_schools
from ent.policy.structure import schools_folder
from plone.protect.interfaces import IDisableCSRFProtection
from plone.restapi.services import Service
from zope.interface import alsoProvides


TRUE_WORDS = {"1", "true", "yes", "on"}


class SchoolsImportPost(Service):
    def reply(self):
        alsoProvides(self.request, IDisableCSRFProtection)
        data = self.request.get("BODY") or b""
        dry_run = str(self.request.form.get("dry_run", "")).lower() in TRUE_WORDS
        try:
            report = import_schools(schools_folder(self.context), data, dry_run=dry_run)
        except ImportFileError as error:
            self.request.response.setStatus(400)
            return {"error": {"type": "ImportFileError", "message": str(error)}}
        return report.as_dict()
