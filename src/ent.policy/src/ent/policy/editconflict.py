"""Concurrent editors: a save that would silently overwrite someone else's is refused and told.

Plone locks an item while its edit form is open (plone.locking), but the lock lasts ten
minutes and anyone may lift it ("Déverrouiller"): a person who opened the form, then saves
after someone else saved, replaced the other person's changes without a word. The edit form
now carries the item's modification time as it was when the form was opened (`FIELD`, a
hidden input joined to the form by its `form` attribute); a save whose time no longer matches
is not applied: the form comes back with the person's changes still in it and a message
saying why. Saving again then replaces the other version knowingly. A ZODB conflict between
two saves at the same instant ends the same way: Zope retries the request, which then finds
the other save's time.
"""

from Acquisition import aq_inner
from ent.policy.i18n import _
from html import escape
from plone.app.layout.viewlets.common import ViewletBase
from plone.dexterity.interfaces import IDexterityEditForm
from Products.statusmessages.interfaces import IStatusMessage
from zope.component import adapter
from ZPublisher.interfaces import IPubAfterTraversal


FIELD = "ent_edit_modified"
SAVE = "form.buttons.save"


def stamp(context) -> str:
    """The item's modification time, to the microsecond, as the form carries it."""
    modified = context.modified() if hasattr(context, "modified") else None
    return str(modified.micros()) if modified else ""


class EditStampViewlet(ViewletBase):
    """The hidden input of the edit form (id `form`): the time of the version being edited,
    or, when the form comes back after a save, the one it was sent with."""

    def render(self):
        value = self.request.form.get(FIELD) or stamp(aq_inner(self.context))
        return f'<input type="hidden" form="form" name="{FIELD}" value="{escape(str(value))}" />'


@adapter(IPubAfterTraversal)
def refuse_stale_save(event):
    request = event.request
    form = request.form
    if request.get("REQUEST_METHOD") != "POST" or SAVE not in form or not form.get(FIELD):
        return
    published = request.get("PUBLISHED")
    if not IDexterityEditForm.providedBy(published):
        return
    context = aq_inner(published.context)
    current = stamp(context)
    if form[FIELD] == current:
        return
    # No button pressed: the form shows again, with what the person typed, nothing saved.
    del form[SAVE]
    form[FIELD] = current
    IStatusMessage(request).add(
        _(
            "edit_conflict_refused",
            default="Someone else saved this item at ${time}, after you opened this form: your changes "
            "were NOT saved. They are still in the form below: compare them with the current version "
            "(open it in another tab), then save again to replace it.",
            mapping={"time": context.modified().strftime("%H:%M:%S")},
        ),
        type="error",
    )
