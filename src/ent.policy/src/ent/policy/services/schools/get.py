"""GET /@schools?commune=…&q=…&b_start=…&b_size=…: the schools finder as JSON, batched
(services/batching.py)."""

from ent.policy.schools.finder import matching_schools
from ent.policy.schools.finder import school_entry
from ent.policy.services.batching import batched
from plone.restapi.services import Service


class SchoolsGet(Service):
    def reply(self):
        form = self.request.form
        schools = matching_schools(commune=form.get("commune"), q=form.get("q"))
        return batched(self.request, schools, school_entry)
