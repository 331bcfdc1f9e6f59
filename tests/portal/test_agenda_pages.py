"""The agendas of the served demo: the County's on /culture-loisirs (by date, by category,
without JavaScript), a school's with the County's broadcasts to it, and their iCal feeds, as
anonymous visitors, parents of two schools and a County editor see them."""

from lxml import html

import icalendar


SCHOOL = "colleges/0310001h/agenda"
OTHER_SCHOOL = "colleges/0310003k/agenda"
FESTIVAL = "Festival des collégiens"
FORUM = "Forum des métiers"
SPORTS = "Rencontres sportives des collèges"
# A County event for the parents of 0310001H only.
WORKSHOP = "Atelier parents : les écrans et le sommeil"
OPEN_DAY = "Portes ouvertes"
CROSS = "Cross du collège"
#: The demo's events of this file (other parts of the demo add their own).
KNOWN = {FESTIVAL, FORUM, SPORTS, WORKSHOP, OPEN_DAY, CROSS}


def agenda(demo, path, login=None, **params):
    """(upcoming titles, past titles, tree) of an agenda page."""
    page = demo.session(login).get(f"{demo.url}/{path}", params=params, timeout=120)
    assert page.status_code == 200
    tree = html.fromstring(page.content)

    def titles(section):
        found = [a.text_content().strip() for a in tree.cssselect(f".{section} .ent-agenda-event h3 a")]
        return [title for title in found if title in KNOWN]

    return titles("ent-agenda-upcoming"), titles("ent-agenda-past"), tree


def feed(session, url):
    answer = session.get(url, timeout=120)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("text/calendar")
    return {str(event["summary"]) for event in icalendar.Calendar.from_ical(answer.content).walk("VEVENT")} & KNOWN


def test_county_agenda_by_date_and_category(demo):
    upcoming, past, tree = agenda(demo, "culture-loisirs")
    assert upcoming == [SPORTS, FESTIVAL] and past == [FORUM]
    # The filter is a link: no script needed, the choice stays in the URL.
    [link] = tree.xpath("//nav[contains(@class, 'ent-agenda-filter')]//a[normalize-space()='Sport']/@href")
    assert link.endswith("?category=sport")
    upcoming, past, tree = agenda(demo, "culture-loisirs", category="sport")
    assert (upcoming, past) == ([SPORTS], [])
    assert [a.text_content().strip() for a in tree.xpath("//a[@aria-current='page']")] == ["Sport"]
    # The County's editor also sees the event meant for one school's parents.
    upcoming, _past, _tree = agenda(demo, "culture-loisirs", "county.agent")
    assert upcoming == [WORKSHOP, SPORTS, FESTIVAL]


def test_school_agenda_with_the_county_broadcasts(demo):
    upcoming, past, tree = agenda(demo, SCHOOL)
    assert upcoming == [SPORTS, OPEN_DAY] and past == [CROSS]
    broadcast = tree.xpath(
        "//article[.//h3/a[normalize-space()=$t]]//*[contains(@class, 'ent-agenda-broadcast')]", t=SPORTS
    )
    assert broadcast and broadcast[0].text_content().strip() == "Du Département"
    upcoming, _past, _tree = agenda(demo, SCHOOL, "0310001h.parent")
    assert upcoming == [WORKSHOP, SPORTS, OPEN_DAY]
    # The other school's parent: the broadcast to both schools, never the one to 0310001H's parents.
    upcoming, _past, _tree = agenda(demo, OTHER_SCHOOL, "0310003k.parent")
    assert upcoming == [SPORTS, OPEN_DAY]
    upcoming, _past, _tree = agenda(demo, SCHOOL, "0310003k.parent")
    assert WORKSHOP not in upcoming


def test_ical_feeds_public_and_personal(demo):
    _upcoming, _past, tree = agenda(demo, SCHOOL)
    webcal = tree.cssselect("a.ent-agenda-webcal")[0].get("href")
    download = tree.cssselect("a.ent-agenda-ics")[0].get("href")
    assert webcal == "webcal://" + download.split("://", 1)[1]
    calendar_app = demo.session(None)  # subscribes without a cookie
    assert feed(calendar_app, download) == {SPORTS, OPEN_DAY, CROSS}
    assert feed(calendar_app, f"{demo.url}/culture-loisirs/agenda.ics") == {SPORTS, FESTIVAL, FORUM}
    # A parent's personal address, fetched without their cookie, holds what is meant for them.
    _upcoming, _past, tree = agenda(demo, SCHOOL, "0310001h.parent")
    personal = tree.cssselect("input.ent-agenda-personal-url")[0].get("value")
    assert "token=" in personal
    assert feed(calendar_app, personal) == {WORKSHOP, SPORTS, OPEN_DAY, CROSS}
    # Altered, it gives nothing at all.
    altered = personal[:-1] + ("1" if personal.endswith("0") else "0")
    assert calendar_app.get(altered, timeout=120).status_code == 404
