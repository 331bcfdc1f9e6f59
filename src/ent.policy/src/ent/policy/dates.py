"""Dates as the ENT shows them: in the site's time zone (Europe/Paris), in French formats.

Plone stores instants in several shapes (`DateTime` in the catalog and for publication
dates, time-zone aware `datetime` for events, epoch seconds in our notification jobs, ISO
strings in REST); `local` turns any of them into the same instant in the site's time zone
(the registry's `plone.portal_timezone`, `profiles/default/registry/dates.xml`), so that a
page, a feed, a mail and a REST summary say the same time. The French formats are plain
Python, not Plone's translated `date_format_long`: mails are written by the notification
worker, outside any request whose language Plone's formatter would need.
"""

from DateTime import DateTime
from plone import api
from zope.interface.interfaces import ComponentLookupError

import datetime
import pytz


#: The time zone of a site whose registry says nothing (outside a site: the worker's tests).
DEFAULT_ZONE = "Europe/Paris"
#: Plone's publication date of an item never published (`FLOOR_DATE`, 1970): not a date.
UNSET_BEFORE = datetime.datetime(1970, 1, 2, tzinfo=pytz.utc)


def site_zone():
    """The site's time zone (a pytz zone, as plone.app.event localises with)."""
    try:
        name = api.portal.get_registry_record("plone.portal_timezone", default=None)
    except (api.exc.CannotGetPortalError, ComponentLookupError, KeyError):
        name = None
    try:
        return pytz.timezone(name or DEFAULT_ZONE)
    except pytz.UnknownTimeZoneError:
        return pytz.timezone(DEFAULT_ZONE)


def local(value, zone=None):
    """`value` (datetime, date, DateTime, epoch seconds or ISO 8601 string) as an aware
    datetime of the site's time zone; None for nothing. A naive datetime or string counts as
    UTC, as plone.restapi reads it; a date is the site's midnight of that day."""
    if value is None or value == "":
        return None
    if isinstance(value, DateTime):
        # Not `asdatetime()`: for a DateTime in a named zone it gives pytz's unlocalised zone,
        # the local mean time of 1891 (Paris: 9 minutes off).
        value = datetime.datetime.fromtimestamp(value.micros() / 1e6, pytz.utc)
    elif isinstance(value, (int, float)):
        value = datetime.datetime.fromtimestamp(value, pytz.utc)
    elif isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    zone = zone or site_zone()
    if type(value) is datetime.date:
        # A day is the site's day: its midnight there.
        return wall_clock(value, 0, zone=zone)
    if value.tzinfo is None:
        value = pytz.utc.localize(value)
    return zone.normalize(value.astimezone(zone))


def wall_clock(day, hour, minute=0, zone=None):
    """The instant `day` at `hour`:`minute` on the site's clocks, stored as plone.app.event's
    add form stores an event's start and end (the site's pytz zone, `localize`)."""
    zone = zone or site_zone()
    return zone.localize(datetime.datetime(day.year, day.month, day.day, hour, minute))


def is_set(value) -> bool:
    """Whether `value` is a date at all (not None, not Plone's floor for "never published")."""
    moment = local(value, pytz.utc)
    return moment is not None and moment >= UNSET_BEFORE


def french_date(value) -> str:
    """`29/11/2026` in the site's time zone; "" for no date."""
    moment = local(value) if is_set(value) else None
    return moment.strftime("%d/%m/%Y") if moment else ""


def french_datetime(value) -> str:
    """`29/11/2026 à 17:05` in the site's time zone; "" for no date."""
    moment = local(value) if is_set(value) else None
    return moment.strftime("%d/%m/%Y à %H:%M") if moment else ""


def local_iso(value) -> str | None:
    """ISO 8601 with the site's offset (`2026-11-29T17:05:00+01:00`), for REST summaries."""
    moment = local(value) if is_set(value) else None
    return moment.isoformat() if moment else None


#: French month names (dates written out: "1er février 2027").
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def french_day(value) -> str:
    """`1er février 2027`, `31 mars 2027`: a day written out (a `date` is taken as it is,
    other shapes in the site's time zone); "" for no date."""
    if value is None or value == "":
        return ""
    if type(value) is not datetime.date:
        if not is_set(value):
            return ""
        value = local(value).date()
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {MONTHS[value.month - 1]} {value.year}"
