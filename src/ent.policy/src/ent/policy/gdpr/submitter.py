"""Who sent a form: the id of the logged-in person, kept with the row a form saves.

collective.easyform's "save data" action keeps the fields it is given and, as `ExtraData`,
attributes of the request: our registration forms ask for `ent_submitter`, which this
subscriber sets for every logged-in POST after authentication, in `request.other` (which
wins over any form field of that name: nobody can claim another's id). A person's export
and erasure (`gdpr.person.form_rows`) find their rows by it; the e-mail a person may type
freely only for rows saved before it existed.
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
