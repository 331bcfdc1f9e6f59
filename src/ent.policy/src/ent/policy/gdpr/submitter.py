"""Who sent a form: the id of the logged-in person, kept with the row a form saves.

Set for every logged-in POST after authentication, in `request.other` (which wins over any
form field of that name: nobody can claim another's id). A person's export and erasure
(`gdpr.person.form_rows`) find a row that carries it by it, and only then by the e-mail the
row holds. Not stored yet: collective.easyform's "save data" keeps, besides the fields, only
the `ExtraData` names its saved-data screen knows (asking it for `ent_submitter` broke that
screen), so today's rows are still matched by their e-mail (docs/gdpr.md, "Limits").
"""

from plone import api
from zope.component import adapter
from ZPublisher.interfaces import IPubAfterTraversal


KEY = "ent_submitter"


@adapter(IPubAfterTraversal)
def record_submitter(event):
    request = event.request
    if request.get("REQUEST_METHOD", "GET") != "POST":
        return
    user = api.user.get_current()
    request.other[KEY] = "" if user is None or api.user.is_anonymous() else user.getId()
