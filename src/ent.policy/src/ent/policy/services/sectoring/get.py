"""GET /@sectoring?insee=&street=&number=: the collège serving an address, for anyone.

Answers `{"school": {...}, "reason": ...}` when one collège serves the address, else
`{"candidates": [{...}], "reason": ..., "contact": {...}}` (reasons: ent.policy.sectoring.
index.SectoringIndex.lookup). A house number that is not one ("douze", "-3") is a 400 with a
French message. `@sectoring-communes?q=` and `@sectoring-streets?insee=&q=` complete what a
person types: JSON lists of at most 10.
"""

from ent.policy.i18n import _
from ent.policy.sectoring.index import get_index
from ent.policy.sectoring.index import SectoringIndex
from ent.policy.sectoring.normalize import house_number
from ent.policy.sectoring.schools import county_contact
from ent.policy.sectoring.schools import school_summary
from plone.restapi.services import Service
from zope.i18n import translate


LIMIT = 10


def param(form, name):
    """The parameter `name` as typed: a string (a repeated parameter is not one), bounded."""
    value = form.get(name, "")
    return value[:200] if isinstance(value, str) else ""


def current_index(context):
    """The portal's index, or an empty one before the first import (every commune unknown)."""
    index = get_index(context)
    return index if index is not None else SectoringIndex().finish()


class SectoringGet(Service):
    def reply(self):
        form = self.request.form
        try:
            number = house_number(param(form, "number"))
        except ValueError:
            self.request.response.setStatus(400)
            message = _(
                "error_sectoring_number",
                default="“${number}” is not a house number: write digits, such as 12 or 12 bis.",
                mapping={"number": param(form, "number")[:40]},
            )
            return {"error": {"type": "BadRequest", "message": translate(message, context=self.request)}}
        answer = current_index(self.context).lookup(param(form, "insee"), param(form, "street"), number)
        school = school_summary(answer.uai) if answer.uai else None
        if school is not None:
            return {"school": school, "reason": answer.reason}
        candidates = [summary for summary in map(school_summary, answer.candidates) if summary is not None]
        return {"candidates": candidates, "reason": answer.reason, "contact": county_contact()}


class CommunesGet(Service):
    def reply(self):
        return current_index(self.context).find_communes(param(self.request.form, "q"), limit=LIMIT)


class StreetsGet(Service):
    def reply(self):
        form = self.request.form
        return current_index(self.context).find_streets(param(form, "insee"), param(form, "q"), limit=LIMIT)
