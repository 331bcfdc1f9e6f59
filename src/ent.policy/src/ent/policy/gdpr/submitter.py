"""Who sent a form's row: the id of the logged-in person, kept beside the rows a form saves.

`record_submitter` sets it for every logged-in POST after authentication, in
`request.other` (which wins over any form field of that name: nobody can claim another's
id); an anonymous POST gets "" there, so a posted `ent_submitter` field is never read.

collective.easyform's "save data" action keeps in a row only the form's fields and the
`ExtraData` names its saved-data screen knows (asking it for `ent_submitter` made that
screen, and its download, answer 503). So the sender is kept in storage of our own that
easyform's screens never read: an annotation of the form (`SENDERS`), an OOBTree
(action name, row key) -> user id. `install()` wraps `SaveData.addDataRow`, the one place
a row gets its key, so the record is written with the row, in the same transaction (a
ZODB conflict retries both together); a row saved anonymously, or by code outside a
request, records nothing, and clears a record its key may have had. Removing rows through
easyform (`delDataRow`, "clear all") removes their records; the erasure calls `forget`.

A person's export and erasure (`gdpr.person.form_rows`) match a row that has a record by
that record alone; a row saved before the records existed, by the e-mail it holds.
"""

from AccessControl import getSecurityManager
from BTrees.OOBTree import OOBTree
from collective.easyform.actions import SaveData
from collective.easyform.api import get_context
from zope.annotation.interfaces import IAnnotations
from zope.component import adapter
from zope.globalrequest import getRequest
from ZPublisher.interfaces import IPubAfterTraversal

import functools


KEY = "ent_submitter"
#: The form's annotation: (action name, row key) -> the sender's user id.
SENDERS = "ent.policy.gdpr.senders"


@adapter(IPubAfterTraversal)
def record_submitter(event):
    request = event.request
    if request.get("REQUEST_METHOD", "GET") != "POST":
        return
    # The security manager, not plone.api: a POST outside a Plone site (the Zope root's
    # management screens, adding a site) has no portal to ask.
    user = getSecurityManager().getUser()
    request.other[KEY] = (user.getId() if user is not None else None) or ""


def current_submitter():
    """The id `record_submitter` set for this request, or "" (anonymous, no request, a
    GET). Only `request.other`: never a posted field."""
    request = getRequest()
    other = getattr(request, "other", None)
    return (other or {}).get(KEY) or ""


def senders(form, create=False):
    """The form's records (an OOBTree), or None when it has none and `create` is false."""
    annotations = IAnnotations(form)
    records = annotations.get(SENDERS)
    if records is None and create:
        records = annotations[SENDERS] = OOBTree()
    return records


def sender(form, name, key):
    """The recorded sender of row `key` of action `name`, or None (a row saved before the
    records existed, or anonymously)."""
    records = senders(form)
    return None if records is None else records.get((name, key))


def record(form, name, key, userid):
    """Record `userid` as the sender of the row; an empty id clears any record of that key."""
    if userid:
        records = senders(form, create=True)
        if records.get((name, key)) != userid:
            records[(name, key)] = userid
    else:
        forget(form, name, key)


def forget(form, name, key=None):
    """Remove the record of one row, or of every row of action `name` (`key` None)."""
    records = senders(form)
    if not records:
        return
    if key is not None:
        if (name, key) in records:
            del records[(name, key)]
        return
    # Keys sort by name first: the action's rows follow (name,), which sorts before them.
    mine = []
    for found in records.keys(min=(name,)):
        if found[0] != name:
            break
        mine.append(found)
    for found in mine:
        del records[found]


def _add_data_row(original):
    @functools.wraps(original)
    def addDataRow(self, value):
        original(self, value)
        # easyform gives the row its key in `value["id"]` as it stores it.
        record(get_context(self), self.__name__, value["id"], current_submitter())

    return addDataRow


def _del_data_row(original):
    @functools.wraps(original)
    def delDataRow(self, key):
        original(self, key)
        forget(get_context(self), self.__name__, key)

    return delDataRow


def _clear_saved_form_input(original):
    @functools.wraps(original)
    def clearSavedFormInput(self):
        original(self)
        forget(get_context(self), self.__name__)

    return clearSavedFormInput


def install():
    """Wrap SaveData's row methods (once, at import of ent.policy.gdpr)."""
    if getattr(SaveData, "_ent_senders", False):
        return
    SaveData.addDataRow = _add_data_row(SaveData.addDataRow)
    SaveData.delDataRow = _del_data_row(SaveData.delDataRow)
    SaveData.clearSavedFormInput = _clear_saved_form_input(SaveData.clearSavedFormInput)
    SaveData._ent_senders = True
