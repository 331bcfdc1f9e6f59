"""GET /@schools?commune=…&q=…: the schools directory as JSON."""

from ent.policy.schools.directory import find_schools
from plone.restapi.services import Service


class SchoolsGet(Service):
    def reply(self):
        items = find_schools(commune=self.request.form.get("commune"), q=self.request.form.get("q"))
        return {
            "@id": f"{self.context.absolute_url()}/@schools",
            "items": items,
            "items_total": len(items),
        }
