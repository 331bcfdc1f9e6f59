"""Dates in the site's time zone (Europe/Paris) and French formats (ent.policy.dates): on
Mon ENT, in @my-feed and in the mails, whatever zone the instant was stored in."""

from DateTime import DateTime
from ent.policy import dates
from ent.policy.notifications.messages import describe
from ent.policy.notifications.messages import digest_message
from plone import api
from types import SimpleNamespace

import datetime
import pytest
import re


UTC = datetime.UTC
WINTER_NOON = datetime.datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
SUMMER_NOON = datetime.datetime(2026, 7, 15, 12, 0, tzinfo=UTC)
WINTER_LATE = datetime.datetime(2026, 1, 15, 23, 30, tzinfo=UTC)  # 00:30 the next day in Paris
SUMMER_LATE = datetime.datetime(2026, 7, 15, 22, 30, tzinfo=UTC)  # 00:30 the next day in Paris


@pytest.mark.parametrize(
    "moment, date, date_time, iso",
    [
        (WINTER_NOON, "15/01/2026", "15/01/2026 à 13:00", "2026-01-15T13:00:00+01:00"),
        (SUMMER_NOON, "15/07/2026", "15/07/2026 à 14:00", "2026-07-15T14:00:00+02:00"),
        (WINTER_LATE, "16/01/2026", "16/01/2026 à 00:30", "2026-01-16T00:30:00+01:00"),
        (SUMMER_LATE, "16/07/2026", "16/07/2026 à 00:30", "2026-07-16T00:30:00+02:00"),
    ],
)
def test_french_formats_in_paris_time(moment, date, date_time, iso):
    # The same instant in every shape Plone stores one: aware datetime, DateTime (catalog),
    # epoch seconds (notification jobs), ISO string (REST), naive UTC.
    for shape in (
        moment,
        DateTime(moment),
        DateTime(moment.timestamp(), "Europe/Paris"),  # a named zone (the server's own)
        moment.timestamp(),
        moment.isoformat(),
        moment.replace(tzinfo=None),
        moment.astimezone(datetime.timezone(datetime.timedelta(hours=-5))),
    ):
        assert dates.french_date(shape) == date, shape
        assert dates.french_datetime(shape) == date_time, shape
        assert dates.local_iso(shape) == iso, shape


def test_no_date_is_no_text():
    # Plone's "never published" floor must not show as 31/12/1969.
    for nothing in (None, "", DateTime("1969/12/31 00:00 GMT+0"), DateTime(0)):
        assert dates.french_datetime(nothing) == ""
        assert dates.french_date(nothing) == ""
        assert dates.local_iso(nothing) is None


def test_a_day_is_the_sites_day():
    assert dates.french_date(datetime.date(2026, 3, 29)) == "29/03/2026"


def test_wall_clock_is_stored_as_plone_app_event_stores_it():
    start = dates.wall_clock(datetime.date(2026, 3, 29), 9)  # the day clocks go forward
    assert start.tzinfo.zone == "Europe/Paris"
    assert start.isoformat() == "2026-03-29T09:00:00+02:00"
    # pytz zones have `localize`, which plone.app.event calls (datetime.timezone has not).
    assert start.tzinfo.localize(datetime.datetime(2026, 1, 1)).utcoffset() == datetime.timedelta(hours=1)


def test_the_site_is_set_to_paris(portal):
    assert api.portal.get_registry_record("plone.portal_timezone") == "Europe/Paris"
    assert api.portal.get_registry_record("plone.available_timezones") == ["Europe/Paris"]
    assert api.portal.get_registry_record("plone.first_weekday") == 0  # Monday
    assert dates.site_zone().zone == "Europe/Paris"


def test_plone_pages_write_french_dates_whatever_the_browser_language(portal):
    """The events portlet and the agenda format through plone.app.event's ulocalized_time and its
    plonelocales catalogue: a browser that prefers English still reads French dates on this
    French-only site (ent.policy.language), not "Dec 13, 2026 09:00 AM"."""
    from ent.policy.interfaces import IEntPolicyLayer
    from plone.app.event.base import ulocalized_time
    from zope.interface import alsoProvides

    request = portal.REQUEST
    request.environ["HTTP_ACCEPT_LANGUAGE"] = "en-US,en;q=0.9"
    alsoProvides(request, IEntPolicyLayer)
    moment = DateTime("2026/12/13 09:00:00 Europe/Paris")
    assert ulocalized_time(moment, long_format=False, context=portal, request=request) == "13/12/2026"
    assert ulocalized_time(moment, long_format=True, context=portal, request=request) == "13/12/2026 09:00"
    assert ulocalized_time(moment, time_only=True, context=portal, request=request) == "09:00"


def test_mails_say_paris_time():
    entry = {
        "title": "Sortie",
        "portal_type": "News Item",
        "url": "http://x/sortie",
        "published_at": SUMMER_LATE.timestamp(),
    }
    assert "Actualité, publiée le 16/07/2026 à 00:30" in describe(entry)
    person = SimpleNamespace(id="p", fullname="Paul", email="p@example.org")
    message = digest_message([entry], person, "ent@example.org", "http://x", day=datetime.date(2026, 7, 16))
    assert message["Subject"] == "ENT : 1 nouvelle publication (16/07/2026)"
    assert re.search(r"[+-]0[12]00$", message["Date"])  # the site's clock, winter or summer


def test_mon_ent_and_my_feed_dates(demo):
    """The demo's entries carry their publication dates (not 31/12/1969), in Paris time."""
    session = demo.session("0310001h.parent")
    page = session.get(f"{demo.url}/@@mon-ent", timeout=60)
    assert page.status_code == 200
    # A date of 1969 as Plone or the ENT would write it (not four digits inside a UID or an
    # image scale's hash, which a demo built anew may contain).
    dated_1969 = re.search(r"\d\d/\d\d/1969|1969-\d\d-\d\d|\b\w+ 1969\b", page.text)
    assert dated_1969 is None, page.text[dated_1969.start() - 200 : dated_1969.end() + 50]
    shown = re.findall(r'ent-feed-date">([^<]*)<', page.text)
    assert shown and all(re.fullmatch(r"\d\d/\d\d/20\d\d à \d\d:\d\d", text) for text in shown), shown
    feed = session.get(f"{demo.url}/@my-feed", headers={"Accept": "application/json"}, timeout=60).json()
    offsets = {item["effective"][-6:] for item in feed["items"]}
    assert offsets and offsets <= {"+01:00", "+02:00"}, offsets
