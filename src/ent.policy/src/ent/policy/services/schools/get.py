"""GET /@schools?commune=…&q=…&b_start=…&b_size=…: the schools directory as JSON.

Batched as plone.restapi's @search: `items_total`, and `batching` links when there is more
than one batch. A `b_start` or `b_size` that is not a number is a 400 (plone.restapi's), and
so is a negative one, as for @my-feed (plone.batching would answer a wrong batch or a 500).
"""

from ent.policy.schools.directory import matching_schools
from ent.policy.schools.directory import school_entry
from plone.restapi.batching import DEFAULT_BATCH_SIZE
from plone.restapi.batching import HypermediaBatch
from plone.restapi.deserializer import parse_int
from plone.restapi.services import Service
from zExceptions import BadRequest


class SchoolsGet(Service):
    def reply(self):
        form = self.request.form
        if parse_int(form, "b_size", DEFAULT_BATCH_SIZE) < 1 or parse_int(form, "b_start", 0) < 0:
            raise BadRequest("b_size must be positive and b_start not negative")
        batch = HypermediaBatch(self.request, matching_schools(commune=form.get("commune"), q=form.get("q")))
        result = {
            "@id": batch.canonical_url,
            "items": [school_entry(brain) for brain in batch],
            "items_total": batch.items_total,
        }
        links = batch.links
        if links:
            result["batching"] = links
        return result
