"""The Announcement: an urgent message shown as a banner during its time window.

Its window (`start`, `end`) is also its publication window (effective and expiration
dates), so the catalog stops returning it at its end time without anyone acting; the
banner (`browser.alerts`) shows the published announcements of the site whose window is
open, to their audience (`ent.policy.audience`).
"""

from DateTime import DateTime
from ent.policy import _
from plone.app.textfield import RichText
from plone.dexterity.content import Item
from plone.supermodel import model
from zope import schema
from zope.interface import implementer
from zope.interface import Invalid
from zope.interface import invariant

import datetime
import pytz


SEVERITIES = ("info", "warning", "danger")


class EndBeforeStart(Invalid):
    __doc__ = "The end of an announcement must come after its start."


class IAnnouncement(model.Schema):
    """An urgent message for the audience of a site, between two times."""

    start = schema.Datetime(title=_("Début de l'affichage"), required=True)
    end = schema.Datetime(title=_("Fin de l'affichage"), required=True)
    severity = schema.Choice(
        title=_("Importance"),
        values=SEVERITIES,
        default="warning",
        required=True,
    )
    text = RichText(title=_("Texte"), required=False)

    @invariant
    def end_after_start(data):
        start = aware(getattr(data, "start", None))
        end = aware(getattr(data, "end", None))
        if start is not None and end is not None and end <= start:
            raise EndBeforeStart(
                f"La fin de l'annonce ({end.isoformat()}) doit suivre son début ({start.isoformat()})."
            )


@implementer(IAnnouncement)
class Announcement(Item):
    """An urgent message (see the module)."""


def aware(value):
    """A datetime with a time zone: naive values (from forms) are in the server's zone."""
    if value is None or not isinstance(value, datetime.datetime):
        return value
    if value.tzinfo is None:
        return pytz.timezone(local_zone()).localize(value)
    return value


def local_zone() -> str:
    """The portal's time zone (Plone's date settings), UTC without one."""
    from plone.app.event.base import default_timezone

    return default_timezone() or "UTC"


def sync_window(obj, event=None):
    """The announcement's window is its publication window."""
    obj.start = aware(obj.start)
    obj.end = aware(obj.end)
    obj.effective_date = DateTime(obj.start) if obj.start else None
    obj.expiration_date = DateTime(obj.end) if obj.end else None
